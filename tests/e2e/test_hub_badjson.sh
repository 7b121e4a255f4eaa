#!/bin/sh
# test_hub_badjson.sh — every invalid JSON text of JSONTestSuite posted to the hub gives 400 with a JSON error body; the hub stays up and stores nothing.
. "$(dirname "$0")/lib.sh"
need curl jq

SUITE="$SL_TESTDATA_DIR/JSONTestSuite/test_parsing"
[ -d "$SUITE" ] || { echo "FAIL: $SUITE is missing (the suite lives in the repository)"; exit 1; }
ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
start_hub "$DATA"
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
# A key twice in one object means two things to two readers: refused with its path.
batch 1 3 | sed 's/"seq":3,/"seq":3,"duration_ms":5,/' >"$T/dup.json"
expect_call 400 POST /api/v1/plays "$S" --data-binary @"$T/dup.json"
expect_json '.error | contains("records[2]: duplicate key \"duration_ms\"")'
expect_call 400 POST /api/v1/heartbeat "$S" -d '{"content_version": 1, "content_version": 2}'
expect_json '.error | contains("duplicate key \"content_version\"")'
expect_call 400 POST /api/v1/enroll-codes "$ADMIN" -d '{"screen": "bus-k1-07", "screen": "clinic-3"}'
expect_json '.error | contains("duplicate key \"screen\"")'
hub_alive
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby" "$AUD"
expect_json '.records == []'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '.screens[] | select(.id == "bank-0412-lobby") | .last_seen == null'
stop_hub_clean
finish
