#!/bin/sh
# Runs a fuzzing campaign: every target (or the ones named) for a time or an execution budget, with parallel workers; reports executions, coverage and crashes.
# Usage: tests/fuzz/run.sh [-t SECONDS | -n EXECUTIONS] [-w WORKERS] [-o DIR] [-b BUILD-DIR] [TARGET...]
#   -t SECONDS     per target, wall time (default 600)
#   -n EXECUTIONS  per target instead: stop after this many inputs in all (split between the workers)
#   -w WORKERS     processes per target, sharing one corpus (default: the number of cores)
#   -o DIR         where corpora, logs and crashes go (default build-test/fuzz-campaign)
#   -b BUILD-DIR   the SL_FUZZ=ON build (default build-test/fuzz; configured and built when missing)
#   TARGET         playlist manifest inventory plays usb image hub_body (default: all)
# Each target's corpus starts from tests/fuzz/corpus/<target> and grows in DIR/corpus/<target>;
# crashing inputs land in DIR/crashes/<target>/. A timeout that does not recur when its input runs
# alone (a busy machine) goes to DIR/starved/<target>/ and the worker goes on. Exit status 1 when any
# target crashed, leaked, ran out of memory or timed out for real.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/tests/fuzz"
secs=600
execs=""
workers=$(nproc 2>/dev/null || echo 2)
out="$root/build-test/fuzz-campaign"
build="$root/build-test/fuzz"
all="playlist manifest inventory plays usb image hub_body"

usage() {
    sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while getopts t:n:w:o:b:h opt; do
    case "$opt" in
    t) secs=$OPTARG ;;
    n) execs=$OPTARG ;;
    w) workers=$OPTARG ;;
    o) out=$OPTARG ;;
    b) build=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
targets=${*:-$all}
for t in $targets; do
    case " $all " in
    *" $t "*) ;;
    *) echo "run.sh: unknown target \"$t\" (the targets are: $all)" >&2; exit 2 ;;
    esac
done
case "$workers" in
'' | *[!0-9]* | 0) echo "run.sh: -w takes a number of processes from 1" >&2; exit 2 ;;
esac

if [ ! -x "$build/tests/fuzz/fuzz_playlist" ]; then
    echo "==> building the fuzz targets in $build"
    cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DSL_FUZZ=ON -DSL_TESTS=OFF -DSL_WERROR=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$workers" --target fuzz_all >/dev/null

mkdir -p "$out"
summary="$out/summary.txt"
printf '%-10s %12s %8s %9s %7s %7s %7s %8s\n' target execs seconds exec/s cov ft corpus crashes >"$summary"
# One worker of target $t: libFuzzer until its share of the budget is used.
# A timeout that does not happen again when its input is run alone (the
# machine was too busy, not the code too slow) is set aside in
# $out/starved/$t/ with a line in the log, and the worker goes on with what
# is left of its budget; any other finding stops it.
worker() {
    wlog="$logs/worker-$1.log"
    seg="$logs/worker-$1.segment"
    : >"$wlog"
    left_runs=$(( (${execs:-0} + workers - 1) / workers ))
    deadline=$(( $(date +%s) + secs ))
    while :; do
        if [ -n "$execs" ]; then
            budget="-runs=$left_runs"
        else
            budget="-max_total_time=$(( deadline - $(date +%s) ))"
        fi
        # shellcheck disable=SC2086
        "$bin" $budget $dict -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$crashes/" "$corpus" "$src/corpus/$t" >"$seg" 2>&1 && rc=0 || rc=$?
        cat "$seg" >>"$wlog"
        [ "$rc" -eq 0 ] && break
        art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$seg" | tail -1)
        case "$(basename "${art:-none}")" in
        timeout-*) ;;
        *) break ;;
        esac
        if ! "$bin" -timeout=30 "$art" >/dev/null 2>&1; then
            break
        fi
        mkdir -p "$out/starved/$t"
        mv "$art" "$out/starved/$t/"
        echo "run.sh: $(basename "$art") ran in time when run alone: the machine was too busy; going on" >>"$wlog"
        done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$seg" | tail -1)
        left_runs=$(( left_runs - ${done_runs:-0} ))
        if [ -n "$execs" ] && [ "$left_runs" -le 0 ]; then
            break
        fi
        if [ -z "$execs" ] && [ "$(date +%s)" -ge "$deadline" ]; then
            break
        fi
    done
    rm -f "$seg"
}

status=0
for t in $targets; do
    bin="$build/tests/fuzz/fuzz_$t"
    corpus="$out/corpus/$t"
    crashes="$out/crashes/$t"
    logs="$out/logs/$t"
    mkdir -p "$corpus" "$crashes" "$logs"
    dict=""
    if [ -f "$src/dict/$t.dict" ]; then
        dict="-dict=$src/dict/$t.dict"
    fi
    if [ -n "$execs" ]; then
        what="$execs executions"
    else
        what="$secs s"
    fi
    echo "==> $t: $what, $workers workers"
    start=$(date +%s)
    i=0
    pids=""
    while [ "$i" -lt "$workers" ]; do
        worker "$i" &
        pids="$pids $!"
        i=$((i + 1))
    done
    for p in $pids; do
        wait "$p" || true
    done
    end=$(date +%s)
    n=$(cat "$logs"/worker-*.log | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s += $1} END {print s + 0}')
    # Coverage of everything found: one pass over the grown corpus and the seeds.
    "$bin" -runs=0 "$corpus" "$src/corpus/$t" >"$logs/coverage.log" 2>&1 || true
    cov=$(sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/\1/p' "$logs/coverage.log" | tail -1)
    ft=$(sed -n 's/.*INITED cov: \([0-9]*\) ft: \([0-9]*\).*/\2/p' "$logs/coverage.log" | tail -1)
    files=$(find "$corpus" -type f | wc -l)
    found=$(find "$crashes" -type f ! -name 'slow-unit-*' | wc -l)
    slow=$(find "$crashes" -type f -name 'slow-unit-*' | wc -l)
    el=$((end - start))
    rate=$(awk -v n="$n" -v s="$el" 'BEGIN {printf "%d", (s > 0) ? n / s : n}')
    printf '%-10s %12s %8s %9s %7s %7s %7s %8s\n' "$t" "$n" "$el" "$rate" "${cov:-?}" "${ft:-?}" "$files" "$found" \
        | tee -a "$summary"
    if [ "$found" -gt 0 ]; then
        status=1
        echo "    crashes in $crashes (reproduce: $bin <file>; logs in $logs)"
    fi
    starved=$(find "$out/starved/$t" -type f 2>/dev/null | wc -l)
    if [ "$starved" -gt 0 ]; then
        echo "    $starved timeouts that ran in time alone (a busy machine) in $out/starved/$t"
    fi
    if [ "$slow" -gt 0 ]; then
        echo "    $slow slow inputs (over 10 s once; not failures) in $crashes/slow-unit-*"
    fi
done
echo "==> summary ($summary)"
cat "$summary"
exit "$status"
