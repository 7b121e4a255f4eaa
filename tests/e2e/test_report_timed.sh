#!/bin/sh
# test_report_timed.sh — plays at fixed times (rules `at`, `every`) in coverage: announcements in a sound zone and a poster at a fixed time are counted like any play, and the sound zone is never the main zone (its plays are not lit time; the posters go on under the announcements).
#
# A player on the simulated clock plays 09:00-10:00 (Asia/Shanghai): posters in the main zone, a
# notice poster at 09:20 exactly, an announcement at 09:00 and 09:50, another every 15 minutes
# from 09:10 and at 09:50 too (queued after the first, both counted). Its journal goes through a
# stick into a real hub (`screenlit records import`); the screen is required daily 09:00-10:00. Checks: the journal holds the fixed times exactly;
# `screenlit preview`, the journal and the coverage report count the same plays per item; the
# report's lit time is the main zone's hour (3600 s: the announcements did not blank it), and the
# screen is lit.
. "$(dirname "$0")/lib.sh"
need ffmpeg sqlite3 jq
export LC_ALL=C.UTF-8

SCREEN=hall-1
DAY=2026-11-25
D="$T/s"
mkdir -p "$D"
ffmpeg -v error -y -f lavfi -i color=c=red:s=320x180:d=1 -frames:v 1 "$D/red.png"
ffmpeg -v error -y -f lavfi -i color=c=blue:s=320x180:d=1 -frames:v 1 "$D/blue.png"
ffmpeg -v error -y -f lavfi -i color=c=green:s=320x180:d=1 -frames:v 1 "$D/notice.png"
ffmpeg -v error -y -f lavfi -i sine=frequency=440:duration=5 "$D/ann.wav"
ffmpeg -v error -y -f lavfi -i sine=frequency=660:duration=3 "$D/half.wav"
cat >"$D/playlist.json" <<'JSON'
{"format": 1, "timezone": "Asia/Shanghai",
 "zones": [{"id": "voice", "sound": true, "duck": 0.2},
           {"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "red", "zone": "main", "type": "image", "file": "red.png", "duration": 7},
           {"id": "blue", "zone": "main", "type": "image", "file": "blue.png", "duration": 7},
           {"id": "notice", "zone": "main", "type": "image", "file": "notice.png", "duration": 10},
           {"id": "ann", "zone": "voice", "type": "audio", "file": "ann.wav"},
           {"id": "half", "zone": "voice", "type": "audio", "file": "half.wav"}],
 "rules": [{"items": ["notice"], "at": ["09:20"]},
           {"items": ["ann"], "at": ["09:00", "09:50"]},
           {"items": ["half"], "every": 15, "hours": "09:10-10:00"},
           {"items": ["half"], "at": ["09:50"]}]}
JSON
expect_rc 0 "$SCREENLIT" lint "$D/playlist.json"

stick_screen "$D/playlist.json" hall "daily 09:00-10:00" 160x90 2026-11-25T09:00:00+08:00

# The fixed times, exactly, in their zones.
at() { echo "$(date -d "2026-11-25T$1+08:00" +%s)000"; }
got=$(sqlite3 "$J" "SELECT item || '@' || zone || '@' || start_ms FROM plays WHERE item IN ('notice', 'ann', 'half') ORDER BY start_ms" | tr '\n' ' ')
want="ann@voice@$(at 09:00:00) half@voice@$(at 09:10:00) notice@main@$(at 09:20:00) half@voice@$(at 09:25:00) half@voice@$(at 09:40:00) ann@voice@$(at 09:50:00) half@voice@$(at 09:50:05) half@voice@$(at 09:55:00) "
[ "$got" = "$want" ] && ok || fail "the fixed-time plays are '$got', wanted '$want'"
sqlite3 -separator ' ' "$J" 'SELECT item, plays FROM item_totals' | sort >"$T/journal.items"

# The preview counts the same plays per item.
"$SCREENLIT" preview "$D/playlist.json" --from 2026-11-25T09:00:00+08:00 --to 2026-11-25T10:00:00+08:00 --json \
    >"$T/preview.json"
jq -r '[.plays[] | .item] | group_by(.) | .[] | "\(.[0]) \(length)"' "$T/preview.json" | sort >"$T/preview.items"
cmp -s "$T/journal.items" "$T/preview.items" && ok ||
    { fail "preview and journal count different plays (journal | preview):"; paste -d'|' "$T/journal.items" "$T/preview.items" >&2; }

curl -sf -H "Authorization: Bearer $AUD" "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY&screen=$SCREEN&detail=hours" \
    >"$T/report.json" || fail "GET /api/v1/reports/coverage failed"
S=".screens[] | select(.id == \"$SCREEN\")"
[ "$(jq -r "$S | \"\(.status) \(.required_s) \(.lit_s)\"" "$T/report.json")" = "lit 3600 3600" ] && ok ||
    fail "the report says $(jq -c "$S | {status, required_s, lit_s, reasons}" "$T/report.json"), wanted lit 3600 of 3600"
# Per item, the report counts what the journal played: the announcements and the notice too.
jq -r "$S | .items[] | \"\(.item) \(.plays)\"" "$T/report.json" | sort >"$T/report.items"
cmp -s "$T/journal.items" "$T/report.items" && ok ||
    { fail "report and journal count different plays (journal | report):"; paste -d'|' "$T/journal.items" "$T/report.items" >&2; }
for want in "ann 2" "half 5" "notice 1"; do
    grep -qx "$want" "$T/report.items" && ok || fail "the report does not count $want plays"
done
[ "$(jq "$S | .plays" "$T/report.json")" = "$(awk '{ s += $2 } END { print s }' "$T/journal.items")" ] && ok ||
    fail "the report's plays differ from the journal's"
finish
