#!/bin/sh
# test_console_screens.sh — the console's screens pages through a real hub with curl: the wall (dark first, counts, filters, escaping, its thumbnail a small PNG, the picture sent behind it), a screen's page for an auditor (no buttons; forged posts refused) and an admin (a screenshot requested and asked for in the next heartbeat, an enrolment code whose QR code decodes to the enrolment file and which enrols, revoking after a confirmation), valid HTML.
. "$(dirname "$0")/lib.sh"
need curl jq ffmpeg

# beat TOKEN JSON — a heartbeat of the screen holding TOKEN; its reply in $T/beat, status printed.
beat() {
    curl -s -o "$T/beat" -w '%{http_code}' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        -d "$2" "$URL/api/v1/heartbeat"
}

hub_keys
new_user admin ops 'ops password 1'
new_user auditor aud 'aud password 1'
start_hub "$DATA"
load_inventory
LOBBY=bank-0412-lobby
DEV=$(enrol "$ADMIN" "$LOBBY")
[ -n "$DEV" ] && [ "$DEV" != null ] && ok || fail "the lobby screen did not enrol"
code_is 200 "$(beat "$DEV" '{"current_item":"<script>alert(1)</script>","free_disk_bytes":2147483648,"clock_trust":"synced","uptime_s":3600}')" "a heartbeat"
ffmpeg -v error -f lavfi -i testsrc=s=1280x720 -frames:v 1 -y "$T/shot.png"
code_is 201 "$(curl -s -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $DEV" -H 'Content-Type: image/png' \
    --data-binary @"$T/shot.png" "$URL/api/v1/screenshot")" "a screenshot"

# ---- an auditor ----
code_is 303 "$(console_login "$T/aud" aud 'aud password 1')" "the auditor logs in"
code_is 200 "$(console_get "$T/aud" /console/screens)" "the wall"
body_has 'data-refresh="30"'
body_has '<span class="wall-total lit">0 块亮屏</span>'
body_has '<span class="wall-total dark">3 块黑屏</span>'
body_has '&lt;script&gt;alert(1)&lt;/script&gt;'
body_lacks '<script>alert'
# dark first: the lobby (online, nothing published: no content) before the two never enrolled
sed -n 's|.*<td class="wall-pic"><a href="/console/screens/\([^"]*\)">.*|\1|p' "$T/body" | tr '\n' ' ' >"$T/order"
expect_in "$T/order" "$LOBBY bus-k1-07 clinic-3 "
valid_html
code_is 200 "$(console_get "$T/aud" '/console/screens?region=%E5%8E%BF%E5%9F%8E&lang=en')" "the wall of one region"
body_has '<td class="wall-pic"><a href="/console/screens/bus-k1-07">'
body_lacks '<td class="wall-pic"><a href="/console/screens/clinic-3">'
code_is 400 "$(console_get "$T/aud" '/console/screens?status=bright')" "an unknown status"
# the thumbnail is a small PNG of the screenshot; the screen's page links the picture sent
code_is 200 "$(console_get "$T/aud" /console/screens)" "the wall again"
SRC=$(sed -n 's|.*src="\(/console/screens/'"$LOBBY"'/screenshot?at=[0-9]*\)&amp;\(thumb=1\)".*|\1\&\2|p' "$T/body" | head -n 1)
[ -n "$SRC" ] && ok || fail "no thumbnail of the lobby on the wall"
code_is 200 "$(console_get "$T/aud" "$SRC")" "the thumbnail"
header_has 'Content-Type: image/png'
cp "$T/body" "$T/thumb.png"
[ "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height -of csv=p=0 "$T/thumb.png")" = png,320,180 ] &&
    ok || fail "the thumbnail is not a 320x180 PNG"
code_is 200 "$(console_get "$T/aud" "/console/screens/$LOBBY")" "the lobby's page"
FULL=$(sed -n 's|.*<figure><a href="\(/console/screens/'"$LOBBY"'/screenshot?at=[0-9]*\)">.*|\1|p' "$T/body" | head -n 1)
[ -n "$FULL" ] && ok || fail "no screenshot link on the lobby's page"
code_is 200 "$(console_get "$T/aud" "$FULL")" "the whole screenshot"
cmp -s "$T/body" "$T/shot.png" && ok || fail "the whole screenshot is not the picture sent"
code_is 404 "$(console_get "$T/aud" "/console/screens/$LOBBY/screenshot?at=1")" "a screenshot the hub does not hold"
# a screen's page: no buttons; the admin's posts refused even when forged with a valid CSRF token
code_is 200 "$(console_get "$T/aud" "/console/screens/$LOBBY")" "the lobby's page"
body_has 'class="heat"'
body_has '2.0 GB'
body_lacks 'screenshot-request'
body_lacks 'enroll-code'
valid_html
for action in screenshot-request enroll-code revoke; do
    code_is 403 "$(console_post "$T/aud" "/console/screens/$LOBBY/$action" --data-urlencode confirm=yes \
        --data-urlencode "hub=$URL")" "an auditor's forged $action"
done
code_is 200 "$(beat "$DEV" '{"clock_trust":"synced"}')" "a heartbeat after the refused request"
[ "$(jq -r .screenshot_requested "$T/beat")" = false ] && ok || fail "an auditor's request reached the screen"

# ---- an admin ----
code_is 303 "$(console_login "$T/ops" ops 'ops password 1')" "the admin logs in"
code_is 200 "$(console_get "$T/ops" "/console/screens/$LOBBY")" "the lobby's page for an admin"
body_has "action=\"/console/screens/$LOBBY/screenshot-request\""
body_has "value=\"$URL\""
valid_html
code_is 403 "$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ops" -d x=1 "$URL/console/screens/$LOBBY/screenshot-request")" \
    "a post without the CSRF token"
code_is 303 "$(console_post "$T/ops" "/console/screens/$LOBBY/screenshot-request")" "a screenshot now"
header_has "Location: /console/screens/$LOBBY?done=screenshot"
code_is 200 "$(beat "$DEV" '{"clock_trust":"synced"}')" "the next heartbeat"
[ "$(jq -r .screenshot_requested "$T/beat")" = true ] && ok || fail "the screen was not asked for a screenshot"

# an enrolment code for a screen never enrolled: shown with the QR code of the enrolment file
code_is 200 "$(console_get "$T/ops" /console/screens/bus-k1-07)" "the bus's page"
code_is 200 "$(console_post "$T/ops" /console/screens/bus-k1-07/enroll-code --data-urlencode "hub=$URL/" \
    --data-urlencode ttl_h=1)" "an enrolment code"
CODE=$(sed -n 's|.*<p class="big scr-code">\([A-Z0-9-]*\)</p>.*|\1|p' "$T/body")
[ "${#CODE}" -eq 14 ] && ok || fail "no enrolment code on the page"
body_has "screenlit-player --hub $URL --enroll $CODE"
valid_html
if command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null; then
    tr -d '\n' <"$T/body" | sed -n 's|.*\(<svg[^>]*class="qr".*</svg>\).*|\1|p' >"$T/qr.svg"
    rsvg-convert -w 800 -o "$T/qr.png" "$T/qr.svg" 2>/dev/null && ok || fail "the QR code's SVG does not draw"
    zbarimg -q --raw "$T/qr.png" >"$T/qr.txt" 2>/dev/null || true
    printf 'hub = %s\ncode = %s\n\n' "$URL" "$CODE" >"$T/qr.want" # zbarimg adds a line feed
    cmp -s "$T/qr.txt" "$T/qr.want" && ok || fail "the QR code reads '$(cat "$T/qr.txt")'"
fi
curl -s -o "$T/enrolled" -w '%{http_code}' -d "{\"code\":\"$CODE\"}" "$URL/api/v1/enroll" >"$T/code"
[ "$(cat "$T/code")" = 200 ] && [ "$(jq -r .screen "$T/enrolled")" = bus-k1-07 ] && ok ||
    fail "the code from the page does not enrol the bus: $(cat "$T/code") $(cat "$T/enrolled")"

# revoking: a confirmation step first, then the device token stops
code_is 200 "$(console_get "$T/ops" "/console/screens/$LOBBY")" "the lobby's page again"
code_is 200 "$(console_post "$T/ops" "/console/screens/$LOBBY/revoke")" "revoke, first step"
body_has '<input type="hidden" name="confirm" value="yes">'
code_is 200 "$(beat "$DEV" '{"clock_trust":"synced"}')" "the screen still works before the confirmation"
code_is 303 "$(console_post "$T/ops" "/console/screens/$LOBBY/revoke" --data-urlencode confirm=yes)" "revoke, confirmed"
header_has "Location: /console/screens/$LOBBY?done=revoked"
code_is 401 "$(beat "$DEV" '{"clock_trust":"synced"}')" "the revoked screen's heartbeat"
expect_in "$T/beat" device_revoked
wait_in "$T/hub.log" "console: ops revoked screen $LOBBY" 60 && ok || fail "the revocation is not logged"

stop_hub_clean
finish
