#!/bin/sh
# test_hub_manifest.sh — publishing signed manifests: keys, signature, channel, media present, versions increase (409); screens get them with ETag/304.
. "$(dirname "$0")/lib.sh"
need curl jq

command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg is not installed"; exit 0; }
ADMIN=$(new_token admin ops)
PUB=$(new_token publisher content)
AUD=$(new_token auditor audit)
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
"$SCREENLIT" keygen --out "$T/rogue" >/dev/null

mkdir -p "$T/pl/media"
ffmpeg -loglevel error -f lavfi -i color=c=red:s=64x64 -frames:v 1 "$T/pl/media/poster.png"
cat >"$T/pl/playlist.json" <<'JSON'
{"format": 1, "name": "test", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "poster", "zone": "main", "type": "image", "file": "media/poster.png", "duration": 10},
           {"id": "slogan", "zone": "main", "type": "text", "text": "防范电信网络诈骗", "duration": 20}]}
JSON
mf() { "$MKMANIFEST" "$T/pl/playlist.json" "$1" "$2" "$3" >"$T/mf-$1-$2.json"; }
mf bank-lobby 1 "$T/keys/publisher.key"
mf bank-lobby 2 "$T/keys/publisher.key"
mf bank-lobby 3 "$T/keys/publisher.key"
mf bus-led 1 "$T/keys/publisher.key"
"$MKMANIFEST" "$T/pl/playlist.json" bank-lobby 9 "$T/rogue/publisher.key" >"$T/mf-rogue.json"
PNG_SHA=$(sha256sum "$T/pl/media/poster.png" | cut -d' ' -f1)

start_hub "$DATA"
post() { expect_call "$1" POST "/api/v1/channels/$2/manifests" "$3" --data-binary @"$4"; }

# No publisher keys yet.
post 409 bank-lobby "$PUB" "$T/mf-bank-lobby-1.json"
expect_rc 0 "$HUB" key add --data "$DATA" --name content-team "$T/keys/publisher.pub"
expect_rc 0 "$HUB" key add --data "$DATA" "$T/keys/publisher.pub"
expect_rc 0 "$HUB" key list --data "$DATA"
expect_in "$T/out" "content-team"

# Media must be there first.
post 409 bank-lobby "$PUB" "$T/mf-bank-lobby-1.json"
expect_json ".missing[0].sha256 == \"$PNG_SHA\""
expect_call 200 PUT "/api/v1/media/$PNG_SHA" "$PUB" -H 'Content-Type: application/octet-stream' --data-binary @"$T/pl/media/poster.png"

# Wrong role, wrong key, wrong channel, tampered, not JSON.
post 403 bank-lobby "$AUD" "$T/mf-bank-lobby-1.json"
post 401 bank-lobby "" "$T/mf-bank-lobby-1.json"
post 400 bank-lobby "$PUB" "$T/mf-rogue.json"
expect_json '.error | test("not pinned")'
post 400 bus-led "$PUB" "$T/mf-bank-lobby-1.json"
sed 's/防范/防止/' "$T/mf-bank-lobby-1.json" >"$T/tampered.json"
post 400 bank-lobby "$PUB" "$T/tampered.json"
printf '{"not":"a manifest"}' >"$T/junk.json"
post 400 bank-lobby "$PUB" "$T/junk.json"
post 400 "..%2fx" "$PUB" "$T/mf-bank-lobby-1.json"
expect_call 200 GET /api/v1/channels "$PUB"
expect_json '.channels == []'

# Versions must increase.
post 201 bank-lobby "$PUB" "$T/mf-bank-lobby-2.json"
expect_json '.channel == "bank-lobby" and .version == 2'
post 409 bank-lobby "$PUB" "$T/mf-bank-lobby-2.json"
expect_json '.current == 2'
post 409 bank-lobby "$PUB" "$T/mf-bank-lobby-1.json"
post 201 bus-led "$ADMIN" "$T/mf-bus-led-1.json"
expect_call 200 GET /api/v1/channels "$PUB"
expect_json '[.channels[] | [.channel, .version]] == [["bank-lobby", 2], ["bus-led", 1]]'

# A screen gets its channel's manifest, with an ETag and 304s.
inventory_csv "$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby"}'
expect_call 200 POST /api/v1/enroll "" -d "{\"code\":\"$(jq -r .code "$T/body")\"}"
SCREEN=$(jq -r .token "$T/body")
expect_call 200 GET /api/v1/manifest "$SCREEN"
cmp -s "$T/body" "$T/mf-bank-lobby-2.json" && ok || fail "the served manifest differs from the posted one"
expect_header ETag '"bank-lobby-2"'
expect_header Cache-Control no-cache
expect_call 304 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-2"'
[ ! -s "$T/body" ] && ok || fail "a 304 has a body"
expect_header ETag '"bank-lobby-2"'
# The hub reuses a token's lookup (channel, version) for a second, but a
# publish, an inventory import or an enrolment through this hub is seen by
# the very next request.
expect_call 304 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-2"'
post 201 bank-lobby "$PUB" "$T/mf-bank-lobby-3.json"
expect_call 200 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-2"'
expect_header ETag '"bank-lobby-3"'
cmp -s "$T/body" "$T/mf-bank-lobby-3.json" && ok || fail "version 3 not served"
expect_call 304 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-3"'
sed 's/^\(bank-0412-lobby,.*\),bank-lobby,/\1,bus-led,/' "$T/inv.csv" >"$T/inv-moved.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv-moved.csv"
expect_call 200 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-3"'
expect_header ETag '"bus-led-1"'
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 304 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-3"'
# Enrolling the screen again replaces its token: the old one stops at once.
expect_call 201 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen":"bank-0412-lobby"}'
expect_call 200 POST /api/v1/enroll "" -d "{\"code\":\"$(jq -r .code "$T/body")\"}"
SCREEN2=$(jq -r .token "$T/body")
expect_call 401 GET /api/v1/manifest "$SCREEN" -H 'If-None-Match: "bank-lobby-3"'
expect_call 304 GET /api/v1/manifest "$SCREEN2" -H 'If-None-Match: "bank-lobby-3"'
# Every media file of the served manifest is served.
expect_call 200 GET "/media/$PNG_SHA" ""
cmp -s "$T/body" "$T/pl/media/poster.png" && ok || fail "the poster differs"

hub_alive
stop_hub_clean
finish
