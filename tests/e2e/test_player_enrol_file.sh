#!/bin/sh
# test_player_enrol_file.sh — an installer's board given only the enrolment file (what the console's QR code carries) starts, enrols with a real hub and plays its channel, also when player.conf names a local playlist.
. "$(dirname "$0")/lib.sh"

hub_with_sample "$T/s"
printf '{"timezone": "UTC", "zones": [{"id": "all", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "local-slogan", "zone": "all", "type": "text", "mode": "static", "text": "本地", "duration": 5}]}\n' \
    >"$T/local.json"

# enrol_file FILE — a fresh one-time code for SCREEN in an enrolment file, as an installer copies it.
enrol_file() {
    expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
    printf '# from the console\nhub = %s\ncode = %s\n' "$URL" "$(jq -r .code "$T/out")" >"$1"
}
RUN="--output null --size 160x90 --run 6 --poll 1 --clock from:2026-11-25T09:00:00+08:00"

# Only the enrolment file (and the publisher key every board pins): no --hub, no --playlist.
mkdir -p "$T/boot1"
enrol_file "$T/boot1/screenlit-enroll.txt"
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --enroll-file "$T/boot1/screenlit-enroll.txt" --publisher-key "$KEY" --state-dir "$T/st1" $RUN
expect_in "$T/err" "enrolled from the boot partition as screen $SCREEN"
expect_in "$T/err" "switching to bank-lobby version 1"
expect_in "$T/out" "frames with a black zone 0"
[ ! -e "$T/boot1/screenlit-enroll.txt" ] && ok || fail "the used enrolment file is still there"
[ -f "$T/st1/device.json" ] && ok || fail "no identity kept"

# Nothing at all: the message names every way to start.
expect_rc 2 "$PLAYER" --enroll-file "$T/boot1/none.txt" --state-dir "$T/st0"
expect_in "$T/err" "an enrolment file (--enroll-file"

# player.conf as shipped names a local playlist: the enrolment file still wins, and once enrolled
# the board stays managed across restarts (the file is gone by then).
mkdir -p "$T/boot2"
enrol_file "$T/boot2/screenlit-enroll.txt"
cat >"$T/player.conf" <<EOF
playlist = $T/local.json
enroll-file = $T/boot2/screenlit-enroll.txt
publisher-key = $KEY
state-dir = $T/st2
EOF
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --config "$T/player.conf" $RUN
expect_in "$T/err" "enrolled from the boot partition as screen $SCREEN"
expect_in "$T/err" "switching to bank-lobby version 1"
[ ! -e "$T/boot2/screenlit-enroll.txt" ] && ok || fail "the used enrolment file is still there"
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --config "$T/player.conf" $RUN
expect_not_in "$T/out" "local-slogan"
expect_in "$T/out" "poster-app"
# A playlist named on the command line plays standalone, as before.
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --config "$T/player.conf" --playlist "$T/local.json" --journal "$T/local.db" $RUN
expect_in "$T/out" "local-slogan"
stop_hub
finish
