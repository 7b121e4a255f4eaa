#!/bin/sh
# test_client_records.sh — proof of play from a screen without a network: the player exports its
# unacknowledged plays to a stick, `screenlit records import` loads them into a real hub (twice:
# stored once), and when the screen later reaches the hub they leave its journal without duplicates.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SCREEN=village-1
J="$T/st/journal.db"
sample_copy "$T/s"
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
KEY=$(cut -d' ' -f2 "$T/keys/publisher.pub")
expect_rc 0 "$SCREENLIT" bundle "$T/s/playlist.json" --key "$T/keys/publisher.key" --out "$T/usb" --version 7

# exactly_once N — the hub holds seqs 1..N, each once, with the journal's plays per item.
exactly_once() {
    hub_records seq item
    expect_exactly_once "$1"
}

# Two simulated hours of an offline screen fed by the stick: over a thousand plays.
expect_rc 0 "$PLAYER" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id "$SCREEN" --state-dir "$T/st" \
    --output null --size 160x90 --clock sim:2026-11-25T09:00:00+08:00 --run 7200
expect_in "$T/err" "switched to manifest 7"
N=$(last_seq)
[ "$N" -gt 1000 ] && ok || fail "only $N plays in two simulated hours"

# Export: files of at most 1000 plays, the POST body's shape, nothing leaves the journal.
expect_rc 0 "$PLAYER" --export-records "$T/usb" --state "$T/st"
expect_in "$T/out" "wrote $T/usb/records/$SCREEN-1-1000.json: 1000 plays of screen $SCREEN, seq 1 to 1000"
expect_in "$T/out" "wrote $T/usb/records/$SCREEN-1001-$N.json"
expect_in "$T/out" "exported $N plays in 2 files"
[ "$(pending)" = "$N" ] && ok || fail "the export removed plays from the journal ($(pending) of $N left)"
f="$T/usb/records/$SCREEN-1-1000.json"
[ "$(jq -r .screen "$f")" = "$SCREEN" ] && ok || fail "$f does not name the screen"
[ "$(jq '.records | length' "$f")" = 1000 ] && ok || fail "$f does not hold 1000 records"
[ "$(jq -r '.records[0] | "\(.seq) \(.item) \(.manifest_version) \(.clock_trust)"' "$f")" = "1 poster-app 7 simulated" ] &&
    ok || fail "the first record of $f is not the first play"

# The hub: the screen is in the inventory; importing needs an admin token.
mkdir -p "$DATA"
ADMIN=$(new_token admin)
PUB=$(new_token publisher)
start_hub "$DATA"
printf 'id,name,channel,hours,timezone\n%s,村委会,,daily 08:00-18:00,Asia/Shanghai\n' "$SCREEN" >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"

expect_rc 0 "$SCREENLIT" records --help
expect_in "$T/out" "screenlit records import DIR"
expect_rc 2 "$SCREENLIT" records
expect_rc 2 "$SCREENLIT" records export "$T/usb"
expect_rc 2 "$SCREENLIT" records import --hub "$URL" --token "$ADMIN"
expect_rc 2 "$SCREENLIT" records import "$T/none" --hub "$URL" --token "$ADMIN"
mkdir "$T/empty"
expect_rc 1 "$SCREENLIT" records import "$T/empty" --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "no record files"
expect_rc 1 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$PUB"
expect_in "$T/err" "403"
expect_rc 1 "$SCREENLIT" records import "$T/usb" --hub http://127.0.0.1:1 --token "$ADMIN"
expect_in "$T/err" "1 more file not tried"

# First import: every play stored; second import: every play a duplicate; the hub holds each once.
expect_rc 0 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "$SCREEN-1-1000.json: 1000 records of $SCREEN: 1000 stored, 0 duplicates"
expect_in "$T/out" "imported 2 of 2 files: $N records, $N stored, 0 duplicates"
expect_rc 0 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "$SCREEN-1-1000.json: 1000 records of $SCREEN: 0 stored, 1000 duplicates"
expect_in "$T/out" "imported 2 of 2 files: $N records, 0 stored, $N duplicates"
exactly_once "$N"

# The screen plays on; a second export repeats the earlier plays (the hub never acknowledged them
# to the screen) and replaces the earlier partial file; importing it stores only the new ones.
expect_rc 0 "$PLAYER" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id "$SCREEN" --state-dir "$T/st" \
    --output null --size 160x90 --clock sim:2026-11-25T11:00:00+08:00 --run 600
M=$(last_seq)
expect_rc 0 "$PLAYER" --export-records "$T/usb" --state "$T/st"
expect_in "$T/out" "exported $M plays in 2 files"
ls "$T/usb/records" >"$T/files"
printf '%s\n' "$SCREEN-1-1000.json" "$SCREEN-1001-$M.json" >"$T/want.files"
cmp -s "$T/want.files" "$T/files" && ok || { fail "records/ holds:"; sed 's/^/    | /' "$T/files" >&2; }
expect_rc 0 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
expect_in "$T/out" "imported 2 of 2 files: $M records, $((M - N)) stored, $N duplicates"
exactly_once "$M"

# A file for a screen the hub does not know is refused; the other files still go in.
sed "s/\"$SCREEN\"/\"village-9\"/" "$T/usb/records/$SCREEN-1-1000.json" >"$T/usb/records/village-9-1-1000.json"
expect_rc 1 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
expect_in "$T/err" "village-9-1-1000.json: the hub answered 404: screen village-9 is not in the inventory"
expect_in "$T/out" "imported 2 of 3 files"
rm "$T/usb/records/village-9-1-1000.json"
# The admin route checks the body against the path; a screen token may not use it.
body=$(jq -c '.records |= .[0:1]' "$T/usb/records/$SCREEN-1-1000.json")
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -d "$body" "$URL/api/v1/screens/other-1/plays")
[ "$code" = 404 ] && ok || fail "an unknown screen in the path answered $code"
printf 'id,name,channel,hours,timezone\nother-1,Other,,daily 08:00-18:00,UTC\n' >"$T/inv2.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv2.csv" --hub "$URL" --token "$ADMIN"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" -d "$body" "$URL/api/v1/screens/other-1/plays")
[ "$code" = 400 ] && ok || fail "a body for another screen than the path's answered $code"

# Later the screen is enrolled and reaches the hub: its first exchange acknowledges the imported
# plays, which leave the journal; nothing reaches the hub twice.
expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$CODE" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 160x90 --run 3 --poll 1 --clock from:2026-11-25T12:00:00+08:00
expect_in "$T/err" "enrolled as screen $SCREEN"
expect_not_in "$T/err" "waiting for content"
[ "$(pending)" = 0 ] && ok || fail "$(pending) plays still in the journal after the screen reached the hub"
exactly_once "$(last_seq)"
finish
