#!/bin/sh
# player.sh — the player's cost side by side with what a user would run instead: Chromium kiosk for the sample campaign, mpv for a clip (tests/bench/README.md).
#
# Usage: tests/bench/player.sh         (builds Release in build-bench, runs everything under one Xvfb)
# Environment (all optional):
#   SL_BUILD_DIR      build folder (default: <source>/build-bench); BENCH_NO_BUILD=1 uses it as it is
#   BENCH_RUNS        runs of each measurement, the median is reported (default 3, at most 9)
#   BENCH_SECONDS     seconds of each campaign run (default 60, at most 600)
#   BENCH_CLIP_SECONDS the clip's length (default 20, at most 120)
#   BENCH_CASES       the cases to run, of: sample poster clip-window clip-null ttff (default the first four;
#                     ttff: only the player's start, 2 s of the sample in the window and with the null output)
#   CHROMIUM, MPV     the peers' commands (default chromium, mpv)
set -eu
NAME=player.sh
. "$(dirname "$0")/benchlib.sh"
RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-60}
CLIP_SECS=${BENCH_CLIP_SECONDS:-20}
CHROMIUM=${CHROMIUM:-chromium}
MPV=${MPV:-mpv}
CASES=${BENCH_CASES:-sample poster clip-window clip-null}

num_in "$RUNS" 1 9 BENCH_RUNS
num_in "$SECS" 5 600 BENCH_SECONDS
num_in "$CLIP_SECS" 2 120 BENCH_CLIP_SECONDS
for c in $CASES; do
    case "$c" in
    sample | poster | clip-window | clip-null | ttff) ;;
    *) echo "player.sh: BENCH_CASES has '$c': the cases are sample, poster, clip-window, clip-null and ttff" >&2; exit 2 ;;
    esac
done
wants() { case " $CASES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

missing=""
peers=""
! wants sample && ! wants poster || peers="$CHROMIUM:chromium"
! wants clip-window && ! wants clip-null || peers="$peers $MPV:mpv"
for tool in ffmpeg:ffmpeg xvfb-run:xvfb $peers; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
done
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
    echo "player.sh: missing Debian packages:$missing (apt-get install$missing, or tools/setup-debian.sh)" >&2
    exit 2
fi

# Everything runs in one X server at 1920x1080: start it, then run this script inside.
if [ -z "${SL_BENCH_IN_X:-}" ]; then
    bench_build_player
    SL_BENCH_IN_X=1 SL_BUILD_DIR="$BUILD" exec xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "$0" "$@"
fi
bench_start

# ---- the media, the pages and the playlists ------------------------------------
cp "$SRC/tests/bench/player-kiosk.html" "$T/kiosk.html"
cat >"$T/poster.json" <<'JSON'
{"timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 88, "background": "#000000"},
           {"id": "ticker", "x": 0, "y": 88, "w": 100, "h": 12, "background": "#b3131b"}],
 "items": [{"id": "poster-app", "zone": "main", "type": "image", "file": "media/poster-app.png", "duration": 3600},
   {"id": "slogan-app", "zone": "ticker", "type": "text", "mode": "ticker", "text": "防范电信网络诈骗，下载国家反诈中心APP", "color": "#ffffff", "speed": 160, "duration": 20},
   {"id": "slogan-elderly", "zone": "ticker", "type": "text", "mode": "ticker", "text": "养老投资需谨慎，“高额回报”要小心", "color": "#ffffff", "speed": 160, "duration": 20},
   {"id": "slogan-leader", "zone": "ticker", "type": "text", "mode": "ticker", "text": "冒充领导要求转账的，都是诈骗", "color": "#ffff00", "speed": 160, "duration": 20}]}
JSON
! wants clip-window && ! wants clip-null || ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=$CLIP_SECS" \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p "$T/clip1080.mp4"
cat >"$T/clip.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "clip", "zone": "main", "type": "video", "file": "clip1080.mp4"}]}
JSON

# ---- measuring one run -----------------------------------------------------------
# The pids of a process and all its descendants, one a line, from /proc.
tree_pids() {
    # (cat, not awk on the files: a process that ends while they are read
    # must not stop the reading, and Chromium starts and ends many)
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
        { pid = $1; s = $0; sub(/.*\) /, "", s); split(s, f, " "); parent[pid] = f[2] }
        END {
            keep[root] = 1
            for (changed = 1; changed;) { changed = 0
                for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } }
            for (p in keep) print p }'
}

# PSS of those processes, summed (kB).
tree_pss() {
    for p in $1; do
        awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null
    done | awk '{ s += $1 } END { print s + 0 }'
}

# "pid:starttime utime+stime" (clock ticks) of each of those processes, a line each.
tree_ticks() {
    for p in $1; do
        cat "/proc/$p/stat" 2>/dev/null || true
    done | awk '{ pid = $1; s = $0; sub(/.*\) /, "", s); split(s, f, " "); print pid ":" f[20], f[12] + f[13] }'
}

# user+system clock ticks of this script's X server (Xvfb: the copies of
# what both sides show are its work, counted apart).
XSERVER=$(pgrep -f "Xvfb ${DISPLAY%.*} " | head -n 1 || true)
xserver_ticks() {
    if [ -n "$XSERVER" ]; then
        awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$XSERVER/stat" 2>/dev/null || echo 0
    else
        echo 0
    fi
}

# run NAME CMD... — runs CMD to its end under /usr/bin/time, sampling its
# process tree every half second; appends "cpu_s peak_pss_mib maxrss_mib
# ttff_ms" to $T/NAME.runs. CPU is the larger of /usr/bin/time's user+system
# (the process and the children it waited for) and the sum over every process
# of the tree of its last sampled user+system time (/proc/PID/stat): Chromium
# does not wait for all of its zygote, renderer and GPU processes, which
# /usr/bin/time would then miss. The command's stdout+stderr go to $T/NAME.log.
run() {
    name=$1
    shift
    start_ms=$(date +%s%3N)
    x0=$(xserver_ticks)
    /usr/bin/time -f "%U %S %M" -o "$T/$name.time" "$@" >"$T/$name.log" 2>&1 &
    tpid=$!
    peak=0
    : >"$T/$name.ticks"
    while kill -0 "$tpid" 2>/dev/null; do
        kid=$(pgrep -P "$tpid" | head -n 1 || true)
        if [ -n "$kid" ]; then
            pids=$(tree_pids "$kid" || true)
            tree_ticks "$pids" >>"$T/$name.ticks" || true
            pss=$(tree_pss "$pids" || true)
            [ "$pss" -le "$peak" ] || peak=$pss
        fi
        sleep 0.5
    done
    wait "$tpid" || true
    x1=$(xserver_ticks)
    tree_s=$(awk -v hz="$(getconf CLK_TCK)" '{ if ($2 > t[$1]) t[$1] = $2 } END { for (k in t) s += t[k]; printf "%.2f", s / hz }' \
        "$T/$name.ticks")
    # (a command stopped by timeout adds a line "Command exited with non-zero status 124" first)
    tail -n 1 "$T/$name.time" | { read -r u s m && echo "$u $s $m"; } >"$T/$name.usm" || true
    read -r u s m <"$T/$name.usm" || { echo "player.sh: $name did not run: $(tail -n 3 "$T/$name.log")" >&2; exit 1; }
    ttff=$(sed -n 's/.*first frame shown \([0-9]*\) ms after the process started.*/\1/p' "$T/$name.log" | head -n 1)
    if [ -z "$ttff" ]; then
        at=$(sed -n 's/.*first-frame-epoch-ms \([0-9]*\).*/\1/p' "$T/$name.log" | head -n 1)
        [ -z "$at" ] || ttff=$((at - start_ms))
    fi
    ttff_cpu=$(sed -n 's/.*first frame shown [0-9]* ms after the process started, after \([0-9]*\) ms of CPU.*/\1/p' \
        "$T/$name.log" | head -n 1)
    # A run whose tree the sampler never caught (a busy machine) has no PSS: "-", not 0.
    [ "$peak" -gt 0 ] || peak=-
    echo "$u $s $peak $m ${ttff:--} $tree_s $((x1 - x0)) ${ttff_cpu:--}" | awk -v hz="$(getconf CLK_TCK)" '{ c = $1 + $2; if ($6 > c) c = $6
        printf "%.2f %s %.0f %s %.2f %.2f %.2f %s\n", c, $3 == "-" ? "-" : sprintf("%.0f", $3 / 1024), $4 / 1024, $5, $1 + $2, $6, $7 / hz, $8 }' >>"$T/$name.runs"
}

chromium_run() { # chromium_run NAME QUERY — the kiosk page for $SECS seconds
    rm -rf "$T/profile"
    run "$1" timeout -s TERM "$SECS" "$CHROMIUM" --kiosk --no-sandbox --no-first-run --no-default-browser-check \
        --noerrdialogs --disable-translate --password-store=basic --user-data-dir="$T/profile" \
        --window-position=0,0 --window-size=1920,1080 --autoplay-policy=no-user-gesture-required \
        --enable-logging=stderr --v=0 "file://$T/kiosk.html$2"
}

player_run() { # player_run NAME PLAYLIST OUTPUT SECONDS [CLOCK]
    run "$1" "$PLAYER" --playlist "$T/$2" --output "$3" --size 1920x1080 --run "$4" \
        --clock "${5:-real}" --journal "$T/j.db" --screen-id bench
}

mpv_run() { # mpv_run NAME VO
    run "$1" "$MPV" --no-config --really-quiet --no-audio --fs --vo="$2" "$T/clip1080.mp4"
}

# The runs alternate between the two sides, so that what else the machine does hits both alike.
CLOCK=from:2026-11-25T09:00:00+08:00 # a weekday morning: the sample's business hours
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    echo "player.sh: run $i of $RUNS" >&2
    if wants ttff; then # the player alone, 2 s of the sample in the window and with the null output
        player_run sl_ttff_window sample.json window 2 "$CLOCK"
        player_run sl_ttff_null sample.json null 2 "$CLOCK"
    fi
    if wants sample; then
        player_run sl_sample sample.json window "$SECS" "$CLOCK"
        chromium_run cr_sample ""
    fi
    if wants poster; then
        player_run sl_poster poster.json window "$SECS" "$CLOCK"
        chromium_run cr_poster "?only=poster"
    fi
    if wants clip-window; then
        player_run sl_clip_window clip.json window "$CLIP_SECS"
        mpv_run mpv_clip_window x11
    fi
    if wants clip-null; then
        player_run sl_clip_null clip.json null "$CLIP_SECS"
        mpv_run mpv_clip_null null
    fi
done

# ---- the table -------------------------------------------------------------------
med() { # med NAME COLUMN — the median of a column over the runs ("-" when none, or the case was not run)
    [ -f "$T/$1.runs" ] || { echo -; return; }
    awk -v c="$2" '$c != "-" { print $c }' "$T/$1.runs" | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                                  else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2fx\n", a / b }'; }
line() { # line WHAT SL PEER COLUMN UNIT (nothing when the case was not run)
    [ -f "$T/$2.runs" ] || [ -f "$T/$3.runs" ] || return 0
    a=$(med "$2" "$4")
    b=$(med "$3" "$4")
    printf '%-46s %12s %12s %8s\n' "$1" "$a$5" "$b$5" "$(ratio "$a" "$b")"
}
if wants ttff; then
    printf '\n%-46s %12s %12s\n' "medians of $RUNS runs, the sample at 1920x1080" "first frame" "CPU until"
    for n in sl_ttff_window sl_ttff_null; do
        printf '%-46s %12s %12s\n' "${n#sl_ttff_} output" "$(med "$n" 4) ms" "$(med "$n" 8) ms"
    done
    printf '\nall runs (first frame ms after start, CPU ms until then):\n'
    for n in sl_ttff_window sl_ttff_null; do
        printf '  %-16s %s\n' "$n" "$(awk '{ printf "%s %s; ", $4, $8 }' "$T/$n.runs")"
    done
    grep -h '^pictures decoded' "$T/sl_ttff_null.log" | sed 's/^/  screenlit: /' || true
fi
[ "$CASES" != ttff ] || { echo "player.sh: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2; exit 0; }
printf '\n%-46s %12s %12s %8s\n' "medians of $RUNS runs" screenlit peer ratio
line "sample ${SECS}s vs Chromium: CPU" sl_sample cr_sample 1 " s"
line "sample vs Chromium: peak PSS" sl_sample cr_sample 2 " MiB"
line "sample vs Chromium: time to first frame" sl_sample cr_sample 4 " ms"
line "poster + ticker vs Chromium: CPU" sl_poster cr_poster 1 " s"
line "poster + ticker vs Chromium: peak PSS" sl_poster cr_poster 2 " MiB"
line "poster + ticker vs Chromium: first frame" sl_poster cr_poster 4 " ms"
line "Xvfb's CPU, sample vs Chromium" sl_sample cr_sample 7 " s"
line "Xvfb's CPU, poster + ticker vs Chromium" sl_poster cr_poster 7 " s"
line "clip ${CLIP_SECS}s 1080p30, window vs mpv x11: CPU" sl_clip_window mpv_clip_window 1 " s"
line "clip, null vs mpv null: CPU" sl_clip_null mpv_clip_null 1 " s"
line "clip, null vs mpv null: peak PSS" sl_clip_null mpv_clip_null 2 " MiB"
line "clip, null vs mpv null: peak RSS" sl_clip_null mpv_clip_null 3 " MiB"
printf '\nall runs (CPU s, peak PSS MiB, peak RSS MiB of the largest process, first frame ms, CPU s from /usr/bin/time, CPU s summed over the process tree, Xvfb CPU s):\n'
for n in sl_sample cr_sample sl_poster cr_poster sl_clip_window mpv_clip_window sl_clip_null mpv_clip_null; do
    [ ! -f "$T/$n.runs" ] || printf '  %-16s %s\n' "$n" "$(tr '\n' ';' <"$T/$n.runs")"
done
for n in sl_clip_window sl_clip_null; do
    [ ! -f "$T/$n.log" ] || grep -h '^video frames shown\|^clip frames decoded ahead' "$T/$n.log" | sed "s/^/  $n: /"
done
echo "player.sh: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
