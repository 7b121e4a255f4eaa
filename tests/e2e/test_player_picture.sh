#!/bin/sh
# test_player_picture.sh — the player shows photos the way their files say (EXIF Orientation, JPEG from a phone and PNG), and FFmpeg's own log lines never reach its output.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/s/media"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# A 64x32 picture in four quadrants (red, lime / blue, white), stored as a camera stores a
# photo taken with the phone turned: orientation 6 (turn 90° clockwise to view) and 3 (180°).
Q=$QUADRANTS
ff -f lavfi -i "$Q" -frames:v 1 -q:v 2 "$T/q.jpg"
ff -f lavfi -i "$Q" -frames:v 1 "$T/q.png"
expect_rc 0 "$EXIFTAG" "$T/q.jpg" "$T/s/media/phone.jpg" 6
expect_rc 0 "$EXIFTAG" "$T/q.png" "$T/s/media/upside.png" 3

# The screen is 320x320: a turned photo is shown 160 wide and 320 high in the middle.
play() { # FILE NAME
    cat >"$T/s/$2.json" <<JSON
{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "photo", "zone": "m", "type": "image", "file": "media/$1", "duration": 10}]}
JSON
    rm -rf "$T/$2"
    expect_rc 0 "$PLAYER" --playlist "$T/s/$2.json" --output "frames:$T/$2" --size 320x320 \
        --clock sim:2026-11-25T08:00:00Z --run 5 --frames-every 5 --journal "$T/$2.db"
    expect_not_in "$T/err" " @ 0x"
}

play phone.jpg phone
F="$T/phone/frame-0000000000.png"
pixel_near "$F" 120,80 0000FF    # shown top-left: the stored bottom-left (blue)
pixel_near "$F" 200,80 FF0000    # shown top-right: the stored top-left (red)
pixel_near "$F" 120,240 FFFFFF   # shown bottom-left: white
pixel_near "$F" 200,240 00FF00   # shown bottom-right: lime
pixel_near "$F" 40,160 000000    # beside the picture: the zone's black (160 wide, centred)
pixel_near "$F" 280,160 000000

play upside.png upside
F="$T/upside/frame-0000000000.png"
pixel_near "$F" 80,120 FFFFFF    # turned 180°: white at the top left
pixel_near "$F" 240,120 0000FF
pixel_near "$F" 80,200 00FF00
pixel_near "$F" 240,200 FF0000

# A clip damaged in the middle: lint passes it (its header is whole), the decoder meets bad
# data and FFmpeg logs about it ("[h264 @ 0x...] error while decoding MB"); none of that
# reaches the player's output.
clip_make "$T/s/media/clip.mp4" testsrc2=size=320x180:rate=25 100
size=$(wc -c <"$T/s/media/clip.mp4")
yes 'screenlit garbage' | head -c 3000 | dd of="$T/s/media/clip.mp4" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
clip_playlist clip media/clip.mp4
expect_rc 0 "$PLAYER" --playlist "$T/s/clip.json" --output "frames:$T/clip" --size 320x180 \
    --clock sim:2026-11-25T08:00:00Z --run 4 --frames-every 1 --journal "$T/clip.db"
expect_not_in "$T/err" " @ 0x"
expect_not_in "$T/err" "error while decoding"
expect_not_in "$T/err" "NAL unit"
expect_in "$T/out" "clip"

finish
