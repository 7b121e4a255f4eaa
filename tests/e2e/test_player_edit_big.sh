#!/bin/sh
# test_player_edit_big.sh — editing a playlist of 1200 clips while it plays never freezes the screen (the checks run off the render thread) and the journal says what was really shown.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/s/media"
ffmpeg -loglevel error -f lavfi -i testsrc=s=160x90:r=25 -t 4 -pix_fmt yuv420p "$T/s/media/v.mp4"
ffmpeg -loglevel error -f lavfi -i testsrc=s=4000x3000 -frames:v 1 "$T/s/media/p.png"
i=0
while [ "$i" -lt 1200 ]; do
    cp "$T/s/media/v.mp4" "$T/s/media/v$i.mp4" # distinct files: each is probed
    [ "$i" -ge 24 ] || cp "$T/s/media/p.png" "$T/s/media/p$i.png" # and each picture decoded
    i=$((i + 1))
done
# big PREFIX — 1200 clips of 1 s, and 24 pictures of 12 megapixels that never play (their rule's
# dates are over) but that every check decodes: each file is probed or decoded again when the
# playlist is checked, which makes a check cost seconds, far more than a late frame.
big() {
    awk -v p="$1" 'BEGIN {
        printf "{\"timezone\": \"UTC\", \"zones\": [{\"id\": \"all\", \"x\": 0, \"y\": 0, \"w\": 100, \"h\": 100}],\n \"items\": [";
        for (i = 0; i < 1200; i++)
            printf "%s\n  {\"id\": \"%s%d\", \"zone\": \"all\", \"type\": \"video\", \"file\": \"media/v%d.mp4\", \"duration\": 1}", i ? "," : "", p, i, i;
        for (i = 0; i < 24; i++)
            printf ",\n  {\"id\": \"%spic%d\", \"zone\": \"all\", \"type\": \"image\", \"file\": \"media/p%d.png\", \"duration\": 1}", p, i, i;
        printf "],\n \"rules\": [{\"items\": [";
        for (i = 0; i < 24; i++)
            printf "%s\"%spic%d\"", i ? ", " : "", p, i;
        printf "], \"dates\": {\"to\": \"2020-01-01\"}}]}\n";
    }'
}
big first >"$T/s/live.json"
"$PLAYER" --playlist "$T/s/live.json" --output null --size 160x90 --fps 30 --run 3600 --journal "$T/j.db" \
    --screen-id edit >"$T/out" 2>"$T/p.err" &
PL=$!
wait_log "playing $T/s/live.json" 600 && ok || fail "the player did not start"
big second >"$T/s/live.json.new" && mv "$T/s/live.json.new" "$T/s/live.json"
wait_log "live.json changed: playing the new version" 900 && ok || fail "the player did not take the edit"
# A few plays of the edited playlist reach the journal, then the player is stopped as a service is.
n=0
while [ "$n" -lt 1200 ] && kill -0 "$PL" 2>/dev/null &&
    [ "$(sqlite3 "$T/j.db" "SELECT count(*) FROM plays WHERE item LIKE 'second%'" 2>/dev/null || echo 0)" -lt 3 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -TERM "$PL"
wait "$PL" && ok || fail "the player exited with an error"
expect_in "$T/out" "frames with a black zone 0"

# How long the player took to check the edit: a render loop doing it would freeze that long.
check=$(sed -n 's/.*live.json changed: playing the new version (checked in \([0-9.]*\) s.*/\1/p' "$T/p.err" |
    awk '{ printf "%d", $1 * 1000 }') # in ms ("0.8" must not become the octal-looking 0800)
check=${check:-0}
slack=$((check / 4 > 400 ? check / 4 : 400)) # late frames of a busy machine, far below a freeze
# The check must be slow enough that a frame waiting for it would stand out from a late one.
[ "$check" -ge 1500 ] && ok ||
    fail "the check of the edit took only $check ms: too quick to tell a frozen screen from a late frame (give it more files)"
# No frame waited for the checks: the longest gap between frames is well under the check's time
# (a render loop doing the check would not draw for all of it).
gap=$(sed -n 's/^longest time between two frames \([0-9]*\) ms$/\1/p' "$T/out")
[ -n "$gap" ] && [ "$gap" -lt $((check / 2)) ] && ok ||
    fail "a frame waited ${gap:-?} ms (the checks took $check ms)"
# Both playlists played, and no play is longer than its 1 s item: a record says what was shown.
[ "$(sqlite3 "$T/j.db" "SELECT count(*) FROM plays WHERE item LIKE 'second%'")" -ge 1 ] && ok ||
    fail "the edited playlist never played"
long=$(sqlite3 "$T/j.db" "SELECT item || ' ' || duration_ms FROM plays WHERE duration_ms > 1000 + $slack" | head -3)
[ -z "$long" ] && ok || fail "plays longer than their item (the checks took $check ms): $long"
finish
