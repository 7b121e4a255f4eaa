#!/bin/sh
# test_player_revoke.sh — a managed screen and its hub: keys pinned per channel (a key pinned for another channel is refused), a plain 401 changes nothing, and a screen de-enrolled at the hub forgets its identity and content and shows the waiting screen.
. "$(dirname "$0")/lib.sh"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
mkdir -p "$T/hub" "$T/p"
cat >"$T/p/playlist.json" <<'JSON'
{"format": 1, "name": "revoke test", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#400000"}],
 "items": [{"id": "slogan", "zone": "main", "type": "text", "mode": "static", "text": "反诈", "duration": 10}]}
JSON
hub_keys
start_hub "$DATA"
printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,大堂,城东支行,城东区,bank,lobby,bank-lobby,daily 00:00-24:00,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
publish_sample "$T/p"
code() {
    "$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN" --json | jq -r .code
}

# wait_in FILE TEXT — waits (up to 120 s) until FILE contains TEXT.
wait_in() {
    i=0
    while [ $i -lt 1200 ]; do
        if grep -qF -- "$2" "$1" 2>/dev/null; then
            ok
            return 0
        fi
        i=$((i + 1))
        sleep 0.1
    done
    fail "$(basename "$1") never showed: $2"
    sed 's/^/    | /' "$1" | tail -30 >&2
    return 1
}

# A bad pinned-key line is refused with a reason.
expect_rc 2 "$PLAYER" --hub "$URL" --state-dir "$T/x" --publisher-key "$KEY channels=a b" --output null --run 1
expect_in "$T/err" "channels="

# The key pinned for another channel only: the screen refuses its channel's manifest.
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$(code)" --publisher-key "$KEY channels=station-hall" \
    --state-dir "$T/st" --output null --size 320x180 --run 4 --poll 1 --clock from:2026-11-25T09:00:00+08:00
expect_in "$T/err" "pinned for channel station-hall only, not for \"bank-lobby\""
expect_not_in "$T/err" "switching to bank-lobby"
[ ! -f "$T/st/current.manifest" ] && ok || fail "a manifest signed by a key pinned for another channel was kept"
# Pinned for its channel (among others): taken.
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY channels=station-hall,bank-lobby" \
    --state-dir "$T/st" --output null --size 320x180 --run 4 --poll 1 --clock from:2026-11-25T09:00:00+08:00
expect_in "$T/err" "switching to bank-lobby version 1"
[ -f "$T/st/current.manifest" ] && ok || fail "no current.manifest kept"

# A 401 that is not the hub's revocation (here: a token the hub does not know)
# changes nothing: identity and content stay.
cp "$T/st/device.json" "$T/device.json.good"
jq --arg t "$(printf '%064d' 5)" '.token = $t' "$T/device.json.good" >"$T/st/device.json"
chmod 600 "$T/st/device.json"
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 320x180 \
    --run 4 --poll 1 --clock from:2026-11-25T09:00:10+08:00
expect_in "$T/err" "refused the device token"
expect_not_in "$T/err" "revoked this screen"
[ -f "$T/st/device.json" ] && [ -f "$T/st/current.manifest" ] && ok || fail "a plain 401 made the screen forget"
cp "$T/device.json.good" "$T/st/device.json"

# De-enrolled while playing: the screen drops its identity and content and
# shows the waiting screen.
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output "frames:$T/fr" --size 320x180 \
    --frames-every 0.5 --run 300 --poll 1 --clock from:2026-11-25T09:00:20+08:00 >"$T/play.out" 2>"$T/play.err" &
PLAYER_PID=$!
trap 'kill "$PLAYER_PID" 2>/dev/null || true; stop_hub; rm -rf "$T"' EXIT INT TERM
# The campaign is on screen first (its zone is #400000, not the waiting screen's #102030).
i=0
seen=""
while [ $i -lt 1200 ] && [ -z "$seen" ]; do
    last=$(ls "$T/fr" 2>/dev/null | sort | tail -n 1)
    if [ -n "$last" ] && [ "$("$IMGCHECK" pixel "$T/fr/$last" 2,2 2>/dev/null)" = 400000 ]; then seen=$last; fi
    i=$((i + 1))
    sleep 0.1
done
[ -n "$seen" ] && ok || fail "the campaign never showed before the revocation"
expect_rc 0 "$SCREENLIT" screens revoke lobby-1 --hub "$URL" --token "$ADMIN"
wait_in "$T/play.err" "revoked this screen's device token"
wait_in "$T/play.err" "waiting for enrolment (the screen was de-enrolled)"
i=0
waiting=""
while [ $i -lt 1200 ] && [ -z "$waiting" ]; do
    last=$(ls "$T/fr" | sort | tail -n 1)
    if [ "$("$IMGCHECK" pixel "$T/fr/$last" 2,2 2>/dev/null)" = 102030 ]; then waiting=$last; fi
    i=$((i + 1))
    sleep 0.1
done
[ -n "$waiting" ] && ok || fail "the screen never showed the waiting screen after it was de-enrolled"
c=$("$IMGCHECK" colours "$T/fr/$waiting" 0,70,320,40 | wc -l)
[ "$c" -gt 3 ] && ok || fail "the waiting screen shows no text"
[ ! -f "$T/st/device.json" ] && ok || fail "device.json was kept after the revocation"
[ ! -f "$T/st/current.manifest" ] && ok || fail "current.manifest was kept after the revocation"
[ -z "$(ls "$T/st/media")" ] && ok || fail "media were kept after the revocation"
# It kept running through all this (no crash, no sanitizer report).
kill -0 "$PLAYER_PID" 2>/dev/null && ok || fail "the player stopped after the revocation"
expect_not_in "$T/play.err" "Sanitizer"
expect_not_in "$T/play.err" "runtime error"
kill -TERM "$PLAYER_PID"
wait "$PLAYER_PID" 2>/dev/null || true

# Restarted, it waits for enrolment (no identity, no content); a new code enrols it again.
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 320x180 \
    --run 1 --clock from:2026-11-25T09:01:00+08:00
expect_not_in "$T/err" "switching to bank-lobby"
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$(code)" --publisher-key "$KEY" --state-dir "$T/st" --output null \
    --size 320x180 --run 4 --poll 1 --clock from:2026-11-25T09:01:10+08:00
expect_in "$T/err" "enrolled as screen lobby-1"
expect_in "$T/err" "switching to bank-lobby version 1"

stop_hub
finish
