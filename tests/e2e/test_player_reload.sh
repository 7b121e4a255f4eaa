#!/bin/sh
# test_player_reload.sh — a standalone player picks up an edited playlist at once, and keeps the last good one when an edit is broken.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
one() { # ID TEXT — a one-slogan playlist
    printf '{"timezone": "UTC", "zones": [{"id": "all", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "%s", "zone": "all", "type": "text", "mode": "static", "text": "%s", "duration": 30}]}\n' "$1" "$2"
}
one first "防范诈骗" >"$T/s/live.json"

# wait_err TEXT — until the player's log has TEXT (up to 120 s on a busy machine).
wait_err() {
    n=0
    while [ "$n" -lt 1200 ] && ! grep -qF -- "$1" "$T/err" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        n=$((n + 1))
    done
    grep -qF -- "$1" "$T/err" && ok || fail "the player never said: $1"
}
"$PLAYER" --playlist "$T/s/live.json" --output null --size 320x180 --run 20 --journal "$T/j.db" \
    --screen-id reload >"$T/out" 2>"$T/err" &
pid=$!
wait_err "playing $T/s/live.json"
one second "下载国家反诈中心APP" >"$T/s/live.json.new" && mv "$T/s/live.json.new" "$T/s/live.json"
wait_err "live.json changed: playing the new version"
printf '{"timezone": "UTC", "zones": [' >"$T/s/live.json.new" && mv "$T/s/live.json.new" "$T/s/live.json"
wait_err "changed but has errors: keeping the current content"
wait "$pid" && ok || fail "the player exited with an error"

expect_in "$T/err" "live.json changed: playing the new version"
expect_in "$T/err" "changed but has errors: keeping the current content"
expect_in "$T/out" "frames with a black zone 0"
rows=$(sqlite3 "$T/j.db" "SELECT item || ':' || reason FROM plays ORDER BY seq" | tr '\n' ' ')
[ "$rows" = "first:new content second:player stopped " ] && ok || fail "journal holds: $rows"
# The second slogan played from the swap to the end: the broken edit changed nothing.
d=$(sqlite3 "$T/j.db" "SELECT duration_ms FROM plays WHERE item='second'")
[ "${d:-0}" -ge 4000 ] && ok || fail "the second playlist played only ${d:-0} ms"
finish
