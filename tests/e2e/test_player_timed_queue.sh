#!/bin/sh
# test_player_timed_queue.sh — two announcements due at the same second in one sound zone (an "at" and an "every") both play on the simulated clock, the second from the instant the first ends; the posters stay on screen; the preview predicts the same plays.
. "$(dirname "$0")/lib.sh"
need ffmpeg sqlite3 jq

D="$T/p"
mkdir -p "$D"
ffmpeg -v error -y -f lavfi -i color=c=red:s=320x180:d=1 -frames:v 1 "$D/red.png"
ffmpeg -v error -y -f lavfi -i color=c=blue:s=320x180:d=1 -frames:v 1 "$D/blue.png"
ffmpeg -v error -y -f lavfi -i sine=frequency=440:duration=5 "$D/opening.wav"
ffmpeg -v error -y -f lavfi -i sine=frequency=660:duration=3 "$D/reminder.wav"
P="$D/playlist.json"
cat >"$P" <<'JSON'
{"timezone": "+08:00",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100},
           {"id": "voice", "sound": true, "duck": 0.2}],
 "items": [{"id": "red", "zone": "main", "type": "image", "file": "red.png", "duration": 7},
           {"id": "blue", "zone": "main", "type": "image", "file": "blue.png", "duration": 7},
           {"id": "opening", "zone": "voice", "type": "audio", "file": "opening.wav"},
           {"id": "reminder", "zone": "voice", "type": "audio", "file": "reminder.wav"}],
 "rules": [{"items": ["opening"], "at": ["09:00", "12:00"]},
           {"items": ["reminder"], "every": 30, "hours": "09:00-17:00"}]}
JSON
expect_rc 0 "$SCREENLIT" lint "$P"

# 08:59:50 to 09:00:20 with a frame every second: at 09:00:00 the opening (5 s), then the reminder
# from 09:00:05, both whole, both journaled; the main zone never goes black.
FROM=2026-11-25T08:59:50+08:00
TO=2026-11-25T09:00:20+08:00
expect_rc 0 "$PLAYER" --playlist "$P" --output "frames:$T/f" --size 160x90 \
    --clock "sim:$FROM" --run 30 --frames-every 1 --journal "$T/j.db" --screen-id s1 --state-dir "$T/state"
expect_in "$T/out" "frames with a black zone 0"
ms() { echo "$(date -d "2026-11-25T$1+08:00" +%s)000"; }
want="opening $(ms 09:00:00) 5000
reminder $(ms 09:00:05) 3000"
got=$(sqlite3 -separator ' ' "$T/j.db" "SELECT item, start_ms, duration_ms FROM plays WHERE zone = 'voice' ORDER BY start_ms")
[ "$got" = "$want" ] && ok || fail "the sound zone's plays are '$got', wanted '$want'"
n=$(sqlite3 "$T/j.db" "SELECT COUNT(*) FROM plays WHERE zone = 'voice' AND outcome != 0")
[ "$n" = 0 ] && ok || fail "$n of the announcements were not recorded as played"
for s in 12 14 16 17; do
    f="$T/f/frame-00000${s}000.png"
    [ -f "$f" ] || { fail "no frame at $s s"; continue; }
    px=$("$IMGCHECK" pixel "$f" 80,45)
    case "$px" in
    [EF]?0000 | 0000[EF]?) ok ;; # the red or the blue poster
    *) fail "frame at $s s shows $px, not a poster" ;;
    esac
done

# The preview says the same, play by play (both zones).
"$SCREENLIT" preview "$P" --from "$FROM" --to "$TO" --json >"$T/preview.json"
jq -r '.plays[] | select(.zone == "voice") | "\(.item) \(.start_ms) \(.duration_ms)"' "$T/preview.json" >"$T/predicted.txt"
[ "$(cat "$T/predicted.txt")" = "$want" ] && ok || fail "preview predicts '$(cat "$T/predicted.txt")', wanted '$want'"
jq -r '.plays[] | "\(.zone) \(.start_ms) \(.item) \(.duration_ms)"' "$T/preview.json" | sort >"$T/predicted.txt"
sqlite3 "$T/j.db" "SELECT zone, start_ms, item, duration_ms FROM plays" | tr '|' ' ' | sort >"$T/journal.txt"
cmp -s "$T/predicted.txt" "$T/journal.txt" && ok || { fail "journal differs from the preview"; diff "$T/predicted.txt" "$T/journal.txt" | head >&2; }

finish
