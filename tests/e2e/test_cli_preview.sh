#!/bin/sh
# test_cli_preview.sh — `screenlit preview` of the sample: floors met on a weekday, weekday rules kept on a Sunday.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
P="$T/s/playlist.json"

# Wednesday 2026-11-25, 08:00-18:00 Beijing time.
expect_rc 0 "$SCREENLIT" preview "$P" --from 2026-11-25T08:00+08:00 --to 2026-11-25T18:00+08:00
cp "$T/out" "$T/weekday.txt"
expect_in "$T/weekday.txt" "zone main"
expect_in "$T/weekday.txt" "zone ticker"
expect_in "$T/weekday.txt" "6/h: met in 8 of 8 hours"
expect_not_in "$T/weekday.txt" "MISSED"
# Before 08:30 the main zone has nothing eligible: the fallback stands in.
expect_in "$T/weekday.txt" "2026-11-25 08:00:00  08:"
grep -q "^  2026-11-25 08:00:00 .*fallback" "$T/weekday.txt" && ok || fail "no fallback at 08:00"

# The same period as JSON: every business-hours item plays inside 08:30-17:30 local.
expect_rc 0 "$SCREENLIT" preview "$P" --from 2026-11-25T08:00+08:00 --to 2026-11-25T18:00+08:00 --json
cp "$T/out" "$T/weekday.json"
outside=$(jq '[.plays[] | select(.item=="poster-app" or .item=="clip" or .item=="poster-leader")
               | select((.start[11:16] < "08:30") or ((.start_ms + .duration_ms) > 1795599000000))] | length' "$T/weekday.json")
[ "$outside" = 0 ] && ok || fail "$outside business-hours plays outside 08:30-17:30"
weekend=$(jq '[.plays[] | select(.item=="poster-weekend")] | length' "$T/weekday.json")
[ "$weekend" = 0 ] && ok || fail "the weekend poster played on a Wednesday ($weekend times)"
floor_ok=$(jq '[.items[] | select(.item=="poster-app")][0] | .floor_met and .floor_hours_checked == 8' "$T/weekday.json")
[ "$floor_ok" = true ] && ok || fail "poster-app floor not met in JSON output"
# Per hour, count the app poster by hand from the timeline.
for h in 09 10 11 12 13 14 15 16; do
    n=$(jq --arg h "$h" '[.plays[] | select(.item=="poster-app" and .start[11:13]==$h)] | length' "$T/weekday.json")
    [ "$n" -ge 6 ] && ok || fail "poster-app played $n times in hour $h, floor is 6"
done
# Zones are filled without gaps: each play starts where the previous one ended, or, on the
# ticker strip, while it is still crossing (a slogan enters behind the one before).
gaps=$(jq '[.plays | group_by(.zone)[] | . as $z | range(1; length) | select($z[.].start_ms != $z[.-1].start_ms + $z[.-1].duration_ms)
            | select($z[.].zone != "ticker" or $z[.].start_ms > $z[.-1].start_ms + $z[.-1].duration_ms)] | length' "$T/weekday.json")
[ "$gaps" = 0 ] && ok || fail "$gaps gaps in the predicted timeline"
overlaps=$(jq '[.plays | map(select(.zone == "ticker")) as $z | range(1; $z | length)
                | select($z[.].start_ms < $z[.-1].start_ms + $z[.-1].duration_ms)] | length' "$T/weekday.json")
[ "$overlaps" -gt 100 ] && ok || fail "only $overlaps slogans enter while the one before still crosses"

# Sunday 2026-11-29: the weekday items never play; the weekend poster does.
expect_rc 0 "$SCREENLIT" preview "$P" --from 2026-11-29T08:00+08:00 --to 2026-11-29T18:00+08:00 --json
cp "$T/out" "$T/sunday.json"
wk=$(jq '[.plays[] | select(.item=="poster-app" or .item=="poster-elderly" or .item=="poster-leader" or .item=="clip")] | length' "$T/sunday.json")
[ "$wk" = 0 ] && ok || fail "weekday items played $wk times on a Sunday"
we=$(jq '[.plays[] | select(.item=="poster-weekend")] | length' "$T/sunday.json")
[ "$we" -gt 100 ] && ok || fail "the weekend poster played only $we times on Sunday"
sl=$(jq '[.plays[] | select(.zone=="ticker" and .item!="fallback")] | length' "$T/sunday.json")
[ "$sl" -gt 100 ] && ok || fail "slogans played only $sl times on Sunday"

# Screen tags are accepted; bad arguments are usage errors.
expect_rc 0 "$SCREENLIT" preview "$P" --from 2026-11-25T08:00+08:00 --to 2026-11-25T09:00+08:00 --tags bank,lobby --summary
expect_in "$T/out" "screen tags: bank,lobby"
expect_rc 2 "$SCREENLIT" preview "$P" --from 2026-11-25T08:00+08:00
expect_rc 2 "$SCREENLIT" preview "$P" --from yesterday --to 2026-11-25T09:00+08:00
expect_rc 2 "$SCREENLIT" preview "$P" --from 2026-11-25T09:00+08:00 --to 2026-11-25T08:00+08:00
expect_rc 1 "$SCREENLIT" preview "$T/missing.json" --from 2026-11-25T08:00+08:00 --to 2026-11-25T09:00+08:00

finish
