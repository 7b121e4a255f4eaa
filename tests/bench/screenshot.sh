#!/bin/sh
# screenshot.sh — the CPU of one 1920x1080 proof screenshot: a managed screen showing the sample campaign, a real hub on loopback; the heartbeat thread logs what encoding each PNG cost (tests/bench/README.md).
#
# Usage: tests/bench/screenshot.sh     (builds Release in build-bench unless BENCH_NO_BUILD=1)
# Environment (all optional):
#   SL_BUILD_DIR   build folder (default: <source>/build-bench)
#   BENCH_RUNS     player runs, one screenshot each (default 5, at most 50)
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
RUNS=${BENCH_RUNS:-5}
case "$RUNS" in '' | *[!0-9]*) echo "screenshot.sh: BENCH_RUNS=$RUNS is not a whole number" >&2; exit 2 ;; esac
if [ "$RUNS" -lt 1 ] || [ "$RUNS" -gt 50 ]; then
    echo "screenshot.sh: BENCH_RUNS=$RUNS must be from 1 to 50" >&2
    exit 2
fi
if [ -z "${BENCH_NO_BUILD:-}" ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target screenlit-player screenlit screenlit-hub >/dev/null
fi
SL_SOURCE_DIR=$SRC
SL_BUILD_DIR=$BUILD
SCREEN=lobby-1
export SL_SOURCE_DIR SL_BUILD_DIR
# The end-to-end tests' fixture: a hub with the sample published, the screen enrolled into $T/st.
. "$SRC/tests/e2e/lib.sh"
sample_copy "$T/s"
managed_screen "$T/s"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$T/cpu"
i=1
while [ "$i" -le "$RUNS" ]; do
    # Each start takes a proof screenshot of the first frame shown (a poster) and sends it.
    expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" \
        --output null --size 1920x1080 --run 4 --poll 1 --clock from:2026-11-25T09:00:10+08:00
    ms=$(sed -n 's/.*screenshot 1920x1080 encoded as PNG in \([0-9.]*\) ms of CPU.*/\1/p' "$T/err" | head -n 1)
    gap=$(sed -n 's/^longest time between two frames \([0-9]*\) ms$/\1/p' "$T/out")
    if [ -z "$ms" ]; then
        fail "run $i: no screenshot was encoded"
        sed 's/^/    | /' "$T/err" | tail -20 >&2
    else
        echo "run $i: encoding ${ms} ms of CPU (heartbeat thread); longest time between two frames ${gap:-?} ms"
        echo "$ms" >>"$T/cpu"
    fi
    i=$((i + 1))
done
code=$(curl -s -o "$T/shot.png" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    "$URL/api/v1/screens/$SCREEN/screenshot")
[ "$code" = 200 ] && ok || fail "the hub holds no screenshot (HTTP $code)"
echo "PNG at the hub: $(wc -c <"$T/shot.png") bytes"
if [ -s "$T/cpu" ]; then
    echo "median: $(sort -n "$T/cpu" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}') ms of CPU per 1920x1080 screenshot ($(wc -l <"$T/cpu") runs)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
finish
