#!/bin/sh
# run.sh — hub benchmarks: play ingest rate, and 304 manifest polls side by side with nginx (tests/bench/README.md).
#
# Usage: tests/bench/run.sh            (builds Release in build-bench, runs everything on loopback)
# Environment (all optional):
#   SL_BUILD_DIR      build folder (default: <source>/build-bench); BENCH_NO_BUILD=1 uses it as it is
#   BENCH_RUNS        runs of each measurement, the median is reported (default 3, at most 9)
#   BENCH_SECONDS     seconds of each ingest run (default 10, at most 120)
#   BENCH_SCREENS     simulated screens (default 64), BENCH_BATCH records per batch (default 500)
#   WRK_SECONDS       seconds of each wrk run (default 10, at most 120)
#   WRK_THREADS       wrk threads (default 2), WRK_CONNECTIONS (default 64)
#   HUB_THREADS       the hub's --threads (default: the hub's own default, one per CPU)
#   HUB_AUTH_CACHE_MS the hub's --auth-cache-ms (default: the hub's own, 1000; 0 = every poll reads the store)
#   BENCH_OUT         the JSON results (default tests/bench/results/latest.json)
set -eu

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${SL_BUILD_DIR:-$SRC/build-bench}
RUNS=${BENCH_RUNS:-3}
SECONDS_INGEST=${BENCH_SECONDS:-10}
SCREENS=${BENCH_SCREENS:-64}
BATCH=${BENCH_BATCH:-500}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
OUT=${BENCH_OUT:-$SRC/tests/bench/results/latest.json}
INGEST_TARGET=50000
POLL_TARGET=0.5

num_in() { # num_in VALUE MIN MAX NAME — refuses values outside [MIN, MAX]
    case "$1" in '' | *[!0-9]*) echo "run.sh: $4=$1 is not a whole number" >&2; exit 2 ;; esac
    if [ "$1" -lt "$2" ] || [ "$1" -gt "$3" ]; then
        echo "run.sh: $4=$1 must be from $2 to $3" >&2
        exit 2
    fi
}
num_in "$RUNS" 1 9 BENCH_RUNS
num_in "$SECONDS_INGEST" 1 120 BENCH_SECONDS
num_in "$SCREENS" 1 256 BENCH_SCREENS
num_in "$BATCH" 1 1000 BENCH_BATCH
num_in "$WRK_SECONDS" 1 120 WRK_SECONDS
num_in "$WRK_THREADS" 1 64 WRK_THREADS
num_in "$WRK_CONNECTIONS" 1 4096 WRK_CONNECTIONS
[ -z "${HUB_THREADS:-}" ] || num_in "$HUB_THREADS" 1 256 HUB_THREADS
[ -z "${HUB_AUTH_CACHE_MS:-}" ] || num_in "$HUB_AUTH_CACHE_MS" 0 60000 HUB_AUTH_CACHE_MS

# ---- what the machine has ------------------------------------------------
missing=""
for tool in cmake:cmake curl:curl jq:jq sqlite3:sqlite3; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
    echo "run.sh: missing Debian packages:$missing (apt-get install$missing, or tools/setup-debian.sh)" >&2
    exit 2
fi
poll_missing=""
command -v wrk >/dev/null 2>&1 || poll_missing="$poll_missing wrk"
NGINX=$(command -v nginx 2>/dev/null || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || poll_missing="$poll_missing nginx"
if [ -n "$poll_missing" ]; then
    echo "run.sh: the poll benchmark needs Debian packages:$poll_missing (apt-get install$poll_missing);" \
        "it is skipped" >&2
fi

# ---- build -----------------------------------------------------------------
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
    echo "== building (Release) in $BUILD"
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSL_WERROR=ON -DSL_TESTS=ON >"$BUILD.cmake.log" 2>&1 ||
        { cat "$BUILD.cmake.log" >&2; exit 2; }
    rm -f "$BUILD.cmake.log"
    cmake --build "$BUILD" -j"$(nproc)" --target screenlit-hub screenlit mkmanifest bench_ingest >/dev/null ||
        { echo "run.sh: the build failed" >&2; exit 2; }
fi
HUB="$BUILD/tools/screenlit-hub"
SCREENLIT="$BUILD/tools/screenlit"
MKMANIFEST="$BUILD/tests/mkmanifest"
INGEST="$BUILD/tests/bench_ingest"
for b in "$HUB" "$SCREENLIT" "$MKMANIFEST" "$INGEST"; do
    [ -x "$b" ] || { echo "run.sh: $b is missing (build first)" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/screenlit-bench.XXXXXX")
HUB_PID=""
NGINX_PID=""
cleanup() {
    [ -z "$HUB_PID" ] || { kill -KILL "$HUB_PID" 2>/dev/null || true; wait "$HUB_PID" 2>/dev/null || true; }
    [ -z "$NGINX_PID" ] || { kill -QUIT "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; }
    rm -rf "$T"
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM

# median FILE — the median of the numbers in FILE, one a line.
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2];
        else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ---- a hub with 64 screens and a published manifest --------------------------
"$SCREENLIT" keygen --out "$T/keys" >/dev/null
mkdir -p "$T/pl"
cat >"$T/pl/playlist.json" <<'JSON'
{"format": 1, "name": "bench", "timezone": "Asia/Shanghai",
 "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "slogan", "zone": "main", "type": "text", "text": "防范电信网络诈骗 — benchmark", "duration": 20},
           {"id": "notice", "zone": "main", "type": "text", "text": "营业时间 08:30-17:30", "duration": 10}]}
JSON
"$MKMANIFEST" "$T/pl/playlist.json" bench 1 "$T/keys/publisher.key" >"$T/manifest.json"
{
    printf 'id,name,site,region,unit_type,tags,channel,hours,timezone\n'
    i=0
    while [ $i -lt "$SCREENS" ]; do
        printf 'bench-%02d,屏幕 %d,站点 %d,县城,bank,bench,bench,mon-fri 08:30-17:30,Asia/Shanghai\n' $i $i $i
        i=$((i + 1))
    done
} >"$T/inv.csv"

# hub_up — a fresh data folder, tokens, key, inventory, manifest; a running hub at $URL.
hub_up() {
    DATA="$T/data"
    rm -rf "$DATA"
    ADMIN=$("$HUB" token create --data "$DATA" --role admin --name bench-admin 2>/dev/null)
    PUB=$("$HUB" token create --data "$DATA" --role publisher --name bench-pub 2>/dev/null)
    "$HUB" key add --data "$DATA" --name bench "$T/keys/publisher.pub" >/dev/null
    : >"$T/hub.out"
    set -- serve --data "$DATA" --listen 127.0.0.1:0 --log-level warn
    [ -z "${HUB_THREADS:-}" ] || set -- "$@" --threads "$HUB_THREADS"
    [ -z "${HUB_AUTH_CACHE_MS:-}" ] || set -- "$@" --auth-cache-ms "$HUB_AUTH_CACHE_MS"
    "$HUB" "$@" >"$T/hub.out" 2>>"$T/hub.err" &
    HUB_PID=$!
    i=0
    URL=""
    while [ $i -lt 100 ] && [ -z "$URL" ]; do
        if grep -q '^listening on ' "$T/hub.out" 2>/dev/null; then
            URL="http://127.0.0.1:$(sed -n '1s|.*:\([0-9][0-9]*\)/$|\1|p' "$T/hub.out")"
        elif ! kill -0 "$HUB_PID" 2>/dev/null; then
            break
        else
            sleep 0.1
        fi
        i=$((i + 1))
    done
    [ -n "$URL" ] || { echo "run.sh: the hub did not start" >&2; cat "$T/hub.err" >&2; exit 1; }
    code=$(curl -s -o "$T/r" -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN" \
        -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv" "$URL/api/v1/inventory")
    [ "$code" = 200 ] || { echo "run.sh: inventory import gave $code: $(cat "$T/r")" >&2; exit 1; }
    code=$(curl -s -o "$T/r" -w '%{http_code}' -H "Authorization: Bearer $PUB" \
        --data-binary @"$T/manifest.json" "$URL/api/v1/channels/bench/manifests")
    [ "$code" = 201 ] || { echo "run.sh: publishing gave $code: $(cat "$T/r")" >&2; exit 1; }
}

hub_down() {
    kill -TERM "$HUB_PID"
    wait "$HUB_PID" || { echo "run.sh: the hub exited $? on SIGTERM" >&2; exit 1; }
    HUB_PID=""
}

# ---- 1. play ingest ----------------------------------------------------------
echo "== play ingest: $SCREENS screens x $BATCH records per batch, ${SECONDS_INGEST} s, $RUNS runs"
: >"$T/ingest.rates"
r=1
while [ "$r" -le "$RUNS" ]; do
    hub_up
    "$INGEST" --url "$URL" --admin "$ADMIN" --screens "$SCREENS" --batch "$BATCH" --seconds "$SECONDS_INGEST" \
        --tokens-out "$T/tokens" --json "$T/ingest-$r.json" | sed "s/^/  run $r: /"
    [ -s "$T/ingest-$r.json" ] || { echo "run.sh: run $r: the load generator failed" >&2; cat "$T/hub.err" >&2; exit 1; }
    # The hub's own database must hold exactly what was sent (after the hub stops cleanly).
    if [ "$r" -lt "$RUNS" ] || [ -n "$poll_missing" ]; then
        hub_down
    fi
    held=$(sqlite3 "$DATA/hub.db" 'SELECT count(*) FROM plays')
    sent=$(jq .sent "$T/ingest-$r.json")
    if [ "$held" != "$sent" ] || [ "$(jq .verified "$T/ingest-$r.json")" != true ]; then
        echo "run.sh: run $r: the hub holds $held records, $sent were sent" >&2
        exit 1
    fi
    jq .records_per_s "$T/ingest-$r.json" >>"$T/ingest.rates"
    r=$((r + 1))
done
INGEST_RATE=$(median "$T/ingest.rates")

# ---- 2. 304 manifest polls: the hub and nginx --------------------------------
HUB_RPS=0
NGINX_RPS=0
HUB_CPU_US=0
NGINX_CPU_US=0
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
# ticks PID — CPU time (user + system, clock ticks) used so far by PID and its
# child processes (nginx's workers); a measure that a busy shared machine
# disturbs less than requests per second.
ticks() {
    for p in "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); do
        awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null
    done | awk '{ s += $1 } END { print s + 0 }'
}
if [ -z "$poll_missing" ]; then
    echo "== manifest polls answered 304: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s, $RUNS runs each"
    # nginx serves the same envelope at the same path, with its own ETag.
    mkdir -p "$T/nginx/www/api/v1" "$T/nginx/tmp" "$T/nginx/logs"
    cp "$T/manifest.json" "$T/nginx/www/api/v1/manifest"
    user_line=""
    [ "$(id -u)" -ne 0 ] || user_line="user root root;"
    port=""
    tries=0
    while [ -z "$port" ] && [ $tries -lt 8 ]; do
        tries=$((tries + 1))
        p=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
        cat >"$T/nginx/nginx.conf" <<EOF
$user_line
worker_processes auto;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $T/nginx/tmp/body;
    proxy_temp_path $T/nginx/tmp/proxy;
    fastcgi_temp_path $T/nginx/tmp/fastcgi;
    uwsgi_temp_path $T/nginx/tmp/uwsgi;
    scgi_temp_path $T/nginx/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$p;
        root $T/nginx/www;
        location = /api/v1/manifest {
            default_type application/json;
            add_header Cache-Control no-cache;
        }
    }
}
EOF
        "$NGINX" -p "$T/nginx/" -e "$T/nginx/logs/error.log" -c "$T/nginx/nginx.conf" 2>>"$T/nginx/start.err" &
        NGINX_PID=$!
        i=0
        while [ $i -lt 50 ]; do
            if curl -s -o /dev/null "http://127.0.0.1:$p/api/v1/manifest"; then
                port=$p
                break
            fi
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.1
            i=$((i + 1))
        done
        if [ -z "$port" ]; then
            kill -QUIT "$NGINX_PID" 2>/dev/null || true
            wait "$NGINX_PID" 2>/dev/null || true
            NGINX_PID=""
        fi
    done
    [ -n "$port" ] || { echo "run.sh: nginx did not start" >&2; cat "$T/nginx/start.err" "$T/nginx/logs/error.log" >&2; exit 1; }
    NGINX_URL="http://127.0.0.1:$port"

    TOKEN=$(head -n 1 "$T/tokens")
    etag_of() { curl -s -D - -o /dev/null -H "Authorization: Bearer $TOKEN" "$1/api/v1/manifest" |
        tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p'; }
    HUB_ETAG=$(etag_of "$URL")
    NGINX_ETAG=$(etag_of "$NGINX_URL")
    # wrk script: every thread polls as one of the enrolled screens, with the current ETag.
    mklua() { # mklua ETAG FILE
        {
            printf 'local tokens = {'
            sed 's/.*/"&",/' "$T/tokens" | tr -d '\n'
            printf '}\nlocal etag = [[%s]]\nlocal n = 0\n' "$1"
            cat <<'LUA'
function setup(thread)
    n = n + 1
    thread:set("token", tokens[(n - 1) % #tokens + 1])
end
function init(args)
    wrk.method = "GET"
    wrk.headers["Authorization"] = "Bearer " .. token
    wrk.headers["If-None-Match"] = etag
end
LUA
        } >"$2"
    }
    mklua "$HUB_ETAG" "$T/hub.lua"
    mklua "$NGINX_ETAG" "$T/nginx.lua"
    for target in hub nginx; do
        if [ $target = hub ]; then u=$URL e=$HUB_ETAG; else u=$NGINX_URL e=$NGINX_ETAG; fi
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "If-None-Match: $e" \
            "$u/api/v1/manifest")
        [ "$code" = 304 ] || { echo "run.sh: $target answers $code to a poll with its ETag, not 304" >&2; exit 1; }
    done

    : >"$T/hub.rps"
    : >"$T/nginx.rps"
    : >"$T/hub.cpu"
    : >"$T/nginx.cpu"
    r=1
    while [ "$r" -le "$RUNS" ]; do
        for target in hub nginx; do # alternate, so that drift hits both alike
            if [ $target = hub ]; then u=$URL pid=$HUB_PID; else u=$NGINX_URL pid=$NGINX_PID; fi
            t0=$(ticks "$pid")
            wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 10s -s "$T/$target.lua" \
                "$u/api/v1/manifest" >"$T/wrk-$target-$r.txt" 2>&1 ||
                { cat "$T/wrk-$target-$r.txt" >&2; exit 1; }
            t1=$(ticks "$pid")
            rps=$(sed -n 's/^Requests\/sec: *//p' "$T/wrk-$target-$r.txt")
            n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in .*/\1/p' "$T/wrk-$target-$r.txt")
            cpu=$(awk -v a="$t0" -v b="$t1" -v n="${n:-0}" -v hz="$CLK_TCK" \
                'BEGIN { if (n > 0) printf "%.2f", (b - a) * 1000000 / hz / n; else print 0 }')
            bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$T/wrk-$target-$r.txt")
            errs=$(sed -n 's/^ *Socket errors: *//p' "$T/wrk-$target-$r.txt")
            if [ -n "$bad" ] || [ -z "$rps" ]; then
                echo "run.sh: $target: ${bad:-?} replies were not 304" >&2
                cat "$T/wrk-$target-$r.txt" >&2
                exit 1
            fi
            printf '  run %d: %-5s %10.0f req/s %7.2f us CPU per reply%s\n' "$r" $target "$rps" "$cpu" \
                "${errs:+ (socket errors: $errs)}"
            echo "$rps" >>"$T/$target.rps"
            echo "$cpu" >>"$T/$target.cpu"
        done
        r=$((r + 1))
    done
    HUB_RPS=$(median "$T/hub.rps")
    NGINX_RPS=$(median "$T/nginx.rps")
    HUB_CPU_US=$(median "$T/hub.cpu")
    NGINX_CPU_US=$(median "$T/nginx.cpu")
    kill -QUIT "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
    hub_down
    held=$(sqlite3 "$DATA/hub.db" 'SELECT count(*) FROM plays')
    [ "$held" = "$(jq .sent "$T/ingest-$RUNS.json")" ] || { echo "run.sh: the hub lost plays" >&2; exit 1; }
fi

# ---- report ------------------------------------------------------------------
ratio=$(awk -v h="$HUB_RPS" -v n="$NGINX_RPS" 'BEGIN { if (n > 0) printf "%.2f", h / n; else print 0 }')
# nginx's CPU per reply over the hub's: the rate ratio the two would have if CPU were the only limit.
cpu_ratio=$(awk -v h="$HUB_CPU_US" -v n="$NGINX_CPU_US" 'BEGIN { if (h > 0) printf "%.2f", n / h; else print 0 }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "meets" : "BELOW" }'; }
echo
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
echo "== results (median of $RUNS runs; $(nproc) CPUs, $(uname -m); load average $(loadavg))"
printf '%-34s %14s %14s %8s\n' "measure" "value" "target" ""
printf '%-34s %14.0f %14s %8s\n' "ingest records/s (SQLite)" "$INGEST_RATE" "$INGEST_TARGET" \
    "$(verdict "$INGEST_RATE" "$INGEST_TARGET")"
if [ -z "$poll_missing" ]; then
    printf '%-34s %14.0f\n' "304 polls req/s, hub" "$HUB_RPS"
    printf '%-34s %14.0f\n' "304 polls req/s, nginx" "$NGINX_RPS"
    printf '%-34s %14s %14s %8s\n' "hub / nginx" "$ratio" "$POLL_TARGET" "$(verdict "$ratio" "$POLL_TARGET")"
    printf '%-34s %14.2f\n' "CPU us per 304, hub" "$HUB_CPU_US"
    printf '%-34s %14.2f\n' "CPU us per 304, nginx" "$NGINX_CPU_US"
    printf '%-34s %14s\n' "nginx CPU / hub CPU per 304" "$cpu_ratio"
else
    echo "304 polls: skipped (install:$poll_missing)"
fi

mkdir -p "$(dirname "$OUT")"
cat "$T"/ingest-*.json | jq -s . >"$T/ingest-all.json"
tolist() { if [ -s "$1" ]; then jq -s . "$1"; else echo '[]'; fi; }
tolist "$T/hub.rps" >"$T/hub-all.json" 2>/dev/null || echo '[]' >"$T/hub-all.json"
tolist "$T/nginx.rps" >"$T/nginx-all.json" 2>/dev/null || echo '[]' >"$T/nginx-all.json"
tolist "$T/hub.cpu" >"$T/hub-cpu.json" 2>/dev/null || echo '[]' >"$T/hub-cpu.json"
tolist "$T/nginx.cpu" >"$T/nginx-cpu.json" 2>/dev/null || echo '[]' >"$T/nginx-cpu.json"
jq -n --argjson runs "$RUNS" --argjson cpus "$(nproc)" --arg arch "$(uname -m)" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --arg commit "$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
    --argjson ingest_rate "$INGEST_RATE" --argjson ingest_target "$INGEST_TARGET" \
    --slurpfile ingest_runs "$T/ingest-all.json" \
    --argjson hub_rps "$HUB_RPS" --argjson nginx_rps "$NGINX_RPS" --argjson ratio "$ratio" \
    --argjson poll_target "$POLL_TARGET" --slurpfile hub_runs "$T/hub-all.json" \
    --slurpfile nginx_runs "$T/nginx-all.json" --arg skipped "$poll_missing" \
    --argjson hub_cpu "$HUB_CPU_US" --argjson nginx_cpu "$NGINX_CPU_US" --argjson cpu_ratio "$cpu_ratio" \
    --slurpfile hub_cpu_runs "$T/hub-cpu.json" --slurpfile nginx_cpu_runs "$T/nginx-cpu.json" \
    --argjson screens "$SCREENS" --argjson batch "$BATCH" --argjson ingest_s "$SECONDS_INGEST" \
    --argjson wrk_s "$WRK_SECONDS" --argjson wrk_t "$WRK_THREADS" --argjson wrk_c "$WRK_CONNECTIONS" \
    --arg cache_ms "${HUB_AUTH_CACHE_MS:-default}" --arg load "$(loadavg)" '
    {date: $date, commit: $commit, cpus: $cpus, arch: $arch, runs: $runs, hub_auth_cache_ms: $cache_ms,
     load_average_at_end: $load,
     ingest: {screens: $screens, batch: $batch, seconds: $ingest_s, records_per_s: $ingest_rate,
              target: $ingest_target, meets: ($ingest_rate >= $ingest_target), runs: $ingest_runs[0]},
     polls: (if $skipped != "" then {skipped: ("missing:" + $skipped)} else
             {wrk: {threads: $wrk_t, connections: $wrk_c, seconds: $wrk_s},
              hub_rps: $hub_rps, nginx_rps: $nginx_rps, ratio: $ratio, target: $poll_target,
              meets: ($ratio >= $poll_target), hub_runs: $hub_runs[0], nginx_runs: $nginx_runs[0],
              cpu_us_per_reply: {hub: $hub_cpu, nginx: $nginx_cpu, nginx_over_hub: $cpu_ratio,
                                 hub_runs: $hub_cpu_runs[0], nginx_runs: $nginx_cpu_runs[0]}} end)}' \
    >"$OUT"
echo "results: $OUT"
