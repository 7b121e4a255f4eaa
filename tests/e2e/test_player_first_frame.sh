#!/bin/sh
# test_player_first_frame.sh — on the real clock only what the first frame shows is prepared before it (the zones' next items and fallbacks after), and a window shows the zones' backgrounds while the first items are prepared.
. "$(dirname "$0")/lib.sh"

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run is missing (tools/setup-debian.sh installs it)" >&2
    exit 1
fi
mkdir -p "$T/s/media"
poster_make "$T/s/media/first.png" 3366CC
poster_make "$T/s/media/second.png" CC6633
cat >"$T/s/two.json" <<'JSON'
{"timezone": "UTC",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 75, "background": "#20A040"},
           {"id": "strip", "x": 0, "y": 75, "w": 100, "h": 25, "background": "#B3131B"}],
 "fallback": {"type": "text", "mode": "static", "text": "本屏幕暂停播放"},
 "items": [{"id": "first", "zone": "main", "type": "image", "file": "media/first.png", "duration": 30},
           {"id": "second", "zone": "main", "type": "image", "file": "media/second.png", "duration": 30},
           {"id": "slogan-a", "zone": "strip", "type": "text", "mode": "static", "text": "防范电信网络诈骗", "duration": 30},
           {"id": "slogan-b", "zone": "strip", "type": "text", "mode": "static", "text": "下载国家反诈中心APP", "duration": 30}]}
JSON

# line_of TEXT — the number of the first line of the log $T/p.err holding TEXT (empty: none).
line_of() { grep -nF -- "$1" "$T/p.err" | head -n 1 | cut -d: -f1; }

# 1. The null output on the real clock: the zones' first items are queued before the first
#    frame, their next items and the fallbacks only after it (the log is written by the render
#    thread in the order it queues them).
"$PLAYER" --playlist "$T/s/two.json" --output null --size 320x240 --run 600 --journal "$T/n.db" \
    --log-level debug >"$T/out" 2>"$T/p.err" &
PL=$!
wait_log "zone main: second queued for preparation" 120 && ok || fail "the next item was never queued"
kill -TERM "$PL"
wait "$PL" && ok || fail "the player exited with an error"
first=$(line_of "first frame shown")
for before in "zone main: first queued" "zone strip: slogan-a queued"; do
    at=$(line_of "$before")
    [ -n "$at" ] && [ -n "$first" ] && [ "$at" -lt "$first" ] && ok ||
        fail "'$before' is not logged before the first frame (line ${at:-none}, first frame at ${first:-none})"
done
for after in "zone main: second queued" "zone strip: slogan-b queued" "zone main: the fallback (fallback) queued" \
    "zone strip: the fallback (fallback) queued"; do
    at=$(line_of "$after")
    [ -n "$at" ] && [ -n "$first" ] && [ "$at" -gt "$first" ] && ok ||
        fail "'$after' is not logged after the first frame (line ${at:-none}, first frame at ${first:-none})"
done
# The null output has no display: no backdrop is drawn for it.
expect_not_in "$T/p.err" "backgrounds are shown"

# 2. The window in a real X server, every preparation slowed by 5 s (SL_TEST_LOADER): while the
#    first items are prepared the window shows the zones' backgrounds (a screenshot taken after
#    the player says so, and before it logs its first frame), then the first poster.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" # SDL's X11 libraries: see test_player_window.sh
export ASAN_OPTIONS
# run.sh runs inside the X server (T and PLAYER from the environment): it says which display and
# starts the player; this script follows the player's log and takes the screenshots.
cat >"$T/run.sh" <<'EOF2'
echo "$DISPLAY" >"$T/display.tmp" && mv "$T/display.tmp" "$T/display"
echo "$XAUTHORITY" >"$T/xauth"
SL_TEST_LOADER=delay=5000 "$PLAYER" --playlist "$T/s/two.json" --output window --run 600 --journal "$T/w.db" \
    --log-level debug >"$T/out" 2>"$T/p.err" &
echo $! >"$T/player.pid"
wait $!
echo "player exit $?" >>"$T/out"
EOF2
: >"$T/p.err"
T="$T" PLAYER="$PLAYER" xvfb-run -a -s "-screen 0 800x600x24" sh "$T/run.sh" &
PL=$! # wait_log stops waiting when the X server and the player are gone
shot() {
    DISPLAY=$(cat "$T/display") XAUTHORITY=$(cat "$T/xauth") xwd -root -silent >"$T/$1.xwd" &&
        ffmpeg -hide_banner -loglevel error -y -i "$T/$1.xwd" "$T/$1.png"
}
if wait_log "backgrounds are shown while the first items are prepared" 120; then
    shot backdrop
    ! grep -qF "first frame shown" "$T/p.err" || fail "the first frame was shown before the backdrop's screenshot was taken"
fi
wait_log "first frame shown" 120 && shot first
kill -TERM "$(cat "$T/player.pid")" 2>/dev/null || fail "the player ended before it was told to"
wait "$PL" || fail "xvfb-run ended with an error"
expect_in "$T/out" "player exit 0"
if [ -e "$T/backdrop.png" ] && [ -e "$T/first.png" ]; then
    # main covers the top 75 % (450 px of 600), strip the rest
    [ "$("$IMGCHECK" pixel "$T/backdrop.png" 400,200)" = 20A040 ] && ok ||
        fail "the backdrop does not show main's background ($("$IMGCHECK" pixel "$T/backdrop.png" 400,200))"
    [ "$("$IMGCHECK" pixel "$T/backdrop.png" 400,520)" = B3131B ] && ok ||
        fail "the backdrop does not show strip's background ($("$IMGCHECK" pixel "$T/backdrop.png" 400,520))"
    pixel_near "$T/first.png" 400,200 3366CC
else
    fail "no screenshots (the player did not log the backdrop or its first frame)"
    sed 's/^/    | /' "$T/p.err" | head -30 >&2
fi
finish
