#!/bin/sh
# test_cli_preview_ticker.sh — `screenlit preview --screen WxH` times a ticker strip's slogans as the player does: every play's start and end equal the journal's of a 640x360 player on the simulated clock.
. "$(dirname "$0")/lib.sh"

# Slogans of three speeds (a faster one follows a slower one), one with its own gap and one
# whose window ends mid-slogan, and a static text that takes the strip for a minute (slogans
# still crossing then leave at once).
mkdir -p "$T/p"
cat >"$T/p/playlist.json" <<'JSON'
{
  "timezone": "Asia/Shanghai",
  "zones": [{"id": "strip", "x": 0, "y": 0, "w": 100, "h": 12},
            {"id": "main", "x": 0, "y": 12, "w": 100, "h": 88}],
  "items": [
    {"id": "red", "zone": "strip", "type": "text", "speed": 160, "duration": 20, "text": "防范电信网络诈骗，下载国家反诈中心APP"},
    {"id": "green", "zone": "strip", "type": "text", "speed": 240, "duration": 9, "text": "Never share a code"},
    {"id": "blue", "zone": "strip", "type": "text", "speed": 160, "gap": 40, "duration": 15, "text": "冒充领导要求转账的，都是诈骗"},
    {"id": "late", "zone": "strip", "type": "text", "speed": 120, "duration": 25, "text": "Closing soon"},
    {"id": "hello", "zone": "strip", "type": "text", "mode": "static", "text": "欢迎光临", "duration": 7},
    {"id": "notice", "zone": "main", "type": "text", "mode": "static", "text": "营业厅公告", "duration": 30}
  ],
  "rules": [
    {"items": ["hello"], "hours": "09:04-09:05"},
    {"items": ["late"], "hours": "09:06:10-09:06:30"}
  ]
}
JSON
FROM=2026-11-25T09:00:00+08:00
TO=2026-11-25T09:10:00+08:00

expect_rc 0 "$SCREENLIT" preview "$T/p/playlist.json" --from "$FROM" --to "$TO" --screen 640x360 --json
jq -r '.plays[] | "\(.zone) \(.item) \(.start_ms) \(.start_ms + .duration_ms)"' "$T/out" | sort >"$T/preview.txt"
cp "$T/out" "$T/preview.json"

expect_rc 0 "$PLAYER" --playlist "$T/p/playlist.json" --output "frames:$T/f" --size 640x360 \
    --clock "sim:$FROM" --run 600 --frames-every 600 --journal "$T/j.db" --screen-id preview-ticker \
    --state-dir "$T/state"
expect_in "$T/out" "journal errors 0"
sqlite3 "$T/j.db" "SELECT zone, item, start_ms, start_ms + duration_ms FROM plays" | tr '|' ' ' | sort >"$T/journal.txt"

# The strip's plays overlap, so they are not simply their durations back to back.
n=$(grep -c '^strip ' "$T/journal.txt")
[ "$n" -gt 20 ] && ok || fail "only $n plays of the strip"
overlaps=$(grep '^strip ' "$T/journal.txt" | sort -k3 -n | awk 'NR > 1 && $3 < prev_end { n++ } { prev_end = $4 } END { print n + 0 }')
[ "$overlaps" -gt 10 ] && ok || fail "only $overlaps strip plays overlap the one before"
grep -q '^strip hello ' "$T/journal.txt" && ok || fail "the static text never took the strip"
grep -q '^strip late ' "$T/journal.txt" && ok || fail "the slogan with a window never played"

# Equal to the millisecond: on the simulated clock the player switches a zone exactly when
# its item's time is up and records a slogan exactly when its last pass has left (it jumps
# from event to event, not from frame to frame), and preview computes those instants with
# the same function (player/ticker.c) from the same widths (player/text.c).
if diff "$T/preview.txt" "$T/journal.txt" >"$T/diff.txt"; then ok; else
    fail "preview and journal differ: $(head -8 "$T/diff.txt")"
fi

# A slogan's time depends on the screen: 1920x1080 (the default) gives other times, and
# the main zone's the same.
expect_rc 0 "$SCREENLIT" preview "$T/p/playlist.json" --from "$FROM" --to "$TO" --json
jq -r '.plays[] | "\(.zone) \(.item) \(.start_ms) \(.start_ms + .duration_ms)"' "$T/out" | sort >"$T/big.txt"
if diff -q "$T/big.txt" "$T/preview.txt" >/dev/null; then fail "--screen changed nothing"; else ok; fi
if [ "$(grep '^main ' "$T/big.txt")" = "$(grep '^main ' "$T/preview.txt")" ]; then ok; else
    fail "the main zone's plays depend on the screen size"
fi

# The text output shows the same plays; bad sizes are refused with what to write.
expect_rc 0 "$SCREENLIT" preview "$T/p/playlist.json" --from "$FROM" --to "$TO" --screen 640x360
expect_in "$T/out" "zone strip"
expect_rc 2 "$SCREENLIT" preview "$T/p/playlist.json" --from "$FROM" --to "$TO" --screen 640
expect_in "$T/err" "screen: '640' is not WIDTHxHEIGHT"
expect_rc 0 "$SCREENLIT" preview --help
expect_in "$T/out" "--screen WxH"

finish
