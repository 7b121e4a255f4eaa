#!/bin/sh
# test_hub_plays.sh — proof of play (idempotent by screen+seq, acked_seq, own records only, bad records refused whole), heartbeats, screenshots.
. "$(dirname "$0")/lib.sh"
need curl jq

ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
start_hub "$DATA"
load_inventory
A=$(enrol "$ADMIN" bank-0412-lobby)
B=$(enrol "$ADMIN" bus-k1-07)
[ ${#A} -eq 64 ] && [ ${#B} -eq 64 ] && ok || fail "enrolment failed"

plays() { expect_call "$1" POST /api/v1/plays "$2" --data-binary @"$3"; }
batch 1 5 >"$T/b1"
plays 200 "$A" "$T/b1"
expect_json '.stored == 5 and .duplicates == 0 and .acked_seq == 5'
plays 200 "$A" "$T/b1"
expect_json '.stored == 0 and .duplicates == 5 and .acked_seq == 5'
batch 7 8 >"$T/b2"
plays 200 "$A" "$T/b2"
expect_json '.stored == 2 and .acked_seq == 5'
batch 4 6 >"$T/b3"
plays 200 "$A" "$T/b3"
expect_json '.stored == 1 and .duplicates == 2 and .acked_seq == 8'
printf '{"records":[]}' >"$T/empty"
plays 200 "$A" "$T/empty"
expect_json '.stored == 0 and .acked_seq == 8'
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby" "$AUD"
expect_json '[.records[].seq] == [1,2,3,4,5,6,7,8]'
expect_json '.records[0] | .item == "poster" and .zone == "main" and .start == "2026-11-25T00:00:01.001Z" and .clock_trust == "synced" and .duration_ms == 10000 and .outcome == "completed" and .manifest_version == 3'
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby&after_seq=6&limit=1" "$AUD"
expect_json '[.records[].seq] == [7]'
expect_call 403 GET "/api/v1/plays?screen=bank-0412-lobby" "$A"

# A screen cannot write another screen's records; nothing is written.
printf '{"screen":"bank-0412-lobby","records":[]}' >"$T/other"
plays 403 "$B" "$T/other"
batch 1 2 ',"screen":"bank-0412-lobby"' >"$T/other2"
plays 403 "$B" "$T/other2"
batch 1 2 ',"screen":"bus-k1-07"' >"$T/own"
plays 200 "$B" "$T/own"
expect_json '.stored == 2 and .acked_seq == 2'
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby" "$AUD"
expect_json '.records | length == 8'

# Bad records: 400 with a JSON error, and nothing of the batch is stored.
r='{"seq":201,"item":"poster","zone":"main","start":"2026-11-25T00:00:00Z","clock_trust":"synced","duration_ms":1000,"outcome":"completed"'
badrec() {
    printf '{"records":[%s,%s]}' "$(batch 200 200 | jq -c '.records[0]')" "$1" >"$T/bad"
    plays 400 "$A" "$T/bad"
}
printf '{"records":[%s]}' "$r}" >"$T/ok"
badrec "$(echo "$r}" | sed 's/"duration_ms":1000/"duration_ms":-1/')"
badrec "$(echo "$r}" | sed 's/"seq":201/"seq":-3/')"
badrec "$(echo "$r}" | sed 's/"seq":201/"seq":1e300/')"
badrec "$(echo "$r}" | sed 's/"seq":201/"seq":201.5/')"
badrec "$(echo "$r}" | sed 's/"seq":201/"seq":"201"/')"
badrec "$(echo "$r}" | sed 's/"item":"poster"/"item":"..\/etc"/')"
badrec "$(echo "$r}" | sed 's/"item":"poster"/"item":"po\\u0000ster"/')"
badrec "$(echo "$r}" | sed 's/"item":"poster"/"item":42/')"
badrec "$(echo "$r}" | sed 's/"start":"2026-11-25T00:00:00Z"/"start":"yesterday"/')"
badrec "$(echo "$r}" | sed 's/"clock_trust":"synced"/"clock_trust":"sundial"/')"
badrec "$(echo "$r}" | sed 's/"outcome":"completed"/"outcome":"maybe"/')"
badrec "$r,\"media_sha256\":\"../../hub.db\"}"
badrec "$r,\"media_sha256\":\"ABCDEF\"}"
badrec "$r,\"reason\":\"$(head -c 300 /dev/zero | tr '\0' x)\"}"
badrec '"not an object"'
expect_json '.error | test("records\\[1\\]")'
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby&after_seq=100" "$AUD"
expect_json '.records | length == 0'
# The same record without the fault is fine.
plays 200 "$A" "$T/ok"
expect_json '.stored == 1 and .acked_seq == 8'
# Too many records, a body over the cap, not an object.
batch 1000 2000 >"$T/big"
plays 400 "$A" "$T/big"
head -c 3000000 /dev/zero | tr '\0' ' ' >"$T/huge"
plays 413 "$A" "$T/huge"
expect_call 413 POST /api/v1/plays "$A" -H 'Transfer-Encoding: chunked' --data-binary @"$T/huge"
printf '[1,2]' >"$T/arr"
plays 400 "$A" "$T/arr"
printf '' >"$T/nothing"
plays 400 "$A" "$T/nothing"

# Heartbeats: last seen, content version, minutes online, screenshot requests.
hb='{"content_version":3,"current_item":"poster","uptime_s":120,"free_disk_bytes":1000000,"temperature_c":51.5,"clock_offset_ms":-20,"clock_trust":"synced","player_version":"0.1.0","problems":["manifest 7 refused: does not fit on disk"]}'
expect_call 200 POST /api/v1/heartbeat "$A" -d "$hb"
expect_json '.screenshot_requested == false and (.server_time | test("Z$"))'
expect_call 200 POST /api/v1/heartbeat "$A" -d "$hb"
expect_call 400 POST /api/v1/heartbeat "$A" -d '{"uptime_s":-1}'
expect_call 400 POST /api/v1/heartbeat "$A" -d '{"clock_trust":"sundial"}'
expect_call 400 POST /api/v1/heartbeat "$A" -d '{"problems":"all fine"}'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .status == "online" and .content_version == 3 and .acked_seq == 8'
expect_json '.screens[] | select(.id == "bus-k1-07") | .status == "offline" and .last_seen == null'
expect_call 200 GET /api/v1/screens/bank-0412-lobby/hours "$AUD"
expect_json '.hours | length == 1 and .[0].minutes == 1'
expect_call 404 POST /api/v1/screens/nope/screenshot-request "$ADMIN"
expect_call 403 POST /api/v1/screens/bank-0412-lobby/screenshot-request "$AUD"
expect_call 202 POST /api/v1/screens/bank-0412-lobby/screenshot-request "$ADMIN"
expect_call 200 POST /api/v1/heartbeat "$A" -d '{}'
expect_json '.screenshot_requested == true'
expect_call 200 POST /api/v1/heartbeat "$A" -d '{}'
expect_json '.screenshot_requested == false'

# Screenshots: PNG/JPEG by magic bytes, capped, latest kept with the first 5 of the day.
printf '\211PNG\r\n\032\n' >"$T/shot.png"
head -c 2000 /dev/urandom >>"$T/shot.png"
printf '\377\330\377\340' >"$T/shot.jpg"
head -c 2000 /dev/urandom >>"$T/shot.jpg"
expect_call 201 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/png' --data-binary @"$T/shot.png"
expect_call 400 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/png' --data-binary @"$T/shot.jpg"
expect_call 400 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/jpeg' --data-binary @"$T/shot.png"
expect_call 415 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/gif' --data-binary @"$T/shot.png"
head -c 3000000 /dev/urandom >"$T/bigshot"
expect_call 413 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/png' --data-binary @"$T/bigshot"
expect_call 403 PUT /api/v1/screenshot "$ADMIN" -H 'Content-Type: image/png' --data-binary @"$T/shot.png"
for i in 1 2 3 4 5 6 7; do
    expect_call 201 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/png' --data-binary @"$T/shot.png"
done
expect_call 201 PUT /api/v1/screenshot "$A" -H 'Content-Type: image/jpeg' --data-binary @"$T/shot.jpg"
n=$(find "$DATA/screenshots/bank-0412-lobby" -type f | wc -l)
[ "$n" -eq 6 ] && ok || fail "$n screenshots kept, wanted 6 (the first 5 of the day and the latest)"
expect_call 200 GET /api/v1/screens/bank-0412-lobby/screenshot "$AUD"
cmp -s "$T/body" "$T/shot.jpg" && ok || fail "the latest screenshot is not the last one sent"
expect_header Content-Type image/jpeg
expect_call 404 GET /api/v1/screens/bus-k1-07/screenshot "$AUD"

# Integers up to 2^53 come back exactly (not 9.00719925474099e+15).
echo "$r}" | sed 's/"seq":201/"seq":9007199254740991/; s/"start":"2026-11-25T00:00:00Z"/"start_ms":1764028800000/' \
    | sed 's/^/{"records":[/; s/$/]}/' >"$T/maxseq"
plays 200 "$B" "$T/maxseq"
expect_json '.stored == 1'
expect_call 200 GET "/api/v1/plays?screen=bus-k1-07&after_seq=9007199254740990" "$AUD"
grep -q '"seq":9007199254740991,' "$T/body" && ok || fail "seq 2^53-1 is not printed exactly: $(head -c 300 "$T/body")"
grep -q '"start_ms":1764028800000,' "$T/body" && ok || fail "start_ms is not printed exactly: $(head -c 300 "$T/body")"
grep -q 'e+' "$T/body" && fail "an exponent in a reply of integers: $(head -c 300 "$T/body")" || ok

hub_alive
stop_hub_clean
finish
