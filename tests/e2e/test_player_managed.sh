#!/bin/sh
# test_player_managed.sh — a managed screen end to end: enrol with a one-time code, sync the signed manifest, play it, upload plays exactly once.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/s"
hub_keys
"$SCREENLIT" keygen --out "$T/other" >/dev/null
start_hub "$DATA"
printf '\357\273\277id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,大堂一号,城关支行,城关镇,bank,bank;lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
publish_sample "$T/s"
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
OTHER=$(cut -d' ' -f2 "$T/other/publisher.pub")

# Not enrolled and no hub reachable: the screen shows that it waits for enrolment, never black.
expect_rc 0 "$PLAYER" --hub http://127.0.0.1:1 --state-dir "$T/new" --enroll-file "$T/none.txt" \
    --output "frames:$T/wait" --size 640x360 --clock sim:2026-11-25T09:00:00+08:00 --run 1 --frames-every 1
expect_in "$T/out" "frames with a black zone 0"
c=$("$IMGCHECK" colours "$T/wait/frame-0000000000.png" 0,150,640,60 | wc -l)
[ "$c" -gt 3 ] && ok || fail "the waiting screen shows no text"

# A screen that pins the wrong key refuses the hub's manifest and keeps waiting (never black).
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$CODE" --publisher-key "$OTHER" --state-dir "$T/wrong" \
    --output null --size 480x270 --run 4 --poll 1 --clock from:2026-11-25T09:00:00+08:00
expect_in "$T/err" "enrolled as screen lobby-1"
expect_in "$T/err" "not pinned"
expect_not_in "$T/err" "switching to bank-lobby"
expect_in "$T/out" "frames with a black zone 0"
[ "$(stat -c %a "$T/wrong/device.json")" = 600 ] && ok || fail "device.json is not mode 0600"

# Enrol again (a new code) with the right key: the screen syncs, verifies and plays the campaign.
expect_rc 0 "$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN" --json
CODE=$(jq -r .code "$T/out")
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$CODE" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 480x270 --run 6 --poll 1 --clock from:2026-11-25T09:00:00+08:00
expect_in "$T/err" "switching to bank-lobby version 1"
expect_in "$T/out" "frames with a black zone 0"
[ -f "$T/st/current.manifest" ] && ok || fail "no current.manifest kept"
expect_cached "$T/st"

# Proof screenshots: one at start, then every screenshot-interval minutes (default 30); the hub keeps it.
code=$(curl -s -o "$T/shot.png" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
    "$URL/api/v1/screens/lobby-1/screenshot")
[ "$code" = 200 ] && ok || fail "the hub holds no screenshot of lobby-1 (HTTP $code)"
[ "$(head -c 8 "$T/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && ok || fail "the screenshot is not a PNG"
expect_rc 2 "$PLAYER" --hub "$URL" --state-dir "$T/st" --screenshot-interval 0.5
expect_in "$T/err" "screenshot-interval"

# A restart plays the cached manifest at once (no hub needed for that), then uploads what is pending;
# a device.json others could read (its token) is made private again.
chmod 644 "$T/st/device.json"
expect_rc 0 "$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/st" \
    --output null --size 480x270 --run 4 --poll 1 --clock from:2026-11-25T09:00:10+08:00
[ "$(stat -c %a "$T/st/device.json")" = 600 ] && ok || fail "device.json is $(stat -c %a "$T/st/device.json") after a restart"
expect_not_in "$T/err" "waiting for content"
expect_in "$T/out" "poster-app"
# Every play of the first run reached the hub exactly once (the second run's last plays are still pending).
first_run=$(sqlite3 "$T/st/journal.db" "SELECT COUNT(*) FROM plays WHERE start_ms < 1795568410000")
hub_n=$(curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=lobby-1&limit=1000" | jq '.records | length')
hub_first=$(curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=lobby-1&limit=1000" | jq '[.records[] | select(.start_ms < 1795568410000)] | length')
[ "$first_run" = 0 ] && ok || fail "$first_run plays of the first run are still in the journal"
[ "${hub_first:-0}" -ge 2 ] && ok || fail "the hub holds only ${hub_first:-0} plays of the first run"
dups=$(curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=lobby-1&limit=1000" | jq '[.records[].seq] | length - (unique | length)')
[ "$dups" = 0 ] && ok || fail "$dups duplicate records at the hub"
# On exit the player sent its last plays too: the journal is empty and the hub holds every play.
left=$(sqlite3 "$T/st/journal.db" "SELECT COUNT(*) FROM plays")
[ "$left" = 0 ] && ok || fail "$left plays still in the journal after a clean exit"
# Both installs of lobby-1 (the refused-key one, then the good one, each with its own
# journal) count: the second journal's seqs were renumbered above the hub's, nothing lost.
total=$(( $(sqlite3 "$T/st/journal.db" "SELECT SUM(plays) FROM item_totals") + \
          $(sqlite3 "$T/wrong/journal.db" "SELECT SUM(plays) FROM item_totals") ))
[ "$hub_n" = "$total" ] && ok || fail "the hub holds $hub_n records, the screen played $total"
echo "hub holds $hub_n records" >&2
finish
