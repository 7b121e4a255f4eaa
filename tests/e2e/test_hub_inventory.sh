#!/bin/sh
# test_hub_inventory.sh — inventory CSV import/export (BOM, CRLF, Chinese names round-trip), bad rows refused whole, enrolment codes, screens list.
. "$(dirname "$0")/lib.sh"
need curl jq

ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
start_hub "$DATA"
inventory_csv "$T/inv.csv"

expect_call 415 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: application/json' --data-binary @"$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_json '.imported == 3'
# Export: BOM, CRLF, same columns and values, byte for byte.
expect_call 200 GET /api/v1/inventory "$AUD"
expect_header Content-Type "text/csv"
if cmp -s "$T/body" "$T/inv.csv"; then ok; else
    fail "the exported inventory differs from the imported one"
    diff "$T/inv.csv" "$T/body" | head >&2 || true
fi
# Without a BOM and with LF endings it imports the same; a second import is idempotent.
tail -c +4 "$T/inv.csv" | tr -d '\r' >"$T/inv-nobom.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv-nobom.csv"
expect_call 200 GET /api/v1/inventory "$AUD"
cmp -s "$T/body" "$T/inv.csv" && ok || fail "import without BOM changed the export"
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens | length == 3'
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .name == "工商银行城关支行 大厅" and .site == "城关镇, 解放路 12 号"'
expect_json '.screens[] | select(.id == "clinic-3") | .name == "社区卫生服务中心 \"东区\""'
expect_json '[.screens[] | .status] == ["never enrolled", "never enrolled", "never enrolled"]'

# Bad rows: the whole import is refused, with the line, and nothing changes.
bad() {
    printf 'id,name,channel,hours,timezone\n' >"$T/bad.csv"
    printf 'new-screen,新屏幕,bank-lobby,daily 08:00-18:00,Asia/Shanghai\n' >>"$T/bad.csv"
    printf '%s\n' "$1" >>"$T/bad.csv"
    expect_call 400 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/bad.csv"
    expect_json '.line == 3'
}
bad '../etc,x,bank-lobby,daily 08:00-18:00,Asia/Shanghai'
bad 'ok-id,,bank-lobby,daily 08:00-18:00,Asia/Shanghai'
bad 'ok-id,x,bank lobby,daily 08:00-18:00,Asia/Shanghai'
bad 'ok-id,x,bank-lobby,someday 08:00-18:00,Asia/Shanghai'
bad 'ok-id,x,bank-lobby,mon-fri 18:00-08:00,Asia/Shanghai'
bad 'ok-id,x,bank-lobby,daily 08:00-18:00,Mars/Olympus'
bad 'ok-id,x,bank-lobby,daily 08:00-18:00,../../etc/passwd'
bad 'ok-id,x,bank-lobby,daily 08:00-18:00'
bad 'new-screen,again,bank-lobby,daily 08:00-18:00,UTC'
bad 'ok-id,"unclosed,bank-lobby,daily 08:00-18:00,UTC'
printf 'id,name,channel,hours,timezone\nx1,\377\376,c,daily 08:00-18:00,UTC\n' >"$T/bad.csv"
expect_call 400 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/bad.csv"
expect_json '.line == 2'
printf 'id,name,colour\n' >"$T/bad.csv"
expect_call 400 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/bad.csv"
expect_call 400 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary ''
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens | length == 3'
expect_json '[.screens[].id] | index("new-screen") == null'

# Enrolment codes: admin only, screen must exist, one use, expiry.
expect_call 404 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"no-such-screen"}'
expect_call 400 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"../x"}'
expect_call 400 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bus-k1-07","ttl_s":-5}'
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby","ttl_s":3600}'
expect_json '.code | test("^[A-HJ-KMNP-Z2-9]{4}-[A-HJ-KMNP-Z2-9]{4}-[A-HJ-KMNP-Z2-9]{4}$")'
CODE=$(jq -r .code "$T/body")
expect_call 400 POST /api/v1/enroll "" -d '{"code":"not a code"}'
expect_call 401 POST /api/v1/enroll "" -d '{"code":"AAAA-BBBB-CCCC"}'
# Typed in lower case without dashes works too.
lower=$(printf '%s' "$CODE" | tr -d '-' | tr 'A-Z' 'a-z')
expect_call 200 POST /api/v1/enroll "" -d "{\"code\":\"$lower\"}"
expect_json '.screen == "bank-0412-lobby" and .channel == "bank-lobby" and (.token | test("^[0-9a-f]{64}$"))'
SCREEN_TOKEN=$(jq -r .token "$T/body")
expect_call 401 POST /api/v1/enroll "" -d "{\"code\":\"$CODE\"}"
expect_json '.error | test("used")'
# Expiry.
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bus-k1-07","ttl_s":1}'
OLD=$(jq -r .code "$T/body")
sleep 2 # lets the 1 s lifetime pass: a busy machine only makes the code older, never younger
expect_call 401 POST /api/v1/enroll "" -d "{\"code\":\"$OLD\"}"
expect_json '.error | test("expired")'

# The screen's token works; enrolling again replaces it.
expect_call 200 POST /api/v1/heartbeat "$SCREEN_TOKEN" -d '{"content_version":null,"uptime_s":5}'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .status == "online" and .enrolled == true'
expect_json '.screens[] | select(.id == "bus-k1-07") | .status == "never enrolled"'
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby"}'
CODE2=$(jq -r .code "$T/body")
expect_call 200 POST /api/v1/enroll "" -d "{\"code\":\"$CODE2\"}"
NEW_TOKEN=$(jq -r .token "$T/body")
expect_call 401 POST /api/v1/heartbeat "$SCREEN_TOKEN" -d '{}'
expect_call 200 POST /api/v1/heartbeat "$NEW_TOKEN" -d '{}'

hub_alive
stop_hub_clean
finish
