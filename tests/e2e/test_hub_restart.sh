#!/bin/sh
# test_hub_restart.sh — SIGTERM with uploads in flight loses no acknowledged record; all state survives a restart; retries are idempotent.
. "$(dirname "$0")/lib.sh"
need curl jq

ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
"$HUB" key add --data "$DATA" "$T/keys/publisher.pub" >/dev/null
start_hub "$DATA"
load_inventory
SCREENS="bank-0412-lobby bus-k1-07 clinic-3"
for s in $SCREENS; do enrol "$ADMIN" "$s" >"$T/token-$s"; done

BATCHES=30
SIZE=500
for b in $(seq 0 $((BATCHES - 1))); do batch $((b * SIZE + 1)) $(((b + 1) * SIZE)) >"$T/batch-$b"; done

# poster SCREEN — posts every batch in order until one fails; logs "b status acked".
poster() {
    tok=$(cat "$T/token-$1")
    for b in $(seq 0 $((BATCHES - 1))); do
        code=$(curl -s -o "$T/reply-$1-$b" -w '%{http_code}' -H "Authorization: Bearer $tok" \
            --data-binary @"$T/batch-$b" "$URL/api/v1/plays") || code=000
        echo "$b $code" >>"$T/log-$1"
        [ "$code" = 200 ] || break
    done
}
for s in $SCREENS; do poster "$s" & done
# Stopped while the uploads go on: once every screen has had a batch answered (up to 120 s).
n=0
for s in $SCREENS; do
    while [ "$n" -lt 1200 ] && [ ! -s "$T/log-$s" ]; do sleep 0.1; n=$((n + 1)); done
done
stop_hub_clean
wait

# Restart: every batch answered 200 is held; then everything is retried.
start_hub "$DATA"
for s in $SCREENS; do
    acked=0
    while read -r b code; do
        if [ "$code" = 200 ]; then acked=$(((b + 1) * SIZE)); fi
    done <"$T/log-$s"
    echo "$s: $acked records acknowledged before SIGTERM"
    expect_call 200 GET "/api/v1/plays?screen=$s&limit=10000" "$AUD"
    held=$(jq '.records | length' "$T/body")
    expect_call 200 GET "/api/v1/plays?screen=$s&after_seq=10000&limit=10000" "$AUD"
    held=$((held + $(jq '.records | length' "$T/body")))
    [ "$held" -ge "$acked" ] && ok || fail "$s: $acked records were acknowledged but only $held are held"
    tok=$(cat "$T/token-$s")
    stored=0
    dups=0
    for b in $(seq 0 $((BATCHES - 1))); do
        expect_call 200 POST /api/v1/plays "$tok" --data-binary @"$T/batch-$b"
        stored=$((stored + $(jq .stored "$T/body")))
        dups=$((dups + $(jq .duplicates "$T/body")))
    done
    [ $((stored + held)) -eq $((BATCHES * SIZE)) ] && ok || fail "$s: $held held + $stored stored on retry != $((BATCHES * SIZE))"
    [ "$dups" -eq "$held" ] && ok || fail "$s: $dups duplicates on retry, wanted $held"
    expect_json ".acked_seq == $((BATCHES * SIZE))"
done

# Everything else survived the restart too.
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '[.screens[] | select(.enrolled)] | length == 3'
expect_call 200 GET /api/v1/inventory "$AUD"
cmp -s "$T/body" "$T/inv.csv" && ok || fail "the inventory changed across a restart"
stop_hub_clean
start_hub "$DATA"
expect_call 200 GET "/api/v1/plays?screen=clinic-3&after_seq=$((BATCHES * SIZE - 1))" "$AUD"
expect_json '[.records[].seq] == [15000]'
tok=$(cat "$T/token-clinic-3")
expect_call 200 POST /api/v1/heartbeat "$tok" -d '{"content_version":1}'
expect_rc 0 "$HUB" token list --data "$DATA"
expect_in "$T/out" "ops"
stop_hub_clean
grep -q "requests still in flight" "$T/hub.log" && fail "the hub stopped with requests in flight" || ok
finish
