#!/bin/sh
# test_fault_clock.sh — a board without an RTC: the managed player starts with its clock at 1970
# (--clock real-at:1970-01-01T00:00:00Z: the real clock of a board NTP has not set). Out of reach of
# the hub, it plays its cached content (not the fallback) and journals its plays as untrusted 1970
# times; once the hub answers, the player learns the true time from its Date header, corrects those
# records from their monotonic anchors, and the hub receives them flagged "corrected", at the real
# time they were played, each exactly once; a record marked as made in an earlier boot (its
# monotonic time useless) arrives untrusted, unchanged. The schedule then follows the true time
# without a visible jump, and the heartbeat reports the clock as synced.
. "$(dirname "$0")/lib.sh"

SCREEN=lobby-1
J="$T/st/journal.db"
COLOUR=2060c0

# Content whose campaign dates are around today (UTC): at 1970 no date matches, so a player that
# believed its clock would show only the fallback.
mkdir -p "$T/s/media"
ffmpeg -loglevel error -f lavfi -i "color=c=0x$COLOUR:s=320x180" -frames:v 1 "$T/s/media/poster.png"
FROM=$(date -u -d '-1 day' +%Y-%m-%d)
TO=$(date -u -d '+1 day' +%Y-%m-%d)
cat >"$T/s/playlist.json" <<EOF
{"format": 1, "name": "clock test", "timezone": "UTC",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#000000"}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "media/poster.png", "duration": 2}],
 "rules": [{"items": ["poster"], "dates": {"from": "$FROM", "to": "$TO"}}],
 "fallback": {"type": "text", "mode": "static", "text": "FALLBACK", "color": "#ffffff"}}
EOF
hub_keys
start_hub "$DATA"
inventory_screen "mon-sun 00:00-24:00" UTC
publish_sample "$T/s"
# Enrol and cache the content (the real clock).
enrol_screen "$URL" "$T/st" --run 3
first_last=$(last_seq)

now_ms() {
    date +%s%3N
}

# near RRGGBB RRGGBB — true when every channel differs by at most 8 (the poster went through YUV).
near() {
    for i in 1 3 5; do
        a=$(printf '%d' "0x$(echo "$1" | cut -c"$i-$((i + 1))")")
        b=$(printf '%d' "0x$(echo "$2" | cut -c"$i-$((i + 1))")")
        d=$((a - b))
        [ "$d" -le 8 ] && [ "$d" -ge -8 ] || return 1
    done
}

# 1. The hub is unreachable and the board's clock says 1970: the cached content plays, not the
# fallback. (The hub is out of reach through the screen's identity, which names the hub: port 1
# refuses connections. Restarting a hub on a freed port could race with other programs for it.)
cp -p "$T/st/device.json" "$T/device.json.real"
jq -c '.hub = "http://127.0.0.1:1"' "$T/device.json.real" >"$T/device.json.down"
cat "$T/device.json.down" >"$T/st/device.json"
t1a=$(now_ms)
expect_rc 0 "$PLAYER" --hub http://127.0.0.1:1 --publisher-key "$KEY" --state-dir "$T/st" --output "frames:$T/f1" --size 320x180 \
    --run 7 --frames-every 1 --poll 1 --clock real-at:1970-01-01T00:00:00Z
t1b=$(now_ms)
expect_in "$T/err" "earlier than the content's publication"
expect_in "$T/err" "hub not answering"
expect_in "$T/out" "frames with a black zone 0"
n=0
for f in "$T/f1"/frame-*.png; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    px=$("$IMGCHECK" pixel "$f" 160,90)
    near "$px" "$COLOUR" && ok || fail "$(basename "$f") shows $px at the centre, not the poster ($COLOUR)"
done
[ "$n" -ge 5 ] && ok || fail "only $n frames written in 7 s"
# Its plays are journalled with the board's clock (1970), untrusted, of this boot.
sqlite3 -separator '|' "$J" "SELECT seq, start_ms, item FROM plays WHERE seq > $first_last ORDER BY seq" >"$T/run1.txt"
run1_n=$(wc -l <"$T/run1.txt")
[ "$run1_n" -ge 3 ] && ok || fail "only $run1_n plays journalled in the 1970 run"
bad=$(sqlite3 "$J" "SELECT count(*) FROM plays WHERE seq > $first_last AND (clock_trust <> 0 OR start_ms > 86400000 OR item <> 'poster' OR boot = '')")
[ "$bad" = 0 ] && ok || { fail "$bad plays of the 1970 run are not untrusted 1970 plays of the poster"; sqlite3 "$J" "SELECT * FROM plays" | sed 's/^/    | /' >&2; }
run1_last=$(tail -n 1 "$T/run1.txt" | cut -d'|' -f1)
# As if its first play had been made before a reboot: its monotonic time means nothing now, so
# it must arrive untrusted, with its 1970 time, not be "corrected" with a wrong one.
earlier=$(head -n 1 "$T/run1.txt" | cut -d'|' -f1)
earlier_t=$(head -n 1 "$T/run1.txt" | cut -d'|' -f2)
sqlite3 "$J" "UPDATE plays SET boot = 'an-earlier-boot' WHERE seq = $earlier"
sed -i 1d "$T/run1.txt"

# 2. The hub is reachable again, the clock still says 1970: the player learns the true time from
# the hub's Date, corrects the journal, and its schedule follows the true time.
cat "$T/device.json.real" >"$T/st/device.json"
t2a=$(now_ms)
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 5 --poll 1 --clock real-at:1970-01-01T00:00:00Z
t2b=$(now_ms)
expect_in "$T/err" "plays recorded before the true time was known (from the hub's clock)"
expect_in "$T/err" "learned the true time"
expect_in "$T/out" "frames with a black zone 0" # the schedule's jump to the true time is seamless
left=$(sqlite3 "$J" 'SELECT count(*) FROM plays')
[ "$left" = 0 ] && ok || fail "$left plays still in the journal after a clean exit with the hub up"
last=$(sqlite3 "$J" "SELECT seq FROM sqlite_sequence WHERE name = 'plays'")

# Every record at the hub exactly once.
curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=$SCREEN&limit=10000" >"$T/plays.json" ||
    fail "GET /api/v1/plays failed"
jq -r '.records[] | "\(.seq)|\(.start_ms)|\(.clock_trust)|\(.item)|\(.duration_ms)"' "$T/plays.json" | sort -t'|' -k1,1n >"$T/hub.txt"
hub_n=$(wc -l <"$T/hub.txt")
[ "$hub_n" -eq "$last" ] && ok || fail "the hub holds $hub_n records; the journal committed $last"
seq 1 "$last" >"$T/want.seq"
cut -d'|' -f1 "$T/hub.txt" >"$T/got.seq"
cmp -s "$T/want.seq" "$T/got.seq" && ok || fail "the hub's seqs are not exactly 1..$last, each once"

# The 1970 plays arrive corrected, at the real time they were played: each one's shift from its
# 1970 time is the same (one anchor for the whole boot) and is when the board's clock said 1970.
while IFS='|' read -r s t1970 item; do
    line=$(grep "^$s|" "$T/hub.txt" || true)
    trust=$(echo "$line" | cut -d'|' -f3)
    start=$(echo "$line" | cut -d'|' -f2)
    [ "$trust" = corrected ] && ok || fail "seq $s (played at 1970) arrived as '$trust', not corrected"
    [ -n "$start" ] || continue
    [ "$start" -ge $((t1a - 2000)) ] && [ "$start" -le $((t1b + 2000)) ] && ok ||
        fail "seq $s: corrected start $start is not within the run ($t1a..$t1b)"
    echo $((start - t1970)) >>"$T/shift.txt"
done <"$T/run1.txt"
lo=$(sort -n "$T/shift.txt" | head -n 1)
hi=$(sort -n "$T/shift.txt" | tail -n 1)
[ $((hi - lo)) -le 2 ] && ok || fail "the corrections differ between records ($lo..$hi ms): not one anchor"
[ "$lo" -ge $((t1a - 2000)) ] && [ "$lo" -le $((t1a + 5000)) ] && ok ||
    fail "the corrected 1970 clock starts at $lo, the run started at $t1a"

# The second run's plays are true times (synced once the Date was seen, corrected before) and no
# record anywhere carries a 1970 time.
awk -F'|' -v a="$run1_last" -v lo=$((t2a - 2000)) -v hi=$((t2b + 2000)) \
    '$1 > a && ($3 == "untrusted" || $3 == "simulated" || $2 < lo || $2 > hi) { print }' "$T/hub.txt" >"$T/bad2.txt"
[ ! -s "$T/bad2.txt" ] && ok || { fail "plays of the second run without a true time:"; sed 's/^/    | /' "$T/bad2.txt" >&2; }
long=$(awk -F'|' -v a="$first_last" '$1 > a && ($5 > 4000 || $5 < 0)' "$T/hub.txt" | wc -l)
[ "$long" = 0 ] && ok || fail "$long records last longer than their 2 s item (a time jump inside a play?)"
old=$(awk -F'|' -v e="$earlier" '$1 != e && $2 < 1700000000000' "$T/hub.txt" | wc -l)
[ "$old" = 0 ] && ok || fail "$old records at the hub still carry a time before 2023"
got=$(grep "^$earlier|" "$T/hub.txt" | cut -d'|' -f2,3)
[ "$got" = "$earlier_t|untrusted" ] && ok ||
    fail "the play of an earlier boot (seq $earlier) arrived as '$got', not '$earlier_t|untrusted'"

# The heartbeat reports the clock as synced once the hub's time is known (the hub keeps the last status).
hb=$(sqlite3 "$T/hub/hub.db" "SELECT status FROM heartbeats WHERE screen = '$SCREEN'" | jq -r .clock_trust)
[ "$hb" = synced ] && ok || fail "the last heartbeat says clock_trust '$hb', not synced"
off=$(sqlite3 "$T/hub/hub.db" "SELECT status FROM heartbeats WHERE screen = '$SCREEN'" | jq -r .clock_offset_ms)
[ "${off:-0}" -ge 1700000000000 ] 2>/dev/null && ok || fail "the heartbeat's clock_offset_ms ($off) does not say the board is decades behind"
echo "$((run1_n - 1)) plays made at 1970 corrected by $lo ms; the hub holds $hub_n records" >&2
finish
