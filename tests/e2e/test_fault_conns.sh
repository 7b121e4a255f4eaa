#!/bin/sh
# test_fault_conns.sh — one client address opens thousands of idle connections (issue 10, a bounded
# hub): the hub keeps at most --max-conns-per-address of them (default 64) and closes the rest at
# once, while health checks and a screen's uploads from other addresses keep being answered. With
# the limit off (0, as behind a reverse proxy) the same address may hold more.
#
# The attack comes from tests/tools/hubflood.c bound to 127.0.0.3 and 127.0.0.4 (any 127/8 address
# is local on Linux); the health checks come from 127.0.0.1 and the screen's uploads from 127.0.0.2
# (curl --interface). Before the limit, 5000 idle connections filled the hub's 4096 and every other
# request timed out.
. "$(dirname "$0")/lib.sh"
need curl jq

FLOOD="$SL_BUILD_DIR/tests/hubflood"
N=5000
FLOODS=
cleanup_floods() {
    for p in $FLOODS; do kill "$p" 2>/dev/null || true; done
    for p in $FLOODS; do wait "$p" 2>/dev/null || true; done
    FLOODS=
}
trap 'cleanup_floods; kill_hub; rm -rf "$T"' EXIT

# fstat FILE NAME — a count of a hubflood stats file (0 before it exists).
fstat() {
    awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1" 2>/dev/null || echo 0
}

# flood NAME FROM N [args] — starts hubflood from address FROM with N connections; stats in $T/NAME.
flood() {
    name=$1
    from=$2
    n=$3
    shift 3
    "$FLOOD" --connect "127.0.0.1:$PORT" --bind "$from" --conns "$n" --stats "$T/$name" "$@" >"$T/$name.out" 2>&1 &
    FLOODS="$FLOODS $!"
}

# wait_flood NAME OPEN_MAX — until every connection of NAME is made or failed and at most OPEN_MAX
# stay open (the hub closed the others); 120 s at most.
wait_flood() {
    i=0
    while [ "$i" -lt 1200 ]; do
        if [ "$(fstat "$T/$1" settled)" = 1 ] && [ "$(fstat "$T/$1" open)" -le "$2" ]; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# answered — health checks from 127.0.0.1 and a plays batch of screen $S from 127.0.0.2, each within
# 20 s (a generous bound for a busy machine; the hub answers in milliseconds when not held up).
seq_next=1
answered() {
    k=0
    while [ "$k" -lt 5 ]; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$URL/api/v1/health") || true
        [ "$code" = 200 ] && ok || fail "$1: a health check got '$code' (wanted 200 within 20 s)"
        k=$((k + 1))
    done
    batch "$seq_next" "$((seq_next + 4))" >"$T/batch"
    code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 20 --interface 127.0.0.2 \
        -H "Authorization: Bearer $S" -H 'Content-Type: application/json' --data-binary @"$T/batch" \
        "$URL/api/v1/plays") || true
    if [ "$code" = 200 ] && jq -e ".acked_seq == $((seq_next + 4))" "$T/body" >/dev/null; then ok; else
        fail "$1: the screen's upload got '$code' (wanted 200 with acked_seq $((seq_next + 4)))"
        head -c 300 "$T/body" >&2
    fi
    seq_next=$((seq_next + 5))
}

set +e
curl -s -o /dev/null --max-time 10 --interface 127.0.0.2 "http://127.0.0.1:9/" 2>/dev/null
rc=$?
set -e
if [ "$rc" -eq 45 ]; then
    echo "SKIP: cannot bind to 127.0.0.2 (not Linux loopback?)"
    exit 77
fi

ADMIN=$(new_token admin ops)
start_hub "$DATA"
load_inventory
S=$(enrol "$ADMIN" bank-0412-lobby)
[ ${#S} -eq 64 ] && ok || fail "enrolment failed"
expect_in "$T/hub.log" " connections, 64 per client address"

# 5000 idle connections from 127.0.0.3: once they are all made (the kernel completes them
# whether or not the hub takes them), the hub answers others at once, and at most 64 stay open.
# (The hub closes an idle connection after 120 s, so the checks come before that.)
flood idle3 127.0.0.3 "$N"
wait_flood idle3 "$N" || fail "after 120 s, the $N connections from 127.0.0.3 are not all made or failed"
if grep -q 'too low' "$T/idle3.out"; then
    echo "SKIP: $(cat "$T/idle3.out")"
    exit 77
fi
answered "under 5000 idle connections from 127.0.0.3"
if ! wait_flood idle3 64; then
    fail "$(fstat "$T/idle3" open) of $N idle connections from 127.0.0.3 are still open (at most 64 wanted)"
fi
held=$(fstat "$T/idle3" open)
echo "127.0.0.3: $held of $N idle connections held, $(fstat "$T/idle3" closed) closed by the hub" >&2
[ "$held" -ge 32 ] && ok || fail "only $held connections from 127.0.0.3 stayed open: the limit is 64, not less"

# A second address gets its own 64 (a limit per address, not in all).
flood idle4 127.0.0.4 200
wait_flood idle4 64 || fail "connections from 127.0.0.4: $(fstat "$T/idle4" open) open, at most 64 wanted"
[ "$(fstat "$T/idle4" open)" -ge 32 ] && ok || fail "127.0.0.4 kept only $(fstat "$T/idle4" open) connections"
answered "under idle connections from two addresses"
# The first flood is still held where it was.
[ "$(fstat "$T/idle3" open)" -le 64 ] && ok || fail "127.0.0.3 holds $(fstat "$T/idle3" open) connections"
cleanup_floods
stop_hub_clean

# With --max-conns-per-address 0 (behind a reverse proxy) one address may hold 200.
start_hub "$DATA" --max-conns-per-address 0
expect_in "$T/hub.log" "per client address (no limit)"
flood off3 127.0.0.3 200
i=0
while [ "$i" -lt 1200 ] && ! { [ "$(fstat "$T/off3" settled)" = 1 ] && [ "$(fstat "$T/off3" open)" -ge 200 ]; }; do
    sleep 0.1
    i=$((i + 1))
done
[ "$(fstat "$T/off3" open)" -eq 200 ] && ok || fail "without a limit per address, $(fstat "$T/off3" open) of 200 stayed open"
answered "under 200 connections from one address with no limit per address"
cleanup_floods
stop_hub_clean

# Wrong values are refused with a reason.
"$HUB" serve --data "$DATA" --max-conns-per-address -1 >"$T/o" 2>"$T/e" && fail "--max-conns-per-address -1 accepted" || ok
expect_in "$T/e" "--max-conns-per-address wants a number"
"$HUB" serve --data "$DATA" --max-conns 3 >"$T/o" 2>"$T/e" && fail "--max-conns 3 accepted" || ok
expect_in "$T/e" "--max-conns wants a number from 16"
finish
