#!/bin/sh
# test_client_scope.sh — publishing scoped to channels against a real hub: publisher tokens and keys limited with --channels are refused outside their channels (403, naming the channel and the scope), lists show the scope, and publishing to a channel no screen uses warns.
. "$(dirname "$0")/lib.sh"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY SCREENLIT_HUB SCREENLIT_TOKEN \
    XDG_CONFIG_HOME
export HOME="$T/home"
mkdir -p "$HOME" "$T/hub" "$T/p"

# A playlist without media files: publishing is quick.
cat >"$T/p/playlist.json" <<'JSON'
{"format": 1, "name": "scope test", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#000000"}],
 "items": [{"id": "slogan", "zone": "main", "type": "text", "mode": "static", "text": "反诈", "duration": 10}]}
JSON

"$SCREENLIT" keygen --out "$T/all" >/dev/null
"$SCREENLIT" keygen --out "$T/branch" >/dev/null
expect_rc 0 "$HUB" key add --data "$T/hub" --name campaign "$T/all/publisher.pub"
expect_in "$T/out" "for every channel"
expect_rc 0 "$HUB" key add --data "$T/hub" --name branch --channels "bank-lobby, bank-door" "$T/branch/publisher.pub"
expect_in "$T/out" "for channels bank-lobby,bank-door"
expect_rc 2 "$HUB" key add --data "$T/hub" --channels "bank lobby" "$T/branch/publisher.pub"
expect_in "$T/err" "not a channel name"
expect_rc 2 "$HUB" key add --data "$T/hub" --channels "" "$T/branch/publisher.pub"
expect_rc 0 "$HUB" key list --data "$T/hub"
expect_in "$T/out" "CHANNELS"
grep -E '^branch .* bank-lobby,bank-door$' "$T/out" >/dev/null && ok || fail "key list does not show the branch key's channels"
grep -E '^campaign .* \*$' "$T/out" >/dev/null && ok || fail "key list does not show the campaign key as every channel"

ADMIN=$(new_token admin)
PUB=$(new_token publisher)
SCOPED=$("$HUB" token create --data "$T/hub" --role publisher --name lobby-staff --channels bank-lobby 2>"$T/err")
expect_in "$T/err" "for channels bank-lobby"
[ ${#SCOPED} -eq 64 ] && ok || fail "token create --channels printed no token"
expect_rc 2 "$HUB" token create --data "$T/hub" --role admin --name x --channels bank-lobby
expect_in "$T/err" "only for create --role publisher"
expect_rc 2 "$HUB" token create --data "$T/hub" --role publisher --name y --channels "a,,b"
expect_rc 0 "$HUB" token list --data "$T/hub"
grep -E '^lobby-staff +publisher .* bank-lobby$' "$T/out" >/dev/null && ok || fail "token list does not show the scope"
grep -E '^test-publisher +publisher .* \*$' "$T/out" >/dev/null && ok || fail "token list does not show every channel"

start_hub "$T/hub"
printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\nlobby-1,大堂,城东支行,城东区,bank,lobby,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n' >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"

# In scope (token and key): published, no warning (a screen uses the channel).
expect_rc 0 "$SCREENLIT" publish "$T/p/playlist.json" --hub "$URL" --token "$SCOPED" --channel bank-lobby \
    --key "$T/branch/publisher.key"
expect_in "$T/out" "published channel bank-lobby version 1"
expect_not_in "$T/err" "warning"
# The scoped token outside its channel: refused, nothing published.
expect_rc 1 "$SCREENLIT" publish "$T/p/playlist.json" --hub "$URL" --token "$SCOPED" --channel station-hall \
    --key "$T/all/publisher.key"
expect_in "$T/err" "403"
expect_in "$T/err" "may publish to channel bank-lobby only, not to \"station-hall\""
# The scoped key outside its channels, with an unlimited token: refused, naming the key and its channels.
expect_rc 1 "$SCREENLIT" publish "$T/p/playlist.json" --hub "$URL" --token "$PUB" --channel station-hall \
    --key "$T/branch/publisher.key"
expect_in "$T/err" "403"
expect_in "$T/err" "signed with key \"branch\", which may sign channels bank-lobby,bank-door only, not \"station-hall\""
curl -s -H "Authorization: Bearer $PUB" "$URL/api/v1/channels" >"$T/channels.json"
[ "$(jq '[.channels[] | select(.channel == "station-hall")] | length' "$T/channels.json")" = 0 ] && ok ||
    fail "a refused manifest was published"
# Unlimited token and key: published; no screen uses station-hall, so a warning (not an error).
expect_rc 0 "$SCREENLIT" publish "$T/p/playlist.json" --hub "$URL" --token "$PUB" --channel station-hall \
    --key "$T/all/publisher.key"
expect_in "$T/out" "published channel station-hall version 1"
expect_in "$T/err" "warning: no screen in the inventory uses channel \"station-hall\""
curl -s -H "Authorization: Bearer $PUB" "$URL/api/v1/channels" >"$T/channels.json"
[ "$(jq '[.channels[] | select(.channel == "station-hall")] | length' "$T/channels.json")" = 1 ] && ok ||
    fail "station-hall was not published"
# Re-adding the branch key without --channels lifts its limit (the running hub sees it at the next publish).
expect_rc 0 "$HUB" key add --data "$T/hub" "$T/branch/publisher.pub"
expect_rc 0 "$SCREENLIT" publish "$T/p/playlist.json" --hub "$URL" --token "$PUB" --channel station-hall \
    --key "$T/branch/publisher.key"
expect_in "$T/out" "published channel station-hall version 2"

stop_hub
finish
