#!/bin/sh
# test_fault_channel.sh — a manifest is bound to its channel (issue 10): another channel's manifest,
# correctly signed, served to a screen by something on the network path is refused, logged, and
# the screen keeps its content and media and still takes its own channel's next version; a screen
# the inventory moves to a channel with lower version numbers switches to it; the highest version
# played on each channel survives a restart (STATE/floors.json), so a replayed older version of a
# channel played before is refused.
#
# What is on the network path: two loopback proxies (tests/tools/faultproxy.c) in front of the
# hub for /api/v1/manifest, off until `kill -USR1`; when on, each replaces the hub's reply to a
# manifest poll with a reply the test wrote (--script replace --replace FILE):
#   plain   a 200 with another channel's real signed manifest, the hub's own headers otherwise;
#   forged  the same, plus a forged `Screenlit-Channel` header claiming the screen was moved.
# The forged one shows the documented limit without TLS: the screen then plays the other real
# channel's signed content (never anything unsigned), and its own channel comes back as soon as
# the true hub answers.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SCREEN=lobby-1
PL=
cleanup() {
    [ -n "$PL" ] && kill -9 "$PL" 2>/dev/null || true
    for p in $PROXIES; do kill "$p" 2>/dev/null || true; done
    stop_hub
    rm -rf "$T"
}
trap cleanup EXIT INT TERM

sample_copy "$T/s1"
jq '.zones[1].background = "#1030c0"' "$T/s1/playlist.json" >"$T/s1/v2.json"
hub_keys
start_hub "$DATA"
# inventory CHANNEL — lobby-1 on CHANNEL (and a station-hall screen, so that channel is in use).
inventory() {
    printf 'id,name,channel,hours,timezone\n%s,Lobby,%s,daily 08:00-18:00,Asia/Shanghai\nhall-1,Hall,station-hall,daily 08:00-18:00,Asia/Shanghai\n' \
        "$SCREEN" "$1" >"$T/inv.csv"
    expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
}
inventory bank-lobby
publish() { # publish PLAYLIST CHANNEL VERSION
    expect_rc 0 "$SCREENLIT" publish "$1" --hub "$URL" --token "$PUB" --channel "$2" --version "$3" \
        --key "$T/keys/publisher.key"
}
publish "$T/s1/playlist.json" bank-lobby 1
publish "$T/s1/playlist.json" station-hall 5
publish "$T/s1/playlist.json" bus-stop 1
expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
envelope() { # envelope CHANNEL VERSION FILE — a signed manifest as the hub stores it
    sqlite3 -cmd '.timeout 5000' "$T/hub/hub.db" \
        "SELECT writefile('$3', envelope) FROM manifests WHERE channel = '$1' AND version = $2" >/dev/null
}
reply() { # reply ENVELOPE OUT [CHANNEL-HEADER] — a whole HTTP reply serving ENVELOPE
    etag=$(jq -r '.payload | fromjson | "\"\(.channel)-\(.version)\""' "$1")
    {
        printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: %s\r\nCache-Control: no-cache\r\n' "$etag"
        [ -n "${3:-}" ] && printf 'Screenlit-Channel: %s\r\n' "$3"
        printf 'Content-Length: %d\r\n\r\n' "$(stat -c %s "$1")"
        cat "$1"
    } >"$2"
}
envelope bank-lobby 1 "$T/bank-1.json"
envelope station-hall 5 "$T/hall-5.json"
envelope bus-stop 1 "$T/bus-1.json"
reply "$T/hall-5.json" "$T/plain.reply"
reply "$T/hall-5.json" "$T/forged.reply" station-hall

# start_proxy NAME UPSTREAM-PORT REPLY [PORT] — a proxy replacing manifest replies by REPLY, off
# until USR1.
start_proxy() {
    start_faultproxy "$1" "$2" --listen "${4:-0}" --off --only /api/v1/manifest --script replace --replace "$3"
}
start_proxy plain "$PORT" "$T/plain.reply"
start_proxy forged "$plain_PORT" "$T/forged.reply"
VIA="http://127.0.0.1:$forged_PORT"
replaced() { # replaced NAME — how many replies the proxy NAME replaced
    v=$(awk '$1 == "replace" { print $2 }' "$T/$1.stats" 2>/dev/null)
    echo "${v:-0}"
}

# run_player — the enrolled screen on a real-pace clock, polling every second, in the background.
run_player() {
    : >"$T/p.err"
    "$PLAYER" --hub "$VIA" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 --run 900 \
        --poll 1 --heartbeat-interval 1 --clock from:2026-11-25T09:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
    PL=$!
}
# wait_file FILE TEXT — FILE holds TEXT within 90 s.
wait_file() {
    n=0
    while [ "$n" -lt 900 ] && ! grep -qF -- "$2" "$1" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
    grep -qF -- "$2" "$1" 2>/dev/null
}
# screen_channel — the channel in the screen's identity (STATE/device.json).
screen_channel() {
    jq -r .channel "$T/st/device.json"
}

# Enrolment and the first sync, through the proxies (off).
expect_rc 0 "$PLAYER" --hub "$VIA" --enroll "$CODE" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 160x90 --run 3 --poll 1 --clock from:2026-11-25T09:00:00+08:00
expect_in "$T/err" "sync: switched to manifest 1 of channel bank-lobby"
if ! cmp -s "$T/st/current.manifest" "$T/bank-1.json"; then
    fail "the first run did not sync bank-lobby version 1"
    finish
    exit 1
fi
[ "$(screen_channel)" = bank-lobby ] && ok || fail "device.json has channel $(screen_channel), wanted bank-lobby"
ls "$T/st/media" | sort >"$T/media.before"

# 1. station-hall's version 5, correctly signed, served to the bank-lobby screen: refused.
run_player
kill -USR1 "$plain_PID"
wait_log "manifest for channel station-hall refused: this screen plays bank-lobby" 90 && ok ||
    { fail "station-hall's manifest was not refused with its reason"; tail -20 "$T/p.err" | sed 's/^/    | /' >&2; }
[ "$(replaced plain)" -ge 1 ] && ok || fail "the plain proxy replaced no reply"
# Its refusal is in the status the screen reports (the hub keeps the last heartbeat's).
hb_status() {
    sqlite3 -cmd '.timeout 5000' "$T/hub/hub.db" "SELECT status FROM heartbeats WHERE screen = '$SCREEN'" 2>/dev/null
}
n=0
while [ "$n" -lt 900 ] && ! hb_status | grep -qF "manifest for channel station-hall refused"; do
    sleep 0.1
    n=$((n + 1))
done
hb_status | grep -qF "manifest for channel station-hall refused: this screen plays bank-lobby" && ok ||
    fail "the screen's status at the hub does not list the refusal: $(hb_status)"
cmp -s "$T/st/current.manifest" "$T/bank-1.json" && ok || fail "current.manifest changed"
ls "$T/st/media" | sort >"$T/media.after"
cmp -s "$T/media.before" "$T/media.after" && ok || fail "the screen's media changed after the refusal"
expect_not_in "$T/p.err" "switched to manifest 5"
grep -q station-hall "$T/st/floors.json" && fail "station-hall's version raised a floor" || ok
[ "$(screen_channel)" = bank-lobby ] && ok || fail "device.json has channel $(screen_channel) after the refusal"

# 2. The screen still takes its own channel's next version (2, below the refused 5).
kill -USR1 "$plain_PID"
publish "$T/s1/v2.json" bank-lobby 2
wait_log "sync: switched to manifest 2 of channel bank-lobby" 90 && ok ||
    { fail "the screen did not take bank-lobby version 2 after the refusal"; tail -20 "$T/p.err" | sed 's/^/    | /' >&2; }
envelope bank-lobby 2 "$T/bank-2.json"

# 3. The limit without TLS: a forged Screenlit-Channel makes the screen play another real channel's
# signed content; the true hub's next answer brings its own channel back.
# back_count — how many times the log says the screen switched to bank-lobby version 2.
back_count() {
    grep -oF "switched to manifest 2 of channel bank-lobby" "$T/p.err" | wc -l
}
before=$(back_count)
kill -USR1 "$forged_PID"
wait_log "sync: switched to manifest 5 of channel station-hall" 90 && ok ||
    fail "the forged channel change did not behave as documented"
kill -USR1 "$forged_PID"
wait_file "$T/st/device.json" '"channel":"bank-lobby"' && ok || fail "device.json did not come back to bank-lobby"
k=0
while [ "$k" -lt 900 ] && [ "$(back_count)" -le "$before" ]; do
    sleep 0.1
    k=$((k + 1))
done
[ "$(back_count)" -gt "$before" ] && ok || {
    fail "the screen did not come back to bank-lobby version 2 when the true hub answered ($(back_count) <= $before)"
    grep sync "$T/p.err" | tail -8 | sed 's/^/    | /' >&2
}
n=0
while [ "$n" -lt 900 ] && ! cmp -s "$T/st/current.manifest" "$T/bank-2.json"; do sleep 0.1; n=$((n + 1)); done
cmp -s "$T/st/current.manifest" "$T/bank-2.json" && ok || fail "current.manifest is not bank-lobby version 2"

# 4. The inventory moves the screen to bus-stop, whose versions are lower (1 < 2): it switches.
inventory bus-stop
wait_log "sync: the hub assigns this screen to channel bus-stop (it was bank-lobby)" 90 && ok ||
    fail "the screen did not learn its new channel"
wait_log "sync: switched to manifest 1 of channel bus-stop" 90 && ok ||
    { fail "the screen moved to bus-stop did not take its version 1"; tail -20 "$T/p.err" | sed 's/^/    | /' >&2; }
[ "$(screen_channel)" = bus-stop ] && ok || fail "device.json has channel $(screen_channel), wanted bus-stop"
publish "$T/s1/v2.json" bus-stop 2
wait_log "sync: switched to manifest 2 of channel bus-stop" 90 && ok || fail "the screen did not take bus-stop version 2"
# And back to bank-lobby: its version 2 again (not above the 2 it played there, and taken).
inventory bank-lobby
wait_log "sync: the hub assigns this screen to channel bank-lobby (it was bus-stop)" 90 && ok ||
    fail "the screen did not learn it was moved back"
n=0
while [ "$n" -lt 900 ] && ! cmp -s "$T/st/current.manifest" "$T/bank-2.json"; do sleep 0.1; n=$((n + 1)); done
cmp -s "$T/st/current.manifest" "$T/bank-2.json" && ok || fail "moved back, the screen is not on bank-lobby version 2"

# 5. After a restart the floors hold: bus-stop's version 1, replayed with a forged channel change,
# is refused (the screen played bus-stop's version 2).
wait_file "$T/st/floors.json" '"bus-stop":2' && ok || fail "floors.json lacks bus-stop's version 2"
kill "$PL"
wait "$PL" 2>/dev/null || true
PL=
reply "$T/bus-1.json" "$T/forged.reply" bus-stop
kill "$forged_PID" 2>/dev/null || true
wait "$forged_PID" 2>/dev/null || true
start_proxy forged "$plain_PORT" "$T/forged.reply" "$forged_PORT"
run_player
kill -USR1 "$forged_PID"
wait_log "manifest 1 refused: this screen already played version 2 of channel bus-stop" 90 && ok ||
    { fail "an older version of a channel played before was taken after a restart"; tail -20 "$T/p.err" | sed 's/^/    | /' >&2; }
cmp -s "$T/st/current.manifest" "$T/bank-2.json" && ok || fail "the replayed bus-stop version 1 replaced bank-lobby 2"
kill -USR1 "$forged_PID"
wait_file "$T/st/device.json" '"channel":"bank-lobby"' && ok || fail "device.json did not come back to bank-lobby"
kill "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
finish
