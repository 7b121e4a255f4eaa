#!/bin/sh
# test_hub_notify.sh — the hub under systemd's notify protocol: READY=1 once listening, WATCHDOG=1 pings, STOPPING=1; SIGHUP serves a new TLS certificate, and keeps the old one when the new files do not load.
. "$(dirname "$0")/lib.sh"
need openssl curl

NOTIFY="$SL_BUILD_DIR/tests/notifylisten"
tls_pki "$T/pki"
cp "$T/pki/hub.crt" "$T/live.crt"
cp "$T/pki/hub.key" "$T/live.key"
chmod 600 "$T/live.key"

# wait_for FILE TEXT — until FILE holds TEXT (up to 120 s).
wait_for() {
    i=0
    until grep -qF -- "$2" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -lt 1200 ] || { fail "$(basename "$1") never showed: $2"; return 0; }
        sleep 0.1
    done
    ok
}

# served — the SHA-256 fingerprint of the certificate the hub serves now.
served() {
    openssl s_client -connect "127.0.0.1:$PORT" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -fingerprint -sha256 2>/dev/null
}
fp() { openssl x509 -noout -fingerprint -sha256 -in "$1"; }

# WatchdogSec=1: a ping every 500 ms.
"$NOTIFY" "$T/n.log" 1000000 "$HUB" serve --data "$T/hub" --listen 127.0.0.1:0 --threads 2 \
    --tls-cert "$T/live.crt" --tls-key "$T/live.key" >"$T/hub.out" 2>"$T/hub.log" &
lpid=$!
wait_for "$T/n.log" " READY=1"
PORT=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)/$|\1|p' "$T/hub.out")
HUBPID=$(awk '$1 == "pid" {print $2}' "$T/n.log")
expect_in "$T/n.log" " STATUS=listening on https://127.0.0.1:$PORT/"
expect_in "$T/hub.log" "systemd watchdog: pinged every 500 ms"
# Pings keep coming while the hub waits for work.
i=0
while [ "$(grep -c ' WATCHDOG=1$' "$T/n.log")" -lt 3 ] && [ "$i" -lt 1200 ]; do
    i=$((i + 1))
    sleep 0.1
done
[ "$(grep -c ' WATCHDOG=1$' "$T/n.log")" -ge 3 ] && ok || fail "fewer than 3 WATCHDOG=1 pings"
[ "$(served)" = "$(fp "$T/pki/hub.crt")" ] && ok || fail "the hub does not serve hub.crt at start"

# A new certificate (another CA's) in place of the old: SIGHUP serves it.
cp "$T/pki/other.crt" "$T/live.crt"
cp "$T/pki/other.key" "$T/live.key"
kill -HUP "$HUBPID"
wait_for "$T/hub.log" "SIGHUP: serving the certificate in $T/live.crt read again"
expect_in "$T/n.log" " RELOADING=1"
[ "$(served)" = "$(fp "$T/pki/other.crt")" ] && ok || fail "after SIGHUP the hub does not serve the new certificate"
expect_rc 0 curl -sf --cacert "$T/pki/other-ca.crt" "https://127.0.0.1:$PORT/api/v1/health"

# A broken certificate: the hub says why and keeps serving the one it has.
echo "not a certificate" >"$T/live.crt"
kill -HUP "$HUBPID"
wait_for "$T/hub.log" "SIGHUP: the new certificate was not loaded, still serving the old one"
[ "$(served)" = "$(fp "$T/pki/other.crt")" ] && ok || fail "a broken certificate replaced the good one"
expect_rc 0 curl -sf --cacert "$T/pki/other-ca.crt" "https://127.0.0.1:$PORT/api/v1/health"
# A key that is not the certificate's: the same.
cp "$T/pki/hub.crt" "$T/live.crt"
kill -HUP "$HUBPID"
n=$(grep -c "SIGHUP: the new certificate was not loaded" "$T/hub.log")
i=0
while [ "$(grep -c "SIGHUP: the new certificate was not loaded" "$T/hub.log")" -le 1 ] && [ "$i" -lt 1200 ]; do
    i=$((i + 1))
    sleep 0.1
done
[ "$(grep -c "SIGHUP: the new certificate was not loaded" "$T/hub.log")" -eq 2 ] && ok ||
    fail "a key of another certificate was not refused ($n refusals before)"
[ "$(served)" = "$(fp "$T/pki/other.crt")" ] && ok || fail "a mismatched key replaced the good certificate"

# SIGTERM: STOPPING=1, exit 0.
kill -TERM "$HUBPID"
set +e
wait "$lpid"
rc=$?
set -e
HUBPID=
[ "$rc" -eq 0 ] && ok || fail "the hub exited $rc on SIGTERM"
expect_in "$T/n.log" " STOPPING=1"
finish
