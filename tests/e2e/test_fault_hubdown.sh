#!/bin/sh
# test_fault_hubdown.sh — the hub stops while a managed player plays a simulated day (issue 5,
# fault tests): the plays accumulate in the journal, nothing is dropped, and once the hub is back
# (same data folder, same port: the player's hub URL is in its device.json) every record
# arrives exactly once.
#
# The oracle is the journal's own bookkeeping, as in test_fault_kill.sh: seqs are AUTOINCREMENT
# and assigned in the play's transaction, so the committed plays are exactly seqs 1..LAST
# (sqlite_sequence); item_totals counts them per item in the same transaction and is never
# touched by acknowledgements. At the end the hub must hold seqs 1..LAST, each once, with per
# item the counts of item_totals, and the journal must be empty.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C # sort and comm agree on the order

SCREEN=lobby-1
J="$T/st/journal.db"

# The sample with longer items, so that a simulated day is a few hundred plays, not thousands
# (a day of the sample's 10 s posters takes a minute of decoding even on the simulated clock).
sample_copy "$T/s"
jq '.items |= map(if .duration then .duration *= 12 else . end)' "$T/s/playlist.json" >"$T/s/p.json"
mv "$T/s/p.json" "$T/s/playlist.json"
# A hub, the screen enrolled and synced on a real-pace clock.
managed_screen "$T/s" --run 5 --clock from:2026-11-26T09:00:00+08:00
HUBPORT=$PORT

# A simulated day (Friday midnight to Saturday midnight in Shanghai: night, business hours,
# evening); the hub is stopped once the day's first play is committed, while the uploader is at work.
s0=$(last_seq)
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 86400 --poll 1 --clock sim:2026-11-27T00:00:00+08:00 >"$T/day.out" 2>"$T/day.err" &
pid=$!
n=0
while [ "$n" -lt 1200 ] && [ "$(last_seq)" -le "$s0" ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    n=$((n + 1))
done
stop_hub
t0=$(date +%s)
set +e
wait "$pid"
rc=$?
set -e
echo "the simulated day took $(($(date +%s) - t0)) s after the hub stopped" >&2
[ "$rc" -eq 0 ] && ok || { fail "the player exited $rc during the day without a hub"; sed 's/^/    | /' "$T/day.err" | tail -20 >&2; }
expect_in "$T/day.out" "journal errors 0"
day_last=$(last_seq)
day_pending=$(pending)
echo "after the day: $day_last plays committed, $day_pending waiting for the hub" >&2
[ "$day_pending" -ge 100 ] && ok || fail "only $day_pending plays waiting after a simulated day without the hub"
ic=$(sqlite3 "$J" 'PRAGMA integrity_check')
[ "$ic" = ok ] && ok || fail "integrity_check after the day: $ic"

# The player restarts while the hub is still down: the records stay.
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 600 --poll 1 --clock sim:2026-11-28T00:00:00+08:00
[ "$(pending)" -ge "$day_pending" ] && ok || fail "records left the journal while the hub was down ($day_pending, then $(pending))"

# The hub comes back on the same data and the same port. On a shared machine another program
# may have taken the port meanwhile: then it is tried again for a minute, and at last the hub
# comes back on a new port that the screen's device.json is pointed at (as an installer would).
hub_back() { # PORT — starts the hub; true once it listens
    : >"$T/hub.out"
    "$HUB" serve --data "$T/hub" --listen "127.0.0.1:$1" >"$T/hub.out" 2>>"$T/hub.log" &
    HUBPID=$!
    n=0
    while [ "$n" -lt 1200 ] && ! grep -q '^listening on' "$T/hub.out" 2>/dev/null; do
        kill -0 "$HUBPID" 2>/dev/null || break
        n=$((n + 1))
        sleep 0.1
    done
    grep -q '^listening on' "$T/hub.out" 2>/dev/null && return 0
    kill "$HUBPID" 2>/dev/null || true
    wait "$HUBPID" 2>/dev/null || true
    HUBPID=
    return 1
}
: >"$T/hub.log"
tries=0
until hub_back "$HUBPORT"; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || break
    sleep 2 # the pause between tries of a port another program holds; the loop waits for the port itself
done
if [ -z "$HUBPID" ] && hub_back 0; then
    URL=$(sed -n 's|^listening on \(http://[^/]*\)/$|\1|p' "$T/hub.out" | head -n 1)
    echo "port $HUBPORT stayed taken ($(tail -n 1 "$T/hub.log")): the hub is back at $URL" >&2
    jq -c --arg u "$URL" '.hub = $u' "$T/st/device.json" >"$T/device.json.new"
    cat "$T/device.json.new" >"$T/st/device.json"
fi
if [ -z "$HUBPID" ]; then
    fail "the hub did not restart"
    sed 's/^/    | /' "$T/hub.log" >&2
    finish
    exit 1
fi

# A player runs (real pace: no item ends in its first seconds) until the journal is empty, then
# is killed: a clean stop would journal cut-short plays after its uploader stopped.
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 300 --poll 1 --clock from:2026-11-30T10:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
pid=$!
n=0
while [ "$n" -lt 1200 ] && [ "$(pending 2>/dev/null || echo -1)" != 0 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
left=$(pending)
[ "$left" = 0 ] && ok || { fail "$left records still in the journal after 120 s with the hub back"; sed 's/^/    | /' "$T/p.err" | tail -20 >&2; }
ic=$(sqlite3 "$J" 'PRAGMA integrity_check')
[ "$ic" = ok ] && ok || fail "integrity_check at the end: $ic"
last=$(last_seq)

# Every record exactly once at the hub.
hub_records seq item
expect_exactly_once "$last"
echo "hub holds $hub_n records for $SCREEN" >&2
finish
