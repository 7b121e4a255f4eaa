# backends.sh — what the store benchmarks (coverage.sh, wall.sh) share, sourced: a Release build of one
# target and a run of it on SQLite and on a throwaway PostgreSQL server.
# The caller sets set -eu and NAME (its name for messages).

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}

# bench_build TARGET — builds TARGET (Release, in BUILD) unless BENCH_NO_BUILD=1; BIN is its
# program; WORK a temporary folder removed at exit.
bench_build() {
    if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
        cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$BUILD" --target "$1" -j2 >/dev/null
    fi
    BIN=$BUILD/tests/$1
    [ -x "$BIN" ] || { echo "$NAME: $BIN is missing (build it, or unset BENCH_NO_BUILD)" >&2; exit 2; }
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-bench-$1.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
}

# bench_backends ARGS... — runs BIN --data DIR ARGS on each backend of BACKENDS (PostgreSQL: a
# throwaway server and a database "bench" on it, given as --db).
bench_backends() {
    for be in $BACKENDS; do
        case $be in
        sqlite)
            "$BIN" --data "$WORK/sqlite" "$@" ;;
        postgresql)
            sh "$SRC/tests/hub/with-pg.sh" sh -c '
                url=$(printf "%s" "$SL_TEST_PG_URL" | sed "s#/postgres\$#/bench#")
                psql -q "$SL_TEST_PG_URL" -c "CREATE DATABASE bench" >/dev/null &&
                bin=$1 && data=$2 && shift 2 && "$bin" --data "$data" --db "$url" "$@"' \
                sh "$BIN" "$WORK/pg" "$@" ;;
        *)
            echo "$NAME: unknown backend $be" >&2; exit 2 ;;
        esac
    done
}
