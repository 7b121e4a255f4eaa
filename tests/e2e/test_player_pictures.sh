#!/bin/sh
# test_player_pictures.sh — posters that come back are shown from the pictures kept in memory, not decoded again at every switch, and look the same.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/s"
ffmpeg -hide_banner -loglevel error -f lavfi -i color=c=0xcc2200:size=640x360 -frames:v 1 "$T/s/red.png" &&
    ffmpeg -hide_banner -loglevel error -f lavfi -i color=c=0x0033cc:size=640x360 -frames:v 1 "$T/s/blue.png" ||
    fail "ffmpeg could not make the posters"
cat >"$T/s/two.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "red", "zone": "main", "type": "image", "file": "red.png", "duration": 10},
           {"id": "blue", "zone": "main", "type": "image", "file": "blue.png", "duration": 10}]}
JSON

# 10 simulated minutes: 60 plays of two posters, each decoded once (it was 60 times).
expect_rc 0 "$PLAYER" --playlist "$T/s/two.json" --output "frames:$T/f" --size 320x180 \
    --clock sim:2026-11-25T00:00:00Z --run 600 --frames-every 5 --journal "$T/j.db" --screen-id p
plays=$(sqlite3 "$T/j.db" "SELECT COUNT(*) FROM plays")
[ "$plays" -ge 59 ] && ok || fail "only $plays plays"
line=$(grep '^pictures decoded' "$T/out")
set -- $(echo "$line" | sed 's/[^0-9 ]//g')
[ "${1:-}" = 2 ] && [ "${2:-0}" -ge $((plays - 2)) ] && ok ||
    fail "expected 2 pictures decoded and $((plays - 2)) or more shown again: '$line'"
# Every frame shows the poster of its play, whether decoded or kept: red then blue, every 10 s.
red=$("$IMGCHECK" pixel "$T/s/red.png" 10,10)
blue=$("$IMGCHECK" pixel "$T/s/blue.png" 10,10)
bad=0
for f in "$T"/f/frame-*.png; do
    ms=$(basename "$f" .png | sed 's/frame-0*//')
    ms=${ms:-0}
    want=$red
    [ $(((ms / 10000) % 2)) = 1 ] && want=$blue
    got=$("$IMGCHECK" pixel "$f" 160,90)
    [ "$got" = "$want" ] || { bad=$((bad + 1)); echo "$f: $got, not $want" >&2; }
done
[ "$bad" = 0 ] && ok || fail "$bad frames did not show their poster"

finish
