#!/bin/sh
# test_client_admin.sh — `screenlit inventory`, `enroll-code` and `screens` against a real hub; where settings come from.
. "$(dirname "$0")/lib.sh"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY SCREENLIT_HUB SCREENLIT_TOKEN \
    XDG_CONFIG_HOME
export HOME="$T/home"
mkdir -p "$HOME"


mkdir -p "$T/hub"
ADMIN=$(new_token admin)
PUB=$(new_token publisher)
AUD=$(new_token auditor)
[ ${#ADMIN} -eq 64 ] && [ ${#AUD} -eq 64 ] && ok || fail "token create printed no token"
start_hub "$T/hub"
export SCREENLIT_HUB="$URL"

# 1. Inventory: UTF-8 with a BOM, Chinese names, a quoted name with a comma, tags and hours.
bom=$(printf '\357\273\277')
{
    printf '%sid,name,site,region,unit_type,tags,channel,hours,timezone\r\n' "$bom"
    printf 'bank-0412-lobby,工商银行城东支行大堂,城东支行,城东区,bank,lobby;tv,bank-lobby,mon-fri 08:30-17:30; sat 09:00-12:00,Asia/Shanghai\r\n'
    printf 'bus-22-front,"22路公交车, 前门 LED 条屏",公交二公司,城西区,bus,led;bus,bus-led,mon-sun 06:00-22:00,Asia/Shanghai\r\n'
    printf 'community-3,社区服务中心大屏,幸福里社区,城北街道,community,big,community,mon-fri 09:00-17:00,Asia/Shanghai\r\n'
} >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --token "$ADMIN"
expect_in "$T/out" "imported 3 screens"
expect_rc 0 "$SCREENLIT" inventory export -o "$T/export.csv" --token "$ADMIN"
expect_in "$T/err" "wrote 3 screens"
[ "$(head -c 3 "$T/export.csv")" = "$bom" ] && ok || fail "the export has no UTF-8 BOM"
expect_in "$T/export.csv" "工商银行城东支行大堂"
expect_in "$T/export.csv" "22路公交车, 前门 LED 条屏"
expect_in "$T/export.csv" "社区服务中心大屏"
expect_in "$T/export.csv" "mon-fri 08:30-17:30; sat 09:00-12:00"
# Round trip: the export imports again and exports the same bytes.
expect_rc 0 "$SCREENLIT" inventory import "$T/export.csv" --token "$ADMIN"
expect_rc 0 "$SCREENLIT" inventory export --token "$AUD"
if cmp -s "$T/out" "$T/export.csv"; then ok; else fail "export → import → export changed the CSV"; fi
# Without a BOM it imports the same.
tail -c +4 "$T/inv.csv" >"$T/nobom.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/nobom.csv" --token "$ADMIN"
expect_in "$T/out" "imported 3 screens"
# A bad row rejects the whole file, with its line; nothing changes.
{
    printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\n'
    printf 'new-1,新屏幕,某地,某区,bank,,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n'
    printf '../evil,坏,x,y,bank,,bank-lobby,mon-fri 08:30-17:30,Asia/Shanghai\n'
} >"$T/bad.csv"
expect_rc 1 "$SCREENLIT" inventory import "$T/bad.csv" --token "$ADMIN"
expect_in "$T/err" "line 3"
expect_in "$T/err" "nothing was imported"
expect_rc 0 "$SCREENLIT" inventory export --token "$ADMIN"
expect_not_in "$T/out" "new-1"
# A GBK file (Excel's plain CSV on Chinese Windows) is caught before it is sent.
printf 'id,name\nx,\271\244\311\314\n' >"$T/gbk.csv"
expect_rc 1 "$SCREENLIT" inventory import "$T/gbk.csv" --token "$ADMIN"
expect_in "$T/err" "not UTF-8"
# Roles: an auditor may export but not import.
expect_rc 1 "$SCREENLIT" inventory import "$T/inv.csv" --token "$AUD"
expect_in "$T/err" "(403)"
expect_rc 2 "$SCREENLIT" inventory import --token "$ADMIN"
expect_rc 2 "$SCREENLIT" inventory frobnicate --token "$ADMIN"

# 2. Enrolment codes.
expect_rc 0 "$SCREENLIT" enroll-code bank-0412-lobby --ttl 72 --token "$ADMIN"
expect_in "$T/out" "screen bank-0412-lobby: enrolment code "
expect_in "$T/out" "(72 hours)"
code=$(grep -oE '[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}' "$T/out" | head -n 1)
[ -n "$code" ] && ok || fail "no code printed"
expect_rc 0 "$SCREENLIT" enroll-code community-3 --json --token "$ADMIN"
expect_in "$T/out" '"code"'
expect_in "$T/out" '"expires"'
expect_rc 1 "$SCREENLIT" enroll-code no-such-screen --token "$ADMIN"
expect_in "$T/err" "the hub answered 4"
expect_rc 1 "$SCREENLIT" enroll-code bank-0412-lobby --token "$PUB"
expect_in "$T/err" "(403)"
expect_rc 2 "$SCREENLIT" enroll-code bank-0412-lobby --ttl 0 --token "$ADMIN"
expect_rc 2 "$SCREENLIT" enroll-code "bad/id" --token "$ADMIN"

# 3. Screens: one enrolled and heard from, two never enrolled.
curl -s -H 'Content-Type: application/json' -d "{\"code\":\"$code\"}" "$URL/api/v1/enroll" >"$T/enroll.json"
DEV=$(grep -oE '"token" *: *"[0-9a-f]{64}"' "$T/enroll.json" | grep -oE '[0-9a-f]{64}')
[ ${#DEV} -eq 64 ] && ok || fail "enrolling gave no device token: $(cat "$T/enroll.json")"
curl -s -o /dev/null -H "Authorization: Bearer $DEV" -H 'Content-Type: application/json' \
    -d '{"content_version": 7, "current_item": "poster-app", "uptime_s": 60, "free_disk_bytes": 1000000000, "temperature_c": 50, "clock_offset_ms": 3, "clock_trust": "synced", "player_version": "0.1.0", "problems": []}' \
    "$URL/api/v1/heartbeat"
expect_rc 0 "$SCREENLIT" screens --token "$AUD"
expect_in "$T/out" "ID"
expect_in "$T/out" "STATUS"
expect_in "$T/out" "LAST SEEN"
line=$(grep '^bank-0412-lobby ' "$T/out" || true)
case "$line" in *工商银行城东支行大堂*online*just\ now*7*) ok ;; *) fail "bank-0412-lobby line: '$line'" ;; esac
line=$(grep '^community-3 ' "$T/out" || true)
case "$line" in *社区服务中心大屏*城北街道*never\ enrolled*) ok ;; *) fail "community-3 line: '$line'" ;; esac
expect_in "$T/out" "3 screens: 1 online, 0 offline, 2 never enrolled"
# Columns line up in terminal cells even with Chinese names (wide characters take two):
# the text before the STATUS column is equally wide on every line (wc -L counts cells).
widths=$(sed -e '$d' -e 's/STATUS.*//' -e 's/online.*//' -e 's/never enrolled.*//' -e 's/offline.*//' "$T/out" |
    while IFS= read -r l; do printf '%s\n' "$l" | LC_ALL=C.UTF-8 wc -L; done | sort -u | wc -l)
if [ "$widths" -eq 1 ]; then ok; else
    fail "the screens table is not aligned"
    sed 's/^/    | /' "$T/out" >&2
fi
expect_rc 0 "$SCREENLIT" screens --status never --token "$AUD"
expect_not_in "$T/out" "bank-0412-lobby"
expect_in "$T/out" "(2 shown)"
expect_rc 0 "$SCREENLIT" screens --json --token "$AUD"
expect_in "$T/out" '"screens"'
expect_in "$T/out" '"bank-0412-lobby"'
expect_rc 1 "$SCREENLIT" screens --token "$PUB"
expect_in "$T/err" "(403)"
expect_rc 2 "$SCREENLIT" screens --status lit --token "$AUD"

# 4. Where the settings come from: flags > environment > config file.
mkdir -p "$HOME/.config/screenlit"
printf '# screenlit client\nhub = %s\ntoken = %s\n' "$URL" "$AUD" >"$HOME/.config/screenlit/client.conf"
chmod 600 "$HOME/.config/screenlit/client.conf"
unset SCREENLIT_HUB
expect_rc 0 "$SCREENLIT" screens
expect_in "$T/out" "3 screens"
expect_not_in "$T/err" "warning"
expect_rc 1 env SCREENLIT_TOKEN="$(printf '0%.0s' $(seq 64))" "$SCREENLIT" screens
expect_in "$T/err" "the hub refused the token (401)"
expect_rc 0 env SCREENLIT_TOKEN="$(printf '0%.0s' $(seq 64))" "$SCREENLIT" screens --token "$AUD"
printf 'hub = http://127.0.0.1:1\ntoken = %s\n' "$ADMIN" >"$T/other.conf"
expect_rc 0 "$SCREENLIT" screens --config "$T/other.conf" --hub "$URL"
expect_rc 1 "$SCREENLIT" screens --config "$T/missing.conf"
expect_in "$T/err" "missing.conf"
chmod 644 "$HOME/.config/screenlit/client.conf"
expect_rc 0 "$SCREENLIT" screens
expect_in "$T/err" "warning: $HOME/.config/screenlit/client.conf holds a token but is mode 0644"
expect_in "$T/err" "chmod 600 $HOME/.config/screenlit/client.conf"
chmod 640 "$HOME/.config/screenlit/client.conf"
expect_rc 0 "$SCREENLIT" screens
expect_in "$T/err" "is mode 0640"
rm "$HOME/.config/screenlit/client.conf"
expect_rc 2 "$SCREENLIT" screens --hub "$URL"
expect_in "$T/err" "no token"

# 5. Wrong token and no hub.
expect_rc 1 "$SCREENLIT" inventory export --hub "$URL" --token "$(printf 'f%.0s' $(seq 64))"
expect_in "$T/err" "the hub refused the token (401)"
nohub="http://127.0.0.1:1" # nothing listens on port 1
expect_rc 1 "$SCREENLIT" screens --hub "$nohub" --token "$AUD"
expect_in "$T/err" "the hub at $nohub did not answer"
expect_rc 1 "$SCREENLIT" enroll-code bank-0412-lobby --hub "$nohub" --token "$ADMIN"
expect_in "$T/err" "did not answer"

finish
