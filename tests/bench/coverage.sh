#!/bin/sh
# coverage.sh — benchmark: the coverage report over 10 000 screens x 31 days of hourly data, on SQLite and on PostgreSQL (tests/bench/README.md).
#
# Usage: tests/bench/coverage.sh       (builds Release in build-bench unless BENCH_NO_BUILD=1)
# Environment (all optional):
#   SL_BUILD_DIR     build folder (default: <source>/build-bench)
#   BENCH_SCREENS    screens in the generated fleet (default 10000)
#   BENCH_DAYS       days of the report (default 31)
#   BENCH_RUNS       reports timed per backend, the median is reported (default 3, at most 9)
#   BENCH_BACKENDS   "sqlite postgresql" (default both)
# Prints one JSON line per backend and a summary; exits 1 when a run fails.
# The target is a median at or under 2 s; the figure is reported, not
# asserted, since it depends on the machine and what else runs on it.
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
SCREENS=${BENCH_SCREENS:-10000}
DAYS=${BENCH_DAYS:-31}
RUNS=${BENCH_RUNS:-3}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}

if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" --target bench_coverage -j2 >/dev/null
fi
BIN=$BUILD/tests/bench_coverage
[ -x "$BIN" ] || { echo "coverage.sh: $BIN is missing (build it, or unset BENCH_NO_BUILD)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-bench-cov.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
echo "coverage.sh: $SCREENS screens x $DAYS days, $RUNS timed reports per backend; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for be in $BACKENDS; do
    case $be in
    sqlite)
        "$BIN" --data "$WORK/sqlite" --screens "$SCREENS" --days "$DAYS" --runs "$RUNS" ;;
    postgresql)
        # A throwaway server; the benchmark makes its own database on it.
        sh "$SRC/tests/hub/with-pg.sh" sh -c '
            url=$(printf "%s" "$SL_TEST_PG_URL" | sed "s#/postgres\$#/bench#")
            psql -q "$SL_TEST_PG_URL" -c "CREATE DATABASE bench" >/dev/null &&
            "$0" --data "$1" --db "$url" --screens "$2" --days "$3" --runs "$4"' \
            "$BIN" "$WORK/pg" "$SCREENS" "$DAYS" "$RUNS" ;;
    *)
        echo "coverage.sh: unknown backend $be" >&2; exit 2 ;;
    esac
done
