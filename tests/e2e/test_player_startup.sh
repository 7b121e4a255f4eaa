#!/bin/sh
# test_player_startup.sh — start-up work done once: a zone's first poster is shown from the picture the playlist check decoded (the file opened once), the window output reads no X Compose file, and on the real clock the other pictures are checked after the first frame (one that cannot be shown is then left out).
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/s/media"
poster_make "$T/s/media/poster.png" 3366CC
poster_make "$T/s/media/second.png" CC6633
cat >"$T/s/start.json" <<'JSON'
{"timezone": "UTC",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 75}, {"id": "strip", "x": 0, "y": 75, "w": 100, "h": 25}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "media/poster.png", "duration": 5},
           {"id": "second", "zone": "main", "type": "image", "file": "media/second.png", "duration": 5},
           {"id": "slogan", "zone": "strip", "type": "text", "mode": "static", "text": "防范电信网络诈骗", "duration": 10}]}
JSON
SIM="--clock sim:2026-11-25T08:00:00Z"

# The first poster is the check's picture, scaled for its zone; the second is decoded when due.
expect_rc 0 "$PLAYER" --playlist "$T/s/start.json" --output "frames:$T/f" --size 320x240 $SIM --run 8 \
    --frames-every 6 --journal "$T/a.db"
expect_in "$T/out" "pictures decoded 2,"
expect_in "$T/out" "taken as the start-up check decoded them 1"
pixel_near "$T/f/frame-0000000000.png" 160,90 3366CC
pixel_near "$T/f/frame-0000006000.png" 160,90 CC6633

# The real clock: before the first frame only the first picture of each zone is decoded; the
# others are checked after it, on the thread that watches the file. One that cannot be shown
# (half downloaded) is then left out of the schedule: journaled as skipped, listed in the
# summary, never tried, and the rest plays on.
poster_make "$T/s/media/third.png" 33CC66
head -c 300 "$T/s/media/second.png" >"$T/s/media/half.png"
cat >"$T/s/quick.json" <<'JSON'
{"timezone": "UTC",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "media/poster.png", "duration": 4},
           {"id": "half", "zone": "main", "type": "image", "file": "media/half.png", "duration": 1},
           {"id": "third", "zone": "main", "type": "image", "file": "media/third.png", "duration": 1}]}
JSON
"$PLAYER" --playlist "$T/s/quick.json" --output null --size 320x240 --run 600 --journal "$T/q.db" \
    --screen-id quick >"$T/out" 2>"$T/p.err" &
PL=$!
wait_log "1 cannot be shown and is left out" 120 && ok || fail "the pictures were not checked after the first frame"
# poster's 4 s give the check far more time than it needs; then the rotation passes half by.
n=0
while [ "$n" -lt 1200 ] && kill -0 "$PL" 2>/dev/null &&
    [ "$(sqlite3 "$T/q.db" "SELECT count(*) FROM plays WHERE item = 'third' AND outcome = 0" 2>/dev/null || echo 0)" -lt 1 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -TERM "$PL"
wait "$PL" && ok || fail "the player exited with an error"
first=$(grep -n "first frame shown" "$T/p.err" | head -n 1 | cut -d: -f1)
skip=$(grep -n "skipping half in zone main" "$T/p.err" | head -n 1 | cut -d: -f1)
[ -n "$first" ] && [ -n "$skip" ] && [ "$first" -lt "$skip" ] && ok ||
    fail "half.png was checked before the first frame (line ${skip:-none} of the log, first frame at ${first:-none})"
expect_in "$T/out" "items not shown (this run): 1 skipped, 0 plays failed"
grep -E '^  half +main +skipped  ' "$T/out" >/dev/null && ok || fail "the summary does not list half as skipped"
qq() { sqlite3 "$T/q.db" "$1"; }
[ "$(qq "SELECT count(*) FROM plays WHERE item = 'half'")" = 1 ] &&
    [ "$(qq "SELECT outcome || ' ' || duration_ms FROM plays WHERE item = 'half' AND reason LIKE 'skipped: %'")" = "2 0" ] &&
    ok || fail "half's only record should be its skip: $(qq "SELECT outcome, duration_ms, reason FROM plays WHERE item = 'half'")"
[ "$(qq "SELECT count(*) FROM plays WHERE item = 'poster' AND outcome = 0")" -ge 1 ] && ok || fail "poster did not play"
expect_in "$T/out" "frames with a black zone 0"

if command -v strace >/dev/null 2>&1; then
    # LeakSanitizer cannot run under ptrace (the leak check is in the run above); and under
    # Xvfb SDL and libX11 dlopen and unload their libraries: see test_player_window.sh.
    ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
    export ASAN_OPTIONS
    # Opened once at start: the check decodes it, and that picture is what is shown.
    expect_rc 0 strace -f -e trace=openat -o "$T/trace" "$PLAYER" --playlist "$T/s/start.json" --output null \
        --size 320x240 $SIM --run 4 --journal "$T/b.db"
    opens=$(grep -c 'media/poster\.png"' "$T/trace" || true)
    [ "$opens" = 1 ] && ok || fail "media/poster.png was opened $opens times at start, wanted once"

    if command -v xvfb-run >/dev/null 2>&1; then
        expect_rc 0 xvfb-run -a -s "-screen 0 320x240x24 -nolisten tcp" strace -f -e trace=openat -o "$T/xtrace" \
            "$PLAYER" --playlist "$T/s/start.json" --output window --run 1 --journal "$T/c.db"
        expect_in "$T/err" "first frame shown"
        composes=$(grep -c 'Compose' "$T/xtrace" || true)
        [ "$composes" = 0 ] && ok || fail "the window output read an X Compose file $composes times: $(grep Compose "$T/xtrace")"
    else
        echo "xvfb-run is missing: the window's start-up is not checked (tools/setup-debian.sh installs it)" >&2
    fi
else
    echo "strace is missing: files opened at start are not counted (tools/setup-debian.sh installs it)" >&2
fi
finish
