#!/bin/sh
# test_player_frames.sh — a 30 fps clip on a 30 Hz output on the real clock shows each of its 600 frames once: none skipped, none repeated (but for refreshes a busy machine missed); the null output takes and counts them without drawing them.
. "$(dirname "$0")/lib.sh"

clip_make "$T/s/c30.mp4" testsrc=size=96x64:rate=30 600
clip_playlist clip c30.mp4

# 20 s of the real clock at 30 refreshes a second: 600 refreshes, one per frame.
expect_rc 0 "$PLAYER" --playlist "$T/s/clip.json" --output null --fps 30 --size 96x64 --run 20 \
    --journal "$T/j.db" --screen-id f >"$T/out" 2>"$T/err"
line=$(grep '^video frames shown' "$T/out")
echo "$line" >&2
set -- $(echo "$line" | sed 's/[^0-9 ]//g')
shown=$1 skipped=$2 repeated=$3 missed=$4
[ -n "$missed" ] || fail "no frame counts in the summary: '$line'"
# Every frame accounted for: shown, or skipped because its refresh was missed.
[ $((shown + skipped)) -eq 600 ] && ok || fail "$shown shown + $skipped skipped is not the clip's 600 frames"
# Rounding milliseconds made every third frame due a refresh late: 200 skipped and repeated.
# Now only the refreshes a busy machine did not draw cost frames.
# A decoder that is late (a sanitizer build, a busy machine) shows the frame before once more
# and then skips one: a few of those are allowed, never the rounding's 200.
[ "$repeated" -le $((missed + 10)) ] && ok || fail "$repeated frames repeated but only $missed refreshes missed"
[ "$skipped" -le $((missed + repeated)) ] && ok ||
    fail "$skipped frames skipped but only $missed refreshes missed and $repeated frames were late"
[ "$missed" -lt 60 ] || echo "the machine was very busy: $missed refreshes missed" >&2
# Nothing looks at the null output: each frame is taken from the decoder when due and
# counted (above), but not converted, uploaded or drawn (each was: 96x64 pixels a frame).
# (a fallback drawn while the clip opened would count: a tenth of a frame on average is allowed)
px=$(sed -n 's/^pixels drawn per frame \([0-9]*\) of 96x64$/\1/p' "$T/out")
[ -n "$px" ] && [ "$px" -le $((96 * 64 / 10)) ] && ok || fail "the null output drew ${px:-no} pixels per frame"

finish
