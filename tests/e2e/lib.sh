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

# ---- a real hub on loopback, for the hub and client tests ----
HUB="$SL_BUILD_DIR/tools/screenlit-hub"
HUBPID=
URL=
PORT=

stop_hub() {
    if [ -n "$HUBPID" ]; then
        kill "$HUBPID" 2>/dev/null || true
        wait "$HUBPID" 2>/dev/null || true
        HUBPID=
    fi
}
trap 'stop_hub; rm -rf "$T"' EXIT INT TERM

# start_hub DATA — serves DATA on a free loopback port (the hub picks it and
# prints it first); sets URL and PORT, or fails the test.
start_hub() {
    if [ ! -x "$HUB" ]; then
        echo "FAIL: $HUB is not built" >&2
        exit 1
    fi
    "$HUB" serve --data "$1" --listen 127.0.0.1:0 >"$T/hub.out" 2>"$T/hub.log" &
    HUBPID=$!
    i=0
    while [ "$i" -lt 1200 ] && kill -0 "$HUBPID" 2>/dev/null; do
        URL=$(sed -n 's|^listening on \(http://[^/]*\)/$|\1|p' "$T/hub.out" | head -n 1)
        if [ -n "$URL" ]; then
            PORT=${URL##*:}
            return 0
        fi
        i=$((i + 1))
        sleep 0.1
    done
    echo "FAIL: the hub did not start" >&2
    sed 's/^/    | /' "$T/hub.log" >&2
    exit 1
}

# new_token ROLE — a role token on the hub in $T/hub, printed once.
new_token() {
    "$HUB" token create --data "$T/hub" --role "$1" --name "test-$1" | grep -oE '[0-9a-f]{64}' | head -n 1
}
