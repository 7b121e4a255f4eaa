#!/bin/sh
# test_client_publish.sh — `screenlit publish` against a real hub: uploads only what is missing, resumes, versions, errors.
. "$(dirname "$0")/lib.sh"

# Nothing from the machine's environment may steer the client.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY SCREENLIT_HUB SCREENLIT_TOKEN \
    XDG_CONFIG_HOME
export HOME="$T/home"
mkdir -p "$HOME"


# received SHA — how many bytes of SHA the hub holds in a partial upload (0 when none).
received() {
    curl -s -H "Authorization: Bearer $PUB" -H 'Content-Type: application/json' \
        -d "{\"media\":[{\"sha256\":\"$1\",\"size\":$2}]}" "$URL/api/v1/media/missing" |
        grep -oE '"received" *: *[0-9]+' | grep -oE '[0-9]+$' || echo 0
}

mb() { awk -v n="$1" 'BEGIN { printf "%.1f MB", n / 1e6 }'; }

mkdir -p "$T/hub"
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
"$HUB" key add --data "$T/hub" "$T/keys/publisher.pub" >/dev/null
ADMIN=$(new_token admin)
PUB=$(new_token publisher)
AUD=$(new_token auditor)
[ ${#ADMIN} -eq 64 ] && [ ${#PUB} -eq 64 ] && [ ${#AUD} -eq 64 ] && ok || fail "token create printed no token"
start_hub "$T/hub"

sample_copy "$T/s"
KEY="$T/keys/publisher.key"

# A screen of the channel, to read the manifest as a screen does.
printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,城东支行大堂,城东支行,城东区,bank,lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"

# 1. First publish: every media file goes up; the manifest is served; media are at /media/<sha256>.
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/out" "published channel bank-lobby version 1: 5 media files, 5 uploaded"
expect_in "$T/err" "uploaded "
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN"
code=$(grep -oE '[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}' "$T/out" | head -n 1)
curl -s -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}" "$URL/api/v1/enroll" >"$T/enroll.json"
DEV=$(grep -oE '"token" *: *"[0-9a-f]{64}"' "$T/enroll.json" | grep -oE '[0-9a-f]{64}')
[ ${#DEV} -eq 64 ] && ok || fail "enrolling with code '$code' gave no device token: $(cat "$T/enroll.json")"
curl -s -D "$T/mh" -o "$T/manifest.json" -H "Authorization: Bearer $DEV" "$URL/api/v1/manifest"
expect_in "$T/mh" " 200"
expect_in "$T/mh" '"bank-lobby-1"'
expect_in "$T/manifest.json" '"format":"screenlit-signed-manifest-1"'
for f in "$T"/s/media/*; do
    sha=$(sha256sum "$f" | cut -d' ' -f1)
    expect_in "$T/manifest.json" "$sha"
    curl -s -o "$T/got" "$URL/media/$sha"
    if cmp -s "$f" "$T/got"; then ok; else fail "/media/$sha is not $(basename "$f")"; fi
done

# 2. Again with no change: nothing uploaded, the version goes up.
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/out" "published channel bank-lobby version 2: 5 media files, 0 uploaded (0 B)"
expect_not_in "$T/err" "uploaded "
expect_not_in "$T/err" "warning"
# A secret key others can read: used, with a warning naming the file, its mode and the fix.
cp "$KEY" "$T/open.key"
chmod 644 "$T/open.key"
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/open.key" --out "$T/usb-open" --version 7
expect_in "$T/err" "warning: the secret key $T/open.key is mode 0644"
expect_in "$T/err" "chmod 600 $T/open.key"
chmod 600 "$T/open.key"
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/open.key" --out "$T/usb-open2" --version 7
expect_not_in "$T/err" "warning"
curl -s -D "$T/mh" -o "$T/manifest.json" -H "Authorization: Bearer $DEV" "$URL/api/v1/manifest"
expect_in "$T/mh" '"bank-lobby-2"'
# An explicit version that does not increase is refused before anything is sent.
expect_rc 1 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY" --version 2
expect_in "$T/err" "does not increase"
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY" --version 10
expect_in "$T/out" "version 10:"

# 3. An interrupted upload resumes: the hub already holds the first 10 MiB of a big clip.
mkdir -p "$T/big/media"
bigplaylist() {
    cat >"$1/playlist.json" <<'EOF'
{"format": 1, "name": "big clip", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "big", "zone": "main", "type": "video", "file": "media/big.mp4"}],
 "rules": [{"items": ["big"]}]}
EOF
}
bigplaylist "$T/big"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=6" \
    -vf "noise=alls=60:allf=t" -c:v libx264 -preset ultrafast -b:v 40M -pix_fmt yuv420p "$T/big/media/big.mp4"
big="$T/big/media/big.mp4"
size=$(stat -c %s "$big")
sha=$(sha256sum "$big" | cut -d' ' -f1)
part=10485760
head -c "$part" "$big" >"$T/part"
curl -s -o "$T/put.json" -X PUT -H "Authorization: Bearer $PUB" -H 'Content-Type: application/octet-stream' \
    -H "Content-Range: bytes 0-$((part - 1))/$size" --data-binary @"$T/part" "$URL/api/v1/media/$sha"
[ "$(received "$sha" "$size")" = "$part" ] && ok || fail "the hub does not hold the first $part bytes: $(cat "$T/put.json")"
expect_rc 0 "$SCREENLIT" publish "$T/big/playlist.json" --hub "$URL" --token "$PUB" --channel big-lobby --key "$KEY" --chunk-mib 4
expect_in "$T/out" "published channel big-lobby version 1: 1 media file, 1 uploaded ($(mb $((size - part)))), 1 resumed"
expect_in "$T/err" "resumed at $(mb $part)"
curl -s -o "$T/got" "$URL/media/$sha"
if cmp -s "$big" "$T/got"; then ok; else fail "the resumed upload is not the file"; fi

# 4. A publish killed mid-upload resumes on the next run, sending only the rest.
mkdir -p "$T/big2/media"
bigplaylist "$T/big2"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=5" \
    -vf "noise=alls=40:allf=t" -c:v libx264 -preset ultrafast -b:v 40M -pix_fmt yuv420p "$T/big2/media/big.mp4"
big="$T/big2/media/big.mp4"
size=$(stat -c %s "$big")
sha=$(sha256sum "$big" | cut -d' ' -f1)
"$SCREENLIT" publish "$T/big2/playlist.json" --hub "$URL" --token "$PUB" --channel big2 --key "$KEY" \
    --chunk-mib 1 --limit-rate 4M >"$T/bg.out" 2>"$T/bg.err" &
pubpid=$!
i=0
while [ "$(received "$sha" "$size")" -lt 2097152 ] && [ "$i" -lt 1200 ]; do
    i=$((i + 1))
    sleep 0.1
done
kill -KILL "$pubpid" 2>/dev/null || true
wait "$pubpid" 2>/dev/null || true
# The hub may still be writing what reached it before the kill: wait until the count settles.
held=$(received "$sha" "$size")
i=0
while sleep 0.3; [ "$(received "$sha" "$size")" != "$held" ] && [ "$i" -lt 400 ]; do
    held=$(received "$sha" "$size")
    i=$((i + 1))
done
if [ "$held" -ge 2097152 ] && [ "$held" -lt "$size" ]; then ok; else fail "after the kill the hub holds $held of $size bytes"; fi
expect_rc 0 "$SCREENLIT" publish "$T/big2/playlist.json" --hub "$URL" --token "$PUB" --channel big2 --key "$KEY"
expect_in "$T/out" "published channel big2 version 1: 1 media file, 1 uploaded ($(mb $((size - held)))), 1 resumed"
expect_in "$T/err" "resumed at $(mb "$held")"
curl -s -o "$T/got" "$URL/media/$sha"
if cmp -s "$big" "$T/got"; then ok; else fail "the upload resumed after a kill is not the file"; fi

# 5. A playlist with errors publishes nothing.
sed 's#media/clip.mp4#media/nowhere.mp4#' "$T/s/playlist.json" >"$T/s/broken.json"
expect_rc 1 "$SCREENLIT" publish "$T/s/broken.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "nowhere.mp4"
expect_in "$T/err" "nothing was published"
# Media outside the playlist's folder (lint only warns): publishing refuses it.
mkdir -p "$T/outside"
cp "$T/s/media/clip.mp4" "$T/outside/clip.mp4"
sed 's#media/clip.mp4#../outside/clip.mp4#' "$T/s/playlist.json" >"$T/s/outside.json"
expect_rc 0 "$SCREENLIT" lint "$T/s/outside.json"
expect_rc 1 "$SCREENLIT" publish "$T/s/outside.json" --hub "$URL" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "error: ../outside/clip.mp4 is outside the playlist's folder"
expect_in "$T/err" "nothing was published"
curl -s -H "Authorization: Bearer $PUB" "$URL/api/v1/channels" >"$T/channels.json"
if grep -qE '"channel" *: *"bank-lobby" *, *"version" *: *10[,}]' "$T/channels.json"; then ok; else
    fail "bank-lobby is no longer at version 10: $(cat "$T/channels.json")"
fi

# 6. Tokens: a wrong one is refused (401), an auditor's may not publish (403).
expect_rc 1 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$(printf '0%.0s' $(seq 64))" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "the hub refused the token (401)"
expect_rc 1 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$AUD" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "(403)"

# 7. No hub there: a clear message, exit 1.
nohub="http://127.0.0.1:1" # nothing listens on port 1
expect_rc 1 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$nohub" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "the hub at $nohub did not answer"

# 8. Wrong arguments: exit 2, nothing sent.
expect_rc 2 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --key "$KEY"
expect_in "$T/err" "--channel"
expect_rc 2 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel ../x --key "$KEY"
expect_rc 2 "$SCREENLIT" publish "$T/s/playlist.json" --token "$PUB" --channel bank-lobby --key "$KEY"
expect_in "$T/err" "which hub?"
expect_rc 2 "$SCREENLIT" publish "$T/s/playlist.json" --hub ftp://x --token "$PUB" --channel bank-lobby --key "$KEY"
expect_rc 0 "$SCREENLIT" publish --help
expect_in "$T/out" "SYNOPSIS"

finish
