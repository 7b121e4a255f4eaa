#!/bin/sh
# soak.sh — the player over 24 simulated hours of the sample campaign: how its memory (RSS) and open files change (tests/bench/README.md).
#
# Usage: tests/bench/soak.sh     (builds Release in build-bench unless BENCH_NO_BUILD=1)
# Environment (all optional):
#   SL_BUILD_DIR   build folder (default: <source>/build-bench)
#   SOAK_HOURS     simulated hours (default 24, at most 168)
#   SOAK_EVERY     seconds of simulated time between two frames drawn and written (default 600)
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
HOURS=${SOAK_HOURS:-24}
EVERY=${SOAK_EVERY:-600}
for v in "HOURS:$HOURS:1:168" "EVERY:$EVERY:1:3600"; do
    IFS=: read -r name val lo hi <<EOF
$v
EOF
    case "$val" in '' | *[!0-9]*) echo "soak.sh: SOAK_$name=$val is not a whole number" >&2; exit 2 ;; esac
    if [ "$val" -lt "$lo" ] || [ "$val" -gt "$hi" ]; then
        echo "soak.sh: SOAK_$name=$val must be from $lo to $hi" >&2
        exit 2
    fi
done
if [ -z "${BENCH_NO_BUILD:-}" ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target screenlit-player >/dev/null
fi
PLAYER="$BUILD/player/screenlit-player"
[ -x "$PLAYER" ] || { echo "soak.sh: $PLAYER is missing (build it, or unset BENCH_NO_BUILD)" >&2; exit 2; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
echo "soak.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
sh "$SRC/config/sample/make-media.sh" "$T/media" >/dev/null
cp "$SRC/config/sample/playlist.json" "$T/sample.json"
mkdir "$T/frames"

# Every posters, clip and slogan switch of the day, a frame drawn and written
# every SOAK_EVERY s (the PNGs are deleted as they come, to keep the disk flat).
"$PLAYER" --playlist "$T/sample.json" --output "frames:$T/frames" --size 1920x1080 \
    --clock sim:2026-11-25T00:00:00+08:00 --run $((HOURS * 3600)) --frames-every "$EVERY" \
    --journal "$T/j.db" --screen-id soak >"$T/out" 2>"$T/err" &
pid=$!
: >"$T/samples"
# "seconds_since_start rss_kib open_fds" every 0.5 s while it runs (the loop ends with it)
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    [ -z "$rss" ] || echo "$(($(date +%s) - start)) $rss $fds" >>"$T/samples"
    find "$T/frames" -name '*.png' -delete 2>/dev/null || true
    sleep 0.5
done
wait "$pid" || { echo "soak.sh: the player failed: $(tail -n 5 "$T/err")" >&2; exit 1; }

# Growth: the last tenth of the run against the tenth after the first (start-up excluded).
awk -v hours="$HOURS" '
    { t[NR] = $1; r[NR] = $2; f[NR] = $3 }
    END {
        if (NR < 20) { print "soak.sh: too few samples (" NR ")"; exit 1 }
        a = int(NR / 10); b = int(NR / 5); c = NR - int(NR / 10) + 1
        for (i = a; i < b; i++) { ra += r[i]; na++ }
        for (i = c; i <= NR; i++) { rc += r[i]; nc++ }
        fmin = f[a]; fmax = f[a]; rmax = 0
        for (i = a; i <= NR; i++) { if (f[i] < fmin) fmin = f[i]; if (f[i] > fmax) fmax = f[i]; if (r[i] > rmax) rmax = r[i] }
        printf "%d simulated hours in %d s of real time, %d samples\n", hours, t[NR], NR
        printf "RSS early %.1f MiB, late %.1f MiB: growth %+.1f MiB; peak %.1f MiB\n", ra / na / 1024, rc / nc / 1024, (rc / nc - ra / na) / 1024, rmax / 1024
        printf "open files %d to %d\n", fmin, fmax
    }' "$T/samples"
grep -E '^frames rendered|^pictures decoded' "$T/out" || true
echo "soak.sh: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
