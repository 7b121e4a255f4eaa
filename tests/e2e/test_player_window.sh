#!/bin/sh
# test_player_window.sh — the window output in a real X server (Xvfb): it opens, renders every frame with content, and shows the playlist.
. "$(dirname "$0")/lib.sh"

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run is missing (tools/setup-debian.sh installs it)" >&2
    exit 1
fi
sample_copy "$T/s"
# Leak checking is off for this one run: SDL dlopens the X11 and D-Bus libraries
# and unloads them at exit, so their own allocations show up as leaks from an
# "<unknown module>" that no suppression can name. The same engine is
# leak-checked through the frames and null outputs in every other player test.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
export ASAN_OPTIONS
# A fixed slogan on a red screen, whatever the time of day.
cat >"$T/s/window.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "all", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#b3131b"}],
 "items": [{"id": "slogan", "zone": "all", "type": "text", "mode": "static", "text": "防范电信网络诈骗", "duration": 30}]}
JSON

# The screenshot is taken when the window shows the zone background (polled, up to
# 120 s: a busy machine may take long to map it), then the player is told to quit.
cat >"$T/run.sh" <<EOF2
"$PLAYER" --playlist "$T/s/window.json" --output window --run 600 --journal "$T/w.db" >"$T/out" 2>"$T/err" &
pid=\$!
i=0
while [ \$i -lt 240 ] && kill -0 \$pid 2>/dev/null; do
    xwd -root -silent >"$T/shot.xwd" && ffmpeg -hide_banner -loglevel error -y -i "$T/shot.xwd" "$T/shot.png" &&
        [ "\$("$IMGCHECK" pixel "$T/shot.png" 5,5)" = B3131B ] &&
        [ "\$("$IMGCHECK" colours "$T/shot.png" 0,250,800,100 | wc -l)" -gt 5 ] && break
    sleep 0.5
    i=\$((i + 1))
done
echo "\$i" >"$T/polls"
kill -TERM \$pid
wait \$pid
echo "player exit \$?" >>"$T/out"
EOF2
xvfb-run -a -s "-screen 0 800x600x24" sh "$T/run.sh"
expect_in "$T/out" "player exit 0"
expect_in "$T/out" "frames with a black zone 0"
frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/out")
# A static slogan is drawn once (and again when the window is uncovered), not at every refresh.
[ "${frames:-0}" -ge 1 ] && ok || fail "only ${frames:-0} frames rendered"
# The full-screen window covers the display: red background and white text.
[ "$("$IMGCHECK" pixel "$T/shot.png" 5,5)" = B3131B ] && ok || fail "the window does not show the zone background ($(cat "$T/polls") polls)"
colours=$("$IMGCHECK" colours "$T/shot.png" 0,250,800,100 | wc -l)
[ "$colours" -gt 5 ] && ok || fail "no text drawn ($colours colours)"
finish
