#!/bin/sh
# test_hub_media.sh — media uploads: missing list, two-part upload with resume, one upload of a file at a time, a partial file of another length started again, wrong hash refused and never served, GET/HEAD with ETag, Range 206/416.
. "$(dirname "$0")/lib.sh"
need curl jq flock

PUB=$(new_token publisher content)
AUD=$(new_token auditor audit)
start_hub "$DATA"

head -c 300000 /dev/urandom >"$T/clip.bin"
SHA=$(sha256sum "$T/clip.bin" | cut -d' ' -f1)
SIZE=$(wc -c <"$T/clip.bin")
head -c 100000 "$T/clip.bin" >"$T/part1"
tail -c +100001 "$T/clip.bin" >"$T/part2"
OCT='Content-Type: application/octet-stream'

expect_call 403 POST /api/v1/media/missing "$AUD" -d "{\"media\":[{\"sha256\":\"$SHA\",\"size\":$SIZE}]}"
expect_call 200 POST /api/v1/media/missing "$PUB" -d "{\"media\":[{\"sha256\":\"$SHA\",\"size\":$SIZE}]}"
expect_json ".missing == [{\"sha256\":\"$SHA\",\"size\":$SIZE,\"received\":0}]"
expect_call 400 POST /api/v1/media/missing "$PUB" -d '{"media":[{"sha256":"ABC","size":1}]}'
expect_call 400 POST /api/v1/media/missing "$PUB" -d "{\"media\":[{\"sha256\":\"$SHA\",\"size\":-1}]}"

# Part one; the file is not visible yet.
expect_call 200 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Range: bytes 0-99999/$SIZE" --data-binary @"$T/part1"
expect_json '.received == 100000 and .complete == false'
expect_call 404 GET "/media/$SHA" ""
expect_call 200 POST /api/v1/media/missing "$PUB" -d "{\"media\":[{\"sha256\":\"$SHA\",\"size\":$SIZE}]}"
expect_json '.missing[0].received == 100000'
# Resuming at the wrong offset: 409 with what the hub holds, nothing changes.
expect_call 409 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Range: bytes 0-99999/$SIZE" --data-binary @"$T/part1"
expect_json '.received == 100000'
# Another upload of the file in progress (its partial file locked): 409 without "received", nothing changes.
exec 9>>"$DATA/media/.partial/$SHA"
flock -n 9 && ok || fail "cannot lock the partial file"
expect_call 409 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Range: bytes 100000-$((SIZE - 1))/$SIZE" --data-binary @"$T/part2"
expect_json '(.error | test("another upload of this file is in progress")) and (has("received") | not)'
exec 9>&-
[ "$(wc -c <"$DATA/media/.partial/$SHA")" -eq 100000 ] && ok || fail "a refused part changed the partial file"
expect_call 400 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Range: bytes 100000-100/$SIZE" --data-binary @"$T/part2"
expect_call 415 PUT "/api/v1/media/$SHA" "$PUB" -H "Content-Type: text/plain" -H "Content-Range: bytes 100000-$((SIZE - 1))/$SIZE" --data-binary @"$T/part2"
expect_call 404 GET "/media/$SHA" ""
# Part two completes it.
expect_call 200 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Range: bytes 100000-$((SIZE - 1))/$SIZE" --data-binary @"$T/part2"
expect_json ".received == $SIZE and .complete == true"
[ ! -e "$DATA/media/.partial/$SHA" ] && ok || fail "the partial file is left behind"
expect_call 200 POST /api/v1/media/missing "$PUB" -d "{\"media\":[{\"sha256\":\"$SHA\",\"size\":$SIZE}]}"
expect_json '.missing == []'
# Uploading it again is harmless.
expect_call 200 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" --data-binary @"$T/clip.bin"
expect_json '.complete == true'

# GET, HEAD, ETag, Range.
expect_call 200 GET "/media/$SHA" ""
cmp -s "$T/body" "$T/clip.bin" && ok || fail "GET /media returned other bytes"
expect_header ETag "\"$SHA\""
expect_header Cache-Control "public, max-age=31536000, immutable"
expect_header Accept-Ranges bytes
expect_call 200 HEAD "/media/$SHA" "" -I
expect_header Content-Length "$SIZE"
expect_call 304 GET "/media/$SHA" "" -H "If-None-Match: \"$SHA\""
expect_call 206 GET "/media/$SHA" "" -H "Range: bytes=100-199"
expect_header Content-Range "bytes 100-199/$SIZE"
[ "$(wc -c <"$T/body")" -eq 100 ] && ok || fail "a 100-byte range gave $(wc -c <"$T/body") bytes"
tail -c +101 "$T/clip.bin" | head -c 100 | cmp -s - "$T/body" && ok || fail "the range has the wrong bytes"
expect_call 206 GET "/media/$SHA" "" -H "Range: bytes=299000-"
[ "$(wc -c <"$T/body")" -eq 1000 ] && ok || fail "an open range gave $(wc -c <"$T/body") bytes"
expect_call 206 GET "/media/$SHA" "" -H "Range: bytes=-10"
expect_header Content-Range "bytes $((SIZE - 10))-$((SIZE - 1))/$SIZE"
expect_call 416 GET "/media/$SHA" "" -H "Range: bytes=$SIZE-"
expect_header Content-Range "bytes \*/$SIZE"
# A resumed download with curl -C.
head -c 5000 "$T/clip.bin" >"$T/dl"
curl -s -C - -o "$T/dl" "$URL/media/$SHA"
cmp -s "$T/dl" "$T/clip.bin" && ok || fail "curl -C - did not resume to the same bytes"

# A wrong hash: refused, the partial file deleted, never served.
head -c 5000 /dev/urandom >"$T/other.bin"
WRONG=$(printf 'x' | sha256sum | cut -d' ' -f1)
expect_call 400 PUT "/api/v1/media/$WRONG" "$PUB" -H "$OCT" --data-binary @"$T/other.bin"
expect_json '.error | test("SHA-256")'
expect_call 404 GET "/media/$WRONG" ""
[ ! -e "$DATA/media/.partial/$WRONG" ] && ok || fail "a refused upload left its partial file"
[ ! -e "$DATA/media/$WRONG" ] && ok || fail "a refused upload is in the store"

# A partial file longer than the file now sent (an upload of another length) is started again.
head -c 3000 /dev/urandom >"$T/short.bin"
SHORT=$(sha256sum "$T/short.bin" | cut -d' ' -f1)
head -c 3500 /dev/urandom >"$T/junk"
expect_call 200 PUT "/api/v1/media/$SHORT" "$PUB" -H "$OCT" -H "Content-Range: bytes 0-3499/4000" --data-binary @"$T/junk"
expect_json '.received == 3500 and .complete == false'
expect_call 200 POST /api/v1/media/missing "$PUB" -d "{\"media\":[{\"sha256\":\"$SHORT\",\"size\":3000}]}"
expect_json ".missing == [{\"sha256\":\"$SHORT\",\"size\":3000,\"received\":0}]"
expect_call 200 PUT "/api/v1/media/$SHORT" "$PUB" -H "$OCT" --data-binary @"$T/short.bin"
expect_json '.received == 3000 and .complete == true'
expect_call 200 GET "/media/$SHORT" ""
cmp -s "$T/body" "$T/short.bin" && ok || fail "the restarted upload is stored with other bytes"

# Bad names.
expect_call 400 PUT "/api/v1/media/ABCDEF" "$PUB" -H "$OCT" --data-binary @"$T/other.bin"
expect_call 400 GET "/media/$(echo "$SHA" | tr 'a-f' 'A-F')" ""
expect_call 400 GET "/media/..%2f..%2fhub.db" ""
expect_call 400 GET "/media/%2e%2e" ""
expect_call 400 GET "/media/${SHA}%00" ""
out=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/media/../hub.db")
[ "$out" = 404 ] || [ "$out" = 400 ] && ok || fail "GET /media/../hub.db gave $out"
out=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/media/.partial/$SHA")
[ "$out" = 404 ] && ok || fail "GET /media/.partial/... gave $out"

# A body over the per-request cap is refused before it is read (64 MiB).
expect_call 413 PUT "/api/v1/media/$SHA" "$PUB" -H "$OCT" -H "Content-Length: 70000000" --data-binary @"$T/part1"

hub_alive
stop_hub_clean
finish
