#!/bin/sh
# test_hub_pg.sh — the hub on PostgreSQL (serve --db): a manifest published and served, idempotent plays with acked_seq, state kept across restarts (hub and server), two hubs sharing one database.
. "$(dirname "$0")/lib.sh"
need curl jq

# A throwaway PostgreSQL server (outside $T: when we are root the server runs
# as nobody, who cannot enter $T). Missing binaries fail the test.
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-pg.XXXXXX")
B_PID=""
b_kill() { if [ -n "$B_PID" ]; then kill -KILL "$B_PID" 2>/dev/null || true; wait "$B_PID" 2>/dev/null || true; B_PID=""; fi; }
trap 'kill_hub; b_kill; sh "$SL_SOURCE_DIR/tests/hub/pg-stop.sh" "$PGDIR"; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
sh "$SL_SOURCE_DIR/tests/hub/pg-start.sh" "$PGDIR" >/dev/null || exit 1
. "$PGDIR/env"
"$SL_PG_BINDIR/createdb" -h 127.0.0.1 -p "$PGPORT" -U sltest screenlit || { echo "FAIL: createdb" >&2; exit 1; }
DB="postgresql://sltest@127.0.0.1:$PGPORT/screenlit"
HUB_DB_ARGS="--db $DB"
# pg_as CMD... — runs a server command as the server's user.
pg_as() { if [ "$(id -u)" -eq 0 ]; then (cd "$PGDIR" && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"); else "$@"; fi; }

# An unreachable server is a clear error at startup, not a hang.
expect_rc 1 "$HUB" serve --data "$T/nodata" --db "postgresql://sltest@127.0.0.1:$((PGPORT + 1))/screenlit?connect_timeout=3" --listen 127.0.0.1:0
expect_in "$T/err" "not reachable"
expect_rc 2 "$HUB" serve --data "$T/nodata" --db "mysql://x/y"
expect_rc 2 "$HUB" token list

# Tokens and keys go straight to the database (no data folder needed).
ADMIN=$(new_token admin ops)
PUB=$(new_token publisher content)
AUD=$(new_token auditor audit)
[ ${#ADMIN} -eq 64 ] && ok || fail "no admin token from token create --db"
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
expect_rc 0 "$HUB" key add --db "$DB" --name content-team "$T/keys/publisher.pub"
expect_rc 0 "$HUB" key list --db "$DB"
expect_in "$T/out" "content-team"
expect_rc 0 "$HUB" token list --db "$DB"
expect_in "$T/out" "publisher"
[ ! -e "$DATA/hub.db" ] && ok || fail "a SQLite database was made although --db was given"

# A text-only playlist: no media to upload.
mkdir -p "$T/pl"
cat >"$T/pl/playlist.json" <<'JSON'
{"format": 1, "name": "pg", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "slogan", "zone": "main", "type": "text", "text": "防范电信网络诈骗", "duration": 20}]}
JSON
for v in 1 2 3; do "$MKMANIFEST" "$T/pl/playlist.json" bank-lobby $v "$T/keys/publisher.key" >"$T/mf-$v.json"; done

start_hub "$DATA"
grep -q "postgresql store" "$T/hub.log" && ok || fail "the hub does not say it uses PostgreSQL"
load_inventory
SCR=$(enrol "$ADMIN" bank-0412-lobby)
[ ${#SCR} -eq 64 ] && ok || fail "enrolment failed"
expect_call 201 POST /api/v1/channels/bank-lobby/manifests "$PUB" --data-binary @"$T/mf-1.json"
expect_call 409 POST /api/v1/channels/bank-lobby/manifests "$PUB" --data-binary @"$T/mf-1.json"
expect_json '.current == 1'
expect_call 200 GET /api/v1/manifest "$SCR"
expect_header ETag '"bank-lobby-1"'
cmp -s "$T/body" "$T/mf-1.json" && ok || fail "the manifest served differs from the one published"
expect_call 304 GET /api/v1/manifest "$SCR" -H 'If-None-Match: "bank-lobby-1"'

# Plays: idempotent by seq, acked_seq stops at a gap.
batch 1 100 >"$T/b1"
batch 102 150 >"$T/b2"
batch 101 101 >"$T/b3"
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b1"
expect_json '.stored == 100 and .duplicates == 0 and .acked_seq == 100'
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b1"
expect_json '.stored == 0 and .duplicates == 100 and .acked_seq == 100'
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b2"
expect_json '.stored == 49 and .acked_seq == 100'
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b3"
expect_json '.stored == 1 and .acked_seq == 150'
expect_call 200 POST /api/v1/heartbeat "$SCR" -d '{"content_version":1}'

# A hub restart keeps everything.
stop_hub_clean
start_hub "$DATA"
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby&limit=10000" "$AUD"
expect_json '(.records | length) == 150 and .records[0].item == "poster"'
expect_call 200 GET /api/v1/screens "$AUD"
expect_json '[.screens[] | select(.id == "bank-0412-lobby")][0] | .enrolled and .acked_seq == 150 and .content_version == 1'
expect_call 304 GET /api/v1/manifest "$SCR" -H 'If-None-Match: "bank-lobby-1"'
expect_call 200 GET /api/v1/inventory "$AUD"
cmp -s "$T/body" "$T/inv.csv" && ok || fail "the inventory changed across a restart"

# A server restart under a running hub: its pooled connections break, and it reconnects.
pg_as "$SL_PG_BINDIR/pg_ctl" -D "$PGDIR/data" -m fast -w -s restart >/dev/null
expect_call 200 GET /api/v1/manifest "$SCR"
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b1"
expect_json '.duplicates == 100 and .acked_seq == 150'

# Two hubs on one database (own data folders): same manifests, same plays.
A_URL=$URL
"$HUB" serve --data "$T/data-b" --db "$DB" --listen 127.0.0.1:0 --threads 4 >"$T/hub-b.out" 2>>"$T/hub-b.err" &
B_PID=$!
i=0
while [ $i -lt 1200 ] && ! grep -q '^listening on ' "$T/hub-b.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
B_URL="http://127.0.0.1:$(sed -n '1s|.*:\([0-9][0-9]*\)/$|\1|p' "$T/hub-b.out")"
if [ "$B_URL" = "http://127.0.0.1:" ]; then
    echo "FAIL: the second hub did not start" >&2
    cat "$T/hub-b.err" >&2
    exit 1
fi
ok
URL=$B_URL
expect_call 200 GET /api/v1/manifest "$SCR"
expect_header ETag '"bank-lobby-1"'
expect_call 201 POST /api/v1/channels/bank-lobby/manifests "$PUB" --data-binary @"$T/mf-2.json"
URL=$A_URL
expect_call 409 POST /api/v1/channels/bank-lobby/manifests "$PUB" --data-binary @"$T/mf-2.json"
expect_json '.current == 2'
expect_call 200 GET /api/v1/manifest "$SCR" -H 'If-None-Match: "bank-lobby-1"'
expect_header ETag '"bank-lobby-2"'
cmp -s "$T/body" "$T/mf-2.json" && ok || fail "hub A does not serve what hub B accepted"

# The same version published on both hubs at once: exactly one 201.
# (Only the pids of this step are waited for: the hubs are children too.)
curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $PUB" --data-binary @"$T/mf-3.json" \
    "$A_URL/api/v1/channels/bank-lobby/manifests" >"$T/race-a" &
p1=$!
curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $PUB" --data-binary @"$T/mf-3.json" \
    "$B_URL/api/v1/channels/bank-lobby/manifests" >"$T/race-b" &
p2=$!
wait $p1 $p2
[ "$(cat "$T/race-a" "$T/race-b" | sort | tr '\n' ' ')" = "201 409 " ] && ok ||
    fail "publishing version 3 on both hubs gave $(cat "$T/race-a" "$T/race-b" | tr '\n' ' ')"

# Overlapping batches posted to both hubs at once: every record stored once.
for b in 0 1 2 3 4 5 6 7; do batch $((151 + b * 100)) $((250 + b * 100)) >"$T/c$b"; done
poster() { # URL LOG — posts every batch, in an order of its own
    for b in $2; do
        curl -s -H "Authorization: Bearer $SCR" --data-binary @"$T/c$b" "$1/api/v1/plays" >>"$T/$3"
        echo >>"$T/$3"
    done
}
poster "$A_URL" "0 1 2 3 4 5 6 7" pa &
p1=$!
poster "$B_URL" "7 6 5 4 3 2 1 0" pb &
p2=$!
poster "$A_URL" "3 1 7 5 0 2 4 6" pc &
p3=$!
poster "$B_URL" "4 6 0 2 1 5 3 7" pd &
p4=$!
wait $p1 $p2 $p3 $p4
stored=$(cat "$T/pa" "$T/pb" "$T/pc" "$T/pd" | jq -s 'map(.stored) | add')
dups=$(cat "$T/pa" "$T/pb" "$T/pc" "$T/pd" | jq -s 'map(.duplicates) | add')
[ "$stored" = 800 ] && ok || fail "the two hubs stored $stored of 800 new records"
[ "$dups" = 2400 ] && ok || fail "$dups duplicates, wanted 2400"
URL=$B_URL
expect_call 200 POST /api/v1/plays "$SCR" --data-binary @"$T/b3"
expect_json '.acked_seq == 950'
expect_call 200 GET "/api/v1/plays?screen=bank-0412-lobby&limit=10000" "$AUD"
expect_json '(.records | length) == 950 and ([.records[].seq] == [range(1; 951)])'
kill -TERM "$B_PID"
wait "$B_PID" && ok || fail "hub B did not stop cleanly"
B_PID=""
URL=$A_URL
stop_hub_clean
finish
