# benchlib.sh — what the player benchmarks (player.sh, soak.sh) share, sourced: bounds on the settings,
# a Release build of the player, a work folder with the sample campaign's media.
# The caller sets set -eu and NAME (its name for messages).

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
PLAYER="$BUILD/player/screenlit-player"

num_in() { # num_in VALUE MIN MAX SETTING — refuses values outside [MIN, MAX]
    case "$1" in '' | *[!0-9]*) echo "$NAME: $4=$1 is not a whole number" >&2; exit 2 ;; esac
    if [ "$1" -lt "$2" ] || [ "$1" -gt "$3" ]; then
        echo "$NAME: $4=$1 must be from $2 to $3" >&2
        exit 2
    fi
}

# bench_build_player — builds the player (Release, in BUILD) unless BENCH_NO_BUILD is set.
bench_build_player() {
    if [ -z "${BENCH_NO_BUILD:-}" ]; then
        cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$BUILD" -j2 --target screenlit-player >/dev/null
    fi
}

# bench_start — checks that the player is built, makes T (a work folder removed at exit) with the
# sample campaign's media in T/media and its playlist in T/sample.json, and says when and how busy.
bench_start() {
    [ -x "$PLAYER" ] || { echo "$NAME: $PLAYER is missing (build it, or unset BENCH_NO_BUILD)" >&2; exit 2; }
    T=$(mktemp -d)
    trap 'rm -rf "$T"' EXIT INT TERM
    echo "$NAME: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    sh "$SRC/config/sample/make-media.sh" "$T/media" >/dev/null
    cp "$SRC/config/sample/playlist.json" "$T/sample.json"
}
