#!/bin/sh
# run.sh — the web console in a real browser: a real hub on loopback with people, an inventory and real players, then Chromium driven by Playwright through the console (tests/web/main.js).
#
# Run through ctest (label web). Installs playwright-core (tests/web/package-lock.json) into
# BUILD/tests/web-modules with `npm ci` when it is not there yet; uses Debian's Chromium and Node,
# never a browser of its own. Screenshots of every page go to BUILD/web-shots, the files the
# scenarios download to BUILD/web-downloads. SL_WEB_ONLY=REGEX runs only the scenarios whose names
# match (node --test-name-pattern), e.g. SL_WEB_ONLY=login ctest -R web.
. "$SL_SOURCE_DIR/tests/e2e/lib.sh"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
WEB="$SL_SOURCE_DIR/tests/web"
for tool in node npm tidy unzip jq; do
    command -v "$tool" >/dev/null ||
        { echo "FAIL: $tool is not installed (tools/setup-debian.sh installs it)" >&2; exit 1; }
done
CHROMIUM=${SL_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "FAIL: $CHROMIUM is not installed (tools/setup-debian.sh installs chromium)" >&2; exit 1; }

# ---- playwright-core, pinned by the lock file, installed once per build folder ----
MOD="$SL_BUILD_DIR/tests/web-modules"
want=$(sha256sum "$WEB/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$MOD/installed" 2>/dev/null)" != "$want" ] || [ ! -f "$MOD/node_modules/playwright-core/package.json" ]; then
    echo "installing playwright-core into $MOD (npm ci)"
    rm -rf "$MOD"
    mkdir -p "$MOD"
    cp "$WEB/package.json" "$WEB/package-lock.json" "$MOD/"
    if ! (cd "$MOD" && npm ci --no-audit --no-fund --fetch-retries=2 --fetch-timeout=60000) >"$T/npm.log" 2>&1; then
        echo "FAIL: could not install playwright-core from the npm registry (npm ci in $MOD);" \
            "the browser tests need it once per build folder. npm said:" >&2
        grep -v "^npm error  *at " "$T/npm.log" | tail -12 | sed "s/^/    | /" >&2
        exit 1
    fi
    echo "$want" >"$MOD/installed"
fi

# ---- the hub: people, an inventory, a published channel ----
SHOTS="$SL_BUILD_DIR/web-shots"
DOWNLOADS="$SL_BUILD_DIR/web-downloads"
rm -rf "$SHOTS" "$DOWNLOADS"
mkdir -p "$SHOTS" "$DOWNLOADS" "$T/p"
hub_keys
PASSWORDS="$T/passwords.json"

# add_user NAME ROLE PASSWORD — a person who logs in to the console.
add_user() {
    if ! printf '%s\n' "$3" | "$HUB" user add "$1" --role "$2" --data "$DATA" >"$T/user.out" 2>&1; then
        echo "FAIL: screenlit-hub user add $1 --role $2 failed:" >&2
        sed 's/^/    | /' "$T/user.out" >&2
        exit 1
    fi
}
add_user wang admin 'Admin-pass-0412'
add_user li auditor 'Audit-pass-0412'
add_user zhao publisher 'Publish-pass-0412'
add_user chen auditor 'Chen-pass-0412'
cat >"$PASSWORDS" <<'JSON'
{"admin": {"name": "wang", "password": "Admin-pass-0412"},
 "auditor": {"name": "li", "password": "Audit-pass-0412"},
 "publisher": {"name": "zhao", "password": "Publish-pass-0412"},
 "changer": {"name": "chen", "password": "Chen-pass-0412"}}
JSON

start_hub "$DATA" --reports weekly,monthly

# The screens: one lit by a player that runs through the tests, one that played a morning and
# went dark, one never enrolled whose inventory texts are markup (each page must show them as
# text), and one that the browser test enrols.
cat >"$T/inv.csv" <<'CSV'
id,name,site,region,unit_type,tags,channel,hours,timezone
lobby-1,城关支行 大堂,城关支行,城关镇,bank,bank;lobby,bank-lobby,daily 00:00-24:00,Asia/Shanghai
door-2,城东支行 门头屏,城东支行,城东区,bank,bank;led,bank-lobby,daily 00:00-24:00,Asia/Shanghai
evil-1,"<script>alert(""name"")</script>","""><img src=x onerror=alert('site')>",<b>区</b>&amp;,<i>unit</i>,bank,bank-lobby,daily 00:00-24:00,Asia/Shanghai
new-1,社区服务中心 大厅,东区社区,东区,community,community,bank-lobby,daily 00:00-24:00,Asia/Shanghai
CSV
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
cat >"$T/p/playlist.json" <<'JSON'
{"format": 1, "name": "反诈宣传 web test", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#1a4a8a"}],
 "items": [{"id": "slogan", "zone": "main", "type": "text", "mode": "static", "text": "反诈宣传 全民参与", "duration": 10}]}
JSON
publish_sample "$T/p"

# ---- the players ----
# door-2 showed the morning of Wednesday 25 November (its plays posted with its device token)
# and has not been seen since: dark.
DOOR=$(enrol "$ADMIN" door-2)
batch 1 900 >"$T/batch.json"
expect_call 200 POST /api/v1/plays "$DOOR" -H 'Content-Type: application/json' --data-binary @"$T/batch.json"
# lobby-1, a real player: enrolled with a one-time code, it plays an hour of that morning on the
# simulated clock, then plays on in real time through the tests (lit now) with a heartbeat every
# second, taking a screenshot when the hub asks for one.
CODE=$("$SCREENLIT" enroll-code lobby-1 --hub "$URL" --token "$ADMIN" --json | jq -r .code)
expect_rc 0 "$PLAYER" --hub "$URL" --enroll "$CODE" --publisher-key "$KEY" --state-dir "$T/lobby-1" \
    --output "frames:$T/lobby-1-sim" --frames-every 1800 --size 320x180 --poll 1 \
    --clock sim:2026-11-25T09:00:00+08:00 --run 3600
expect_in "$T/err" "enrolled as screen lobby-1"
"$PLAYER" --hub "$URL" --publisher-key "$KEY" --state-dir "$T/lobby-1" --output "frames:$T/lobby-1-live" \
    --frames-every 3600 --size 480x270 --poll 1 --heartbeat-interval 1 --screenshot-interval 0 --run 3600 \
    >"$T/lobby-1.out" 2>"$T/lobby-1.err" &
LOBBY_PID=$!
trap 'kill "$LOBBY_PID" 2>/dev/null || true; wait "$LOBBY_PID" 2>/dev/null || true; stop_hub; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# Ready when the hub sees lobby-1 online (a fresh heartbeat) and door-2 offline.
n=0
until curl -sf -H "Authorization: Bearer $ADMIN" "$URL/api/v1/screens" |
    jq -e '[.screens[] | {(.id): .status}] | add | .["lobby-1"] == "online" and .["door-2"] == "offline"' >/dev/null; do
    n=$((n + 1))
    if [ "$n" -ge 1200 ] || ! kill -0 "$LOBBY_PID" 2>/dev/null; then
        echo "FAIL: the hub never saw lobby-1 online and door-2 offline" >&2
        tail -20 "$T/lobby-1.err" >&2
        exit 1
    fi
    sleep 0.1
done

# ---- the browser ----
set +e
SL_WEB_HUB="$URL" SL_WEB_USERS="$PASSWORDS" SL_WEB_SHOTS="$SHOTS" SL_WEB_DOWNLOADS="$DOWNLOADS" SL_WEB_TMP="$T" SL_WEB_CHROMIUM="$CHROMIUM" \
    SL_WEB_PLAYER="$PLAYER" SL_WEB_KEY="$KEY" SL_WEB_KEYFILE="$T/keys/publisher.key" SL_WEB_SCREENLIT="$SCREENLIT" \
    SL_WEB_ADMIN_TOKEN="$ADMIN" SL_WEB_PUB_TOKEN="$PUB" NODE_PATH="$MOD/node_modules" TMPDIR="$T" \
    node --test-reporter=spec ${SL_WEB_ONLY:+"--test-name-pattern=$SL_WEB_ONLY"} "$WEB/main.js"
rc=$?
set -e
if [ "$rc" -eq 0 ]; then ok; else
    fail "the browser tests failed (exit $rc)"
    echo "    the hub's log:" >&2
    tail -40 "$T/hub.log" | sed 's/^/    | /' >&2
fi
# The hub served all of that and stops cleanly (under the sanitizers: no error, no leak).
stop_hub_clean
echo "screenshots of every page visited: $SHOTS; the files downloaded: $DOWNLOADS"
finish
