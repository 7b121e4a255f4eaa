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
NAME=coverage.sh
. "$(dirname "$0")/backends.sh"
SCREENS=${BENCH_SCREENS:-10000}
DAYS=${BENCH_DAYS:-31}
RUNS=${BENCH_RUNS:-3}

bench_build bench_coverage
echo "coverage.sh: $SCREENS screens x $DAYS days, $RUNS timed reports per backend; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
bench_backends --screens "$SCREENS" --days "$DAYS" --runs "$RUNS"
