#!/bin/sh
# test_player_usb.sh — a screen without a network fed by USB sticks: bundles made by `screenlit bundle`
# are verified and switched to like hub updates; tampered ones are refused and the old content plays on.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
"$SCREENLIT" keygen --out "$T/other" >/dev/null
KEY=$(cut -d' ' -f2 "$T/keys/publisher.pub")
# Version 2 and 3 differ from the sample by the ticker's background, which shows in every frame;
# version 3 also has a poster the screen has never had (so its bytes must come from the stick).
jq '.zones[1].background = "#1030c0"' "$T/s/playlist.json" >"$T/s/v2.json"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=640x360:duration=1" -frames:v 1 "$T/s/media/poster-v3.png"
jq '.zones[1].background = "#00a000" | .items[0].file = "media/poster-v3.png"' "$T/s/playlist.json" >"$T/s/v3.json"
RED=B3131B
BLUE=1030C0
GREEN=00A000

# play NAME — the offline screen on the simulated clock (Wednesday morning), frames every 20 s.
play() {
    expect_rc 0 "$PLAYER" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id village-1 --state-dir "$T/st" \
        --output "frames:$T/$1" --size 480x270 --clock sim:2026-11-25T09:00:00+08:00 --run 40 --frames-every 20
    cp "$T/out" "$T/$1.out"
    cp "$T/err" "$T/$1.err"
    expect_in "$T/$1.out" "frames with a black zone 0"
}

# ticker NAME COLOUR — every frame of run NAME shows the ticker zone in COLOUR.
ticker() {
    for f in "$T/$1"/frame-*.png; do
        got=$("$IMGCHECK" pixel "$f" 2,268)
        [ "$got" = "$2" ] && ok || fail "$1/$(basename "$f"): ticker is $got, wanted $2"
    done
}

# --help and wrong arguments.
expect_rc 0 "$SCREENLIT" bundle --help
expect_in "$T/out" "SYNOPSIS"
expect_rc 2 "$SCREENLIT" bundle "$T/s/playlist.json" --out "$T/x"
expect_rc 2 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key"
expect_rc 2 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/x" --version 0
# A playlist with errors writes nothing.
jq '.items[0].file = "media/none.png"' "$T/s/playlist.json" >"$T/s/bad.json"
expect_rc 1 "$SCREENLIT" bundle "$T/s/bad.json" --key "$T/keys/publisher.key" --out "$T/x"
[ ! -e "$T/x/manifest.json" ] && ok || fail "a playlist with errors left a manifest"
# The default version is the time in seconds, and above the folder's earlier bundle.
now=$(date +%s)
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/d" --version 9999999999
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/d2"
v=$(jq -r '.payload | fromjson | .version' "$T/d2/manifest.json")
[ "$v" -ge "$now" ] && ok || fail "default version $v is below the time $now"
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/d"
v=$(jq -r '.payload | fromjson | .version' "$T/d/manifest.json")
[ "$v" = 10000000000 ] && ok || fail "a bundle over one of version 9999999999 got version $v"

# No stick yet: the screen says what it waits for, never black, and keeps no manifest.
play wait
expect_in "$T/wait.err" "watching $T/usb for USB bundles"
[ ! -e "$T/st/current.manifest" ] && ok || fail "a manifest appeared without a bundle"
c=$("$IMGCHECK" colours "$T/wait/frame-0000000000.png" 0,100,480,70 | wc -l)
[ "$c" -gt 3 ] && ok || fail "the waiting screen shows no text"

# Bundle 10 (the sample) on the stick: verified, copied, switched to.
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/usb" --version 10
expect_in "$T/out" "version 10, 5 media files"
[ -f "$T/usb/README.txt" ] && ok || fail "no README.txt in the bundle"
n=$(ls "$T/usb/media" | wc -l)
[ "$n" = 5 ] && ok || fail "the bundle holds $n media files, wanted 5"
play v1
expect_in "$T/v1.err" "sync: USB bundle 10 verified; copying 5 media file(s)"
expect_in "$T/v1.err" "sync: switched to manifest 10"
expect_in "$T/v1.out" "poster-app"
ticker v1 "$RED"
cmp -s "$T/usb/manifest.json" "$T/st/current.manifest" && ok || fail "current.manifest is not the bundle's manifest"
for sha in $(jq -r '.payload | fromjson | .items[] | select(.sha256) | .sha256' "$T/st/current.manifest"); do
    got=$(sha256sum "$T/st/media/$sha" | cut -d' ' -f1)
    [ "$got" = "$sha" ] && ok || fail "media $sha missing or wrong in the store"
done
# Plays are recorded under the screen id, with the bundle's version.
mv=$(sqlite3 "$T/st/journal.db" "SELECT DISTINCT screen || ' ' || manifest_version FROM plays WHERE item = 'poster-app'")
[ "$mv" = "village-1 10" ] && ok || fail "plays recorded as '$mv', wanted 'village-1 10'"

# The same stick again: nothing happens (no second copy, no refusal).
play same
expect_not_in "$T/same.err" "verified"
expect_not_in "$T/same.err" "refused"
ticker same "$RED"

# Bundle 20 written over the stick's: the screen switches to it.
expect_rc 0 "$SCREENLIT" bundle "$T/s/v2.json" --key "$T/keys/publisher.key" --out "$T/usb" --version 20
expect_in "$T/out" "0 B copied" # the media were already on the stick
play v2
expect_in "$T/v2.err" "sync: switched to manifest 20"
ticker v2 "$BLUE"
cp "$T/st/current.manifest" "$T/v2.manifest"

# Bad bundles: each is refused with its reason, and version 20 plays on.
make_v3() { # make_v3 DIR [KEY]
    rm -rf "$1"
    "$SCREENLIT" bundle "$T/s/v3.json" --key "${2:-$T/keys/publisher.key}" --out "$1" --version 30 >/dev/null
}
refused() { # refused NAME REASON
    rm -rf "$T/usb"
    mv "$T/bad" "$T/usb"
    play "$1"
    expect_in "$T/$1.err" "$2"
    expect_not_in "$T/$1.err" "switched to manifest"
    ticker "$1" "$BLUE"
    cmp -s "$T/v2.manifest" "$T/st/current.manifest" && ok || fail "$1: current.manifest changed"
    left=$(ls "$T/st/media" | grep -c part || true)
    [ "$left" = 0 ] && ok || fail "$1: $left partial files left in the media store"
}
# A byte of the signed manifest changed.
make_v3 "$T/bad"
sed -i 's/00a000/00a001/' "$T/bad/manifest.json"
refused tampered "USB bundle at $T/usb refused: signature does not match"
# Signed with a key the screen does not pin.
make_v3 "$T/bad" "$T/other/publisher.key"
refused unknown-key "USB bundle at $T/usb refused: signed by a key that is not pinned"
# The new poster's bytes swapped for another file's.
make_v3 "$T/bad"
new=$(jq -r '.payload | fromjson | .items[] | select(.id == "poster-app") | .sha256' "$T/bad/manifest.json")
eld=$(jq -r '.payload | fromjson | .items[] | select(.id == "poster-elderly") | .sha256' "$T/bad/manifest.json")
cp "$T/bad/media/$eld" "$T/bad/media/$new"
refused swapped "USB bundle 30 refused: media $(echo "$new" | cut -c1-12)"
# One byte of the new poster flipped (same size: only the SHA-256 tells).
make_v3 "$T/bad"
size=$(stat -c %s "$T/bad/media/$new")
printf 'X' | dd of="$T/bad/media/$new" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
refused flipped "USB bundle 30 refused: media $(echo "$new" | cut -c1-12)…: its bytes do not match its SHA-256"
# The new poster missing from the stick.
make_v3 "$T/bad"
rm "$T/bad/media/$new"
refused missing "No such file or directory"
# An older version than the one playing.
rm -rf "$T/bad"
expect_rc 0 "$SCREENLIT" bundle "$T/s/v3.json" --key "$T/keys/publisher.key" --out "$T/bad" --version 15
refused older "USB bundle 15 refused: its version is not above the current 20"
# A correctly signed bundle of a higher version, for another channel: a screen without a hub plays
# channel usb (the default of `screenlit bundle --channel`) unless its config names another.
rm -rf "$T/bad"
expect_rc 0 "$SCREENLIT" bundle "$T/s/v3.json" --key "$T/keys/publisher.key" --out "$T/bad" --channel station-hall \
    --version 40
refused other-channel "USB bundle for channel station-hall refused: this screen plays usb (set \`channel = station-hall\` in player.conf if it should play that one)"
grep -q station-hall "$T/st/floors.json" && fail "station-hall's version raised a floor" || ok
expect_rc 2 "$PLAYER" --usb-path "$T/usb" --publisher-key "$KEY" --channel "no spaces" --output null
expect_in "$T/err" "channel: 'no spaces' is not 1 to 64 letters"

# On the real clock the stick is watched: a bundle that appears while the screen plays is taken
# within seconds, and the stick may be pulled out afterwards.
rm -rf "$T/usb"
make_v3 "$T/b3"
"$PLAYER" --usb-path "$T/usb" --usb-poll 1 --publisher-key "$KEY" --screen-id village-1 --state-dir "$T/st" \
    --output null --size 160x90 --clock from:2026-11-25T10:00:00+08:00 --run 40 >"$T/rt.out" 2>"$T/rt.err" &
pid=$!
n=0
while [ "$n" -lt 300 ] && ! grep -q "watching" "$T/rt.err"; do sleep 0.1; n=$((n + 1)); done
sleep 1.5 # a look or two at the empty mount point
mv "$T/b3" "$T/usb" # the stick is plugged in: its folder appears at once
n=0
while [ "$n" -lt 300 ] && ! grep -q "switched to manifest 30" "$T/rt.err"; do sleep 0.1; n=$((n + 1)); done
grep -q "switched to manifest 30" "$T/rt.err" && ok || fail "the screen did not take the bundle within 30 s"
# The sync thread has switched; the engine takes the new content at its next frame.
n=0
while [ "$n" -lt 300 ] && ! grep -q "switching to usb version 30" "$T/rt.err"; do sleep 0.1; n=$((n + 1)); done
grep -q "switching to usb version 30" "$T/rt.err" && ok || fail "the engine did not switch to version 30"
rm -rf "$T/usb" # pulled out
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" = 0 ] && ok || { fail "the real-clock player exited $rc"; sed 's/^/    | /' "$T/rt.err" | tail -20 >&2; }
expect_in "$T/rt.out" "frames with a black zone 0"
# Without the stick the screen plays version 30 from its own disk.
play after
ticker after "$GREEN"
expect_not_in "$T/after.err" "refused"

# With `channel = station-hall` in its config, the screen takes that channel's bundles (version 40,
# and versions count from its own sequence), and no longer the channel usb's.
printf 'channel = station-hall\n' >"$T/player.conf"
rm -rf "$T/usb"
expect_rc 0 "$SCREENLIT" bundle "$T/s/v3.json" --key "$T/keys/publisher.key" --out "$T/usb" --channel station-hall \
    --version 40
expect_rc 0 "$PLAYER" --config "$T/player.conf" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id village-1 \
    --state-dir "$T/st" --output null --size 160x90 --clock sim:2026-11-25T09:00:00+08:00 --run 10
expect_in "$T/err" "watching $T/usb for USB bundles of channel station-hall"
expect_in "$T/err" "sync: switched to manifest 40 of channel station-hall"
[ "$(jq -c . "$T/st/floors.json")" = '{"usb":30,"station-hall":40}' ] && ok ||
    fail "floors.json is $(cat "$T/st/floors.json"), wanted usb 30 and station-hall 40"
rm -rf "$T/usb"
make_v3 "$T/usb" # channel usb, version 30
expect_rc 0 "$PLAYER" --config "$T/player.conf" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id village-1 \
    --state-dir "$T/st" --output null --size 160x90 --clock sim:2026-11-25T09:00:00+08:00 --run 10
expect_in "$T/err" "USB bundle for channel usb refused: this screen plays station-hall"

# A screen that also follows a hub: versions compare across both. The hub's channel is at 1; a
# stick with version 5 of the channel wins, and then the hub's version 1 is refused.
mkdir -p "$T/hub"
"$HUB" key add --data "$T/hub" "$T/keys/publisher.pub" >/dev/null
ADMIN=$(new_token admin)
PUB=$(new_token publisher)
start_hub "$T/hub"
printf 'id,name,channel,hours,timezone\nlobby-1,Lobby,bank-lobby,daily 08:00-18:00,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby \
    --key "$T/keys/publisher.key"
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
rm -rf "$T/usb"
expect_rc 0 "$SCREENLIT" bundle "$T/s/v2.json" --key "$T/keys/publisher.key" --out "$T/usb" --channel bank-lobby \
    --version 5
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$CODE" --usb-path "$T/usb" --usb-poll 1 --publisher-key "$KEY" \
    --state-dir "$T/both" --output null --size 160x90 --run 8 --poll 1 --clock from:2026-11-25T10:00:00+08:00
expect_in "$T/err" "sync: switched to manifest 5"
v=$(jq -r '.payload | fromjson | .version' "$T/both/current.manifest")
[ "$v" = 5 ] && ok || fail "the screen with a hub and a stick kept version $v, wanted 5"
rm -rf "$T/usb"
expect_rc 0 "$PLAYER" --hub "$URL" --usb-path "$T/usb" --publisher-key "$KEY" --state-dir "$T/both" \
    --output null --size 160x90 --run 4 --poll 1 --clock from:2026-11-25T10:00:00+08:00
expect_in "$T/err" "manifest 1 refused: its version is not above the current 5"
v=$(jq -r '.payload | fromjson | .version' "$T/both/current.manifest")
[ "$v" = 5 ] && ok || fail "the hub's lower version replaced the stick's ($v)"
# An old bundle for another channel (usb, a higher version) plugged into the bank-lobby screen.
rm -rf "$T/usb"
expect_rc 0 "$SCREENLIT" bundle "$T/s/v3.json" --key "$T/keys/publisher.key" --out "$T/usb" --version 50
expect_rc 0 "$PLAYER" --hub "$URL" --usb-path "$T/usb" --usb-poll 1 --publisher-key "$KEY" --state-dir "$T/both" \
    --output null --size 160x90 --run 4 --poll 1 --clock from:2026-11-25T10:00:00+08:00
expect_in "$T/err" "USB bundle for channel usb refused: this screen plays bank-lobby"
expect_not_in "$T/err" "switched to manifest"
v=$(jq -r '.payload | fromjson | "\(.channel) \(.version)"' "$T/both/current.manifest")
[ "$v" = "bank-lobby 5" ] && ok || fail "the bank-lobby screen took another channel's bundle ($v)"
finish
