#!/bin/sh
# test_hub_auth.sh — screenlit-hub tokens and roles: no token 401, wrong role 403, revoked 401 within the cache time, nothing written; CLI usage.
. "$(dirname "$0")/lib.sh"
need curl jq

# The command line.
expect_rc 0 "$HUB" --help
expect_in "$T/out" "SYNOPSIS"
for sub in serve token key; do
    expect_rc 0 "$HUB" "$sub" --help
    expect_in "$T/out" "EXIT STATUS"
done
expect_rc 2 "$HUB"
expect_rc 2 "$HUB" frobnicate
expect_rc 2 "$HUB" serve
expect_rc 2 "$HUB" serve --data "$DATA" --threads 0
expect_rc 2 "$HUB" serve --data "$DATA" --listen nonsense
expect_rc 2 "$HUB" serve --data "$DATA" --auth-cache-ms -1
expect_rc 2 "$HUB" serve --data "$DATA" --auth-cache-ms 60001
expect_rc 2 "$HUB" token create --data "$DATA" --role root --name x
expect_rc 2 "$HUB" token create --data "$DATA" --role admin
expect_rc 2 "$HUB" token create --data "$DATA" --role admin --name "../x"
expect_rc 2 "$HUB" token
expect_rc 2 "$HUB" key add --data "$DATA"
expect_rc 1 "$HUB" key add --data "$DATA" /nonexistent/publisher.pub

ADMIN=$(new_token admin ops)
PUB=$(new_token publisher content)
AUD=$(new_token auditor audit)
[ ${#ADMIN} -eq 64 ] && ok || fail "an admin token is not 64 hex digits: $ADMIN"
expect_rc 1 "$HUB" token create --data "$DATA" --role admin --name ops
expect_in "$T/err" "exists"
expect_rc 0 "$HUB" token list --data "$DATA"
expect_in "$T/out" "content"
expect_in "$T/out" "publisher"
expect_not_in "$T/out" "$PUB"
# The database holds only hashes.
if grep -qa "$ADMIN" "$DATA/hub.db" "$DATA"/hub.db-wal 2>/dev/null; then fail "a token is stored in clear"; else ok; fi

start_hub "$DATA"
inventory_csv "$T/inv.csv"

# No token, a malformed one, an unknown one: 401, and nothing is written.
expect_call 401 PUT /api/v1/inventory "" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 401 PUT /api/v1/inventory "not-a-token" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 401 PUT /api/v1/inventory "$(printf '%064d' 0)" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
# A token of the wrong role: 403, and nothing is written.
expect_call 403 PUT /api/v1/inventory "$PUB" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 403 PUT /api/v1/inventory "$AUD" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_call 403 POST /api/v1/enroll-codes "$AUD" -d '{"screen":"bank-0412-lobby"}'
expect_call 403 POST /api/v1/plays "$ADMIN" -d '{"records":[]}'
expect_call 403 GET /api/v1/manifest "$PUB"
expect_call 403 GET /api/v1/screens "$PUB"
expect_call 401 GET /api/v1/screens ""
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens == []'
expect_call 200 GET /api/v1/channels "$PUB"

# The admin may.
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
expect_json '.imported == 3'

# Revoking from the command line, while the hub runs, takes effect within
# the hub's token-lookup cache time (--auth-cache-ms, 1000 ms by default).
expect_call 200 GET /api/v1/screens "$AUD" # its lookup is now cached
t0=$(date +%s%N)
expect_rc 0 "$HUB" token revoke --data "$DATA" --name audit
i=0
code=200
while [ $i -lt 1200 ]; do
    code=$(call GET /api/v1/screens "$AUD") || true
    [ "$code" = 401 ] && break
    sleep 0.05
    i=$((i + 1))
done
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$code" = 401 ] && ok || fail "a revoked token still works after $ms ms"
# 1000 ms, plus the slowest curls on a loaded machine (two CPU hogs per core give seconds).
[ "$ms" -le 10000 ] && ok || fail "a revoked token kept working for $ms ms; the cache time is 1000 ms"
for i in 1 2 3; do expect_call 401 GET /api/v1/screens "$AUD"; done
expect_rc 1 "$HUB" token revoke --data "$DATA" --name audit
expect_rc 0 "$HUB" token list --data "$DATA"
expect_in "$T/out" "audit"
# The name is free again after revoking.
AUD2=$(new_token auditor audit)
expect_call 200 GET /api/v1/screens "$AUD2"

# Unknown paths and methods.
expect_call 404 GET /api/v1/nothing "$ADMIN"
expect_call 405 DELETE /api/v1/screens "$ADMIN"

# Every reply carries the hub's clock.
call GET /api/v1/health "" >/dev/null
expect_header Date ""
# Every JSON reply, an error too, carries the SHA-256 of its body (RFC 9530 Content-Digest).
for what in "GET /api/v1/health" "GET /api/v1/nothing" "GET /api/v1/screens"; do
    # shellcheck disable=SC2086
    call $what "$ADMIN" >/dev/null
    want="sha-256=:$(openssl dgst -sha256 -binary "$T/body" | base64 -w0):"
    expect_header Content-Digest "$want"
done
hub_alive
stop_hub_clean
finish
