#!/bin/sh
# sdwrites.sh — bytes a player writes to its storage in a simulated day at one play every 10 s (the SD-card figure in README).
# Usage: tests/bench/sdwrites.sh BUILD_DIR [SECONDS (default 86400)]
# Runs the standalone player on the simulated clock, one zone of 10 s slogans (8 640 plays a day),
# journal and state on this machine's disk (not tmpfs), and reads the kernel's own count of the
# bytes it sent to the block layer: /proc/<shell>/io write_bytes of a shell that only waited for
# the player (a reaped child's I/O counts into its parent), minus cancelled_write_bytes (pages
# dirtied and then deleted before writeback). That counts every SQLite page written to the WAL
# and, at checkpoints, to the database, rounded to whole pages as the kernel writes them. It also
# prints the journal's fsyncs (one per play: synchronous=FULL), which the flash turns into at
# least one page program each whatever the byte count.
set -eu
build=$(cd "${1:?usage: sdwrites.sh BUILD_DIR [SECONDS]}" && pwd)
secs=${2:-86400}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "$here/../../build-test/sdwrites.XXXXXX" 2>/dev/null || mktemp -d "$build/sdwrites.XXXXXX")
trap '[ -n "${SL_KEEP:-}" ] || rm -rf "$work"' EXIT
{
    printf '{"timezone": "UTC", "zones": [{"id": "all", "x": 0, "y": 0, "w": 100, "h": 100}], "items": [\n'
    for i in 1 2 3 4 5; do
        printf '{"id": "slogan-%d", "zone": "all", "type": "text", "mode": "static", "text": "反诈 %d", "duration": 10}' "$i" "$i"
        [ "$i" = 5 ] || printf ',\n'
    done
    printf ']}\n'
} >"$work/playlist.json"
mkdir -p "$work/state"
# shellcheck disable=SC2016
sh -c '"$@" >"$0/out" 2>"$0/err"; rc=$?; cat /proc/$$/io >"$0/io"; exit $rc' "$work" \
    "$build/player/screenlit-player" --playlist "$work/playlist.json" --output null --size 64x36 \
    --clock sim:2026-11-25T00:00:00+08:00 --run "$secs" --state-dir "$work/state" --journal "$work/state/journal.db"
plays=$(sqlite3 "$work/state/journal.db" "SELECT max(seq) FROM plays" 2>/dev/null || echo "?")
wb=$(awk '/^write_bytes/ {print $2}' "$work/io")
cb=$(awk '/^cancelled_write_bytes/ {print $2}' "$work/io")
db=$(stat -c %s "$work/state/journal.db")
echo "simulated seconds: $secs, plays journaled: $plays"
echo "bytes written (write_bytes - cancelled): $((wb - cb)) ($(awk -v b=$((wb - cb)) -v s="$secs" 'BEGIN {printf "%.1f MiB per day", b * 86400 / s / 1048576}'))"
echo "per play: $(awk -v b=$((wb - cb)) -v p="$plays" 'BEGIN {if (p > 0) printf "%.0f bytes", b / p; else print "?"}')"
echo "journal file at the end: $db bytes"
