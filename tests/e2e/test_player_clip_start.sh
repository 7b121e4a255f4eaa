#!/bin/sh
# test_player_clip_start.sh — on the real clock, clips that are the first items of their zones begin when they can be shown, after the wait for their preparations, and together: the play starts at the clip's first frame (frame 0), not a wait earlier with its first frames already due, and lasts the clip's full length.
. "$(dirname "$0")/lib.sh"

# Every preparation takes 1 s longer (SL_TEST_LOADER, player/loader.h): the
# two clips, prepared one after the other, are ready 2 s after the first
# refresh. A play timed from that refresh had 2 s of its frames due (and
# skipped) when it was first shown; one timed from its own wait, 1 s.
clip_make "$T/s/c.mp4" testsrc2=size=320x240:rate=30 30
cat >"$T/s/two.json" <<'JSON'
{"timezone": "UTC",
 "zones": [{"id": "left", "x": 0, "y": 0, "w": 50, "h": 100}, {"id": "right", "x": 50, "y": 0, "w": 50, "h": 100}],
 "items": [{"id": "a", "zone": "left", "type": "video", "file": "c.mp4"},
           {"id": "b", "zone": "right", "type": "video", "file": "c.mp4"}]}
JSON
# The frames output (not null, which takes a clip's frames without drawing them, so makes no
# texture), on the real clock, writing a frame at the start and then once a minute.
expect_rc 0 env SL_TEST_LOADER=delay=1000 "$PLAYER" --playlist "$T/s/two.json" --output "frames:$T/f" \
    --frames-every 60 --fps 30 --size 320x120 --run 6 --journal "$T/j.db" --screen-id c
expect_in "$T/err" "SL_TEST_LOADER=delay=1000: every preparation is slowed on purpose"
for item in a b; do
    zone=left
    [ "$item" = b ] && zone=right
    # Once a play: "zone Z: I: clip shown from frame N, M ms after the play began".
    line=$(grep -m 1 "zone $zone: $item: clip shown from frame" "$T/err" || true)
    set -- $(echo "$line" | sed 's/.*clip shown from frame \([0-9]*\), \([0-9-]*\) ms after.*/\1 \2/')
    [ "${1:-}" = 0 ] && ok || fail "the clip $item was first shown from frame '${1:-none}', not 0: $line"
    # Drawing its first frame takes far less than the 1 s wait (which counted before).
    [ -n "${2:-}" ] && [ "$2" -lt 1000 ] && ok ||
        fail "the clip $item was first shown ${2:-?} ms after its play began, a wait too late"
    # The wait does not shorten the play: the first one lasted the clip's full second.
    ms=$(sqlite3 "$T/j.db" "SELECT duration_ms FROM plays WHERE item = '$item' ORDER BY mono_start_ms LIMIT 1")
    [ "${ms:-0}" -ge 1000 ] && ok || fail "the first play of $item lasted ${ms:-no} ms, not the clip's 1000"
done
# Both zones began together, when the second clip was ready too.
n=$(sqlite3 "$T/j.db" "SELECT COUNT(DISTINCT s) FROM (SELECT MIN(mono_start_ms) AS s FROM plays GROUP BY item)")
[ "$n" = 1 ] && ok || fail "the two clips' first plays began at $n different times"

# Every completed play reached its 30 frames (shown, or skipped by a busy
# machine): the next plays open late here (a clip is opened again once it
# has decoded its last frame, and that takes a second) with the last frame
# kept up meanwhile.
done_plays=$(sqlite3 "$T/j.db" "SELECT COUNT(*) FROM plays WHERE outcome = 0")
line=$(grep '^video frames shown' "$T/out")
set -- $(echo "$line" | sed 's/[^0-9 ]//g')
[ "$done_plays" -ge 4 ] && [ $(($1 + $2)) -ge $((done_plays * 25)) ] && ok ||
    fail "$done_plays plays completed but frames reached: $line"

# A clip's texture is made once a zone and kept for the clip that follows
# (making a 1080p one takes the software renderer 30-50 ms, during which
# the next play's first frames fell due).
expect_in "$T/out" "clip textures made 2"

finish
