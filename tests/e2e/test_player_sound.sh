#!/bin/sh
# test_player_sound.sh — announcements in a sound zone at fixed times ("at", "every") on the simulated clock: exact starts in the journal, two due at the same second both play (the second from the end of the first), posters stay on screen, preview and journal agree.
. "$(dirname "$0")/lib.sh"
need ffmpeg sqlite3 jq

D="$T/p"
mkdir -p "$D"
ffmpeg -v error -y -f lavfi -i color=c=red:s=320x180:d=1 -frames:v 1 "$D/red.png"
ffmpeg -v error -y -f lavfi -i color=c=blue:s=320x180:d=1 -frames:v 1 "$D/blue.png"
ffmpeg -v error -y -f lavfi -i sine=frequency=440:duration=5 "$D/ann.wav"
ffmpeg -v error -y -f lavfi -i sine=frequency=660:duration=3 "$D/half.wav"
P="$D/playlist.json"
cat >"$P" <<'JSON'
{"timezone": "+08:00",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100},
           {"id": "voice", "sound": true, "duck": 0.2}],
 "items": [{"id": "red", "zone": "main", "type": "image", "file": "red.png", "duration": 7},
           {"id": "blue", "zone": "main", "type": "image", "file": "blue.png", "duration": 7},
           {"id": "ann", "zone": "voice", "type": "audio", "file": "ann.wav"},
           {"id": "half", "zone": "voice", "type": "audio", "file": "half.wav"}],
 "rules": [{"items": ["ann"], "at": ["09:00", "12:00", "15:00"]},
           {"items": ["half"], "every": 30, "hours": "09:00-18:00"}]}
JSON
expect_rc 0 "$SCREENLIT" lint "$P"

# 1. 08:59:50 to 09:00:20: the announcement starts at 09:00:00 exactly; "half" is due at 09:00 too
# and follows it from 09:00:05, whole (the first rule listed goes first); the posters stay on
# screen; the preview predicts the same.
FROM=2026-11-25T08:59:50+08:00
expect_rc 0 "$PLAYER" --playlist "$P" --output "frames:$T/f" --size 160x90 \
    --clock "sim:$FROM" --run 30 --frames-every 1 --journal "$T/j1.db" \
    --screen-id s1 --state-dir "$T/state"
expect_in "$T/out" "frames with a black zone 0"
at9=$(date -d 2026-11-25T09:00:00+08:00 +%s)000
want="ann $at9 5000 0
half $((at9 + 5000)) 3000 0"
got=$(sqlite3 -separator ' ' "$T/j1.db" "SELECT item, start_ms, duration_ms, outcome FROM plays WHERE zone = 'voice' ORDER BY start_ms")
[ "$got" = "$want" ] && ok || fail "the sound zone's records are '$got', wanted '$want' (its silence is no play)"
"$SCREENLIT" preview "$P" --from "$FROM" --to 2026-11-25T09:00:20+08:00 --json >"$T/preview1.json"
got=$(jq -r '.plays[] | select(.zone == "voice") | "\(.item) \(.start_ms) \(.duration_ms) 0"' "$T/preview1.json")
[ "$got" = "$want" ] && ok || fail "preview predicts '$got', wanted '$want'"
# The frames while they speak (10 s to 18 s into the run) show a poster, not black.
for ms in 10000 11000 12000 13000 14000 15000 16000 17000 18000; do
    f="$T/f/frame-00000$ms.png"
    [ -f "$f" ] || { fail "no frame at $ms ms"; continue; }
    dark=$("$IMGCHECK" dark "$f" 0,0,160,90)
    px=$("$IMGCHECK" pixel "$f" 80,45)
    awk -v d="$dark" 'BEGIN { exit !(d < 0.01) }' && ok || fail "frame at $ms ms is $dark dark"
    case "$px" in
    [EF]?0000 | 0000[EF]?) ok ;; # the red or the blue poster
    *) fail "frame at $ms ms shows $px, not a poster" ;;
    esac
done

# 2. every 30 minutes from 10:00: two plays in the hour 10:00-11:00, at :00 and :30, in the
# preview's table and in the journal, which equals the preview play by play.
FROM=2026-11-25T10:00:00+08:00
TO=2026-11-25T11:00:00+08:00
"$SCREENLIT" preview "$P" --from "$FROM" --to "$TO" >"$T/preview.txt"
awk '$1 == "half" && $2 == "voice" && $4 == 2 { found = 1 } END { exit !found }' "$T/preview.txt" &&
    ok || { fail "preview's plays per item does not count 2 plays of half"; cat "$T/preview.txt" >&2; }
"$SCREENLIT" preview "$P" --from "$FROM" --to "$TO" --json >"$T/preview.json"
expect_rc 0 "$PLAYER" --playlist "$P" --output null --size 160x90 --clock "sim:$FROM" --run 3600 \
    --journal "$T/j2.db" --screen-id s1 --state-dir "$T/state"
at10=$(date -d 2026-11-25T10:00:00+08:00 +%s)000
at1030=$(date -d 2026-11-25T10:30:00+08:00 +%s)000
got=$(sqlite3 "$T/j2.db" "SELECT start_ms FROM plays WHERE item = 'half' ORDER BY start_ms" | tr '\n' ' ')
[ "$got" = "$at10 $at1030 " ] && ok || fail "every 30: journal has starts '$got'"
jq -r '.plays[] | "\(.zone) \(.start_ms) \(.item) \(.duration_ms)"' "$T/preview.json" | sort >"$T/predicted.txt"
sqlite3 "$T/j2.db" "SELECT zone, start_ms, item, duration_ms FROM plays" | tr '|' ' ' | sort >"$T/journal.txt"
cmp -s "$T/predicted.txt" "$T/journal.txt" && ok || { fail "journal differs from the preview"; diff "$T/predicted.txt" "$T/journal.txt" | head >&2; }

# 3. lint refuses bad fixed times and sound zones with an area.
cat >"$D/bad.json" <<'JSON'
{"timezone": "+08:00",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}, {"id": "voice", "sound": true, "w": 10}],
 "items": [{"id": "ann", "zone": "voice", "type": "audio", "file": "ann.wav"},
           {"id": "red", "zone": "voice", "type": "image", "file": "red.png"}],
 "rules": [{"items": ["ann"], "at": ["9 am", "07:00"], "hours": "08:00-17:00"},
           {"items": ["ann"], "every": 0}]}
JSON
expect_rc 1 "$SCREENLIT" lint "$D/bad.json"
cat "$T/out" >>"$T/err"
expect_in "$T/err" 'zones[1].w: error: a sound zone has no area'
expect_in "$T/err" 'items[1].zone: error: "voice" is a sound zone, which plays only audio items'
expect_in "$T/err" 'rules[0].at[0]: error: "9 am" is not a time of day'
expect_in "$T/err" "rules[0].at[1]: error: 07:00 is outside the rule's hours"
expect_in "$T/err" 'rules[1].every: error: 0 is out of range'

finish
