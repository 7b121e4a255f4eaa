#!/bin/sh
# test_hub_enrol.sh — enrolment on a real hub: an enrolment revokes the screen's other codes, codes are listed (never shown) and revoked, a screen is de-enrolled (its cached token stops at once), failed enrolments are logged without the code and slowed per address (429).
. "$(dirname "$0")/lib.sh"
need curl jq

ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
start_hub "$DATA"
load_inventory

# Two codes for one screen: an old 30-day one and a new one. Enrolling with
# the new one makes the old one useless (it used to enrol a second board and
# lock the first one out).
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby","ttl_s":2592000}'
expect_json '.id == 1'
OLD=$(jq -r .code "$T/body")
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby"}'
expect_json '.id == 2'
NEW=$(jq -r .code "$T/body")
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bus-k1-07"}'
BUS=$(jq -r .code "$T/body")
expect_call 200 POST /api/v1/enroll "" -d "{\"code\":\"$NEW\"}"
FIRST=$(jq -r .token "$T/body")
expect_call 401 POST /api/v1/enroll "" -d "{\"code\":\"$OLD\"}"
expect_json '.error | test("revoked")'
expect_call 200 POST /api/v1/heartbeat "$FIRST" -d '{}'

# Listing: ids, screens, states — never the code itself; admin only.
expect_call 200 GET /api/v1/enroll-codes "$ADMIN"
expect_json '[.codes[] | .id] == [1, 2, 3]'
expect_json '[.codes[] | .state] == ["revoked", "used", "valid"]'
expect_json '.codes[0].screen == "bank-0412-lobby" and (.codes[0].revoked | type) == "string" and .codes[1].used != null'
expect_json '[.codes[] | has("code")] | any | not'
for c in "$OLD" "$NEW" "$BUS"; do
    if grep -qF "$c" "$T/body"; then fail "the list shows a code"; else ok; fi
done
expect_call 200 GET "/api/v1/enroll-codes?state=valid&screen=bus-k1-07" "$ADMIN"
expect_json '[.codes[] | .id] == [3]'
expect_call 400 GET "/api/v1/enroll-codes?state=nonsense" "$ADMIN"
expect_call 403 GET /api/v1/enroll-codes "$AUD"
expect_call 401 GET /api/v1/enroll-codes ""

# Revoking a code: it no longer enrols; only valid codes can be revoked.
expect_call 403 POST /api/v1/enroll-codes/3/revoke "$AUD"
expect_call 200 POST /api/v1/enroll-codes/3/revoke "$ADMIN"
expect_json '.id == 3 and .screen == "bus-k1-07" and .state == "revoked"'
expect_call 401 POST /api/v1/enroll "" -d "{\"code\":\"$BUS\"}"
expect_json '.error | test("revoked")'
expect_call 409 POST /api/v1/enroll-codes/3/revoke "$ADMIN"
expect_json '.state == "revoked"'
expect_call 409 POST /api/v1/enroll-codes/2/revoke "$ADMIN"
expect_json '.state == "used"'
expect_call 404 POST /api/v1/enroll-codes/99/revoke "$ADMIN"
expect_call 400 POST /api/v1/enroll-codes/x1/revoke "$ADMIN"
expect_call 400 POST /api/v1/enroll-codes/0/revoke "$ADMIN"

# De-enrolling a screen: its token, just looked up (and so kept in the hub's
# token cache), is refused at once with the explicit "device_revoked" reply.
expect_call 200 POST /api/v1/heartbeat "$FIRST" -d '{}'
expect_call 403 POST /api/v1/screens/bank-0412-lobby/revoke "$AUD"
expect_call 200 POST /api/v1/screens/bank-0412-lobby/revoke "$ADMIN"
expect_json '.screen == "bank-0412-lobby" and (.revoked | type) == "string"'
expect_call 401 POST /api/v1/heartbeat "$FIRST" -d '{}'
expect_json '.code == "device_revoked" and .screen == "bank-0412-lobby" and (.error | test("de-enrolled"))'
expect_call 401 GET /api/v1/manifest "$FIRST"
expect_json '.code == "device_revoked"'
# An unknown token gets the plain 401, without that code.
expect_call 401 GET /api/v1/manifest "$(printf '%064d' 7)"
expect_json 'has("code") | not'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .enrolled == false'
expect_call 409 POST /api/v1/screens/bank-0412-lobby/revoke "$ADMIN"
expect_call 404 POST /api/v1/screens/no-such-screen/revoke "$ADMIN"
# It can be enrolled again; the new token works.
SECOND=$(enrol "$ADMIN" bank-0412-lobby)
expect_call 200 POST /api/v1/heartbeat "$SECOND" -d '{}'
grep -q "screen bank-0412-lobby de-enrolled" "$T/hub.log" && ok || fail "the hub did not log the de-enrolment"

# The CLI: list, revoke, de-enrol.
expect_rc 0 "$SCREENLIT" enroll-code bus-k1-07 --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "(id 5)"
CLI_CODE=$(sed -n 's/.*enrolment code \([A-Z0-9-]*\) (id 5)/\1/p' "$T/out")
expect_rc 0 "$SCREENLIT" enroll-code --list --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "bus-k1-07"
expect_in "$T/out" "valid"
expect_not_in "$T/out" "$CLI_CODE"
expect_not_in "$T/out" "bank-0412-lobby" # only valid codes without --all (its codes are used or revoked)
expect_rc 0 "$SCREENLIT" enroll-code --list --all bank-0412-lobby --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "revoked"
expect_not_in "$T/out" "bus-k1-07"
expect_rc 0 "$SCREENLIT" enroll-code --revoke 5 --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "enrolment code 5 (screen bus-k1-07) revoked"
expect_rc 1 "$SCREENLIT" enroll-code --revoke 5 --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "revoked already"
expect_rc 2 "$SCREENLIT" enroll-code --revoke x --hub "$URL" --token "$ADMIN"
expect_rc 2 "$SCREENLIT" enroll-code --list --revoke 5 --hub "$URL" --token "$ADMIN"
expect_rc 0 "$SCREENLIT" screens revoke bank-0412-lobby --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "de-enrolled"
expect_call 401 POST /api/v1/heartbeat "$SECOND" -d '{}'
expect_json '.code == "device_revoked"'
expect_rc 1 "$SCREENLIT" screens revoke bank-0412-lobby --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "not enrolled"
expect_rc 2 "$SCREENLIT" screens revoke --hub "$URL" --token "$ADMIN"

# Failed enrolments: logged with the client's address and never the code;
# after 10 failures from one address (two were made above: the revoked codes)
# it is answered 429 with Retry-After, even for a good code, while that
# address cools down (one more try every 30 s).
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"clinic-3"}'
GOOD=$(jq -r .code "$T/body")
n401=0
got=401
for x in A B C D E F G H J K M N; do
    tried="ZZZZ-ZZZZ-ZZZ$x"
    echo "$tried" >>"$T/tried"
    got=$(call POST /api/v1/enroll "" -d "{\"code\":\"$tried\"}") || true
    [ "$got" = 401 ] || break
    n401=$((n401 + 1))
done
[ "$got" = 429 ] && ok || fail "after $n401 failed enrolments the hub answered $got, not 429"
# 8 more failures fill the bucket (10 in all), or 9 or 10 if the first ones drained meanwhile.
[ "$n401" -ge 8 ] && [ "$n401" -le 10 ] && ok || fail "$n401 failures were answered 401 before the 429"
expect_header Retry-After "[1-9]"
expect_call 429 POST /api/v1/enroll "" -d "{\"code\":\"$GOOD\"}"
expect_header Retry-After "[1-9]"
expect_json '.retry_after_s >= 1 and (.error | test("too many failed enrolments from 127.0.0.1"))'
grep -q "enrolment from 127.0.0.1 refused: an unknown code" "$T/hub.log" && ok || fail "no log line for a failed enrolment"
grep -q "enrolment from 127.0.0.1 refused: a revoked code" "$T/hub.log" && ok || fail "no log line for a revoked code"
while read -r tried; do
    plain=$(printf '%s' "$tried" | tr -d '-')
    if grep -qF -e "$tried" -e "$plain" "$T/hub.log"; then fail "the hub logged a tried code ($tried)"; else ok; fi
done <"$T/tried"
for c in "$OLD" "$NEW" "$BUS" "$GOOD"; do
    if grep -qF "$c" "$T/hub.log"; then fail "the hub logged a code"; else ok; fi
done
# The limit is per address: other clients are not affected (here: the health check, and other routes).
expect_call 200 GET /api/v1/health ""

hub_alive
stop_hub_clean
finish
