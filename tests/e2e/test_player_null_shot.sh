#!/bin/sh
# test_player_null_shot.sh — the null output takes a clip's frames without drawing them, yet a proof screenshot it takes shows the clip playing.
. "$(dirname "$0")/lib.sh"

SCREEN=lobby-1
mkdir -p "$T/c"
clip_make "$T/c/media/red.mp4" color=c=red:size=160x90:rate=25 1000 # 40 s of red
cat >"$T/c/playlist.json" <<'JSON'
{"timezone": "Asia/Shanghai", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#0000ff"}],
 "items": [{"id": "red", "zone": "main", "type": "video", "file": "media/red.mp4"}]}
JSON
managed_screen "$T/c"

# A restart plays the cached clip at once (it starts right after the screenshot taken at
# start, in screenshot-0.png); then the hub asks for one more, in screenshot-1.png.
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 --run 60 \
    --poll 1 --heartbeat-interval 1 --clock from:2026-11-25T09:00:10+08:00 >"$T/p.out" 2>"$T/p.err" &
pid=$!
wait_in "$T/p.err" "screenshot 160x90 encoded" 120 || fail "no screenshot at start: $(tail -5 "$T/p.err")"
expect_call 202 POST "/api/v1/screens/$SCREEN/screenshot-request" "$ADMIN"
wait_in "$T/p.err" "the hub asks for a screenshot" 120 || fail "the request did not reach the player"
n=0
while [ "$n" -lt 1200 ] && [ "$(grep -c 'screenshot 160x90 encoded' "$T/p.err")" -lt 2 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true
[ -f "$T/st/screenshot-1.png" ] && ok || fail "no screenshot-1.png in the state folder: $(ls "$T/st")"
# The clip's red, not the zone's blue background (what the null output holds between read-backs).
pixel_near "$T/st/screenshot-1.png" 80,45 FF0000
# And between screenshots nothing of the clip was drawn.
px=$(sed -n 's/^pixels drawn per frame \([0-9]*\) of 160x90$/\1/p' "$T/p.out")
[ -n "$px" ] && [ "$px" -le $((160 * 90 / 10)) ] && ok || fail "the null output drew ${px:-no} pixels per frame"

finish
