#!/bin/sh
# test_hub_tls_proxy.sh — the hub in plain HTTP on loopback behind nginx holding the certificate, with the server block of tools/hub/TLS.md: publish with uploads, enrolment, sync and play uploads over https with the pinned CA.
. "$(dirname "$0")/lib.sh"

NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || { echo "SKIP: nginx is not installed (apt-get install nginx)"; exit 77; }

P="$T/pki"
N="$T/nginx"
PL=
NGINX_PID=
cleanup() {
    [ -z "$PL" ] || { kill -KILL "$PL" 2>/dev/null; wait "$PL" 2>/dev/null; }
    [ -z "$NGINX_PID" ] || { kill -QUIT "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; }
    stop_hub
    rm -rf "$T"
}
trap 'cleanup' EXIT INT TERM

tls_pki "$P"
sample_copy "$T/s"
hub_keys
start_hub "$T/hub" # plain HTTP on loopback
HUB_PLAIN=$URL

# nginx with the lines of tools/hub/TLS.md, on a free loopback port (tried until one binds).
mkdir -p "$N/tmp" "$N/logs"
user_line=""
[ "$(id -u)" -ne 0 ] || user_line="user root root;"
PROXY=
tries=0
while [ -z "$PROXY" ] && [ $tries -lt 10 ]; do
    tries=$((tries + 1))
    p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
    cat >"$N/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
pid $N/nginx.pid;
error_log $N/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $N/tmp/body;
    proxy_temp_path $N/tmp/proxy;
    fastcgi_temp_path $N/tmp/fastcgi;
    uwsgi_temp_path $N/tmp/uwsgi;
    scgi_temp_path $N/tmp/scgi;
    server {
        listen 127.0.0.1:$p ssl http2;
        server_name localhost;
        ssl_certificate     $P/hub.crt;
        ssl_certificate_key $P/hub.key;
        ssl_protocols TLSv1.2 TLSv1.3;

        client_max_body_size 0;
        proxy_request_buffering off;
        proxy_buffering off;
        proxy_read_timeout 300s;
        proxy_send_timeout 300s;

        location / {
            proxy_pass $HUB_PLAIN;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_set_header X-Forwarded-Proto https;
            proxy_pass_header Date;
        }
    }
}
EOF
    "$NGINX" -p "$N/" -e "$N/logs/error.log" -c "$N/nginx.conf" 2>>"$N/start.err" &
    NGINX_PID=$!
    i=0
    while [ $i -lt 300 ] && kill -0 "$NGINX_PID" 2>/dev/null; do
        if curl -sf --cacert "$P/ca.crt" -o /dev/null "https://127.0.0.1:$p/api/v1/health"; then
            PROXY="https://127.0.0.1:$p"
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    if [ -z "$PROXY" ]; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=
    fi
done
if [ -z "$PROXY" ]; then
    echo "FAIL: nginx did not start" >&2
    cat "$N/start.err" "$N/logs/error.log" >&2
    exit 1
fi

# Staff through the proxy, pinning the test CA.
export SCREENLIT_HUB_CA="$P/ca.crt"
printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,Lobby 1,Branch,Town,bank,bank;lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$PROXY" --token "$ADMIN"
expect_rc 0 "$SCREENLIT" publish "$T/s/playlist.json" --hub "$PROXY" --token "$PUB" --channel bank-lobby \
    --key "$T/keys/publisher.key"
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --hub "$PROXY" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
unset SCREENLIT_HUB_CA
# Every medium reached the hub whole through the proxy.
for f in $(jq -r '.items[] | .file // empty' "$T/s/playlist.json"); do
    sha=$(sha256sum "$T/s/$f" | cut -d' ' -f1)
    got=$(curl -sf "$HUB_PLAIN/media/$sha" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$sha" ] && ok || fail "$f did not reach the hub whole through nginx"
done

hub_plays() {
    curl -s -H "Authorization: Bearer $ADMIN" "$HUB_PLAIN/api/v1/plays?screen=lobby-1&limit=1000" | jq '.records | length'
}

# A screen enrols, syncs and uploads its plays through the proxy.
"$PLAYER" --hub "$PROXY" --enroll "$CODE" --hub-ca "$P/ca.crt" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 320x180 --run 600 --poll 1 --heartbeat-interval 1 \
    --clock from:2026-11-25T09:00:00+08:00 >"$T/p.out" 2>"$T/p.err" &
PL=$!
wait_in "$T/p.err" "switching to bank-lobby version 1" 120 && ok || {
    fail "the screen did not sync through nginx"
    sed 's/^/    | /' "$T/p.err" | tail -20 >&2
}
n=0
while [ "$n" -lt 1200 ] && [ "$(hub_plays)" -lt 1 ]; do sleep 0.1; n=$((n + 1)); done
[ "$(hub_plays)" -ge 1 ] && ok || fail "no play reached the hub through nginx"
kill -KILL "$PL" 2>/dev/null || true
wait "$PL" 2>/dev/null || true
PL=
expect_in "$T/p.err" "enrolled as screen lobby-1"
expect_not_in "$T/p.err" "TLS:"
expect_cached "$T/st"
finish
