# hublib.sh — helpers for the hub's end-to-end tests (sourced after tests/e2e/lib.sh): a real hub on a loopback port, curl calls.
HUB="$SL_BUILD_DIR/tools/screenlit-hub"
MKMANIFEST="$SL_BUILD_DIR/tests/mkmanifest"
DATA="$T/data"
HUB_PID=""
URL=""
HUB_DB_ARGS="" # "--db postgresql://..." to run the hub on PostgreSQL (test_hub_pg.sh)

command -v curl >/dev/null || { echo "SKIP: curl is not installed (apt-get install curl)"; exit 0; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed (apt-get install jq)"; exit 0; }

hub_kill() {
    if [ -n "$HUB_PID" ]; then
        kill -KILL "$HUB_PID" 2>/dev/null || true
        wait "$HUB_PID" 2>/dev/null || true
        HUB_PID=""
    fi
}
trap 'hub_kill; rm -rf "$T"' EXIT
trap 'hub_kill; rm -rf "$T"; exit 1' INT TERM

# hub_start [SERVE ARGS...] — starts `serve` on a free loopback port; sets
# HUB_PID and URL (https:// when the arguments give --tls-cert and --tls-key,
# e.g. those of tls_pki in tests/e2e/lib.sh; then curl needs --cacert).
hub_start() {
    : >"$T/hub.out"
    # shellcheck disable=SC2086 # HUB_DB_ARGS is empty or two words without spaces
    "$HUB" serve --data "$DATA" $HUB_DB_ARGS --listen 127.0.0.1:0 --threads 4 "$@" >"$T/hub.out" 2>>"$T/hub.err" &
    HUB_PID=$!
    i=0
    while [ $i -lt 1200 ]; do
        if grep -q '^listening on ' "$T/hub.out" 2>/dev/null; then
            port=$(sed -n '1s|.*:\([0-9][0-9]*\)/$|\1|p' "$T/hub.out")
            URL="$(sed -n '1s|^listening on \(https\{0,1\}\)://.*|\1|p' "$T/hub.out")://127.0.0.1:$port"
            return 0
        fi
        if ! kill -0 "$HUB_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "FAIL: the hub did not start" >&2
    cat "$T/hub.err" >&2
    exit 1
}

# hub_stop — SIGTERM, and the hub must exit 0.
hub_stop() {
    kill -TERM "$HUB_PID"
    set +e
    wait "$HUB_PID"
    rc=$?
    set -e
    HUB_PID=""
    if [ "$rc" -eq 0 ]; then ok; else fail "the hub exited $rc on SIGTERM"; sed 's/^/    | /' "$T/hub.err" | tail -20 >&2; fi
}

# hub_alive — the hub process runs and answers.
hub_alive() {
    if kill -0 "$HUB_PID" 2>/dev/null && curl -sf "$URL/api/v1/health" >/dev/null; then ok; else
        fail "the hub is down"
        tail -20 "$T/hub.err" >&2
    fi
}

# token ROLE NAME — a new role token (printed).
token() {
    # shellcheck disable=SC2086
    "$HUB" token create --data "$DATA" $HUB_DB_ARGS --role "$1" --name "$2" 2>/dev/null
}

# call METHOD PATH TOKEN [curl args...] — the reply body goes to $T/body,
# headers to $T/headers, and the status code is printed.
call() {
    m=$1
    p=$2
    tok=$3
    rm -f "$T/body"; : >"$T/body"
    shift 3
    if [ -n "$tok" ]; then
        curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $tok" "$@" "$URL$p"
    else
        curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$m" "$@" "$URL$p"
    fi
}

# expect_call WANT METHOD PATH TOKEN [curl args...] — checks the status code;
# a 4xx/5xx reply must have a JSON body with an "error" text.
expect_call() {
    want=$1
    shift
    got=$(call "$@") || true
    if [ "$got" != "$want" ]; then
        fail "$1 $2 gave $got, wanted $want"
        head -c 600 "$T/body" | sed 's/^/    | /' >&2
        echo >&2
        return 0
    fi
    ok
    case "$want" in
    4* | 5*)
        if [ "$1" != HEAD ] && ! jq -e '.error | type == "string"' "$T/body" >/dev/null 2>&1; then
            fail "$1 $2: the $want reply has no JSON error body"
            head -c 300 "$T/body" >&2
        fi
        ;;
    esac
}

# expect_json FILTER — jq -e FILTER holds on the last body.
expect_json() {
    if jq -e "$1" "$T/body" >/dev/null 2>&1; then ok; else
        fail "body does not satisfy: $1"
        head -c 600 "$T/body" | sed 's/^/    | /' >&2
        echo >&2
    fi
}

# expect_header NAME VALUE — the last reply had this header (value is a fixed prefix).
expect_header() {
    if tr -d '\r' <"$T/headers" | grep -qi "^$1: $2"; then ok; else
        fail "no header '$1: $2'"
        sed 's/^/    | /' "$T/headers" >&2
    fi
}

# inventory_csv FILE — a small inventory with a BOM, CRLF and Chinese names.
inventory_csv() {
    printf '\357\273\277id,name,site,region,unit_type,tags,channel,hours,timezone\r\n' >"$1"
    printf 'bank-0412-lobby,工商银行城关支行 大厅,"城关镇, 解放路 12 号",城关镇,bank,bank;lobby,bank-lobby,mon-fri 08:30-17:30; sat 09:00-12:00,Asia/Shanghai\r\n' >>"$1"
    printf 'bus-k1-07,K1 路公交 07 号车 LED,公交公司,县城,bus,bus;led,bus-led,daily 06:00-22:00,Asia/Shanghai\r\n' >>"$1"
    printf 'clinic-3,"社区卫生服务中心 ""东区""",东区,东区,hospital,,bank-lobby,"mon-fri 08:00-12:00,14:00-17:30",+08:00\r\n' >>"$1"
}

# batch FROM TO [EXTRA] — a plays batch with seqs FROM..TO; EXTRA is added to every record.
batch() {
    awk -v a="$1" -v b="$2" -v x="${3:-}" 'BEGIN {
        printf "{\"records\":[";
        for (i = a; i <= b; i++) {
            if (i > a) printf ",";
            printf "{\"seq\":%d,\"item\":\"poster\",\"media_sha256\":\"\",\"manifest_version\":3,\"zone\":\"main\",", i;
            printf "\"start\":\"2026-11-25T%02d:%02d:%02d.%03dZ\",\"clock_trust\":\"synced\",", int(i / 3600) % 24, int(i / 60) % 60, i % 60, i % 1000;
            printf "\"duration_ms\":10000,\"outcome\":\"completed\",\"reason\":\"\"%s}", x;
        }
        printf "]}";
    }'
}

# enrol ADMIN_TOKEN SCREEN — enrols a screen of the inventory; prints its device token.
enrol() {
    code=$(curl -s -H "Authorization: Bearer $1" -d "{\"screen\":\"$2\"}" "$URL/api/v1/enroll-codes" | jq -r .code)
    curl -s -d "{\"code\":\"$code\"}" "$URL/api/v1/enroll" | jq -r .token
}
