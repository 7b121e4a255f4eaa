#!/bin/sh
# test_player_notify.sh — under systemd's notify protocol the player says READY=1 at its first frame and pings WATCHDOG=1 from its render loop; a stalled loop stops the pings while the process lives.
. "$(dirname "$0")/lib.sh"

NOTIFY="$SL_BUILD_DIR/tests/notifylisten"
sample_copy "$T/s"
# WatchdogSec=2: a ping every second of real time.
USEC=2000000

pings() { grep -c ' WATCHDOG=1$' "$1" || true; }

# 1. A simulated-clock run slowed to about 10 s of real time on an idle machine (20 ms a loop
# turn; 400 simulated seconds took only 3 s, too few pings to judge), longer on a busy one.
expect_rc 0 "$NOTIFY" "$T/n1.log" "$USEC" env SL_TEST_RENDER_LOOP=pace=20 "$PLAYER" \
    --playlist "$T/s/playlist.json" --output "frames:$T/f1" --size 160x90 \
    --clock sim:2026-11-25T08:00:00Z --run 1200 --frames-every 30 --journal "$T/j1.db" --screen-id n
expect_in "$T/n1.log" " READY=1"
expect_in "$T/n1.log" " STOPPING=1"
expect_in "$T/err" "systemd watchdog: 2000 ms, pinged from the render loop every 1000 ms"
# READY=1 comes once the first frame is written, and pings follow it.
ready_ms=$(awk '$2 == "READY=1" {print $1; exit}' "$T/n1.log")
[ -n "$ready_ms" ] && ok || fail "no READY=1"
[ -n "$(ls "$T/f1" 2>/dev/null)" ] && ok || fail "no frame written"
after=$(awk -v r="${ready_ms:-0}" '$2 == "WATCHDOG=1" && $1 >= r' "$T/n1.log" | wc -l)
[ "$after" -ge 3 ] && ok || fail "only $after WATCHDOG=1 pings after READY=1"
# No long gap between pings while the loop ran.
gap=$(awk '$2 == "WATCHDOG=1" {if (last != "" && $1 - last > max) max = $1 - last; last = $1} END {print max + 0}' "$T/n1.log")
# (A loaded machine may delay a turn: allow up to two intervals, as systemd would not.)
[ "$gap" -le 4000 ] && ok || fail "pings $gap ms apart (the watchdog interval is 2000 ms)"

# 2. The same, but the render loop blocks after 4 s of real time: the pings stop, the process lives on.
# The listener logs "silent 6000" once 6 s pass without a message (three watchdog intervals).
NOTIFYLISTEN_SILENCE_MS=6000 "$NOTIFY" "$T/n2.log" "$USEC" env SL_TEST_RENDER_LOOP=pace=20,stall=4 "$PLAYER" \
    --playlist "$T/s/playlist.json" --output "frames:$T/f2" --size 160x90 \
    --clock sim:2026-11-25T08:00:00Z --run 86400 --frames-every 600 --journal "$T/j2.db" --screen-id n \
    >"$T/out2" 2>"$T/err2" &
lpid=$!
# The hook says STATUS=render loop stalled on the notify socket just before it blocks; datagrams
# of one socket arrive in order, so every ping the loop sent is logged before that line.
i=0
until grep -q ' STATUS=render loop stalled$' "$T/n2.log" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 1200 ] || break
    sleep 0.1
done
expect_in "$T/err2" "the render loop stalls now"
expect_in "$T/n2.log" " STATUS=render loop stalled"
before=$(pings "$T/n2.log")
[ "$before" -ge 2 ] && ok || fail "only $before pings before the loop stalled"
# Three watchdog intervals without a ping (systemd would have restarted the player): wait until
# the listener has seen 6 s without any message after the stall (up to 120 s on a busy machine).
silent_after_stall() {
    awk '/ STATUS=render loop stalled$/ {s = 1; next} s && $2 == "silent" {found = 1} END {exit !found}' "$T/n2.log"
}
i=0
until silent_after_stall; do
    i=$((i + 1))
    [ "$i" -lt 1200 ] || break
    sleep 0.1
done
silent_after_stall && ok || fail "the listener never saw 6 s without a message after the stall"
cpid=$(awk '$1 == "pid" {print $2}' "$T/n2.log")
kill -0 "$cpid" 2>/dev/null && ok || fail "the player ended instead of stalling"
after=$(awk '/ STATUS=render loop stalled$/ {s = 1; next} s && $2 == "WATCHDOG=1"' "$T/n2.log" | wc -l)
[ "$after" -eq 0 ] && ok || fail "$after pings came from a stalled render loop"
kill -KILL "$cpid" 2>/dev/null || true
wait "$lpid" || true
finish
