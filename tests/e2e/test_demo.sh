#!/bin/sh
# test_demo.sh — the README's first command, tools/demo.sh, runs the whole story (hub, inventory, publish, an enrolled board, the coverage report) with the programs of this build and no display.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

D="$T/demo"
t0=$(date +%s)
rc=0
env -u DISPLAY -u WAYLAND_DISPLAY SL_DEMO_SKIP_SETUP=1 SL_DEMO_BUILD_DIR="$SL_BUILD_DIR" \
    sh "$SL_SOURCE_DIR/tools/demo.sh" "$D" >"$T/demo.out" 2>"$T/demo.err" || rc=$?
echo "tools/demo.sh took $(($(date +%s) - t0)) s" >&2
if [ "$rc" = 0 ]; then ok; else
    fail "tools/demo.sh exited $rc; the end of its output:"
    tail -n 30 "$T/demo.out" | sed 's/^/    | /' >&2
    tail -n 30 "$T/demo.err" | sed 's/^/    | /' >&2
    for f in hub.log player-sync.log player-sim.log player-drain.log; do
        if [ -f "$D/$f" ]; then
            echo "    $f:" >&2
            tail -n 15 "$D/$f" | sed 's/^/    | /' >&2
        fi
    done
fi
expect_in "$T/demo.out" "enrolled as screen bank-0412-lobby"
expect_in "$T/demo.out" "Done. Everything is in $D"
# The web console's address and a login for it; the login is real.
expect_in "$T/demo.out" "/console/ and log in as demo-auditor (or demo-admin)"
"$HUB" user list --data "$D/hub" >"$T/users" 2>&1 && ok || fail "screenlit-hub user list failed on the demo's hub"
expect_in "$T/users" "demo-auditor"
expect_in "$T/users" "demo-admin"
# The board played the campaign: frames of its morning, not of the waiting screen.
n=$(find "$D/frames" -name 'frame-*.png' 2>/dev/null | wc -l)
[ "$n" -ge 18 ] && ok || fail "$n frames written to $D/frames, expected one every 10 minutes of 3 hours"
expect_not_in "$D/player-sim.log" "no content yet"
expect_in "$D/player-sim.out" "frames with a black zone 0"
expect_in "$D/player-sim.out" "poster-app"
if [ -f "$D/frames/frame-0000000000.png" ]; then
    c=$("$IMGCHECK" colours "$D/frames/frame-0000000000.png" 0,0,960,470 | wc -l)
    [ "$c" -gt 3 ] && ok || fail "the first frame shows no poster"
fi
# The hub was stopped at the end.
if [ -f "$D/hub.out" ]; then
    n=0
    while [ "$n" -lt 600 ] && pgrep -f -- "--data $D/hub" >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
    if pgrep -f -- "--data $D/hub" >/dev/null 2>&1; then fail "the demo's hub is still running after 60 s"; else ok; fi
fi
# The report: printed, and written as HTML and CSV, with the board's screen lit and the others not.
expect_in "$T/demo.out" "1 lit, 0 short, 3 dark"
for f in report.json report.html report.csv; do
    [ -s "$D/$f" ] && ok || fail "$D/$f was not written"
done
jq -e '[.screens[] | [.id, .status, ([.reasons[].code] | index("never_enrolled") != null)]]
    == [["bank-0412-lobby", "lit", false], ["bank-0415-door", "dark", true],
        ["centre-03-hall", "dark", true], ["station-01-hall", "dark", true]]
    and ([.screens[] | select(.id == "station-01-hall") | .reasons[].code] | index("no_content") != null)' \
    "$D/report.json" >/dev/null && ok || fail "report.json: $(jq -c '[.screens[] | [.id, .status, [.reasons[].code]]]' "$D/report.json")"
for id in bank-0412-lobby bank-0415-door station-01-hall centre-03-hall 城关支行营业厅大堂电视; do
    expect_in "$D/report.html" "$id"
done
# The page's row of the board's screen (up to its </tr>) says lit; the CSV's too.
row=$(tr '\n' ' ' <"$D/report.html" | sed -n 's|.*<td>bank-0412-lobby</td>||; s|</tr>.*||p')
case "$row" in
*'>lit<'*) ok ;;
*) fail "report.html does not name bank-0412-lobby lit: $row" ;;
esac
row=$(grep -F bank-0412-lobby "$D/report.csv" | head -n 1)
case ",$row," in
*,lit,*) ok ;;
*) fail "report.csv does not name bank-0412-lobby lit: $row" ;;
esac
for id in bank-0415-door station-01-hall centre-03-hall; do
    row=$(grep -F "$id" "$D/report.csv" | head -n 1)
    case ",$row," in
    *,dark,*) ok ;;
    *) fail "report.csv does not name $id dark: $row" ;;
    esac
done
finish
