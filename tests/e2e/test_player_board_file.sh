#!/bin/sh
# test_player_board_file.sh — a board given only the boot partition's board file (written on Windows: BOM, CRLF) enrols with a real hub, plays its channel in the file's region, names the file's bad lines, does not spend its code twice, and pins a CA pasted into the file (https).
. "$(dirname "$0")/lib.sh"

hub_with_sample "$T/s"

expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
# As Notepad saves it: a UTF-8 byte order mark and CRLF line ends; one line that is not a
# setting, one bad value and one unknown key, which are named and left out.
mkdir -p "$T/boot"
printf '\357\273\277# screenlit board file\r\nhub = %s\r\ncode = %s\r\npublisher-key = %s\r\n' "$URL" "$CODE" "$KEY" \
    >"$T/boot/screenlit.txt"
printf 'region = 40,20,160,90\r\nthe wall is in the lobby\r\nrotate = 45\r\nbrightness = 80\r\n' >>"$T/boot/screenlit.txt"
RUN="--size 320x180 --run 6 --poll 1 --clock from:2026-11-25T09:00:00+08:00"

# Only the board file (no --hub, no --playlist, no publisher key on the command line).
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --board-file "$T/boot/screenlit.txt" --state-dir "$T/st" --output "frames:$T/f1" --frames-every 5 $RUN
expect_in "$T/err" "enrolled from the board file as screen $SCREEN"
expect_in "$T/err" "switching to bank-lobby version 1"
expect_in "$T/err" "board file $T/boot/screenlit.txt: line 6: 'the wall is in the lobby' is not 'name = value'"
expect_in "$T/err" "board file $T/boot/screenlit.txt: line 7: rotate: '45' is not 0, 90, 180 or 270"
expect_in "$T/err" "line 8: unknown setting 'brightness' ignored"
expect_in "$T/out" "frames with a black zone 0"
[ -f "$T/boot/screenlit.txt" ] && ok || fail "the board file was removed (it also holds the region)"
[ -f "$T/st/device.json" ] && ok || fail "no identity kept"
# The spent code is remembered by its hash only.
[ -f "$T/st/board-code.sha256" ] && ok || fail "the used code is not remembered"
expect_not_in "$T/st/board-code.sha256" "$CODE"
# The board file's region: the last frame (real pace: about 5 s in) is black outside 40,20,160,90
# and lit inside.
frame=$(ls "$T/f1"/frame-*.png | tail -n 1)
[ -f "$frame" ] && ok || fail "no frame $frame"
out=$("$IMGCHECK" dark "$frame" 0,0,320,20)
[ "$out" = "1.0000" ] && ok || fail "pixels lit above the board file's region ($out dark)"
out=$("$IMGCHECK" dark "$frame" 200,0,120,180)
[ "$out" = "1.0000" ] && ok || fail "pixels lit right of the board file's region ($out dark)"
inside=$("$IMGCHECK" dark "$frame" 40,20,160,90)
awk -v v="$inside" 'BEGIN { exit !(v < 0.9) }' && ok || fail "the region is not drawn ($inside dark)"

# Next boot, the same file (found through SCREENLIT_BOARD_FILE): the code is not sent again, the
# board stays enrolled and plays its cached content; the command line wins over the file.
# shellcheck disable=SC2086
SCREENLIT_BOARD_FILE="$T/boot/screenlit.txt" expect_rc 0 "$PLAYER" --state-dir "$T/st" --output "frames:$T/f2" --frames-every 5 $RUN \
    --region 0,0,320,180
expect_in "$T/err" "its code was used already"
expect_not_in "$T/err" "enrolment failed"
expect_not_in "$T/err" "enrolled from the board file"
expect_in "$T/out" "poster-app"
out=$("$IMGCHECK" dark "$(ls "$T/f2"/frame-*.png | tail -n 1)" 0,0,320,20)
[ "$out" != "1.0000" ] && ok || fail "--region on the command line did not win over the board file"

# A new code in the file enrols the board again (an installer moving it to another screen).
expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
sed -i "s/^code = .*\$/code = $(jq -r .code "$T/out")\r/" "$T/boot/screenlit.txt"
# shellcheck disable=SC2086
expect_rc 0 "$PLAYER" --board-file "$T/boot/screenlit.txt" --state-dir "$T/st" --output null $RUN
expect_in "$T/err" "enrolled from the board file as screen $SCREEN"
stop_hub

# https: the same hub behind a private CA, whose certificate is pasted into the board file.
tls_pki "$T/pki"
start_hub_tls "$DATA" "$T/pki"
# board_tls CA_FILE STATE — a fresh code and a board file for the https hub with CA_FILE pasted in
# (CRLF); then one run of the player with it into STATE.
board_tls() {
    expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --hub-ca "$T/pki/ca.crt" --json
    {
        printf 'hub = %s\r\ncode = %s\r\npublisher-key = %s\r\nhub-ca = ' "$URL" "$(jq -r .code "$T/out")" "$KEY"
        sed 's/$/\r/' "$1"
    } >"$T/boot/screenlit.txt"
    # shellcheck disable=SC2086
    expect_rc 0 "$PLAYER" --board-file "$T/boot/screenlit.txt" --state-dir "$2" --output null $RUN
}
board_tls "$T/pki/other-ca.crt" "$T/st-other"
expect_in "$T/err" "enrolment failed: TLS: the hub's certificate is signed by an unknown CA"
[ ! -f "$T/st-other/device.json" ] && ok || fail "the board enrolled with a hub its pasted CA does not vouch for"
board_tls "$T/pki/ca.crt" "$T/st-tls"
expect_in "$T/err" "enrolled from the board file as screen $SCREEN"
expect_in "$T/err" "switching to bank-lobby version 1"
cmp -s "$T/st-tls/board-ca.pem" "$T/pki/ca.crt" && ok || fail "the pasted CA is not kept as STATE/board-ca.pem"
stop_hub
finish
