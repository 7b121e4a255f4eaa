#!/bin/sh
# test_hub_content_type.sh — where the hub requires a Content-Type (media, inventory, screenshots) it takes that type exactly: parameters after ';' are fine, a longer name is 415.
. "$(dirname "$0")/lib.sh"
need curl jq

ADMIN=$(new_token admin ops)
PUB=$(new_token publisher content)
start_hub "$DATA"

# Inventory: text/csv.
inventory_csv "$T/inv.csv"
expect_call 415 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csvx' --data-binary @"$T/inv.csv"
expect_call 415 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/cs' --data-binary @"$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv; charset=utf-8' --data-binary @"$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: Text/CSV' --data-binary @"$T/inv.csv"

# Media: application/octet-stream.
head -c 1000 /dev/urandom >"$T/clip.bin"
SHA=$(sha256sum "$T/clip.bin" | cut -d' ' -f1)
expect_call 415 PUT "/api/v1/media/$SHA" "$PUB" -H 'Content-Type: application/octet-streamXYZ' --data-binary @"$T/clip.bin"
expect_call 415 PUT "/api/v1/media/$SHA" "$PUB" -H 'Content-Type: application/octet-stream-x; a=b' --data-binary @"$T/clip.bin"
expect_call 200 PUT "/api/v1/media/$SHA" "$PUB" -H 'Content-Type: application/octet-stream ; charset=binary' --data-binary @"$T/clip.bin"

# Screenshots: image/png or image/jpeg.
A=$(enrol "$ADMIN" bank-0412-lobby)
printf '\211PNG\r\n\032\n0000' >"$T/shot.png"
expect_call 415 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/pngx' --data-binary @"$T/shot.png"
expect_call 415 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/jpegfoo' --data-binary @"$T/shot.png"
expect_call 201 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/png;q=1' --data-binary @"$T/shot.png"
finish
