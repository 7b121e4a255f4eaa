#!/bin/sh
# wall.sh — benchmark: the console's wall page (and a screen's page) over a 10 000-screen fleet with heartbeats and screenshots, on SQLite and on PostgreSQL (tests/bench/README.md).
#
# Usage: tests/bench/wall.sh       (builds Release in build-bench unless BENCH_NO_BUILD=1)
# Environment (all optional):
#   SL_BUILD_DIR     build folder (default: <source>/build-bench)
#   BENCH_SCREENS    screens in the generated fleet (default 10000)
#   BENCH_SHOT_DAYS  days of screenshots the hub holds, six a day (default 7)
#   BENCH_RUNS       times each page is made, the median is reported (default 5, at most 9)
#   BENCH_BACKENDS   "sqlite postgresql" (default both)
# Prints one JSON line per backend and page; exits 1 when a run fails.
# The target is a median under 200 ms for the wall; the figure is reported,
# not asserted, since it depends on the machine and what else runs on it.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
SCREENS=${BENCH_SCREENS:-10000}
SHOT_DAYS=${BENCH_SHOT_DAYS:-7}
RUNS=${BENCH_RUNS:-5}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" --target bench_wall -j2 >/dev/null
fi
BIN=$BUILD/tests/bench_wall
[ -x "$BIN" ] || { echo "wall.sh: $BIN is missing (build it, or unset BENCH_NO_BUILD)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-bench-wall.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "wall.sh: $SCREENS screens, $SHOT_DAYS days of screenshots, $RUNS runs per page; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for be in $BACKENDS; do
    case $be in
    sqlite)
        "$BIN" --data "$WORK/sqlite" --screens "$SCREENS" --shot-days "$SHOT_DAYS" --runs "$RUNS" ;;
    postgresql)
        # A throwaway server; the benchmark makes its own database on it.
        sh "$SRC/tests/hub/with-pg.sh" sh -c '
            url=$(printf "%s" "$SL_TEST_PG_URL" | sed "s#/postgres\$#/bench#")
            psql -q "$SL_TEST_PG_URL" -c "CREATE DATABASE bench" >/dev/null &&
            "$0" --data "$1" --db "$url" --screens "$2" --shot-days "$3" --runs "$4"' \
            "$BIN" "$WORK/pg" "$SCREENS" "$SHOT_DAYS" "$RUNS" ;;
    *)
        echo "wall.sh: unknown backend $be" >&2; exit 2 ;;
    esac
done
echo "wall.sh: done; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
