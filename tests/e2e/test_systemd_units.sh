#!/bin/sh
# test_systemd_units.sh — config/screenlit-player.service and screenlit-hub.service pass `systemd-analyze verify` without a word, and the hub's sandbox stays tight (`systemd-analyze security`).
# Needs no running systemd (works in a container or CI machine whose PID 1 is not systemd).
. "$(dirname "$0")/lib.sh"
need systemd-analyze

# verify checks that ExecStart's program exists: a copy of each unit runs the built binaries
# instead of /usr/bin (where the packages put them). Man pages come with the packages: --man=no.
sed "s|/usr/bin/screenlit-player|$PLAYER|" "$SL_SOURCE_DIR/config/screenlit-player.service" \
    >"$T/screenlit-player.service"
sed "s|/usr/bin/screenlit-hub|$HUB|" "$SL_SOURCE_DIR/config/screenlit-hub.service" >"$T/screenlit-hub.service"
grep -q "$PLAYER" "$T/screenlit-player.service" && ok || fail "the player unit does not start /usr/bin/screenlit-player"
grep -q "$HUB" "$T/screenlit-hub.service" && ok || fail "the hub unit does not start /usr/bin/screenlit-hub"
for u in screenlit-player screenlit-hub; do
    # Any message is a finding (an unknown key is only a warning with exit status 0).
    expect_rc 0 systemd-analyze --man=no verify "$T/$u.service"
    [ ! -s "$T/err" ] && [ ! -s "$T/out" ] && ok || {
        fail "systemd-analyze verify $u.service said something"
        cat "$T/out" "$T/err" >&2
    }
    grep -q '^Type=notify$' "$T/$u.service" && ok || fail "$u.service is not Type=notify"
    grep -q '^WatchdogSec=' "$T/$u.service" && ok || fail "$u.service has no WatchdogSec="
    grep -q '^Restart=always$' "$T/$u.service" && ok || fail "$u.service is not Restart=always"
done

# The exposure score systemd gives (0 = locked down, 10 = none): the hub is fully
# sandboxed; the player keeps its devices, so less.
score() {
    systemd-analyze security --offline=yes "$T/$1.service" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
hub=$(score screenlit-hub)
player=$(score screenlit-player)
echo "exposure: hub $hub, player $player" >&2
awk -v s="${hub:-99}" 'BEGIN {exit !(s <= 2.0)}' && ok || fail "the hub's exposure level is $hub (at most 2.0)"
awk -v s="${player:-99}" 'BEGIN {exit !(s <= 5.0)}' && ok || fail "the player's exposure level is $player (at most 5.0)"
finish
