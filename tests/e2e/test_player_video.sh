#!/bin/sh
# test_player_video.sh — a clip with burnt-in frame numbers played on the simulated clock: every 1/fps step shows the next frame, none dropped or repeated; a clip that follows itself never has two decoders at once; the frames decoded ahead and decoder threads stay as configured.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
clip_playlist clip media/clip.mp4

# 2 s at 25 fps = 50 frames, sampled every 40 ms of simulated time.
expect_rc 0 "$PLAYER" --playlist "$T/s/clip.json" --output "frames:$T/f" --size 320x240 \
    --clock sim:2026-11-25T00:00:00Z --run 2 --frames-every 0.04 --journal "$T/j.db" --screen-id v
n=$(ls "$T/f" | grep -c '^frame-')
[ "$n" -ge 50 ] && ok || fail "only $n frames written"

# The same frames straight from ffmpeg, scaled the same way (contain: 320x180 centred).
ffmpeg -hide_banner -loglevel error -i "$T/s/media/clip.mp4" \
    -vf "scale=320:180:flags=area,pad=320:240:0:30:black" -frames:v 52 "$T/ref-%03d.png"

# Frame k of the player must look like source frame k, closer than like k-1 or k+1.
k=0
wrong=0
while [ "$k" -lt 50 ]; do
    ms=$(printf '%010d' $((k * 40)))
    got="$T/f/frame-$ms.png"
    d_same=$("$IMGCHECK" diff "$got" "$T/ref-$(printf '%03d' $((k + 1))).png" 255 1 | sed 's/mean \([0-9.]*\),.*/\1/')
    d_next=$("$IMGCHECK" diff "$got" "$T/ref-$(printf '%03d' $((k + 2))).png" 255 1 | sed 's/mean \([0-9.]*\),.*/\1/')
    if [ "$k" -gt 0 ]; then
        d_prev=$("$IMGCHECK" diff "$got" "$T/ref-$(printf '%03d' "$k").png" 255 1 | sed 's/mean \([0-9.]*\),.*/\1/')
    else
        d_prev=999
    fi
    if awk -v s="$d_same" -v p="$d_prev" -v n="$d_next" 'BEGIN { exit !(s < 12 && s < p && s < n) }'; then
        ok
    else
        wrong=$((wrong + 1))
        echo "frame $k: diff to source frame $k is $d_same, to $((k - 1)) $d_prev, to $((k + 1)) $d_next" >&2
    fi
    k=$((k + 1))
done
[ "$wrong" = 0 ] || fail "$wrong of 50 frames did not show their own source frame"

# The play was recorded: one video play of 2 s (cut by the end of the run).
rows=$(sqlite3 "$T/j.db" "SELECT item, duration_ms FROM plays")
[ "$rows" = "clip|2000" ] && ok || fail "journal holds '$rows'"

# A 1 s clip that follows itself on the real clock: the next play is opened
# once the one playing has decoded its last frame, never beside it (two
# decoders at once doubled a clip's memory).
clip_make "$T/s/short.mp4" testsrc2=size=320x240:rate=25 25
clip_playlist short short.mp4
expect_rc 0 "$PLAYER" --playlist "$T/s/short.json" --output null --fps 25 --size 320x240 --run 4.5 \
    --journal "$T/l.db" --screen-id l
plays=$(sed -n 's/^  short  *main  *\([0-9]*\) .*/\1/p' "$T/out")
[ "${plays:-0}" -ge 3 ] && ok || fail "the clip played ${plays:-no} times in 4.5 s: $(cat "$T/out")"
expect_in "$T/out" "clips decoding at once at most 1"
# What a clip holds is bounded whatever the machine: the loader's 3 frames
# decoded ahead (about 3 MB each at 1080p), one decoder thread for a clip
# under 1080p30's pixel rate (each thread more holds a frame and a decoder).
expect_in "$T/out" "clip frames decoded ahead at most 3, decoder threads at most 1"

finish
