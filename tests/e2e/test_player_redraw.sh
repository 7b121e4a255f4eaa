#!/bin/sh
# test_player_redraw.sh — the player draws no more than it must: a static poster once, not at every refresh; a window never more frames than the display's refresh rate, vsync or not.
. "$(dirname "$0")/lib.sh"

if ! command -v xvfb-run >/dev/null 2>&1; then
    echo "xvfb-run is missing (tools/setup-debian.sh installs it)" >&2
    exit 1
fi
mkdir -p "$T/s"
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x360 -frames:v 1 "$T/s/poster.png" ||
    fail "ffmpeg could not make the poster"
cat >"$T/s/poster.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "poster.png", "duration": 60}]}
JSON
cat >"$T/s/ticker.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#b3131b"}],
 "items": [{"id": "t", "zone": "main", "type": "text", "mode": "ticker", "text": "防范电信网络诈骗", "duration": 60}]}
JSON

# A poster for 3 s on the real clock at 30 refreshes a second: drawn once (it was 90 times).
expect_rc 0 "$PLAYER" --playlist "$T/s/poster.json" --output null --fps 30 --size 320x180 --run 3 \
    --journal "$T/p.db" --screen-id p
frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/out")
[ -n "$frames" ] && [ "$frames" -ge 1 ] && [ "$frames" -le 2 ] && ok ||
    fail "a static poster was drawn ${frames:-no} times in 3 s"

# A moving ticker in a window of Xvfb (software GL, no vsync): at most the
# display's refresh rate (it used to spin at hundreds of frames a second).
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" # see test_player_window.sh
export ASAN_OPTIONS
xvfb-run -a -s "-screen 0 640x360x24" "$PLAYER" --playlist "$T/s/ticker.json" --output window --run 3 \
    --journal "$T/w.db" --screen-id w >"$T/wout" 2>"$T/werr"
hz=$(sed -n 's/.*window: at most \([0-9]*\) frames a second.*/\1/p' "$T/werr")
frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/wout")
[ -n "$hz" ] && [ -n "$frames" ] || fail "no refresh rate or frame count: $(cat "$T/werr" "$T/wout")"
echo "window: $frames frames in 3 s at $hz Hz" >&2
[ "$frames" -le $((hz * 3 + 3)) ] && ok || fail "$frames frames in 3 s at a $hz Hz refresh rate"
[ "$frames" -ge 2 ] && ok || fail "the ticker was drawn $frames times"

finish
