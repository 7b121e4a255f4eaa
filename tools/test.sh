#!/bin/sh
# Builds screenlit three ways — plain, with ASan+UBSan, and the libFuzzer targets (clang) — warnings as errors, and runs every test with ctest.
# Usage: tools/test.sh [ctest arguments, e.g. -L unit or -R lint]
# The fuzz build runs only the fuzz tests (label fuzz: each target over its seed corpus, then 20 s of fuzzing).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
status=0

for variant in plain asan fuzz; do
    dir="$root/build-test/$variant"
    flags="-DSL_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo"
    target=all
    label=""
    case "$variant" in
    asan) flags="$flags -DSL_SANITIZE=ON" ;;
    fuzz)
        # Only the libraries and the fuzz targets (tests/fuzz/README.md); the other tests ran above.
        flags="$flags -DCMAKE_C_COMPILER=clang -DSL_FUZZ=ON -DSL_TESTS=OFF"
        target=fuzz_all
        label="-L fuzz"
        ;;
    esac
    echo "==> $variant build in $dir"
    # shellcheck disable=SC2086
    cmake -S "$root" -B "$dir" $flags >/dev/null
    cmake --build "$dir" -j "$jobs" --target "$target"
    echo "==> $variant tests"
    # shellcheck disable=SC2086
    if ! ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "$dir" --output-on-failure -j "$jobs" $label "$@"; then
        status=1
    fi
done

if [ "$status" -ne 0 ]; then
    echo "tools/test.sh: some tests failed" >&2
fi
exit "$status"
