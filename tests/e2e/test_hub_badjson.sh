#!/bin/sh
# test_hub_badjson.sh — every invalid JSON text of JSONTestSuite posted to the hub gives 400 with a JSON error body; the hub stays up and stores nothing.
. "$(dirname "$0")/lib.sh"
. "$SL_SOURCE_DIR/tests/hub/hublib.sh"

SUITE="$SL_TESTDATA_DIR/JSONTestSuite/test_parsing"
[ -d "$SUITE" ] || { echo "SKIP: $SUITE is missing"; exit 0; }
ADMIN=$(token admin ops)
AUD=$(token auditor audit)
hub_start
inventory_csv "$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
S=$(enrol "$ADMIN" bank-0412-lobby)

n=0
for f in "$SUITE"/n_*.json; do
    n=$((n + 1))
    got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $S" -H 'Content-Type: application/json' \
        --data-binary @"$f" "$URL/api/v1/plays") || got="curl failed"
    if [ "$got" = 400 ] && jq -e '.error | type == "string"' "$T/body" >/dev/null 2>&1; then ok; else
        fail "$(basename "$f"): $got $(head -c 200 "$T/body")"
    fi
done
[ "$n" -gt 100 ] && ok || fail "only $n files in the suite"
# A sample through the other JSON endpoints too.
for f in "$SUITE"/n_structure_*.json; do
    for ep in /api/v1/heartbeat /api/v1/enroll; do
        got=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $S" --data-binary @"$f" "$URL$ep") || got="curl failed"
        # Bodies over the endpoint's cap (64 KiB, 4 KiB) are refused unread.
        if [ "$got" = 400 ] || { [ "$got" = 413 ] && [ "$(wc -c <"$f")" -gt 4096 ]; }; then ok; else
            fail "$ep $(basename "$f"): $got"
        fi
    done
done
hub_alive
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby" "$AUD"
expect_json '.records == []'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .last_seen == null'
hub_stop
finish
