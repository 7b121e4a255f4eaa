# lib.sh — shared helpers for the end-to-end tests (sourced, not run).
set -eu

: "${SL_SOURCE_DIR:?run through ctest}"
: "${SL_BUILD_DIR:?run through ctest}"
SCREENLIT="$SL_BUILD_DIR/tools/screenlit"
T=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

ok() {
    checks=$((checks + 1))
}

# expect_rc WANT CMD... — runs CMD, output to $T/out and $T/err, checks its exit code.
expect_rc() {
    want=$1
    shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "'$*' exited $got, wanted $want"
        sed 's/^/    | /' "$T/out" "$T/err" | head -40 >&2
    else
        ok
    fi
}

# expect_in FILE TEXT — FILE contains TEXT (fixed string).
expect_in() {
    if grep -qF -- "$2" "$1"; then ok; else
        fail "$(basename "$1") lacks: $2"
        sed 's/^/    | /' "$1" | head -40 >&2
    fi
}

expect_not_in() {
    if grep -qF -- "$2" "$1"; then
        fail "$(basename "$1") should not contain: $2"
    else ok; fi
}

# sample_copy DIR — the sample playlist with freshly generated media in DIR.
sample_copy() {
    mkdir -p "$1"
    cp "$SL_SOURCE_DIR/config/sample/playlist.json" "$1/"
    "$SL_SOURCE_DIR/config/sample/make-media.sh" "$1/media" >/dev/null
}

finish() {
    echo "$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

PLAYER="$SL_BUILD_DIR/player/screenlit-player"
IMGCHECK="$SL_BUILD_DIR/tests/imgcheck"
