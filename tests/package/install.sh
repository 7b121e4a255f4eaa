#!/bin/sh
# install.sh — installs the amd64 packages made by tools/package.sh on this Debian machine, runs the demo from the installed programs, upgrades, removes and purges them, checking users, units, settings and state at each step.
# Runs only with SL_PACKAGE_TEST=1 as root (it installs and removes system packages): else exit 77 (skipped).
# Needs SL_PACKAGE_DIR (default SOURCE/build-pkg) to hold VERSION-1 and VERSION-2 of the three packages:
#   tools/package.sh amd64 && tools/package.sh amd64 --version VERSION-2 --no-lintian
# Screenlit packages already installed on this machine are purged first.
set -eu

: "${SL_SOURCE_DIR:?run through ctest}"
if [ "${SL_PACKAGE_TEST:-0}" != 1 ]; then
    echo "SKIP: set SL_PACKAGE_TEST=1 (and run as root) to install the packages on this machine"
    exit 77
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "SKIP: installing packages needs root and apt-get (Debian)"
    exit 77
fi

export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
arch=$(dpkg --print-architecture)
dir=${SL_PACKAGE_DIR:-"$SL_SOURCE_DIR/build-pkg"}
upstream=$(sed -n 's/^project(screenlit VERSION \([0-9.]*\).*/\1/p' "$SL_SOURCE_DIR/CMakeLists.txt")
v1="$upstream-1"
v2="$upstream-2"
PKGS="screenlit-player screenlit-hub screenlit"
T=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-pkg.XXXXXX")
chmod 0755 "$T" # the packages' users read the demo's files
failures=0
checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }
check() { # check DESCRIPTION CMD... — CMD succeeds
    what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok; else fail "$what"; fi
}
# dpkg --purge: also packages removed already (apt-get knows no package without files left).
purge_all() { dpkg --purge $PKGS >"$T/purge.log" 2>&1 || true; }
trap 'purge_all; rm -rf "$T"' EXIT

debs() { for p in $PKGS; do echo "$dir/${p}_$1_$arch.deb"; done; }
for f in $(debs "$v1") $(debs "$v2"); do
    [ -f "$f" ] || {
        echo "FAIL: $f is missing: run tools/package.sh $arch && tools/package.sh $arch --version $v2 --no-lintian" >&2
        exit 1
    }
done
version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; }
status() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true; }
purge_all

# ---- install ----
t0=$(date +%s)
# shellcheck disable=SC2046 # one path per package, no spaces (the build folder's)
if apt-get install -y -q --no-install-recommends $(debs "$v1") >"$T/install.log" 2>&1; then ok; else
    fail "apt-get install of the $v1 packages failed"
    tail -30 "$T/install.log" >&2
fi
echo "install: $(($(date +%s) - t0)) s" >&2
for p in $PKGS; do
    [ "$(version "$p")" = "$v1" ] && ok || fail "$p is not installed at $v1"
done
check "no user screenlit" getent passwd screenlit
check "no user screenlit-hub" getent passwd screenlit-hub
for g in video audio; do
    id -nG screenlit | tr ' ' '\n' | grep -qx "$g" && ok || fail "screenlit is not in the group $g"
done
[ "$(stat -c %U:%a /var/lib/screenlit)" = "screenlit:750" ] && ok || fail "/var/lib/screenlit is $(stat -c %U:%a /var/lib/screenlit)"
[ "$(stat -c %U:%a /var/lib/screenlit-hub)" = "screenlit-hub:700" ] && ok ||
    fail "/var/lib/screenlit-hub is $(stat -c %U:%a /var/lib/screenlit-hub)"
for u in screenlit-player screenlit-hub; do
    check "$u.service is not installed" test -f "/lib/systemd/system/$u.service"
    check "$u.service is not enabled" test -L "/etc/systemd/system/multi-user.target.wants/$u.service"
    check "no man page for $u" test -f "/usr/share/man/man1/$u.1.gz"
done
check "no man page for screenlit" test -f /usr/share/man/man1/screenlit.1.gz
dpkg-query -W -f='${Conffiles}\n' screenlit-player | grep -q '/etc/screenlit/player.conf' && ok ||
    fail "player.conf is not a conffile"
dpkg-query -W -f='${Conffiles}\n' screenlit-hub | grep -q '/etc/screenlit/hub.conf' && ok || fail "hub.conf is not a conffile"
# The installed units, with the installed programs and man pages, verify cleanly.
if command -v systemd-analyze >/dev/null; then
    if systemd-analyze verify /lib/systemd/system/screenlit-player.service /lib/systemd/system/screenlit-hub.service \
        >"$T/verify" 2>&1 && [ ! -s "$T/verify" ]; then ok; else
        fail "systemd-analyze verify on the installed units:"
        cat "$T/verify" >&2
    fi
fi
for b in screenlit screenlit-hub screenlit-player; do
    "/usr/bin/$b" --version >"$T/v" 2>&1 && grep -q "^$b " "$T/v" && ok || fail "/usr/bin/$b --version failed"
done

# ---- the demo from the installed programs: hub on loopback, keygen, publish, player (simulated clock, frames), report ----
t0=$(date +%s)
if env -u DISPLAY -u WAYLAND_DISPLAY SL_DEMO_SKIP_SETUP=1 SL_DEMO_BIN_DIR=/usr/bin \
    sh "$SL_SOURCE_DIR/tools/demo.sh" "$T/demo" >"$T/demo.out" 2>"$T/demo.err"; then ok; else
    fail "tools/demo.sh with the installed programs failed"
    tail -30 "$T/demo.out" "$T/demo.err" >&2
fi
echo "demo: $(($(date +%s) - t0)) s" >&2
grep -q "enrolled as screen bank-0412-lobby" "$T/demo.out" && ok || fail "the installed player did not enrol"
grep -q "frames with a black zone 0" "$T/demo/player-sim.out" 2>/dev/null && ok || fail "the installed player's run"
[ -s "$T/demo/report.json" ] && ok || fail "no coverage report from the installed screenlit"

# ---- settings and state an installer leaves, then an upgrade ----
echo "# edited on this board" >>/etc/screenlit/player.conf
echo '# edited on this hub' >>/etc/screenlit/hub.conf
echo journal >/var/lib/screenlit/kept
echo hubdb >/var/lib/screenlit-hub/kept
# shellcheck disable=SC2046
if apt-get install -y -q --no-install-recommends $(debs "$v2") >"$T/upgrade.log" 2>&1; then ok; else
    fail "apt-get install of the $v2 packages (upgrade) failed"
    tail -30 "$T/upgrade.log" >&2
fi
for p in $PKGS; do
    [ "$(version "$p")" = "$v2" ] && ok || fail "$p was not upgraded to $v2"
done
check "the upgrade lost the edit of player.conf" grep -q "edited on this board" /etc/screenlit/player.conf
check "the upgrade lost the edit of hub.conf" grep -q "edited on this hub" /etc/screenlit/hub.conf
check "the upgrade lost the player's state" grep -q journal /var/lib/screenlit/kept
check "the upgrade lost the hub's state" grep -q hubdb /var/lib/screenlit-hub/kept
check "the upgrade disabled the player" test -L /etc/systemd/system/multi-user.target.wants/screenlit-player.service
/usr/bin/screenlit-player --version >/dev/null 2>&1 && ok || fail "the upgraded player does not run"

# ---- remove: programs go, settings and state stay ----
apt-get remove -y -q $PKGS >"$T/remove.log" 2>&1 && ok || { fail "apt-get remove failed"; tail -20 "$T/remove.log" >&2; }
for b in screenlit screenlit-hub screenlit-player; do
    [ ! -e "/usr/bin/$b" ] && ok || fail "/usr/bin/$b is still there after remove"
done
[ "$(status screenlit-player)" = rc ] && ok || fail "screenlit-player is '$(status screenlit-player)' after remove, not rc"
check "remove deleted player.conf" grep -q "edited on this board" /etc/screenlit/player.conf
check "remove deleted hub.conf" grep -q "edited on this hub" /etc/screenlit/hub.conf
check "remove deleted the player's state" test -f /var/lib/screenlit/kept
check "remove deleted the hub's state" test -f /var/lib/screenlit-hub/kept

# ---- purge: settings and state go ----
dpkg --purge $PKGS >"$T/purge.log" 2>&1 && ok || { fail "dpkg --purge failed"; tail -20 "$T/purge.log" >&2; }
for f in /etc/screenlit/player.conf /etc/screenlit/hub.conf /var/lib/screenlit /var/lib/screenlit-hub \
    /etc/systemd/system/multi-user.target.wants/screenlit-player.service; do
    [ ! -e "$f" ] && ok || fail "$f is still there after purge"
done
[ -z "$(status screenlit-player)" ] || [ "$(status screenlit-player)" = un ] && ok ||
    fail "screenlit-player is '$(status screenlit-player)' after purge"

echo "$checks passed, $failures failed"
[ "$failures" -eq 0 ]
