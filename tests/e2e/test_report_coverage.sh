#!/bin/sh
# test_report_coverage.sh — the coverage report end to end: a real hub, three screens (one lit for the whole required window, one off for two hours of it, one never enrolled); its verdicts, coverage and per-item plays are checked against what this script computes from the plays.
#
# The story. Inventory: three screens of channel bank-lobby, each required "mon-fri 09:00-13:00"
# in Asia/Shanghai. The sample playlist is published to bank-lobby. The report covers Wednesday
# 25 November 2026, so each screen requires 09:00-13:00 local = 01:00-05:00 UTC, 4 hours.
#   - bank-a plays 09:00-13:00 on the simulated clock: the whole window.
#   - bank-b plays 09:00-10:00, is off (its player stopped) from 10:00 to 12:00, and is started
#     again (same state folder, same journal) for 12:00-13:00: two hours of four are dark.
#   - centre-c is in the inventory and never enrolled.
# Each player is enrolled and synced first by a short run at real pace on Tuesday 24 November
# (before the report's day and before the campaign's dates), so its plays fall outside the report.
#
# What the script computes on its own, from the plays the hub holds (GET /api/v1/plays; the
# journal deletes a row once the hub acknowledged it, so the hub's copy is the one complete record —
# and the script first checks it is complete: per item, the hub's plays on the report's day equal
# the plays each player printed on exit for its simulated runs):
#   - the main zone: the playlist's largest zone (w*h, the first on a tie) — "main" in the sample;
#   - lit seconds: the union of the main zone's shown plays (completed or cut_short; trusted
#     clock: synced, corrected or simulated) clipped to each required hour, capped at the hour's
#     required seconds (here the whole hour: the window is on the hour);
#   - coverage = lit / required, to one decimal;
#   - per-item plays: trusted plays that started on the report's day (all of them inside the
#     window here, since the simulated runs play only inside it);
#   - frequency floors: the sample's only floor is poster-app, min_per_hour 6, on weekdays
#     08:30-17:30 from 2026-11-25; that rule covers each of the four required hours entirely, so in
#     each of them poster-app must have started at least 6 times (any outcome but failed). The
#     script reads the rule from the playlist and checks it still covers the window, so that an
#     edit of the sample does not silently change what "lit" means here. The main zone loops four
#     items of 10-12 s, so poster-app starts about 85 times an hour: floors are met in every hour
#     a screen plays (`screenlit preview` shows the same), and missed in bank-b's two dark hours.
#   - status: lit when coverage >= 95 % and no floor missed; dark when nothing was lit; else short.
# Then the report (the `screenlit report coverage` JSON, and the API's) must agree: statuses,
# coverage_pct within 0.1, lit_s within 1 s per screen, per-item plays exactly, floors, the summary,
# the groupings, the dark list and its reasons. The CSV and HTML outputs are checked lightly.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8

DAY=2026-11-25
W0=$(($(date -u -d 2026-11-25T01:00:00Z +%s) * 1000))   # 09:00 in Shanghai
D0=$(($(date -u -d 2026-11-24T16:00:00Z +%s) * 1000))   # the report's local day, 00:00 to 24:00
D1=$((D0 + 86400000))

sample_copy "$T/s"
PL="$T/s/playlist.json"
hub_keys
AUD=$(new_token auditor)
start_hub "$DATA"

cat >"$T/inv.csv" <<'EOF'
id,name,site,region,unit_type,tags,channel,hours,timezone
bank-a,城关支行大堂屏,城关支行,城关镇,bank,bank;lobby,bank-lobby,mon-fri 09:00-13:00,Asia/Shanghai
bank-b,东街支行门头屏,东街支行,东街街道,bank,bank;door,bank-lobby,mon-fri 09:00-13:00,Asia/Shanghai
centre-c,幸福社区服务中心大厅,幸福社区,东街街道,community_centre,community,bank-lobby,mon-fri 09:00-13:00,Asia/Shanghai
EOF
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
expect_rc 0 "$SCREENLIT" publish "$PL" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$T/keys/publisher.key"

# The floor rule this test relies on (see the top): read from the playlist, checked to cover 09:00-13:00.
floor=$(jq -c '[.rules[] | select(.min_per_hour)] | if length == 1 then .[0] else null end' "$PL")
FLOOR_ITEM=$(echo "$floor" | jq -r '.items | if length == 1 then .[0] else "" end')
FLOOR_MIN=$(echo "$floor" | jq -r '.min_per_hour // 0')
covers=$(echo "$floor" | jq -r '(.hours | split("-")) as $h | .weekdays as $w | .dates as $d |
    ($h[0] <= "09:00" and $h[1] >= "13:00" and ($w | index("wed")) != null and
     $d.from <= "2026-11-25" and $d.to >= "2026-11-25" and (has("tags") | not))')
if [ -z "$FLOOR_ITEM" ] || [ "$FLOOR_MIN" -lt 1 ] || [ "$covers" != true ]; then
    fail "the sample playlist's floor rule changed (got $floor): update this test's expectations"
    finish
    exit 1
fi
MAIN=$(jq -r '.zones | reduce .[] as $z (null; if . == null or $z.w * $z.h > .w * .h then $z else . end) | .id' "$PL")
[ "$MAIN" = main ] && ok || fail "the sample's largest zone is $MAIN, not main"

# start_player NAME ARGS... — a player in the background, output in $T/NAME.out and .err; its pid in $T/NAME.pid.
start_player() {
    name=$1
    shift
    "$PLAYER" "$@" >"$T/$name.out" 2>"$T/$name.err" &
    echo $! >"$T/$name.pid"
}

# end_player NAME — waits for it; a non-zero exit fails the test.
end_player() {
    rc=0
    wait "$(cat "$T/$1.pid")" || rc=$?
    if [ "$rc" -ne 0 ]; then
        fail "player run $1 exited $rc"
        sed 's/^/    | /' "$T/$1.err" | tail -20 >&2
    fi
}

# printed NAME ID — the per-item plays a simulated run printed on exit, appended to $T/printed.ID;
# the run must have played the cached manifest from its start.
printed() {
    if grep -q "no content yet" "$T/$1.err"; then
        fail "run $1 started without its cached manifest"
    fi
    sed -n '/^plays per item/,/^frames rendered/p' "$T/$1.out" |
        awk 'NF == 4 && $3 ~ /^[0-9]+$/ { print $1, $3 }' >>"$T/printed.$2"
}

# drained DIR — waits until every play of the journal in DIR reached the hub (the player sends its
# last plays on exit; if some are left, a short real-pace run on 27 November, outside the report,
# sends them and is stopped once the journal is empty).
drained() {
    left=$(sqlite3 "$1/journal.db" 'SELECT count(*) FROM plays')
    [ "$left" = 0 ] && return 0
    "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$1" --output null --size 160x90 \
        --run 120 --poll 1 --clock from:2026-11-27T20:00:00+08:00 >"$1.drain.out" 2>"$1.drain.err" &
    dpid=$!
    n=0
    while [ "$n" -lt 1200 ] && [ "$left" != 0 ]; do
        sleep 0.1
        left=$(sqlite3 "$1/journal.db" 'SELECT count(*) FROM plays' 2>/dev/null || echo -1)
        n=$((n + 1))
    done
    kill "$dpid" 2>/dev/null || true
    wait "$dpid" 2>/dev/null || true
    [ "$left" = 0 ] && ok || fail "$left plays of $1 never reached the hub"
}

# Enrol and sync both players at once, on a real-pace clock on Tuesday 24 November (outside the
# report); each is stopped once its manifest is verified and kept (current.manifest is written
# atomically after every media file checked out).
for s in a b; do
    "$SCREENLIT" enroll-code "bank-$s" --hub "$URL" --token "$ADMIN" --json >"$T/code.$s" ||
        fail "no enrolment code for bank-$s"
    start_player "sync.$s" --hub "$URL" --enroll "$(jq -r .code "$T/code.$s")" --publisher-key "$KEY" \
        --state-dir "$T/$s" --output null --size 160x90 --run 60 --poll 1 \
        --clock from:2026-11-24T09:00:00+08:00
done
n=0
while [ "$n" -lt 1200 ] && ! { [ -f "$T/a/current.manifest" ] && [ -f "$T/b/current.manifest" ]; }; do
    sleep 0.1
    n=$((n + 1))
done
for s in a b; do
    kill "$(cat "$T/sync.$s.pid")" 2>/dev/null || true
    wait "$(cat "$T/sync.$s.pid")" 2>/dev/null || true
    if [ ! -f "$T/$s/current.manifest" ]; then
        fail "bank-$s did not enrol and sync"
        sed 's/^/    | /' "$T/sync.$s.err" | tail -20 >&2
        finish
        exit 1
    fi
done

# The simulated runs: bank-a's four hours beside bank-b's two.
: >"$T/printed.bank-a"
: >"$T/printed.bank-b"
t0=$(date +%s)
SIM="--publisher-key $KEY --output null --size 160x90 --poll 1"
# shellcheck disable=SC2086 # SIM is a list of words
start_player a1 --hub "$URL" --state-dir "$T/a" $SIM --clock sim:2026-11-25T09:00:00+08:00 --run 14400
# shellcheck disable=SC2086
start_player b1 --hub "$URL" --state-dir "$T/b" $SIM --clock sim:2026-11-25T09:00:00+08:00 --run 3600
end_player b1
printed b1 bank-b
# 10:00-12:00: bank-b is off. Then the same board starts again, with its state folder and journal.
# shellcheck disable=SC2086
start_player b2 --hub "$URL" --state-dir "$T/b" $SIM --clock sim:2026-11-25T12:00:00+08:00 --run 3600
end_player b2
printed b2 bank-b
end_player a1
printed a1 bank-a
echo "simulated runs took $(($(date +%s) - t0)) s" >&2
drained "$T/a"
drained "$T/b"

# every_play ID OUT — every record the hub holds for screen ID, as one JSON array.
every_play() {
    after=0
    : >"$2.lines"
    while :; do
        curl -sf -H "Authorization: Bearer $AUD" "$URL/api/v1/plays?screen=$1&after_seq=$after&limit=10000" \
            >"$T/page.json" || { fail "GET /api/v1/plays?screen=$1 failed"; break; }
        [ "$(jq '.records | length' "$T/page.json")" -gt 0 ] || break
        jq -c '.records[]' "$T/page.json" >>"$2.lines"
        after=$(jq '.records[-1].seq' "$T/page.json")
    done
    jq -s . "$2.lines" >"$2"
}
every_play bank-a "$T/plays.a.json"
every_play bank-b "$T/plays.b.json"
every_play centre-c "$T/plays.c.json"

# The hub's record is complete: per item, its plays on the day = what the players printed.
for s in a b; do
    id=bank-$s
    awk '{ n[$1] += $2 } END { for (i in n) print i, n[i] }' "$T/printed.$id" | sort >"$T/want.$s"
    jq -r --argjson d0 "$D0" --argjson d1 "$D1" \
        '[.[] | select(.start_ms >= $d0 and .start_ms < $d1)] | group_by(.item)[] | "\(.[0].item) \(length)"' \
        "$T/plays.$s.json" | sort >"$T/got.$s"
    if [ -s "$T/want.$s" ] && cmp -s "$T/want.$s" "$T/got.$s"; then ok; else
        fail "$id: the players printed (left) and the hub holds (right) different plays on $DAY"
        paste -d' ' "$T/want.$s" "$T/got.$s" | sed 's/^/    | /' >&2
    fi
done
nf=$(jq '[.[] | select(.outcome == "failed")] | length' "$T/plays.a.json" "$T/plays.b.json" | awk '{ s += $1 } END { print s }')
[ "$nf" = 0 ] && ok || fail "$nf failed plays: the sample media did not play"

# The script's own computation, per screen, from the hub's plays (see the top).
cat >"$T/expect.jq" <<'EOF'
def trusted: .clock_trust == "synced" or .clock_trust == "corrected" or .clock_trust == "simulated";
def hours: [range(0; 4) | {h0: ($w0 + . * 3600000), h1: ($w0 + (. + 1) * 3600000)}];
# lit: the union of shown main-zone plays, clipped to each required hour.
([.[] | select(trusted and .zone == $main and (.outcome == "completed" or .outcome == "cut_short"))
  | {s: .start_ms, e: (.start_ms + .duration_ms)}]
 | sort_by(.s)
 | reduce .[] as $p ([]; if length > 0 and .[-1].e >= $p.s
                         then .[-1].e = ([.[-1].e, $p.e] | max) else . + [$p] end)) as $spans
| [hours[] as $h | [$spans[] | ([.e, $h.h1] | min) - ([.s, $h.h0] | max) | select(. > 0)] | add // 0
   | if . > 3600000 then 3600000 else . end] as $lit_ms
| ([.[] | select(trusted and .start_ms >= $d0 and .start_ms < $d1)]) as $day
| [hours[] as $h | [$day[] | select(.item == $floor_item and .outcome != "failed"
                                    and .start_ms >= $h.h0 and .start_ms < $h.h1)] | length] as $floor_starts
| (($lit_ms | add) / 1000) as $lit_s
| ([$floor_starts[] | select(. < $floor_min)] | length) as $missed
| ($lit_s * 100 / 14400) as $cov
| {lit_s: $lit_s, lit_hour_s: [$lit_ms[] / 1000], coverage_pct: (($cov * 10 + 0.5) | floor / 10),
   plays: ($day | length),
   items: ($day | group_by(.item) | map({key: .[0].item, value: length}) | from_entries),
   floor_starts: $floor_starts, floor_missed_hours: $missed,
   status: (if $lit_s == 0 then "dark" elif $cov >= 95 and $missed == 0 then "lit" else "short" end)}
EOF
for s in a b c; do
    jq --argjson w0 "$W0" --argjson d0 "$D0" --argjson d1 "$D1" --arg main "$MAIN" \
        --arg floor_item "$FLOOR_ITEM" --argjson floor_min "$FLOOR_MIN" -f "$T/expect.jq" \
        "$T/plays.$s.json" >"$T/expect.$s.json"
    echo "expected for $s: $(jq -c '{status, lit_s, lit_hour_s, coverage_pct, plays, floor_starts}' "$T/expect.$s.json")" >&2
done
# The script's computation says what the story says (so the report is held to the right answer).
[ "$(jq -r .status "$T/expect.a.json")" = lit ] && ok || fail "bank-a's own computation is not lit"
[ "$(jq -r .status "$T/expect.b.json")" = short ] && ok || fail "bank-b's own computation is not short"
[ "$(jq -r .status "$T/expect.c.json")" = dark ] && ok || fail "centre-c's own computation is not dark"
jq -e '.lit_hour_s[1] == 0 and .lit_hour_s[2] == 0 and .lit_hour_s[0] > 3500 and .lit_hour_s[3] > 3500' \
    "$T/expect.b.json" >/dev/null && ok || fail "bank-b did not play exactly the first and the last hour"

# The report, as `screenlit report coverage` writes it in JSON, and as the API answers.
curl -sf -H "Authorization: Bearer $AUD" "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY" >"$T/api.json" ||
    fail "GET /api/v1/reports/coverage failed"
expect_rc 0 "$SCREENLIT" report coverage --from "$DAY" --to "$DAY" --format json -o "$T/report.json" \
    --hub "$URL" --token "$AUD"
# The command writes the hub's document (only "generated" may differ).
if jq -e --slurpfile api "$T/api.json" 'del(.generated) == ($api[0] | del(.generated))' "$T/report.json" >/dev/null 2>&1; then
    ok
else fail "screenlit report coverage --format json differs from the API's document"; fi
R="$T/report.json"
[ -s "$R" ] && jq -e . "$R" >/dev/null 2>&1 || { fail "the report is not JSON"; sed 's/^/    | /' "$R" | head -20 >&2; finish; exit 1; }

# check_screen S ID — the report's verdict on screen ID against the script's expect.S.json.
check_screen() {
    scr=$(jq -c --arg id "$2" '.screens[] | select(.id == $id)' "$R")
    if [ -z "$scr" ]; then
        fail "the report does not list $2"
        return
    fi
    echo "report for $2: $(echo "$scr" | jq -c 'del(.items, .hours, .screenshot)')" >&2
    exp="$T/expect.$1.json"
    want=$(jq -r .status "$exp")
    got=$(echo "$scr" | jq -r .status)
    [ "$got" = "$want" ] && ok || fail "$2: status $got, expected $want"
    echo "$scr" | jq -e '.required_s == 14400 and .required_hours == 4' >/dev/null && ok ||
        fail "$2: required_s/required_hours $(echo "$scr" | jq -c '[.required_s, .required_hours]'), expected 14400 s over 4 hours"
    echo "$scr" | jq -e --slurpfile e "$exp" '(.lit_s - $e[0].lit_s) | fabs <= 1' >/dev/null && ok ||
        fail "$2: lit_s $(echo "$scr" | jq .lit_s), expected $(jq .lit_s "$exp") (within 1 s)"
    echo "$scr" | jq -e --slurpfile e "$exp" '(.coverage_pct - $e[0].coverage_pct) | fabs <= 0.1001' >/dev/null && ok ||
        fail "$2: coverage_pct $(echo "$scr" | jq .coverage_pct), expected $(jq .coverage_pct "$exp") (within 0.1)"
    # Per item: the report's plays equal the script's count exactly, for every item either side names.
    if echo "$scr" | jq -e --slurpfile e "$exp" '
        ((.items // []) | map({key: .item, value: .plays}) | from_entries) as $r
        | ($e[0].items) as $w
        | ([$r | keys[]] + [$w | keys[]] | unique) | all(($r[.] // 0) == ($w[.] // 0))' >/dev/null; then ok; else
        fail "$2: per-item plays differ (item: report vs expected):"
        echo "$scr" | jq -r --slurpfile e "$exp" '((.items // []) | map({key: .item, value: .plays}) | from_entries) as $r
            | $e[0].items as $w | ([$r | keys[]] + [$w | keys[]] | unique)[] | "    | \(.): \($r[.] // 0) vs \($w[.] // 0)"' >&2
    fi
    echo "$scr" | jq -e --slurpfile e "$exp" '.plays == $e[0].plays' >/dev/null && ok ||
        fail "$2: plays $(echo "$scr" | jq .plays), expected $(jq .plays "$exp")"
    # The floor: on the floor item, in how many of the 4 required hours it was missed.
    if [ "$1" != c ]; then
        echo "$scr" | jq -e --slurpfile e "$exp" --arg it "$FLOOR_ITEM" \
            '[.items[] | select(.item == $it)][0] | .floor_hours == 4 and .floor_missed_hours == $e[0].floor_missed_hours' \
            >/dev/null && ok ||
            fail "$2: floor of $FLOOR_ITEM $(echo "$scr" | jq -c --arg it "$FLOOR_ITEM" '[.items[] | select(.item == $it)][0]'), expected 4 hours, $(jq .floor_missed_hours "$exp") missed"
        echo "$scr" | jq -e --slurpfile e "$exp" '.floors_missed == $e[0].floor_missed_hours' >/dev/null && ok ||
            fail "$2: floors_missed $(echo "$scr" | jq .floors_missed), expected $(jq .floor_missed_hours "$exp")"
    fi
}
check_screen a bank-a
check_screen b bank-b
check_screen c centre-c

# Names, enrolment, reasons.
jq -e '[.screens[].name] == ["城关支行大堂屏", "东街支行门头屏", "幸福社区服务中心大厅"]' "$R" >/dev/null && ok ||
    fail "the screens' names or order differ: $(jq -c '[.screens[] | [.id, .name]]' "$R")"
jq -e '[.screens[] | .enrolled] == [true, true, false]' "$R" >/dev/null && ok || fail "enrolled flags are wrong"
jq -e '.screens[] | select(.id == "centre-c") | .last_seen == null and ([.reasons[].code] | index("never_enrolled")) != null' \
    "$R" >/dev/null && ok || fail "centre-c is not named never_enrolled: $(jq -c '.screens[] | select(.id == "centre-c") | .reasons' "$R")"
jq -e '.screens[] | select(.id == "bank-b") | [.reasons[].code] | index("items_missing") != null and index("never_enrolled") == null' \
    "$R" >/dev/null && ok || fail "bank-b's reasons lack items_missing: $(jq -c '.screens[] | select(.id == "bank-b") | .reasons' "$R")"
jq -e '.screens[] | select(.id == "bank-a") | (.reasons | length) == 0' "$R" >/dev/null && ok ||
    fail "bank-a is lit but has reasons: $(jq -c '.screens[] | select(.id == "bank-a") | .reasons' "$R")"
# The dark list: bank-b and centre-c, worst first.
jq -e '[.dark[].id] == ["centre-c", "bank-b"]' "$R" >/dev/null && ok || fail "dark list is $(jq -c '[.dark[].id]' "$R")"

# The summary and the groupings add up to the screens'.
lit_a=$(jq .lit_s "$T/expect.a.json")
lit_b=$(jq .lit_s "$T/expect.b.json")
jq -e --argjson la "$lit_a" --argjson lb "$lit_b" '.summary
    | .screens == 3 and .lit == 1 and .short == 1 and .dark == 1 and .idle == 0
      and .required_s == 43200 and ((.lit_s - $la - $lb) | fabs) <= 2
      and ((.coverage_pct - ((($la + $lb) * 1000 / 43200 + 0.5) | floor / 10)) | fabs) <= 0.1001
      and .untrusted_plays == 0 and .untrusted_s == 0' "$R" >/dev/null && ok ||
    fail "summary wrong: $(jq -c .summary "$R")"
pa=$(jq .plays "$T/expect.a.json")
pb=$(jq .plays "$T/expect.b.json")
jq -e --argjson n $((pa + pb)) '.summary.plays == $n' "$R" >/dev/null && ok ||
    fail "summary.plays $(jq .summary.plays "$R"), expected $((pa + pb))"
jq -e '(.by_region | map({key: .region, value: [.screens, .lit, .short, .dark, .required_s]}) | from_entries)
    == {"城关镇": [1, 1, 0, 0, 14400], "东街街道": [2, 0, 1, 1, 28800]}' "$R" >/dev/null && ok ||
    fail "by_region wrong: $(jq -c .by_region "$R")"
jq -e '(.by_unit_type | map({key: .unit_type, value: [.screens, .lit, .short, .dark]}) | from_entries)
    == {"bank": [2, 1, 1, 0], "community_centre": [1, 0, 0, 1]}' "$R" >/dev/null && ok ||
    fail "by_unit_type wrong: $(jq -c .by_unit_type "$R")"
jq -e --argjson l $((lit_a + lit_b)) '.by_day | length == 1 and .[0].date == "2026-11-25" and .[0].required_s == 43200
    and ((.[0].lit_s - $l) | fabs) <= 2' "$R" >/dev/null && ok || fail "by_day wrong: $(jq -c .by_day "$R")"
# The fleet's per-item plays: the sum of both players' counts.
jq -s '[.[].items | to_entries[]] | group_by(.key) | map({key: .[0].key, value: (map(.value) | add)}) | from_entries' \
    "$T/expect.a.json" "$T/expect.b.json" >"$T/expect.items.json"
jq -e --slurpfile e "$T/expect.items.json" '(.items | map(select(.plays > 0) | {key: .item, value: .plays}) | from_entries) == $e[0]' \
    "$R" >/dev/null && ok || fail "fleet items $(jq -c '[.items[] | {item, plays}]' "$R"), expected $(jq -c . "$T/expect.items.json")"
jq -e '.from == "2026-11-25" and .to == "2026-11-25" and .threshold_pct == 95' "$R" >/dev/null && ok || fail "from/to/threshold wrong"

# Filters and the threshold: one unit type; at 50 % bank-b stays short, for it missed floors.
curl -sf -H "Authorization: Bearer $AUD" \
    "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY&unit_type=bank&threshold=50" >"$T/bank.json" || fail "filtered report failed"
jq -e '[.screens[].id] == ["bank-a", "bank-b"] and .filters.unit_type == "bank" and .threshold_pct == 50
    and ([.screens[].status] == ["lit", "short"])' "$T/bank.json" >/dev/null && ok ||
    fail "unit_type=bank&threshold=50: $(jq -c '[.filters, .threshold_pct, [.screens[] | [.id, .status, .coverage_pct]]]' "$T/bank.json")"
# Auditors and admins only.
curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $PUB" \
    "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY" >"$T/code"
[ "$(cat "$T/code")" = 403 ] && ok || fail "a publisher token got $(cat "$T/code") for the report, expected 403"
# The hour detail of bank-b: the two dark hours.
curl -sf -H "Authorization: Bearer $AUD" \
    "$URL/api/v1/reports/coverage?from=$DAY&to=$DAY&screen=bank-b&detail=hours" >"$T/b.hours.json" || fail "detail=hours failed"
jq -e --slurpfile e "$T/expect.b.json" '[.screens[0].hours[] | select(.required_s > 0)] as $h
    | ($h | length) == 4 and ([$h[].hour] == ["2026-11-25T01:00:00Z", "2026-11-25T02:00:00Z", "2026-11-25T03:00:00Z", "2026-11-25T04:00:00Z"])
    and ([range(0; 4) as $i | (($h[$i].lit_s - $e[0].lit_hour_s[$i]) | fabs) <= 1] | all)' "$T/b.hours.json" >/dev/null && ok ||
    fail "bank-b's hours: $(jq -c '[.screens[0].hours[]? | [.hour, .required_s, .lit_s]]' "$T/b.hours.json"), expected lit $(jq -c .lit_hour_s "$T/expect.b.json")"

# CSV and HTML (light: the formats are tested in depth elsewhere).
for f in csv html; do
    expect_rc 0 "$SCREENLIT" report coverage --from "$DAY" --to "$DAY" --format "$f" -o "$T/report.$f" \
        --hub "$URL" --token "$AUD"
    for want in bank-a bank-b centre-c 城关支行大堂屏 幸福社区服务中心大厅; do
        expect_in "$T/report.$f" "$want"
    done
done
finish
