#!/bin/sh
# test_hub_tls.sh — the hub over HTTPS with certificates the test makes (openssl): enrolment, sync, play uploads, screenshots and publish with a pinned CA; another CA, an expired or not yet valid certificate, a hostname mismatch and an unpinned self-signed one are refused with their reason; plain http to the TLS port fails clearly.
. "$(dirname "$0")/lib.sh"

P="$T/pki"
PL=
cleanup_player() {
    if [ -n "$PL" ]; then
        kill -KILL "$PL" 2>/dev/null || true
        wait "$PL" 2>/dev/null || true
        PL=
    fi
}
trap 'cleanup_player; stop_hub; rm -rf "$T"' EXIT INT TERM

tls_pki "$P"
sample_copy "$T/s"
hub_keys

# ---- The hub checks its certificate and key before it listens ----
expect_rc 1 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --tls-cert "$P/hub.crt" --tls-key "$P/other.key"
expect_in "$T/err" "do not match"
expect_rc 1 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --tls-cert "$P/missing.crt" --tls-key "$P/hub.key"
expect_in "$T/err" "--tls-cert $P/missing.crt: No such file"
expect_rc 1 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --tls-cert "$P/hub.key" --tls-key "$P/hub.key"
expect_in "$T/err" "not a PEM file with a certificate"
expect_rc 1 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --tls-cert "$P/hub.crt" --tls-key "$P/hub.crt"
expect_in "$T/err" "not a PEM file with a private key"
expect_rc 2 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --tls-cert "$P/hub.crt"
expect_in "$T/err" "go together"

start_hub_tls "$T/hub" "$P"
case "$URL" in https://127.0.0.1:*) ok ;; *) fail "the hub's first line does not say https://: $URL" ;; esac
HUB_LISTEN="127.0.0.1:$PORT" # restarts below keep the port: the screens' device.json names it
GOOD_URL=$URL
curl -sf --cacert "$P/ca.crt" "$URL/api/v1/health" >/dev/null && ok || fail "curl --cacert ca.crt does not reach the hub"

# Plain http to the TLS port: no answer, and the message says why.
expect_rc 1 "$SCREENLIT" screens --hub "http://127.0.0.1:$PORT" --token "$ADMIN"
expect_in "$T/err" "its URL starts with https://"
# A pinned CA with an http:// URL is a mistake, not a downgrade.
expect_rc 2 "$SCREENLIT" screens --hub "http://127.0.0.1:$PORT" --token "$ADMIN" --hub-ca "$P/ca.crt"
expect_in "$T/err" "a pinned CA needs https://"
expect_rc 2 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/missing.pem"
expect_in "$T/err" "hub-ca $P/missing.pem"
expect_rc 2 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/ext.cnf"
expect_in "$T/err" "not a PEM certificate"
# Without a pin the system's CA store is used, and it does not know the test CA.
expect_rc 1 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "TLS: the hub's certificate is signed by an unknown CA"

# ---- The CLI over https: --hub-ca, SCREENLIT_HUB_CA, hub-ca in client.conf ----
printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,Lobby 1,Branch,Town,bank,bank;lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\nlobby-2,Lobby 2,Branch,Town,bank,bank;lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN" --hub-ca "$P/ca.crt"
export SCREENLIT_HUB_CA="$P/ca.crt"
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby \
    --key "$T/keys/publisher.key"
unset SCREENLIT_HUB_CA
mkdir -p "$T/conf"
cp "$P/ca.crt" "$T/conf/hub-ca.pem"
printf 'hub = %s\ntoken = %s\nhub-ca = hub-ca.pem\n' "$URL" "$ADMIN" >"$T/conf/client.conf"
chmod 600 "$T/conf/client.conf"
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --config "$T/conf/client.conf" --json
CODE=$(jq -r .code "$T/out")
expect_rc 0 "$SCREENLIT" enroll-code lobby-2 --config "$T/conf/client.conf" --json
CODE2=$(jq -r .code "$T/out")
# Every medium went up over https: the hub serves each one.
for sha in $(jq -r '.items[] | .file // empty' "$T/s/playlist.json" | while read -r f; do sha256sum "$T/s/$f" | cut -d' ' -f1; done); do
    curl -sf --cacert "$P/ca.crt" -o /dev/null "$URL/media/$sha" && ok ||
        fail "the hub does not serve medium $sha after publish over https"
done

hub_plays() { # the number of lobby-1's plays the hub holds
    curl -s --cacert "$P/ca.crt" -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=lobby-1&limit=1000" |
        jq '.records | length'
}

# ---- A screen enrols over https with the pinned CA, syncs, plays, uploads ----
"$PLAYER" --hub "$URL" --enroll "$CODE" --hub-ca "$P/ca.crt" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 320x180 --run 600 --poll 1 --heartbeat-interval 1 \
    --clock from:2026-11-25T09:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
wait_in "$T/p.err" "switching to bank-lobby version 1" 120 && ok || fail "the screen did not sync over https"
n=0
while [ "$n" -lt 1200 ] && [ "$(hub_plays)" -lt 1 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(hub_plays)" -ge 1 ] && ok || fail "no play reached the hub over https"
n=0
while [ "$n" -lt 1200 ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$P/ca.crt" \
    -H "Authorization: Bearer $ADMIN" "$URL/api/v1/screens/lobby-1/screenshot")" != 200 ]; do
    sleep 0.1
    n=$((n + 1))
done
[ "$n" -lt 1200 ] && ok || fail "no screenshot reached the hub over https"
cleanup_player
expect_in "$T/p.err" "enrolled as screen lobby-1"
expect_not_in "$T/p.err" "TLS:"
expect_cached "$T/st"
# The CA used at enrolment stays pinned with the identity.
cmp -s "$P/ca.crt" "$T/st/hub-ca.pem" && ok || fail "the enrolment's CA is not kept in STATE/hub-ca.pem"
jq -e '.hub_ca == "hub-ca.pem"' "$T/st/device.json" >/dev/null && ok || fail "device.json does not name the pinned CA"

# The same screen on the simulated clock, frames out, no --hub-ca (the kept pin): its plays go up at exit.
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output "frames:$T/frames" \
    --size 320x180 --frames-every 600 --run 3600 --poll 1 --clock sim:2026-11-25T10:00:00+08:00
expect_not_in "$T/err" "TLS:"
expect_in "$T/out" "frames with a black zone 0"
[ "$(find "$T/frames" -name '*.png' | wc -l)" -ge 6 ] && ok || fail "the simulated hour wrote no frames"
left=$(sqlite3 "$T/st/journal.db" "SELECT COUNT(*) FROM plays")
[ "$left" = 0 ] && ok || fail "$left plays were not uploaded over https"
total=$(sqlite3 "$T/st/journal.db" "SELECT SUM(plays) FROM item_totals")
[ "$(hub_plays)" = "$total" ] && ok || fail "the hub holds $(hub_plays) plays, the screen played $total"

# ---- Wrong certificates: refused, with the reason, by the CLI and the player ----
# restart_hub NAME — the hub again on the same port, with certificate NAME.crt of the test PKI.
restart_hub() {
    stop_hub
    start_hub "$T/hub" --tls-cert "$P/$1.crt" --tls-key "$P/$1.key"
}
# refused NAME TEXT — with NAME's certificate, the CLI (pinning ca.crt) and the player (its kept pin) say TEXT.
refused() {
    restart_hub "$1"
    expect_rc 1 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/ca.crt"
    expect_in "$T/err" "$2"
    "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" --output null --size 160x90 --run 600 \
        --poll 1 --heartbeat-interval 1 --clock from:2026-11-25T11:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
    PL=$!
    if wait_in "$T/p.err" "$2" 120; then ok; else
        fail "with $1.crt the player did not log: $2"
        sed 's/^/    | /' "$T/p.err" | tail -20 >&2
    fi
    cleanup_player
}
refused other "TLS: the hub's certificate is signed by an unknown CA, not the one pinned in hub-ca"
# A new screen's enrolment is refused too, and its boot-partition file is kept.
mkdir -p "$T/boot"
cp "$P/ca.crt" "$T/boot/screenlit-hub-ca.pem"
printf 'hub = %s\ncode = %s\nhub-ca = screenlit-hub-ca.pem\n' "$URL" "$CODE2" >"$T/boot/screenlit-enroll.txt"
expect_rc 0 "$PLAYER" --hub "$URL" --enroll-file "$T/boot/screenlit-enroll.txt" --publisher-key "$KEY" \
    --state-dir "$T/st2" --output null --size 160x90 --run 1 --clock sim:2026-11-25T11:00:00+08:00
expect_in "$T/err" "enrolment file: TLS: the hub's certificate is signed by an unknown CA"
[ -f "$T/boot/screenlit-enroll.txt" ] && ok || fail "the enrolment file was deleted though enrolment failed"
[ ! -f "$T/st2/device.json" ] && ok || fail "the screen enrolled with a hub whose certificate it refused"

refused expired "TLS: the hub's certificate has expired"
refused wrongname "TLS: hostname mismatch: the hub's certificate is not for 127.0.0.1"
restart_hub future
expect_rc 1 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/ca.crt"
expect_in "$T/err" "TLS: the hub's certificate is not valid yet"

# A self-signed certificate works when it is the pin itself, and is refused otherwise.
restart_hub self
expect_rc 0 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/self.crt"
expect_in "$T/out" "lobby-1"
expect_rc 1 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "TLS: the hub's certificate is a self-signed certificate that is not pinned"
expect_rc 1 "$SCREENLIT" screens --hub "$URL" --token "$ADMIN" --hub-ca "$P/ca.crt"
expect_in "$T/err" "self-signed certificate"

# ---- Back to the right certificate: the boot-partition file with hub-ca enrols and syncs ----
restart_hub hub
[ "$URL" = "$GOOD_URL" ] && ok || fail "the hub came back on $URL, not $GOOD_URL"
"$PLAYER" --hub "$URL" --enroll-file "$T/boot/screenlit-enroll.txt" --publisher-key "$KEY" --state-dir "$T/st2" \
    --output null --size 160x90 --run 600 --poll 1 --clock from:2026-11-25T11:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
wait_in "$T/p.err" "switching to bank-lobby version 1" 120 && ok || {
    fail "the screen enrolled from the boot file did not sync"
    sed 's/^/    | /' "$T/p.err" | tail -20 >&2
}
cleanup_player
expect_in "$T/p.err" "enrolled from the boot partition as screen lobby-2"
[ ! -f "$T/boot/screenlit-enroll.txt" ] && ok || fail "the spent enrolment file was not removed"
cmp -s "$P/ca.crt" "$T/st2/hub-ca.pem" && ok || fail "the boot file's CA is not kept in STATE/hub-ca.pem"
finish
