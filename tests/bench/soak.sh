#!/bin/sh
# soak.sh — the player over 24 simulated hours of the sample campaign: how its memory (RSS) and open files change (tests/bench/README.md).
#
# Usage: tests/bench/soak.sh     (builds Release in build-bench unless BENCH_NO_BUILD=1)
# Environment (all optional):
#   SL_BUILD_DIR   build folder (default: <source>/build-bench)
#   SOAK_HOURS     simulated hours (default 24, at most 168)
#   SOAK_EVERY     seconds of simulated time between two frames drawn and written (default 600)
#   TMPDIR         where the work folder (media, journal, frames) goes (default /dev/shm when there is one)
# A line "hour H" is printed as each simulated hour begins (RSS, open files, real time so far), so
# that a run stopped early is still a figure; the summary follows at the end.
set -eu
NAME=soak.sh
. "$(dirname "$0")/benchlib.sh"
HOURS=${SOAK_HOURS:-24}
EVERY=${SOAK_EVERY:-600}
num_in "$HOURS" 1 168 SOAK_HOURS
num_in "$EVERY" 1 3600 SOAK_EVERY
bench_build_player
# In memory: a simulated run waits for each play record's COMMIT, and an fsync on a
# shared disk (7 ms here) is time that says nothing about the player's memory or files.
[ -n "${TMPDIR:-}" ] || [ ! -w /dev/shm ] || export TMPDIR=/dev/shm
bench_start
mkdir "$T/frames"

# Every posters, clip and slogan switch of the day, a frame drawn and written
# every SOAK_EVERY s (the PNGs are deleted as they come, to keep the disk flat).
"$PLAYER" --playlist "$T/sample.json" --output "frames:$T/frames" --size 1920x1080 \
    --clock sim:2026-11-25T00:00:00+08:00 --run $((HOURS * 3600)) --frames-every "$EVERY" \
    --journal "$T/j.db" --screen-id soak >"$T/out" 2>"$T/err" &
pid=$!
: >"$T/samples"
# "real_s sim_s rss_kib open_fds" every 0.5 s while it runs (the loop ends with it); the
# simulated time is that of the newest frame written (frame-<ms since start>.png), -1 before the first.
start=$(date +%s)
sim=-1
hour=0
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
    fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
    ms=$(ls "$T/frames" 2>/dev/null | sed -n 's/^frame-0*\([0-9][0-9]*\)\.png$/\1/p' | sort -n | tail -n 1)
    [ -z "$ms" ] || sim=$((ms / 1000))
    if [ -n "$rss" ]; then
        now=$(($(date +%s) - start))
        echo "$now $sim $rss $fds" >>"$T/samples"
        if [ "$sim" -ge 0 ] && [ "$sim" -ge $((hour * 3600)) ]; then
            printf '%s: hour %d, %d s real: RSS %.1f MiB, %d open files, load %s\n' "$NAME" "$((sim / 3600))" \
                "$now" "$(echo "$rss" | awk '{ print $1 / 1024 }')" "$fds" "$(cut -d' ' -f1 /proc/loadavg)"
            hour=$((sim / 3600 + 1))
        fi
    fi
    find "$T/frames" -name '*.png' -delete 2>/dev/null || true
    sleep 0.5
done
wait "$pid" || { echo "soak.sh: the player failed: $(tail -n 5 "$T/err")" >&2; exit 1; }
tail -n 1 "$T/samples" | awk -v name="$NAME" -v hours="$HOURS" \
    '{ printf "%s: end (hour %d), %d s real: RSS %.1f MiB, %d open files\n", name, hours, $1, $3 / 1024, $4 }'

# Growth: the last tenth of the run against the tenth after the first (start-up excluded).
awk -v hours="$HOURS" '
    { t[NR] = $1; r[NR] = $3; f[NR] = $4 }
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
# Each simulated hour's median, lowest and highest RSS and range of open files (samples
# before the first frame left out): a step and a plateau read apart from a steady climb.
awk '$2 >= 0 { print int($2 / 3600), $3, $4 }' "$T/samples" | sort -k1,1n -k2,2n | awk '
    { h = $1; n[h]++; r[h, n[h]] = $2; if (!(h in fl) || $3 < fl[h]) fl[h] = $3; if ($3 > fh[h]) fh[h] = $3; if (h > last) last = h }
    END {
        print "hour  RSS median   lowest  highest (MiB)  open files"
        for (h = 0; h <= last; h++) if (n[h])
            printf "%4d  %10.1f %8.1f %8.1f        %d-%d\n", h, r[h, int((n[h] + 1) / 2)] / 1024, r[h, 1] / 1024, r[h, n[h]] / 1024, fl[h], fh[h]
    }'
grep -E '^frames rendered|^pictures decoded' "$T/out" || true
echo "soak.sh: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
