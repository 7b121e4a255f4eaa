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
NAME=wall.sh
. "$(dirname "$0")/backends.sh"
SCREENS=${BENCH_SCREENS:-10000}
SHOT_DAYS=${BENCH_SHOT_DAYS:-7}
RUNS=${BENCH_RUNS:-5}

bench_build bench_wall
echo "wall.sh: $SCREENS screens, $SHOT_DAYS days of screenshots, $RUNS runs per page; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
bench_backends --screens "$SCREENS" --shot-days "$SHOT_DAYS" --runs "$RUNS"
echo "wall.sh: done; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
