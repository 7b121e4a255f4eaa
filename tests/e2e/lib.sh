# lib.sh — shared helpers for the end-to-end tests (sourced, not run).
set -eu

: "${SL_SOURCE_DIR:?run through ctest}"
: "${SL_BUILD_DIR:?run through ctest}"
SCREENLIT="$SL_BUILD_DIR/tools/screenlit"
T=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
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

finish() {
    echo "$checks passed, $failures failed"
    [ "$failures" -eq 0 ]
}

PLAYER="$SL_BUILD_DIR/player/screenlit-player"
IMGCHECK="$SL_BUILD_DIR/tests/imgcheck"

# ---- a real hub on loopback, for the hub and client tests ----
HUB="$SL_BUILD_DIR/tools/screenlit-hub"
HUBPID=
URL=
PORT=

stop_hub() {
    if [ -n "$HUBPID" ]; then
        kill "$HUBPID" 2>/dev/null || true
        wait "$HUBPID" 2>/dev/null || true
        HUBPID=
    fi
}
trap 'stop_hub; rm -rf "$T"' EXIT INT TERM

# start_hub DATA [SERVE ARGS...] — serves DATA on a free loopback port (the
# hub picks it and prints it first; HUB_LISTEN=127.0.0.1:PORT asks for one);
# sets URL (http:// or, with --tls-cert, https://) and PORT, or fails the test.
start_hub() {
    if [ ! -x "$HUB" ]; then
        echo "FAIL: $HUB is not built" >&2
        exit 1
    fi
    data=$1
    shift
    : >"$T/hub.out"
    "$HUB" serve --data "$data" --listen "${HUB_LISTEN:-127.0.0.1:0}" "$@" >"$T/hub.out" 2>"$T/hub.log" &
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

# new_token ROLE — a role token on the hub in $T/hub, printed once.
new_token() {
    "$HUB" token create --data "$T/hub" --role "$1" --name "test-$1" | grep -oE '[0-9a-f]{64}' | head -n 1
}
