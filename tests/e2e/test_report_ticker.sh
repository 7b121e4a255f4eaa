#!/bin/sh
# test_report_ticker.sh — an LED banner whose only zone is a ticker: its slogans' records overlap (one still crossing while the next enters), and the coverage report counts the time they cover, not the sum of their durations.
#
# A player on the simulated clock shows a ticker-only playlist from 09:30 to 10:30 (Asia/Shanghai)
# on a 1280-pixel strip; its journal goes to a stick (--export-records) and into a real hub
# (`screenlit records import`). The screen is required daily 09:00-11:00, so each of its two hours
# is half played: an overstated hour would show (a cap at the hour's required seconds would hide
# a sum above a whole hour). Checks: the records overlap (their durations add up to more than the
# hour); the report's lit seconds, per hour and in all, equal the union of the records' times that
# this script computes from the hub's plays (within 1 s per hour), and are at most 3600.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

SCREEN=led-1
DAY=2026-11-25
mkdir -p "$T/s"
cat >"$T/s/playlist.json" <<'PLAYLIST'
{
  "format": 1,
  "name": "LED banner",
  "timezone": "Asia/Shanghai",
  "zones": [{"id": "banner", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#000000"}],
  "items": [
    {"id": "slogan-a", "zone": "banner", "type": "text", "mode": "ticker", "text": "防范电信网络诈骗", "color": "#ff0000", "speed": 160, "duration": 8},
    {"id": "slogan-b", "zone": "banner", "type": "text", "mode": "ticker", "text": "养老投资需谨慎", "color": "#ffff00", "speed": 160, "duration": 8},
    {"id": "slogan-c", "zone": "banner", "type": "text", "mode": "ticker", "text": "冒充领导要求转账的，都是诈骗", "color": "#00ff00", "speed": 160, "duration": 8}
  ]
}
PLAYLIST
expect_rc 0 "$SCREENLIT" lint "$T/s/playlist.json"

# The hub knows the channel's version 1 (its only zone is the main zone); the stick carries the same.
stick_screen "$T/s/playlist.json" led "daily 09:00-11:00" 1280x64 2026-11-25T09:30:00+08:00

# The hub's plays of the banner (shown, with a known time), as "start end" in ms.
curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=$SCREEN&limit=1000" >"$T/plays.json" ||
    fail "GET /api/v1/plays failed"
[ "$(jq '.records | length' "$T/plays.json")" -lt 1000 ] && ok || fail "more than one page of plays"
jq -r '.records[] | select(.zone == "banner" and .outcome != "failed" and .clock_trust != "untrusted")
    | "\(.start_ms) \(.start_ms + .duration_ms)"' "$T/plays.json" | sort -n >"$T/spans"
[ -s "$T/spans" ] && ok || fail "the hub holds no plays of the banner"
sum=$(awk '{ s += $2 - $1 } END { print int(s / 1000) }' "$T/spans")
[ "$sum" -gt 3600 ] && ok || fail "the slogans' records add up to ${sum} s: they do not overlap as a continuous ticker's do"

# The union of the spans, split into UTC hours: "hour_ms seconds" lines.
awk 'function add(a, b,  h, e) { while (a < b) { h = int(a / 3600000) * 3600000; e = (b < h + 3600000) ? b : h + 3600000; lit[sprintf("%.0f", h)] += e - a; a = e } }
    NR == 1 { s = $1; e = $2; next }
    $1 <= e { if ($2 > e) e = $2; next }
    { add(s, e); s = $1; e = $2 }
    END { if (NR) add(s, e); for (h in lit) printf "%s %.3f\n", h, lit[h] / 1000 }' "$T/spans" | sort -n >"$T/union"
union=$(awk '{ s += $2 } END { printf "%.3f", s }' "$T/union")

curl -sf -H "Authorization: Bearer $AUD" "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY&screen=$SCREEN&detail=hours" \
    >"$T/report.json" || fail "GET /api/v1/reports/coverage failed"
S=".screens[] | select(.id == \"$SCREEN\")"
lit=$(jq "$S | .lit_s" "$T/report.json")
[ "$(jq "$S | .required_s" "$T/report.json")" = 7200 ] && ok || fail "the banner does not require 7200 s"
awk -v l="$lit" -v u="$union" 'BEGIN { exit !(l <= 3600 && l - u <= 1 && u - l <= 1) }' && ok ||
    fail "the report's lit time is $lit s; the records cover $union s (of an hour played; their durations add up to $sum s)"
# Per hour: the report's lit seconds are the union's.
jq -r "$S | .hours[] | \"\(.hour) \(.lit_s)\"" "$T/report.json" >"$T/hours"
while read -r hour_ms secs; do
    iso=$(date -u -d "@$((hour_ms / 1000))" +%Y-%m-%dT%H:%M:%SZ)
    got=$(awk -v h="$iso" '$1 == h { print $2 }' "$T/hours")
    awk -v g="${got:-none}" -v w="$secs" 'BEGIN { exit !(g != "none" && g - w <= 1 && w - g <= 1) }' && ok ||
        fail "hour $iso: the report says ${got:-nothing} lit s, the records cover $secs s"
done <"$T/union"
finish
