#!/bin/sh
# test_console_editor_api.sh — the campaign editor's JSON API (/console/api/) against a real hub, as a browser would call it with a console session: media made by ffmpeg uploaded in two halves (resumed), their info and thumbnails (turned as EXIF Orientation says), lint errors at their JSON paths, a preview equal to `screenlit preview --json`, a payload compiled at the hub and signed here, published and current; a tampered signature, a key outside its channels, an auditor and a request without the CSRF header are refused; the JSON saved works with the CLI beside its files.
. "$(dirname "$0")/lib.sh"
need curl jq ffmpeg sha256sum
MFSIGN="$SL_BUILD_DIR/tests/mfsign"

hub_keys
"$SCREENLIT" keygen --out "$T/other" >/dev/null
"$HUB" key add --data "$DATA" --name other --channels station-hall "$T/other/publisher.pub" >/dev/null
new_user publisher pub 'pub password 1'
new_user auditor aud 'aud password 1'
start_hub "$DATA"
JAR="$T/pub.jar"

# api METHOD PATH [curl args...] — a call of the editor's API with the session (and its CSRF
# header once known); body to $T/body, headers to $T/headers; prints the status code.
CSRF=
api() {
    a_m=$1
    a_p=$2
    shift 2
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$JAR" -X "$a_m" \
        ${CSRF:+-H "X-Screenlit-CSRF: $CSRF"} "$@" "$URL$a_p"
}
# json METHOD PATH FILE — api with FILE as a JSON body.
json() {
    api "$1" "$2" -H 'Content-Type: application/json' --data-binary "@$3"
}
# error_json — the last reply is {"error": "..."}.
error_json() {
    if jq -e '.error | type == "string"' "$T/body" >/dev/null 2>&1; then ok; else
        fail "the reply has no JSON error"
        head -c 300 "$T/body" >&2
    fi
}

# Before logging in: 401 as JSON.
code_is 401 "$(api GET /console/api/session)" "the session without a login"
error_json
code_is 303 "$(console_login "$JAR" pub 'pub password 1')" "the publisher's login"

# The session: name, role, the CSRF token, a secure context (loopback).
code_is 200 "$(api GET /console/api/session)" "GET session"
expect_json '.name == "pub" and .role == "publisher" and (.csrf | test("^[0-9a-f]{64}$")) and .secure == true'
CSRF=$(jq -r .csrf "$T/body")
# Every page of the session names the same token for its script.
code_is 200 "$(console_get "$JAR" /console/channels)" "the channels page"
body_has "<meta name=\"sl-csrf\" content=\"$CSRF\">"

# Media made by ffmpeg: a poster, a clip, a clip too big for a Pi's H.264 decoder.
M="$T/src"
mkdir -p "$M"
ffmpeg -v error -f lavfi -i testsrc=size=1280x720 -frames:v 1 "$M/poster.png"
ffmpeg -v error -f lavfi -i testsrc=size=320x180:rate=25 -t 4 -c:v libx264 -pix_fmt yuv420p "$M/clip.mp4"
ffmpeg -v error -f lavfi -i testsrc=size=2560x1440:rate=5 -t 1 -c:v libx264 -pix_fmt yuv420p "$M/big.mp4"
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { wc -c <"$1" | tr -d ' '; }
POSTER=$(sha "$M/poster.png")
CLIP=$(sha "$M/clip.mp4")
BIG=$(sha "$M/big.mp4")
CLIP_SIZE=$(size "$M/clip.mp4")
printf '{"media":[{"sha256":"%s","size":%s,"name":"poster.png"},{"sha256":"%s","size":%s,"name":"clip.mp4"},{"sha256":"%s","size":%s,"name":"big.mp4"}]}' \
    "$POSTER" "$(size "$M/poster.png")" "$CLIP" "$CLIP_SIZE" "$BIG" "$(size "$M/big.mp4")" >"$T/missing.json"

# Without the CSRF header (or with another), a change is refused.
SAVED=$CSRF
CSRF=
code_is 403 "$(json POST /console/api/media/missing "$T/missing.json")" "missing without the CSRF header"
error_json
CSRF=0000000000000000000000000000000000000000000000000000000000000000
code_is 403 "$(json POST /console/api/media/missing "$T/missing.json")" "missing with a wrong CSRF header"
code_is 403 "$(api PUT "/console/api/media/$POSTER" -H 'Content-Type: application/octet-stream' \
    --data-binary "@$M/poster.png")" "an upload with a wrong CSRF header"
CSRF=$SAVED

code_is 200 "$(json POST /console/api/media/missing "$T/missing.json")" "missing"
expect_json "[.missing[].sha256] == [\"$POSTER\", \"$CLIP\", \"$BIG\"] and ([.missing[].received] | add) == 0"

# The clip in two halves: the hub says where to resume.
HALF=$((CLIP_SIZE / 2))
head -c "$HALF" "$M/clip.mp4" >"$T/half1"
tail -c +$((HALF + 1)) "$M/clip.mp4" >"$T/half2"
code_is 200 "$(api PUT "/console/api/media/$CLIP" -H 'Content-Type: application/octet-stream' \
    -H "Content-Range: bytes 0-$((HALF - 1))/$CLIP_SIZE" --data-binary "@$T/half1")" "the clip's first half"
expect_json ".received == $HALF and .complete == false"
code_is 200 "$(json POST /console/api/media/missing "$T/missing.json")" "missing after half the clip"
expect_json ".missing[] | select(.sha256 == \"$CLIP\") | .received == $HALF"
code_is 200 "$(api PUT "/console/api/media/$CLIP" -H 'Content-Type: application/octet-stream' \
    -H "Content-Range: bytes $HALF-$((CLIP_SIZE - 1))/$CLIP_SIZE" --data-binary "@$T/half2")" "the clip's rest"
expect_json ".received == $CLIP_SIZE and .complete == true"
for f in poster.png big.mp4; do
    code_is 200 "$(api PUT "/console/api/media/$(sha "$M/$f")" -H 'Content-Type: application/octet-stream' \
        --data-binary "@$M/$f")" "uploading $f"
    expect_json '.complete == true'
done
code_is 200 "$(json POST /console/api/media/missing "$T/missing.json")" "missing after the uploads"
expect_json '.missing == []'

# What each file is, with lint's warnings; thumbnails.
code_is 200 "$(api GET "/console/api/media/$POSTER/info")" "the poster's info"
expect_json '.type == "image" and .width == 1280 and .height == 720 and .name == "poster.png" and .warnings == []'
code_is 200 "$(api GET "/console/api/media/$CLIP/info")" "the clip's info"
expect_json '.type == "video" and .codec == "h264" and .width == 320 and (.duration > 3.9 and .duration < 4.1)'
code_is 200 "$(api GET "/console/api/media/$BIG/info")" "the big clip's info"
expect_json '.type == "video" and (.warnings | length) == 1 and (.warnings[0] | test("1920x1080"))'
for s in "$POSTER" "$CLIP"; do
    code_is 200 "$(api GET "/console/api/media/$s/thumb")" "a thumbnail"
    header_line '^Content-Type: image/png'
    if [ "$(head -c 8 "$T/body" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then ok; else fail "the thumbnail is not a PNG"; fi
    w=$(od -An -tu1 -j16 -N8 "$T/body" | awk '{print $3*256+$4 "x" $7*256+$8}') # the PNG's IHDR
    [ "$w" = 320x180 ] && ok || fail "the thumbnail is $w, wanted 320x180"
done
# A photo as a phone stores it (EXIF Orientation 6: turn 90° clockwise to view) and a PNG stored
# upside down (3): their thumbnails are turned as the player shows them.
ffmpeg -v error -f lavfi -i "$QUADRANTS" -frames:v 1 -q:v 2 "$T/q.jpg"
ffmpeg -v error -f lavfi -i "$QUADRANTS" -frames:v 1 "$T/q.png"
expect_rc 0 "$EXIFTAG" "$T/q.jpg" "$M/phone.jpg" 6
expect_rc 0 "$EXIFTAG" "$T/q.png" "$M/upside.png" 3
for f in phone.jpg upside.png; do
    code_is 200 "$(api PUT "/console/api/media/$(sha "$M/$f")" -H 'Content-Type: application/octet-stream' \
        --data-binary "@$M/$f")" "uploading $f"
    code_is 200 "$(api GET "/console/api/media/$(sha "$M/$f")/thumb")" "the thumbnail of $f"
    cp "$T/body" "$T/$f.png"
done
F="$T/phone.jpg.png"
w=$(od -An -tu1 -j16 -N8 "$F" | awk '{print $3*256+$4 "x" $7*256+$8}')
[ "$w" = 32x64 ] && ok || fail "the turned photo's thumbnail is $w, wanted 32x64"
pixel_near "$F" 8,16 0000FF  # shown top-left: the stored bottom-left (blue)
pixel_near "$F" 24,16 FF0000 # shown top-right: the stored top-left (red)
pixel_near "$F" 8,48 FFFFFF
pixel_near "$F" 24,48 00FF00
F="$T/upside.png.png"
pixel_near "$F" 16,8 FFFFFF # turned 180°: white at the top left
pixel_near "$F" 48,8 0000FF
pixel_near "$F" 16,24 00FF00
pixel_near "$F" 48,24 FF0000

code_is 404 "$(api GET "/console/api/media/$(printf '%064d' 0)/info")" "the info of a file the hub lacks"
error_json

# The editor's source: media by sha256, with file names; the same file works with the CLI beside the media.
cat >"$M/playlist.json" <<EOF
{
  "format": 1,
  "name": "Editor test",
  "timezone": "Asia/Shanghai",
  "zones": [
    {"id": "main", "x": 0, "y": 0, "w": 100, "h": 88},
    {"id": "ticker", "x": 0, "y": 88, "w": 100, "h": 12}
  ],
  "items": [
    {"id": "poster", "zone": "main", "type": "image", "file": "poster.png", "sha256": "$POSTER", "duration": 10},
    {"id": "clip", "zone": "main", "type": "video", "file": "clip.mp4", "sha256": "$CLIP"},
    {"id": "slogan", "zone": "ticker", "type": "text", "mode": "ticker", "text": "Beware of fraud", "duration": 20}
  ],
  "rules": [
    {"items": ["poster"], "weekdays": ["mon", "tue", "wed", "thu", "fri"], "hours": "08:00-18:00", "min_per_hour": 6, "tags": ["lobby"]},
    {"items": ["clip"], "hours": "08:00-18:00"}
  ]
}
EOF
jq '{source: .}' "$M/playlist.json" >"$T/check.json"
code_is 200 "$(json POST /console/api/channels/bank-lobby/check "$T/check.json")" "check"
expect_json '.errors == [] and (.warnings | type == "array")'
expect_rc 0 "$SCREENLIT" lint "$M/playlist.json"

# Errors at their paths: a zone that does not exist, a file the hub lacks, a floor out of range.
jq --arg z "$(printf '%064d' 0)" '.source.items[0].zone = "nowhere" | .source.items[1].sha256 = $z
    | .source.rules[0].min_per_hour = -2' "$T/check.json" >"$T/bad.json"
code_is 200 "$(json POST /console/api/channels/bank-lobby/check "$T/bad.json")" "check with errors"
expect_json '[.errors[].path] | index("items[0].zone") != null'
expect_json '.errors[] | select(.path == "items[1].sha256") | .message | test("upload it first")'
expect_json '[.errors[].path] | index("rules[0].min_per_hour") != null'
code_is 422 "$(json POST /console/api/channels/bank-lobby/compile "$T/bad.json")" "compiling a source with errors"
expect_json '(.errors | length) > 0'
code_is 400 "$(api POST /console/api/channels/bank-lobby/check -H 'Content-Type: application/json' --data-binary '{"x": 1}')" \
    "check without a source"
error_json
code_is 415 "$(api POST /console/api/channels/bank-lobby/check -H 'Content-Type: text/plain' --data-binary '{}')" \
    "check that is not JSON"

# The preview is what `screenlit preview --json` prints for the same file, window and tags.
jq '. + {from: "2026-12-07T08:00", to: "2026-12-07T12:00", tags: ["lobby"]}' "$T/check.json" >"$T/preview.json"
code_is 200 "$(json POST /console/api/channels/bank-lobby/preview "$T/preview.json")" "preview"
cp "$T/body" "$T/hub-preview.json"
expect_rc 0 "$SCREENLIT" preview "$M/playlist.json" --from 2026-12-07T08:00 --to 2026-12-07T12:00 --tags lobby --json
if jq -e --slurpfile cli "$T/out" '. == $cli[0]' "$T/hub-preview.json" >/dev/null; then ok; else
    fail "the hub's preview differs from screenlit preview --json"
    diff "$T/out" "$T/hub-preview.json" | head -20 >&2
fi
jq -e '(.plays | length) > 20 and (.items[] | select(.item == "poster") | .floor_per_hour == 6 and .floor_met)' \
    "$T/hub-preview.json" >/dev/null && ok || fail "the preview has no plays or the floor"
# The slogan is timed for the screen asked for (1920x1080 when none), as the CLI's --screen.
jq '. + {screen: "640x360"}' "$T/preview.json" >"$T/preview-small.json"
code_is 200 "$(json POST /console/api/channels/bank-lobby/preview "$T/preview-small.json")" "preview 640x360"
cp "$T/body" "$T/hub-small.json"
expect_rc 0 "$SCREENLIT" preview "$M/playlist.json" --from 2026-12-07T08:00 --to 2026-12-07T12:00 --tags lobby \
    --json --screen 640x360
if jq -e --slurpfile cli "$T/out" '. == $cli[0]' "$T/hub-small.json" >/dev/null; then ok; else
    fail "the hub's 640x360 preview differs from screenlit preview --screen 640x360"
fi
if jq -e --slurpfile big "$T/hub-preview.json" '[.plays[] | select(.item == "slogan")] != [$big[0].plays[] | select(.item == "slogan")]' \
    "$T/hub-small.json" >/dev/null; then ok; else fail "the slogan's plays do not depend on the screen"; fi
jq -e '[.plays[] | select(.item == "slogan")][0].duration_ms != 20000' "$T/hub-small.json" >/dev/null && ok ||
    fail "the slogan is timed by its duration, not by its passes"
jq '. + {screen: "big"}' "$T/preview.json" >"$T/preview-bad.json"
code_is 400 "$(json POST /console/api/channels/bank-lobby/preview "$T/preview-bad.json")" "preview of a bad screen"
expect_json '.error | test("screen: .big. is not WIDTHxHEIGHT")'

# Compile, sign here (the key never goes to the hub), publish.
code_is 200 "$(json POST /console/api/channels/bank-lobby/compile "$T/check.json")" "compile"
expect_json '.version == 1'
jq -j .payload "$T/body" >"$T/payload.json"
jq -e --arg p "$POSTER" --arg c "$CLIP" '.channel == "bank-lobby" and .version == 1 and .items[0].sha256 == $p
    and .items[0].size > 0 and .items[1].sha256 == $c and (.items[1].duration > 3.9) and (.items[0] | has("file") | not)' \
    "$T/payload.json" >/dev/null && ok || fail "the payload is not the compiled playlist"
"$MFSIGN" "$T/payload.json" "$T/keys/publisher.key" >"$T/envelope.json"

# A tampered signature, a key outside its channels, no CSRF header: refused.
jq -c '.signature |= (if startswith("A") then "B" else "A" end + .[1:])' "$T/envelope.json" | tr -d '\n' >"$T/tampered.json"
code_is 400 "$(json POST /console/api/channels/bank-lobby/manifests "$T/tampered.json")" "a tampered signature"
error_json
"$MFSIGN" "$T/payload.json" "$T/other/publisher.key" >"$T/other.json"
code_is 403 "$(json POST /console/api/channels/bank-lobby/manifests "$T/other.json")" "a key outside its channels"
expect_json '.error | test("station-hall")'
SAVED=$CSRF
CSRF=
code_is 403 "$(json POST /console/api/channels/bank-lobby/manifests "$T/envelope.json")" "publishing without the CSRF header"
CSRF=$SAVED
code_is 201 "$(json POST /console/api/channels/bank-lobby/manifests "$T/envelope.json")" "publishing"
expect_json '.channel == "bank-lobby" and .version == 1 and .published_by == "pub"'
expect_in "$T/hub.log" "version 1 was published from the console by pub"
code_is 409 "$(json POST /console/api/channels/bank-lobby/manifests "$T/envelope.json")" "the same version again"
expect_json '.current == 1'

# The channel is at version 1; the version reads back as the editor's source.
code_is 200 "$(api GET /console/api/channels)" "channels"
expect_json '. == [{"channel": "bank-lobby", "version": 1}]'
expect_call 200 GET /api/v1/channels "$PUB"
expect_json '.channels[0].version == 1'
code_is 200 "$(api GET /console/api/channels/bank-lobby/versions)" "versions"
expect_json "length == 1 and .[0].version == 1 and .[0].signer == \"$KEY\" and .[0].items == 3"
code_is 200 "$(api GET /console/api/channels/bank-lobby/versions/current)" "the current version"
expect_json ".version == 1 and .source.items[0].file == \"poster.png\" and .source.items[0].sha256 == \"$POSTER\"
    and (.source.items[0] | has(\"size\") | not) and .source.items[1].file == \"clip.mp4\" and (.source | has(\"channel\") | not)"
jq '{source: .source}' "$T/body" >"$T/again.json"
code_is 200 "$(api GET /console/api/channels/bank-lobby/versions/1)" "version 1"
expect_json '.version == 1'
code_is 404 "$(api GET /console/api/channels/bank-lobby/versions/7)" "a version the hub lacks"
code_is 400 "$(api GET /console/api/channels/bank-lobby/versions/x1)" "a version that is not a number"
# Compiling it again gives the next version.
code_is 200 "$(json POST /console/api/channels/bank-lobby/compile "$T/again.json")" "compiling version 2"
expect_json '.version == 2'
code_is 404 "$(api GET /console/api/nothing)" "an endpoint that does not exist"
error_json

# The CLI checks a "sha256" beside a "file": the wrong file beside the playlist is an error there.
cp "$M/big.mp4" "$M/clip.mp4"
expect_rc 1 "$SCREENLIT" lint "$M/playlist.json"
expect_in "$T/err" "items[1].sha256: error: clip.mp4 is not the file this \"sha256\" names"
expect_rc 1 "$SCREENLIT" publish "$M/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby \
    --key "$T/keys/publisher.key"

# An auditor's session gets 403 everywhere in the API.
AJAR="$T/aud.jar"
code_is 303 "$(console_login "$AJAR" aud 'aud password 1')" "the auditor's login"
JAR=$AJAR
code_is 403 "$(api GET /console/api/session)" "the auditor's session"
error_json
code_is 403 "$(api GET /console/api/channels)" "the auditor's channels"
code_is 403 "$(json POST /console/api/channels/bank-lobby/check "$T/check.json")" "the auditor's check"

hub_alive
stop_hub_clean
finish
