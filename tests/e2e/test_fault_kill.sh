#!/bin/sh
# test_fault_kill.sh — kill -9 a managed player at random moments, over at least 200 cycles of
# simulated-clock runs against a real hub (issue 5, fault tests): the journal is never corrupt,
# and in the end the hub holds every committed play exactly once, per item as many as were played.
#
# Reproducing a failure: every cycle's kill delay comes from awk's rand() seeded with
# SEED*1000+CYCLE; the script prints SEED (SL_FAULT_SEED, default 1) and, on failure, the cycle.
# SL_FAULT_CYCLES changes the number of cycles (default 200, the issue's minimum);
# SL_FAULT_MIN_MS and SL_FAULT_MAX_MS the range of the kill delays (default 20 to 400 ms).
#
# When the delay starts. Three cycles in four wait until the run has committed its first play
# (the journal's last seq goes up) and count the delay from there, so the kill lands in the
# stream of commits and uploads however slow the machine is (counted from the process start,
# a busy machine would spend the whole delay starting up and commit nothing); every fourth
# cycle counts from the process start and so also kills during start-up and WAL recovery.
#
# What "the plays that completed" means, and how the test knows it. The player is killed
# asynchronously, so the script cannot know which plays were committed by looking at the
# player; it reads the journal after each kill instead, and relies on three facts of the
# journal's schema (player/journal.c):
#   - plays.seq is AUTOINCREMENT: sqlite_sequence holds the highest seq ever assigned, and seqs
#     are handed out 1, 2, 3 … in the same transaction as the play; a rolled-back (killed)
#     append assigns nothing. So the committed plays are exactly seqs 1..LAST.
#   - item_totals (item -> plays) is updated in the same transaction as each append and never
#     touched by acknowledgements: it is the per-item count of committed plays since the
#     journal was created.
#   - a row leaves `plays` only once the hub acknowledged it; so at any moment every committed
#     play is at the hub, or still in `plays`, or both (killed between the hub's commit and the
#     journal's ack: the next run re-sends it and the hub answers "duplicate").
# The checks are therefore: after every kill, the journal passes PRAGMA integrity_check, nothing
# was moved aside as corrupt, LAST never goes down, sum(item_totals) = LAST, and every row seen
# in `plays` is remembered (seq|item|start_ms|duration_ms). At the end a last run (not killed
# until the journal is empty) drains it, and the hub must hold exactly seqs 1..LAST, each once,
# with the same item/start/duration as the journal held, and per item as many records as
# item_totals says. The integrity check runs on a copy of the journal (db + -wal) so that the
# player itself, not the sqlite3 tool, recovers the hot WAL the kill left behind.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C # sort and comm agree on the order

SEED=${SL_FAULT_SEED:-1}
CYCLES=${SL_FAULT_CYCLES:-200}
MIN_MS=${SL_FAULT_MIN_MS:-20}   # kill delay range after each start, in ms
MAX_MS=${SL_FAULT_MAX_MS:-400}
SCREEN=lobby-1
J="$T/st/journal.db"
echo "test_fault_kill: seed $SEED, $CYCLES cycles, kills $MIN_MS-$MAX_MS ms after each start (SL_FAULT_SEED=$SEED reproduces)" >&2

# A hub, the screen enrolled, synced once on a real-pace clock, so that every later run plays the
# cached manifest at once.
sample_copy "$T/s"
managed_screen "$T/s" --run 5 --clock from:2026-11-25T09:00:00+08:00

# check_journal LABEL — integrity and bookkeeping of the journal, on a copy (the player is dead).
last=0
check_journal() {
    rm -rf "$T/chk"
    mkdir "$T/chk"
    cp "$J" "$T/chk/j.db"
    [ -f "$J-wal" ] && cp "$J-wal" "$T/chk/j.db-wal"
    ic=$(sqlite3 "$T/chk/j.db" 'PRAGMA integrity_check' 2>&1 | tr '\n' ' ')
    if [ "$ic" = "ok " ]; then ok; else fail "$1: integrity_check says: $ic"; fi
    if ls "$J".corrupt-* >/dev/null 2>&1; then
        fail "$1: the player moved its journal aside as corrupt: $(ls "$J".corrupt-*)"
    fi
    now=$(sqlite3 "$T/chk/j.db" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'plays'), 0)")
    tot=$(sqlite3 "$T/chk/j.db" 'SELECT coalesce(sum(plays), 0) FROM item_totals')
    if [ "$now" -lt "$last" ]; then fail "$1: the last seq went down from $last to $now"; fi
    if [ "$tot" != "$now" ]; then fail "$1: item_totals counts $tot plays but the last seq is $now"; fi
    last=$now
    sqlite3 -separator '|' "$T/chk/j.db" 'SELECT seq, item, start_ms, duration_ms FROM plays' >>"$T/seen"
}
: >"$T/seen"
check_journal "after the first run"

base=$(date -u -d 2026-11-25T01:00:00Z +%s)   # 09:00 in Shanghai
i=1
t0=$(date +%s)
while [ "$i" -le "$CYCLES" ]; do
    delay=$(awk -v s=$((SEED * 1000 + i)) -v lo="$MIN_MS" -v hi="$MAX_MS" \
        'BEGIN { srand(s); printf "%.3f", (lo + rand() * (hi - lo)) / 1000 }')
    # Two simulated hours later each cycle: days, nights and weekends (other items, the fallback).
    start=$(date -u -d "@$((base + i * 7200))" +%Y-%m-%dT%H:%M:%S+00:00)
    "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
        --run 86400 --clock "sim:$start" >"$T/p.out" 2>"$T/p.err" &
    pid=$!
    if [ $((i % 4)) -ne 0 ]; then
        # Wait (up to 120 s) for this run's first commit: a seq above the last one seen.
        n=0
        while [ "$n" -lt 2400 ] && kill -0 "$pid" 2>/dev/null; do
            cur=$(sqlite3 "$J" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'plays'), 0)" \
                2>/dev/null || echo 0)
            [ "${cur:-0}" -gt "$last" ] && break
            sleep 0.05
            n=$((n + 1))
        done
        [ "$n" -lt 2400 ] || fail "cycle $i: the player committed no play in 120 s (seed $SEED)"
    fi
    sleep "$delay"
    if ! kill -9 "$pid" 2>/dev/null; then
        fail "cycle $i: the player was gone before the kill (seed $SEED)"
        sed 's/^/    | /' "$T/p.err" | tail -20 >&2
    fi
    wait "$pid" 2>/dev/null || true
    before=$failures
    check_journal "cycle $i (seed $SEED, delay ${delay}s)"
    if [ "$failures" -gt "$before" ]; then
        sed 's/^/    | /' "$T/p.err" | tail -20 >&2
        break
    fi
    i=$((i + 1))
done
echo "$((i - 1)) kill cycles in $(($(date +%s) - t0)) s; $last plays committed" >&2
posters=$(sqlite3 "$T/chk/j.db" "SELECT coalesce(sum(plays), 0) FROM item_totals WHERE item LIKE 'poster-%'")
[ "$posters" -gt 0 ] && ok || fail "no poster was ever played: the runs did not play the synced campaign"
[ "$last" -gt "$CYCLES" ] && ok || fail "only $last plays were committed in $CYCLES cycles: the cycles are too short to test anything"

# Drain: a real-pace run (no item ends within its first seconds) kept alive until the journal is
# empty, then killed like the others — a clean stop would itself journal cut-short plays.
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 \
    --run 600 --poll 1 --clock from:2026-12-01T10:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
pid=$!
n=0
pending=-1
while [ "$n" -lt 1800 ]; do
    sleep 0.1
    pending=$(sqlite3 "$J" 'SELECT count(*) FROM plays' 2>/dev/null || echo -1)
    [ "$pending" = 0 ] && break
    n=$((n + 1))
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
check_journal "after the drain"
left=$(sqlite3 "$J" 'SELECT count(*) FROM plays')
[ "$left" = 0 ] && ok || {
    fail "$left records still in the journal after 180 s of uploading"
    sed 's/^/    | /' "$T/p.err" | tail -20 >&2
}
kill -0 "$HUBPID" 2>/dev/null && ok || fail "the hub died"

# Everything the hub holds for the screen: seqs 1..LAST, each once, per item as many as committed.
hub_records seq item start_ms duration_ms
hub_n=$(wc -l <"$T/hub.rec")
distinct=$(cut -d'|' -f1 "$T/hub.rec" | sort -n | uniq | wc -l)
[ "$distinct" -eq "$hub_n" ] && ok || fail "$((hub_n - distinct)) duplicate seqs at the hub"
expect_exactly_once "$last"
# Every record the journal ever held arrived unchanged.
sort -u "$T/seen" >"$T/seen.s"
sort -u "$T/hub.rec" >"$T/hub.s"
missing=$(comm -23 "$T/seen.s" "$T/hub.s" | wc -l)
[ "$missing" -eq 0 ] && ok || {
    fail "$missing records seen in the journal are not at the hub as they were, e.g.:"
    comm -23 "$T/seen.s" "$T/hub.s" | head -5 | sed 's/^/    | /' >&2
}
echo "hub holds $hub_n records for $SCREEN over $(wc -l <"$T/want.items") items" >&2
finish
