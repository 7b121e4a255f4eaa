# lib.sh — the one library of the end-to-end tests (sourced, not run): checks (expect_*), a real
# hub on loopback (start_hub, new_token, call), test certificates (tls_pki), and the fixture of a
# managed screen (managed_screen: hub + enrolled screen + published sample) with its journal checks.
set -eu

: "${SL_SOURCE_DIR:?run through ctest}"
: "${SL_BUILD_DIR:?run through ctest}"
SCREENLIT="$SL_BUILD_DIR/tools/screenlit"
T=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-e2e.XXXXXX")
failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

ok() {
    checks=$((checks + 1))
}

# expect_rc WANT CMD... — runs CMD, output to $T/out and $T/err, checks its exit code.
expect_rc() {
    want=$1
    shift
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "'$*' exited $got, wanted $want"
        sed 's/^/    | /' "$T/out" "$T/err" | head -40 >&2
    else
        ok
    fi
}

# expect_in FILE TEXT — FILE contains TEXT (fixed string).
expect_in() {
    if grep -qF -- "$2" "$1"; then ok; else
        fail "$(basename "$1") lacks: $2"
        sed 's/^/    | /' "$1" | head -40 >&2
    fi
}

expect_not_in() {
    if grep -qF -- "$2" "$1"; then
        fail "$(basename "$1") should not contain: $2"
    else ok; fi
}

# sample_copy DIR — the sample playlist with freshly generated media in DIR.
sample_copy() {
    mkdir -p "$1"
    cp "$SL_SOURCE_DIR/config/sample/playlist.json" "$1/"
    "$SL_SOURCE_DIR/config/sample/make-media.sh" "$1/media" >/dev/null
}

# poster_make FILE RRGGBB — a 640x360 picture of one colour (its format from FILE's extension).
poster_make() {
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=0x$2:s=640x360" -frames:v 1 "$1" ||
        fail "ffmpeg could not make the picture $1"
}

# clip_make FILE SOURCE FRAMES — an H.264 clip of FRAMES frames of the ffmpeg lavfi SOURCE
# (e.g. testsrc2=size=320x240:rate=25) as FILE.
clip_make() {
    mkdir -p "$(dirname "$1")"
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$2" -frames:v "$3" \
        -c:v libx264 -pix_fmt yuv420p "$1" || fail "ffmpeg could not make the clip $1"
}

# clip_playlist ID FILE — $T/s/ID.json: one full-screen zone "main" playing the clip FILE
# (relative to $T/s) as the item ID.
clip_playlist() {
    mkdir -p "$T/s"
    cat >"$T/s/$1.json" <<JSON
{"timezone": "UTC", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "$1", "zone": "main", "type": "video", "file": "$2"}]}
JSON
}

finish() {
    echo "$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

PLAYER="$SL_BUILD_DIR/player/screenlit-player"
IMGCHECK="$SL_BUILD_DIR/tests/imgcheck"
EXIFTAG="$SL_BUILD_DIR/tests/exiftag"

# An ffmpeg lavfi source: a 64x32 picture in four quadrants (red, lime / blue, white), to see
# which way a picture was turned.
QUADRANTS="color=c=red:s=64x32,drawbox=x=32:y=0:w=32:h=16:c=lime:t=fill,drawbox=x=0:y=16:w=32:h=16:c=blue:t=fill,drawbox=x=32:y=16:w=32:h=16:c=white:t=fill"

# pixel_near PNG X,Y RRGGBB — the picture's pixel is within 40 of the colour on every channel.
pixel_near() {
    pn_got=$("$IMGCHECK" pixel "$1" "$2")
    if awk -v a="$pn_got" -v b="$3" 'function h(s, i) { return index("0123456789ABCDEF", substr(toupper(s), i, 1)) - 1 }
        function c(s, k) { return h(s, 2 * k + 1) * 16 + h(s, 2 * k + 2) }
        BEGIN { for (k = 0; k < 3; k++) { d = c(a, k) - c(b, k); if (d > 40 || d < -40) exit 1 } }'; then ok
    else fail "$(basename "$1") at $2: $pn_got, wanted about $3"; fi
}

# ---- a real hub on loopback, for the hub, client and managed-screen tests ----
HUB="$SL_BUILD_DIR/tools/screenlit-hub"
MKMANIFEST="$SL_BUILD_DIR/tests/mkmanifest"
DATA="$T/hub"     # the hub's data folder
HUB_DB_ARGS=""    # "--db postgresql://..." runs start_hub and new_token on PostgreSQL (test_hub_pg.sh)
HUBPID=
URL=
PORT=

# need CMD... — the test skips (exit 77) without one of these commands.
need() {
    for need_cmd in "$@"; do
        command -v "$need_cmd" >/dev/null ||
            { echo "SKIP: $need_cmd is not installed (apt-get install $need_cmd)"; exit 77; }
    done
}

# stop_hub — stops the hub (SIGTERM) and waits for it; nothing when none runs.
stop_hub() {
    if [ -n "$HUBPID" ]; then
        kill "$HUBPID" 2>/dev/null || true
        wait "$HUBPID" 2>/dev/null || true
        HUBPID=
    fi
}

# kill_hub — the same with SIGKILL (cleanup that must not wait on a stuck hub).
kill_hub() {
    if [ -n "$HUBPID" ]; then
        kill -KILL "$HUBPID" 2>/dev/null || true
        wait "$HUBPID" 2>/dev/null || true
        HUBPID=
    fi
}
trap 'stop_hub; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# stop_hub_clean — a check: on SIGTERM the hub exits 0.
stop_hub_clean() {
    kill -TERM "$HUBPID"
    set +e
    wait "$HUBPID"
    rc=$?
    set -e
    HUBPID=
    if [ "$rc" -eq 0 ]; then ok; else fail "the hub exited $rc on SIGTERM"; sed 's/^/    | /' "$T/hub.log" | tail -20 >&2; fi
}

# hub_alive — a check: the hub process runs and answers.
hub_alive() {
    if kill -0 "$HUBPID" 2>/dev/null && curl -sf "$URL/api/v1/health" >/dev/null; then ok; else
        fail "the hub is down"
        tail -20 "$T/hub.log" >&2
    fi
}

# start_hub DATA [SERVE ARGS...] — serves DATA (with HUB_DB_ARGS, four worker threads unless
# the arguments say otherwise) on a free loopback port (the hub picks it and prints it first;
# HUB_LISTEN=127.0.0.1:PORT asks for one); its log goes to $T/hub.log. Sets HUBPID, URL
# (http:// or, with --tls-cert, https://; curl then needs --cacert) and PORT, or stops the test.
start_hub() {
    if [ ! -x "$HUB" ]; then
        echo "FAIL: $HUB is not built" >&2
        exit 1
    fi
    data=$1
    shift
    : >"$T/hub.out"
    # shellcheck disable=SC2086 # HUB_DB_ARGS is empty or words without spaces
    "$HUB" serve --data "$data" $HUB_DB_ARGS --listen "${HUB_LISTEN:-127.0.0.1:0}" --threads 4 "$@" \
        >"$T/hub.out" 2>"$T/hub.log" &
    HUBPID=$!
    i=0
    while [ "$i" -lt 1200 ] && kill -0 "$HUBPID" 2>/dev/null; do
        URL=$(sed -n 's|^listening on \(https\{0,1\}://[^/]*\)/$|\1|p' "$T/hub.out" | head -n 1)
        if [ -n "$URL" ]; then
            PORT=${URL##*:}
            return 0
        fi
        i=$((i + 1))
        sleep 0.1
    done
    echo "FAIL: the hub did not start" >&2
    sed 's/^/    | /' "$T/hub.log" >&2
    exit 1
}

# start_hub_tls DATA DIR [SERVE ARGS...] — start_hub with DIR/hub.crt and
# DIR/hub.key (made by tls_pki DIR): URL is https://127.0.0.1:PORT.
start_hub_tls() {
    data=$1
    dir=$2
    shift 2
    start_hub "$data" --tls-cert "$dir/hub.crt" --tls-key "$dir/hub.key" "$@"
}

# tls_pki DIR — a private CA and certificates for https tests, made with the
# openssl command (EC P-256; the test skips, exit 77, without openssl):
#   ca.crt          the test CA (ca.key its key): what players and the CLI pin
#   hub.crt/.key    the hub's certificate for 127.0.0.1 and localhost, by ca
#   other.crt/.key  the same names, signed by another CA (other-ca.crt)
#   expired.crt/.key  by ca, valid only on 1-2 January 2020
#   future.crt/.key   by ca, valid only from 2090
#   wrongname.crt/.key  by ca, for hub.elsewhere.example only
#   self.crt/.key   a self-signed certificate for 127.0.0.1 (pinned as itself)
TLS_EC="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
tls_pki() {
    command -v openssl >/dev/null || { echo "SKIP: openssl is not installed (apt-get install openssl)"; exit 77; }
    tls_d=$1
    mkdir -p "$tls_d/ca-db"
    for tls_ca in ca other-ca; do
        # shellcheck disable=SC2086 # $TLS_EC is several words on purpose
        openssl req -x509 $TLS_EC -keyout "$tls_d/$tls_ca.key" -out "$tls_d/$tls_ca.crt" -days 3650 \
            -subj "/CN=screenlit test $tls_ca" -addext basicConstraints=critical,CA:TRUE \
            -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    done
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
        "DNS:localhost,IP:127.0.0.1" >"$tls_d/ext.cnf"
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' \
        "DNS:hub.elsewhere.example" >"$tls_d/ext-wrong.cnf"
    tls_pki_cert "$tls_d" hub ca ext.cnf -days 30
    tls_pki_cert "$tls_d" other other-ca ext.cnf -days 30
    tls_pki_cert "$tls_d" wrongname ca ext-wrong.cnf -days 30
    # openssl 3.0's x509 cannot backdate; `openssl ca` takes a start and an end date.
    # shellcheck disable=SC2086
    openssl req $TLS_EC -keyout "$tls_d/expired.key" -out "$tls_d/expired.csr" -subj "/CN=expired" 2>/dev/null
    : >"$tls_d/ca-db/index.txt"
    echo 1000 >"$tls_d/ca-db/serial"
    printf '[ca]\ndefault_ca = test\n[test]\ndatabase = %s\nnew_certs_dir = %s\nserial = %s\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n' \
        "$tls_d/ca-db/index.txt" "$tls_d/ca-db" "$tls_d/ca-db/serial" >"$tls_d/ca.cnf"
    openssl ca -batch -config "$tls_d/ca.cnf" -cert "$tls_d/ca.crt" -keyfile "$tls_d/ca.key" -in "$tls_d/expired.csr" \
        -out "$tls_d/expired.crt" -startdate 20200101000000Z -enddate 20200102000000Z -extfile "$tls_d/ext.cnf" \
        -notext 2>/dev/null
    # shellcheck disable=SC2086
    openssl req $TLS_EC -keyout "$tls_d/future.key" -out "$tls_d/future.csr" -subj "/CN=future" 2>/dev/null
    openssl ca -batch -config "$tls_d/ca.cnf" -cert "$tls_d/ca.crt" -keyfile "$tls_d/ca.key" -in "$tls_d/future.csr" \
        -out "$tls_d/future.crt" -startdate 20900101000000Z -enddate 20910101000000Z -extfile "$tls_d/ext.cnf" \
        -notext 2>/dev/null
    # shellcheck disable=SC2086
    openssl req -x509 $TLS_EC -keyout "$tls_d/self.key" -out "$tls_d/self.crt" -days 30 -subj "/CN=127.0.0.1" \
        -addext subjectAltName=IP:127.0.0.1 2>/dev/null
    chmod 600 "$tls_d"/*.key
    for tls_f in ca hub other expired future wrongname self; do
        [ -s "$tls_d/$tls_f.crt" ] || { echo "FAIL: openssl did not make $tls_f.crt" >&2; exit 1; }
    done
}

# tls_pki_cert DIR NAME CA EXTFILE [x509 args...] — DIR/NAME.key and DIR/NAME.crt signed by DIR/CA.
tls_pki_cert() {
    tls_d=$1
    tls_n=$2
    tls_ca=$3
    tls_ext=$4
    shift 4
    # shellcheck disable=SC2086
    openssl req $TLS_EC -keyout "$tls_d/$tls_n.key" -out "$tls_d/$tls_n.csr" -subj "/CN=$tls_n" 2>/dev/null
    openssl x509 -req -in "$tls_d/$tls_n.csr" -CA "$tls_d/$tls_ca.crt" -CAkey "$tls_d/$tls_ca.key" \
        -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" -extfile "$tls_d/$tls_ext" \
        -out "$tls_d/$tls_n.crt" "$@" 2>/dev/null
}

# wait_in FILE TEXT SECONDS — waits until FILE contains TEXT (fixed string);
# returns 1 after SECONDS.
wait_in() {
    n=0
    while [ "$n" -lt $(($3 * 10)) ]; do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}

# new_token ROLE [NAME] — a new token of ROLE on the hub's store (DATA, HUB_DB_ARGS), named NAME
# (default test-ROLE); prints it, shown this once.
new_token() {
    # shellcheck disable=SC2086
    "$HUB" token create --data "$DATA" $HUB_DB_ARGS --role "$1" --name "${2:-test-$1}"
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

# load_inventory — that inventory in $T/inv.csv, put to the hub with ADMIN's token: a check (200).
load_inventory() {
    inventory_csv "$T/inv.csv"
    expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
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

# ---- a managed screen of a real hub: the fixture of the fault and records tests ----
SCREEN=lobby-1 # the screen the fixture enrols
J=             # its journal (STATE/journal.db), read by last_seq, pending, expect_exactly_once
PL=            # the pid of a player running in the background (wait_log)

# hub_keys — a publisher key pair in $T/keys (KEY: its public key, as a screen pins it), held by
# the hub's store DATA, and tokens ADMIN and PUB.
hub_keys() {
    "$SCREENLIT" keygen --out "$T/keys" >/dev/null
    mkdir -p "$DATA"
    "$HUB" key add --data "$DATA" "$T/keys/publisher.pub" >/dev/null
    ADMIN=$(new_token admin)
    PUB=$(new_token publisher)
    KEY=$(cut -d' ' -f2 "$T/keys/publisher.pub")
}

# inventory_screen [HOURS [TIMEZONE]] — SCREEN alone in the hub's inventory, on channel
# bank-lobby, open HOURS (default mon-fri 08:30-17:30) in TIMEZONE (default Asia/Shanghai).
inventory_screen() {
    printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\n%s,Lobby,Branch,Town,bank,bank;lobby,bank-lobby,%s,%s\n' \
        "$SCREEN" "${1:-mon-fri 08:30-17:30}" "${2:-Asia/Shanghai}" >"$T/inv.csv"
    expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
}

# publish_sample DIR — publishes DIR/playlist.json (e.g. made by sample_copy) on bank-lobby.
publish_sample() {
    expect_rc 0 "$SCREENLIT" publish "$1/playlist.json" --hub "$URL" --token "$PUB" --channel bank-lobby \
        --key "$T/keys/publisher.key"
}

# hub_with_sample DIR — a real hub with keys (hub_keys), SCREEN in its inventory, and the sample
# campaign copied into DIR and published on bank-lobby: what a board enrolling for the first time finds.
hub_with_sample() {
    sample_copy "$1"
    hub_keys
    start_hub "$DATA"
    inventory_screen
    publish_sample "$1"
}

# enrol_screen HUB_URL STATE [PLAYER ARGS...] — a one-time code for SCREEN (CODE), then a first
# short run of the player (--output null --size 160x90 --poll 1, then PLAYER ARGS: --run and
# --clock) that enrols with it at HUB_URL into the state folder STATE. It must sync version 1
# and start its journal (J is set to it), else the test stops there.
enrol_screen() {
    es_hub=$1
    es_state=$2
    shift 2
    J="$es_state/journal.db"
    expect_rc 0 "$SCREENLIT" enroll-code "$SCREEN" --hub "$URL" --token "$ADMIN" --json
    CODE=$(jq -r .code "$T/out")
    expect_rc 0 "$PLAYER" --hub "$es_hub" --enroll "$CODE" --publisher-key "$KEY" --state-dir "$es_state" \
        --output null --size 160x90 --poll 1 "$@"
    expect_in "$T/err" "sync: switched to manifest 1"
    if [ ! -f "$es_state/current.manifest" ] || [ ! -f "$J" ]; then
        fail "the first run did not sync the manifest or create the journal"
        finish
        exit 1
    fi
}

# managed_screen SRC [PLAYER ARGS...] — the whole fixture: a hub (hub_keys, start_hub) with SCREEN
# in its inventory, SRC/playlist.json published as version 1 of bank-lobby, and the screen enrolled
# into $T/st and synced (enrol_screen; PLAYER ARGS default to 5 s from 09:00 on 25 November 2026).
managed_screen() {
    ms_src=$1
    shift
    [ "$#" -gt 0 ] || set -- --run 5 --clock from:2026-11-25T09:00:00+08:00
    hub_keys
    start_hub "$DATA"
    inventory_screen
    publish_sample "$ms_src"
    enrol_screen "$URL" "$T/st" "$@"
}

# start_faultproxy NAME UPSTREAM-PORT [OPTION...] — tests/tools/faultproxy.c in front of loopback
# port UPSTREAM-PORT with OPTIONs, its counts in $T/NAME.stats; sets NAME_PID and NAME_PORT (the
# port it listens on) and adds the pid to PROXIES, or stops the test.
FAULTPROXY="$SL_BUILD_DIR/tests/faultproxy"
PROXIES=
start_faultproxy() {
    fp_name=$1
    fp_up=$2
    shift 2
    rm -f "$T/$fp_name.out"
    "$FAULTPROXY" --upstream "127.0.0.1:$fp_up" --stats "$T/$fp_name.stats" "$@" \
        >"$T/$fp_name.out" 2>"$T/$fp_name.err" &
    eval "${fp_name}_PID=$!"
    PROXIES="$PROXIES $!"
    n=0
    while [ "$n" -lt 1200 ] && [ ! -s "$T/$fp_name.out" ]; do sleep 0.1; n=$((n + 1)); done
    fp_port=$(head -n 1 "$T/$fp_name.out")
    [ -n "$fp_port" ] || { echo "FAIL: the $fp_name proxy did not start" >&2; cat "$T/$fp_name.err" >&2; exit 1; }
    eval "${fp_name}_PORT=$fp_port"
}

# expect_cached STATE — checks: every medium STATE/current.manifest names is in STATE/media, whole.
expect_cached() {
    for sha in $(jq -r '.payload | fromjson | .items[] | select(.sha256) | .sha256' "$1/current.manifest"); do
        [ "$(sha256sum "$1/media/$sha" | cut -d' ' -f1)" = "$sha" ] && ok || fail "medium $sha missing or wrong in the cache"
    done
}

# last_seq — the highest seq the journal J ever gave a play (0 before any, or without a journal).
last_seq() {
    sqlite3 "$J" "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'plays'), 0)" 2>/dev/null || echo 0
}

# pending — how many plays of J the hub has not acknowledged yet.
pending() {
    sqlite3 "$J" 'SELECT count(*) FROM plays'
}

# wait_seq SEQ — waits (at most 120 s) until the journal J has given a play seq SEQ, or until the
# player PL (when set) stops.
wait_seq() {
    n=0
    while [ "$n" -lt 1200 ] && [ "$(last_seq)" -lt "$1" ]; do
        [ -z "$PL" ] || kill -0 "$PL" 2>/dev/null || break
        sleep 0.1
        n=$((n + 1))
    done
}

# wait_log TEXT SECONDS — polls the log of the player PL ($T/p.err) for TEXT while it runs; true
# once it is there.
wait_log() {
    n=0
    while [ "$n" -lt $(($2 * 10)) ] && ! grep -qF -- "$1" "$T/p.err"; do
        kill -0 "$PL" 2>/dev/null || break
        sleep 0.1
        n=$((n + 1))
    done
    grep -qF -- "$1" "$T/p.err"
}

# hub_records FIELD... — every record the hub holds for SCREEN, page by page: the FIELDs (seq
# first) joined by | a line, into $T/hub.rec.
hub_records() {
    hr_sel=$(printf '.%s, ' "$@")
    : >"$T/hub.rec"
    after=0
    while :; do
        curl -sf -H "Authorization: Bearer $ADMIN" \
            "$URL/api/v1/plays?screen=$SCREEN&after_seq=$after&limit=1000" >"$T/page.json" || {
            fail "GET /api/v1/plays failed"
            break
        }
        jq -r ".records[] | [${hr_sel%, }] | map(tostring) | join(\"|\")" "$T/page.json" >"$T/page.txt"
        [ -s "$T/page.txt" ] || break
        cat "$T/page.txt" >>"$T/hub.rec"
        after=$(tail -n 1 "$T/page.txt" | cut -d'|' -f1)
    done
}

# expect_exactly_once LAST — checks: $T/hub.rec (hub_records seq item …) holds seqs 1..LAST, each
# once, and per item as many records as the journal J counts in item_totals.
expect_exactly_once() {
    hub_n=$(wc -l <"$T/hub.rec")
    [ "$hub_n" -eq "$1" ] && ok || fail "the hub holds $hub_n records; the journal committed $1"
    seq 1 "$1" >"$T/want.seq"
    cut -d'|' -f1 "$T/hub.rec" | sort -n >"$T/got.seq"
    if cmp -s "$T/want.seq" "$T/got.seq"; then ok; else
        sort -u "$T/got.seq" >"$T/got.lex"
        fail "the hub's seqs are not exactly 1..$1, each once: missing $(sort "$T/want.seq" | comm -23 - "$T/got.lex" | sort -n | head -5 | tr '\n' ' ')… doubled $(uniq -d "$T/got.seq" | head -5 | tr '\n' ' ')…"
    fi
    sqlite3 -separator '|' "$J" 'SELECT item, plays FROM item_totals' | sort >"$T/want.items"
    cut -d'|' -f2 "$T/hub.rec" | sort | uniq -c | awk '{ print $2 "|" $1 }' | sort >"$T/got.items"
    if cmp -s "$T/want.items" "$T/got.items"; then ok; else
        fail "per item, the hub's counts differ from the journal's (item|committed vs item|at the hub):"
        paste -d' ' "$T/want.items" "$T/got.items" | sed 's/^/    | /' >&2
    fi
}

# stick_screen PLAYLIST CHANNEL HOURS SIZE FROM — a screen without a network whose plays reach a
# real hub by stick: a hub (hub_keys, start_hub; AUD an auditor token) whose inventory holds
# SCREEN on CHANNEL, required HOURS in Asia/Shanghai; PLAYLIST published there as version 1 and
# bundled on a stick as the same version; the player plays it from the stick for an hour on the
# simulated clock from FROM (--size SIZE, state $T/st, J its journal); its plays are exported and
# imported into the hub (`screenlit records import`), each once.
stick_screen() {
    hub_keys
    start_hub "$DATA"
    AUD=$(new_token auditor)
    J="$T/st/journal.db"
    printf 'id,name,channel,hours,timezone\n%s,屏幕,%s,%s,Asia/Shanghai\n' "$SCREEN" "$2" "$3" >"$T/inv.csv"
    expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
    expect_rc 0 "$SCREENLIT" publish "$1" --hub "$URL" --token "$PUB" --channel "$2" --key "$T/keys/publisher.key"
    expect_in "$T/out" "published channel $2 version 1"
    expect_rc 0 "$SCREENLIT" bundle "$1" --key "$T/keys/publisher.key" --out "$T/usb" --version 1
    expect_rc 0 "$PLAYER" --usb-path "$T/usb" --publisher-key "$KEY" --screen-id "$SCREEN" --state-dir "$T/st" \
        --output null --size "$4" --clock "sim:$5" --run 3600
    expect_in "$T/err" "switched to manifest 1"
    expect_rc 0 "$PLAYER" --export-records "$T/usb" --state "$T/st"
    expect_rc 0 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
    hub_records seq item
    expect_exactly_once "$(last_seq)"
}

# ---- the web console (tools/hub/CONSOLE.md) ----

# new_user ROLE NAME PASSWORD — a person who logs in to the console, on the hub's store (DATA,
# HUB_DB_ARGS): a check (exit 0).
new_user() {
    # shellcheck disable=SC2086
    printf '%s\n' "$3" | expect_rc 0 "$HUB" user add "$2" --role "$1" --data "$DATA" $HUB_DB_ARGS
}

# code_is WANT GOT WHAT — a check of a status code (the last reply's headers and body shown when wrong).
code_is() {
    if [ "$2" = "$1" ]; then ok; else
        fail "$3: status $2, wanted $1"
        [ -f "$T/headers" ] && sed 's/^/    | /' "$T/headers" >&2
        head -c 800 "$T/body" | sed 's/^/    | /' >&2
        echo >&2
    fi
}

# body_has TEXT / body_lacks TEXT — the last body has (not) TEXT; header_has TEXT — its headers have TEXT.
body_has() { expect_in "$T/body" "$1"; }
body_lacks() { expect_not_in "$T/body" "$1"; }
header_has() { expect_in "$T/headers" "$1"; }

# header_line REGEX — the last reply has a header line matching REGEX (grep -E, CR removed).
header_line() {
    if tr -d '\r' <"$T/headers" | grep -qE "$1"; then ok; else
        fail "no header line matching: $1"
        sed 's/^/    | /' "$T/headers" >&2
    fi
}

# valid_html — the last body is HTML in which tidy (when installed) finds no fault but one about an
# attribute HTML has and Debian 12's tidy does not know (<img loading>, SVG's).
valid_html() {
    command -v tidy >/dev/null 2>&1 || return 0
    tidy -q -e "$T/body" >"$T/tidy" 2>&1 || true
    if grep -E 'Warning|Error' "$T/tidy" |
        grep -vE '<img> proprietary attribute "loading"|<(svg|rect|text|g|path|line|polyline|title)> proprietary attribute' >"$T/tidy.bad"; then
        fail "tidy finds faults in the page"
        sed 's/^/    | /' "$T/tidy.bad" >&2
    else ok; fi
}

# console_get JAR PATH [curl args...] — GETs PATH of the hub with the cookie jar JAR (read and
# written); body to $T/body, headers to $T/headers; prints the status code.
console_get() {
    cg_jar=$1
    cg_path=$2
    shift 2
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$cg_jar" -c "$cg_jar" "$@" "$URL$cg_path"
}

# console_csrf — the CSRF token of the last page (its first form's csrf field).
console_csrf() {
    sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$T/body" | head -n 1
}

# console_post JAR PATH [curl args...] — POSTs to PATH the CSRF token of the last page and the
# fields given as curl arguments (e.g. --data-urlencode "user=wang"); prints the status code.
console_post() {
    cp_jar=$1
    cp_path=$2
    shift 2
    cp_csrf=$(console_csrf)
    curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$cp_jar" -c "$cp_jar" \
        --data-urlencode "csrf=$cp_csrf" "$@" "$URL$cp_path"
}

# console_login JAR NAME PASSWORD [NEXT] — opens the login page, then logs in; prints the status
# code of the login (303 when it worked), the reply in $T/body and $T/headers.
console_login() {
    console_get "$1" "/console/login" >/dev/null
    set -- "$1" "$2" "$3" "${4:-}"
    console_post "$1" /console/login --data-urlencode "user=$2" --data-urlencode "password=$3" \
        --data-urlencode "next=$4"
}
