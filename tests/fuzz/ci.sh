#!/bin/sh
# Runs one fuzz target over its seed corpus, then fuzzes it for a short time (ctest, label fuzz).
# Usage: ci.sh TARGET-BINARY SOURCE-DIR NAME WORK-DIR SECONDS
set -eu
bin=$1 src=$2 name=$3 work=$4 secs=$5
seeds="$src/corpus/$name"
if [ ! -d "$seeds" ]; then
    echo "ci.sh: no seed corpus in $seeds" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work/corpus" "$work/crashes"
dict=""
if [ -f "$src/dict/$name.dict" ]; then
    dict="-dict=$src/dict/$name.dict"
fi
# New inputs go to the work folder (first corpus folder); the seeds are only read.
# shellcheck disable=SC2086
if ! "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" $dict "$work/corpus" "$seeds"; then
    echo "ci.sh: $name failed; the input is in $work/crashes/ — reproduce with: $bin $work/crashes/<file>" >&2
    exit 1
fi
