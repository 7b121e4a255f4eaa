#!/bin/sh
# test_player_redraw.sh — the player draws no more than it must: a static poster once, not at every refresh; a window never more frames than the display's refresh rate, vsync or not; a moving ticker over a poster redraws only its strip, and the picture stays whole.
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
cat >"$T/s/both.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 80, "background": "#000000"},
                              {"id": "strip", "x": 0, "y": 80, "w": 100, "h": 20, "background": "#b3131b"}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "poster.png", "duration": 60},
           {"id": "t", "zone": "strip", "type": "text", "mode": "ticker", "text": "防范电信网络诈骗", "duration": 60}]}
JSON
STRIP=$((640 * 72)) # the strip's pixels at 640x360

# pixels_per_frame FILE — the summary's "pixels drawn per frame N of WxH"
pixels_per_frame() { sed -n 's/^pixels drawn per frame \([0-9]*\) of .*/\1/p' "$1"; }

# A ticker over a poster on the real clock, 3 s at 30 refreshes a second:
# after the first frame only the strip is drawn (was the whole frame).
expect_rc 0 "$PLAYER" --playlist "$T/s/both.json" --output null --fps 30 --size 640x360 --run 3 \
    --journal "$T/b.db" --screen-id b
px=$(pixels_per_frame "$T/out")
frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/out")
echo "null: $frames frames, $px pixels drawn per frame" >&2
[ -n "$px" ] && [ "$frames" -ge 10 ] && [ "$px" -le $((STRIP + 640 * 360 / 5)) ] && ok ||
    fail "${px:-no} pixels drawn per frame over $frames frames (the strip is $STRIP)"

# What the partly redrawn frames show: frames written on the real clock keep
# the poster whole (the same pixels as a frame drawn all at once on the
# simulated clock) and show the strip's red and the slogan.
mkdir -p "$T/real" "$T/sim"
expect_rc 0 "$PLAYER" --playlist "$T/s/both.json" --output "frames:$T/real" --fps 30 --size 640x360 \
    --run 3.5 --frames-every 1 --journal "$T/r.db" --screen-id r
expect_rc 0 "$PLAYER" --playlist "$T/s/both.json" --output "frames:$T/sim" --size 640x360 --run 1 \
    --clock from:2026-01-01T00:00:00Z --frames-every 1 --journal "$T/s.db" --screen-id s
ffmpeg -hide_banner -loglevel error -y -i "$T/sim/frame-0000000000.png" -vf crop=640:288:0:0 "$T/sim-main.png"
n=0
for f in "$T"/real/frame-*.png; do
    case "$f" in *frame-0000000000.png) continue ;; esac
    n=$((n + 1))
    ffmpeg -hide_banner -loglevel error -y -i "$f" -vf crop=640:288:0:0 "$T/real-main.png"
    "$IMGCHECK" diff "$T/real-main.png" "$T/sim-main.png" 0 0 && ok || fail "$f: the poster is not whole"
    red=$("$IMGCHECK" count "$f" 0,288,640,72 B3131B 8)
    colours=$("$IMGCHECK" colours "$f" 0,288,640,72 | wc -l)
    [ "$red" -gt $((STRIP / 4)) ] && [ "$colours" -gt 5 ] && ok ||
        fail "$f: the strip shows $red red pixels and $colours colours"
done
[ "$n" -ge 2 ] && ok || fail "only $n frames written after the first"

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

# The same window with the ticker over a poster: with no GPU (software
# rendering) only the strip is drawn and sent to the display after the first frame.
xvfb-run -a -s "-screen 0 640x360x24" "$PLAYER" --playlist "$T/s/both.json" --output window --run 3 \
    --journal "$T/w2.db" --screen-id w >"$T/wout" 2>"$T/werr"
if grep -q "no GPU: software renderer" "$T/werr"; then
    px=$(pixels_per_frame "$T/wout")
    frames=$(sed -n 's/^frames rendered \([0-9]*\),.*/\1/p' "$T/wout")
    echo "window: $frames frames, $px pixels drawn per frame" >&2
    [ -n "$px" ] && [ "$frames" -ge 2 ] && [ "$px" -le $((STRIP + 640 * 360 / 2)) ] && ok ||
        fail "${px:-no} pixels drawn per frame over ${frames:-no} frames in the window (the strip is $STRIP)"
else
    echo "this machine has a GPU: the window redraws whole frames (no partial check)" >&2
fi

finish
