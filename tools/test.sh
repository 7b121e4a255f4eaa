#!/bin/sh
# Builds screenlit twice — plain and with ASan+UBSan, warnings as errors — and runs every test with ctest.
# Usage: tools/test.sh [ctest arguments, e.g. -L unit or -R lint]
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
status=0

for variant in plain asan; do
    dir="$root/build-test/$variant"
    flags="-DSL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo"
    if [ "$variant" = asan ]; then
        flags="$flags -DSL_SANITIZE=ON"
    fi
    echo "==> $variant build in $dir"
    # shellcheck disable=SC2086
    cmake -S "$root" -B "$dir" $flags >/dev/null
    cmake --build "$dir" -j "$jobs"
    echo "==> $variant tests"
    if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$dir" --output-on-failure -j "$jobs" "$@"; then
        status=1
    fi
done

if [ "$status" -ne 0 ]; then
    echo "tools/test.sh: some tests failed" >&2
fi
exit "$status"
