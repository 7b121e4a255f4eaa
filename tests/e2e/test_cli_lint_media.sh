#!/bin/sh
# test_cli_lint_media.sh — `screenlit lint` decodes what the player decodes: pictures it cannot show, unreadable clips, the player's size limits, clips each board (--board pi4|pi5|generic) cannot decode smoothly, tiny and overlapping zones, media outside the folder, files that are not regular files, each file opened once, no FFmpeg chatter.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
M="$T/s/media"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# One playlist per case: a single full-screen zone and one media item.
one() { # NAME TYPE FILE [EXTRA JSON MEMBERS]
    cat >"$T/s/$1.json" <<JSON
{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "a", "zone": "m", "type": "$2", "file": "$3"${4:+, $4}}]}
JSON
}

# --- pictures the player cannot show are errors ---------------------------------------------
# Half downloaded: the first half of a PNG and of a JPEG.
ff -f lavfi -i testsrc2=size=640x360 -frames:v 1 "$M/whole.png"
ff -f lavfi -i testsrc2=size=640x360 -frames:v 1 -q:v 3 "$M/whole.jpg"
for ext in png jpg; do
    size=$(wc -c <"$M/whole.$ext")
    head -c $((size / 2)) "$M/whole.$ext" >"$M/half.$ext"
    one "half-$ext" image "media/half.$ext" '"duration": 5'
    expect_rc 1 "$SCREENLIT" lint "$T/s/half-$ext.json"
    expect_in "$T/err" "items[0].file: error: media/half.$ext cannot be shown as a picture"
    expect_in "$T/err" "truncated"
    expect_rc 0 "$SCREENLIT" lint "$(sed "s/half/whole/" "$T/s/half-$ext.json" >"$T/s/whole-$ext.json" && echo "$T/s/whole-$ext.json")"
done

# An icon: FFmpeg reads .ico, the player does not show it.
ff -f lavfi -i color=c=red:size=32x32 -frames:v 1 "$M/icon.ico"
one icon image media/icon.ico '"duration": 5'
expect_rc 1 "$SCREENLIT" lint "$T/s/icon.json"
expect_in "$T/err" "items[0].file: error: media/icon.ico cannot be shown as a picture"
expect_in "$T/err" "export it again as PNG or JPEG"

# A video given as a picture.
one vidpic image media/clip.mp4 '"duration": 5'
expect_rc 1 "$SCREENLIT" lint "$T/s/vidpic.json"
expect_in "$T/err" "items[0].file: error: media/clip.mp4 is a video, not a picture"
expect_in "$T/err" "give the item \"type\": \"video\""

# Over the player's limits (16384 a side): an error, not "will be shrunk".
ff -f lavfi -i color=c=red:size=64x2 -vf scale=65535:1,format=rgb24 -frames:v 1 "$M/long.png"
one long image media/long.png '"duration": 5'
expect_rc 1 "$SCREENLIT" lint "$T/s/long.json"
expect_in "$T/err" "items[0].file: error: media/long.png cannot be shown as a picture (picture is 65535x1 pixels; at most 16384 on a side)"
expect_not_in "$T/err" "shrunk"

# --- an unreadable clip is an error, with or without a duration ------------------------------
head -c 4000 "$M/clip.mp4" | tail -c 2000 >"$M/broken.mp4"
for extra in '' '"duration": 12'; do
    one broken video media/broken.mp4 "$extra"
    expect_rc 1 "$SCREENLIT" lint "$T/s/broken.json"
    expect_in "$T/err" "items[0].file: error: media/broken.mp4 cannot be read as media"
    expect_in "$T/err" "whatever its \"duration\""
    # FFmpeg's own lines ("[mov,mp4,... @ 0x...] moov atom not found") never reach the output.
    expect_not_in "$T/err" " @ 0x"
    expect_not_in "$T/err" "moov atom"
done

# --- not a regular file -----------------------------------------------------------------------
mkdir -p "$M/folder.png"
mkfifo "$M/pipe.png"
ln -s /dev/null "$M/device.png"
for name in folder pipe device; do
    one "$name" image "media/$name.png" '"duration": 5'
    expect_rc 1 "$SCREENLIT" lint "$T/s/$name.json"
    expect_in "$T/err" "items[0].file: error: media/$name.png is not a regular file"
    expect_not_in "$T/err" "does not exist"
done
expect_in "$T/err" "(it is a device)"
one gone image media/gone.png '"duration": 5'
expect_rc 1 "$SCREENLIT" lint "$T/s/gone.json"
expect_in "$T/err" "items[0].file: error: media/gone.png does not exist"

# --- zones ------------------------------------------------------------------------------------
cat >"$T/s/zones.json" <<'JSON'
{"timezone": "UTC",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 90},
           {"id": "ticker", "x": 0, "y": 85, "w": 100, "h": 15},
           {"id": "dot", "x": 50, "y": 0, "w": 0.01, "h": 0.01}],
 "items": [{"id": "a", "zone": "main", "type": "text", "text": "A", "duration": 5},
           {"id": "b", "zone": "ticker", "type": "text", "text": "B", "duration": 5},
           {"id": "c", "zone": "dot", "type": "text", "text": "C", "duration": 5}]}
JSON
expect_rc 1 "$SCREENLIT" lint "$T/s/zones.json"
expect_in "$T/err" "zones[2]: error: zone \"dot\" is 0.01 % x 0.01 % of the screen"
expect_in "$T/err" "at least 4 pixels each way"
expect_in "$T/err" "zones[1]: warning: zone \"ticker\" overlaps zone \"main\" (x 0-100 %, y 85-90 %)"
expect_not_in "$T/err" "zones[0]: error"
expect_not_in "$T/err" "zones[1]: error"

# --- media outside the playlist's folder: a warning for lint, an error for bundle and publish --
mkdir -p "$T/elsewhere"
cp "$M/whole.png" "$T/elsewhere/p.png"
one out1 image ../elsewhere/p.png '"duration": 5'
one out2 image "$T/elsewhere/p.png" '"duration": 5'
for n in out1 out2; do
    expect_rc 0 "$SCREENLIT" lint "$T/s/$n.json"
    expect_in "$T/err" "items[0].file: warning:"
    expect_in "$T/err" "is outside the playlist's folder"
done
expect_rc 0 "$SCREENLIT" keygen --out "$T/keys"
for n in out1 out2; do
    expect_rc 1 "$SCREENLIT" bundle "$T/s/$n.json" --key "$T/keys/publisher.key" --out "$T/stick-$n"
    expect_in "$T/err" "items[0].file: error:"
    expect_in "$T/err" "is outside the playlist's folder"
done
expect_rc 0 "$SCREENLIT" bundle "$T/s/whole-png.json" --key "$T/keys/publisher.key" --out "$T/stick-ok"

# --- each distinct file is opened once --------------------------------------------------------
{
    printf '{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}], "items": [\n'
    i=0
    while [ $i -lt 4000 ]; do
        printf '{"id": "p%d", "zone": "m", "type": "image", "file": "media/poster-app.png", "duration": 5},\n' $i
        i=$((i + 1))
    done
    printf '{"id": "v1", "zone": "m", "type": "video", "file": "media/clip.mp4"},\n'
    printf '{"id": "v2", "zone": "m", "type": "video", "file": "./media/clip.mp4"},\n'
    printf '{"id": "last", "zone": "m", "type": "image", "file": "media//poster-app.png", "duration": 5}]}\n'
} >"$T/s/many.json"
expect_rc 0 "$SCREENLIT" lint --verbose "$T/s/many.json"
expect_in "$T/out" "many.json: 2 distinct media files, 2 opened"
expect_in "$T/out" "OK: 1 zones, 4003 items (2 media files)"

# --- the board's video decoder (--board): real clips of each codec, size and rate --------------
# (a few frames each: the probe reads the stream's header, not its length)
ff -f lavfi -i testsrc2=size=3840x2160:rate=30 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$M/h264-4k.mp4"
ff -f lavfi -i testsrc2=size=1280x720:rate=60 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$M/h264-720p60.mp4"
ff -f lavfi -i testsrc2=size=1920x1080:rate=30 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p "$M/h264-1080p30.mp4"
ff -f lavfi -i testsrc2=size=3840x2160:rate=30 -t 0.2 -c:v libx265 -preset ultrafast -x265-params log-level=error \
    -pix_fmt yuv420p -tag:v hvc1 "$M/hevc-4k.mp4"
ff -f lavfi -i testsrc2=size=320x240:rate=30 -t 0.2 -c:v libvpx-vp9 -deadline realtime "$M/vp9.webm"
for c in h264-4k h264-720p60 h264-1080p30 hevc-4k; do one "$c" video "media/$c.mp4"; done
one vp9 video media/vp9.webm
# lint BOARD NAME: lints NAME.json for BOARD ("" = the default), warnings in $T/err.
lint_board() {
    if [ -n "$1" ]; then expect_rc 0 "$SCREENLIT" lint --board "$1" "$T/s/$2.json"
    else expect_rc 0 "$SCREENLIT" lint "$T/s/$2.json"; fi
}
# 4K H.264: too much for both boards, each named with its limit; the default checks both.
lint_board "" h264-4k
expect_in "$T/err" "media/h264-4k.mp4 is H.264 at 3840x2160, 30 fps: a Raspberry Pi 4 decodes H.264 in hardware up to 1920x1080 at 60 fps; a Raspberry Pi 5 decodes H.264 in software, smoothly up to 1920x1080 at 30 fps"
lint_board pi4 h264-4k
expect_in "$T/err" "a Raspberry Pi 4 decodes H.264 in hardware up to 1920x1080 at 60 fps; export it again (H.264 up to 1080p60 or H.265 up to 4K60"
expect_not_in "$T/err" "Pi 5"
lint_board pi5 h264-4k
expect_in "$T/err" "a Raspberry Pi 5 decodes H.264 in software, smoothly up to 1920x1080 at 30 fps"
expect_not_in "$T/err" "Pi 4"
# 720p60 H.264: the Pi 4 decodes it in hardware; the Pi 5 in software only to 30 fps.
lint_board pi4 h264-720p60
expect_not_in "$T/err" "warning"
lint_board pi5 h264-720p60
expect_in "$T/err" "media/h264-720p60.mp4 is H.264 at 1280x720, 60 fps: a Raspberry Pi 5 decodes H.264 in software"
lint_board generic h264-720p60
expect_in "$T/err" "a Raspberry Pi 5 decodes H.264 in software"
expect_not_in "$T/err" "Pi 4"
# 1080p30 H.264 and 4K30 H.265 play on both.
for b in pi4 pi5 generic; do
    lint_board $b h264-1080p30
    expect_not_in "$T/err" "warning"
    lint_board $b hevc-4k
    expect_not_in "$T/err" "warning"
done
lint_board pi5 vp9
expect_in "$T/err" "media/vp9.webm is VP9, which Raspberry Pi boards decode in software; H.265 up to 4K60 plays smoothly"
expect_rc 2 "$SCREENLIT" lint --board pi3 "$T/s/h264-4k.json"
expect_in "$T/err" "--board wants pi4, pi5 or generic, not 'pi3'"

finish
