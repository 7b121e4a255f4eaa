#!/bin/sh
# test_console_reports.sh — the console's Coverage and Reports pages against a real hub: an auditor logs in, sees the report of real plays, ranks regions, downloads every format (the API's bytes; the workbook opened as a zip), names that are HTML stay text, the scheduled reports are listed and served, other names refused.
#
# The story: four screens required "mon-fri 09:00-13:00" in Asia/Shanghai. On Wednesday
# 25 November 2026 east-1 plays the whole window (240 plays of a minute), east-2 3.5 hours,
# west-1 2 hours; xss-1, whose region and name are HTML, is never enrolled. Coverage: 9.5 of
# 16 required hours, 59.4 %; 城东区 93.8 %, 城西区 50 %, the HTML region 0 %.
. "$(dirname "$0")/lib.sh"
need curl jq python3 tidy

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
new_user auditor alice auditor-pass-1
new_user publisher bob publisher-pass-1
start_hub "$DATA" --reports weekly --report-tz Asia/Shanghai
# The schedule writes the latest weekly run when the hub starts: wait for it, so that it does
# not run while the test writes its own.
wait_in "$T/hub.log" "wrote $DATA/reports/coverage-weekly-" 120 && ok || fail "no scheduled report at start"

{
    printf '\357\273\277id,name,site,region,unit_type,tags,channel,hours,timezone\r\n'
    printf 'east-1,工商银行城东支行,城东支行,城东区,bank,,bank,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
    printf 'east-2,建设银行城东支行,城东二支行,城东区,bank,,bank,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
    printf 'west-1,22路公交,公交二公司,城西区,bus,,bus,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
    printf 'xss-1,"""><img src=x onerror=alert(1)>","""><img src=x onerror=alert(1)>",<script>alert(1)</script>,community,,community,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
} >"$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"

# plays SCREEN N — N plays of a minute from 2026-11-25T01:00Z (09:00 in Shanghai).
plays() {
    tok=$(enrol "$ADMIN" "$1")
    awk -v n="$2" 'BEGIN {
        printf "{\"records\":[";
        for (i = 0; i < n; i++)
            printf "%s{\"seq\":%d,\"item\":\"poster-app\",\"zone\":\"main\",\"manifest_version\":1,\"start_ms\":%.0f,\"clock_trust\":\"synced\",\"duration_ms\":60000,\"outcome\":\"completed\"}",
                i ? "," : "", i + 1, 1795568400000 + i * 60000;
        printf "]}";
    }' >"$T/plays.json"
    expect_call 200 POST /api/v1/plays "$tok" --data-binary @"$T/plays.json"
}
plays east-1 240
plays east-2 210
plays west-1 120

# valid_html_file FILE — tidy finds no error in FILE (warnings are allowed: tidy calls the font
# attributes of the report's SVG charts proprietary).
valid_html_file() {
    set +e
    tidy -q -e "$1" >"$T/tidy.txt" 2>&1
    vh_rc=$?
    set -e
    [ "$vh_rc" -le 1 ] && ok || { fail "tidy finds errors in $(basename "$1")"; sed 's/^/    | /' "$T/tidy.txt" | head -20 >&2; }
}

# ---- logging in ----
JAR="$T/jar" # the session of the person the checks are made as
# expect_page WANT PATH [curl args] — GET /console/PATH in that session; the reply in $T/body.
expect_page() {
    want=$1
    ep_path=$2
    shift 2
    got=$(console_get "$JAR" "/console/$ep_path" "$@") || true
    if [ "$got" = "$want" ]; then ok; else
        fail "GET /console/$ep_path gave $got, wanted $want"
        head -c 600 "$T/body" | sed 's/^/    | /' >&2
    fi
}

# Not logged in: to the login page. A publisher may not see coverage or reports.
got=$(curl -s -o /dev/null -w '%{http_code}' "$URL/console/coverage")
[ "$got" = 303 ] && ok || fail "coverage without a session gave $got"
[ "$(console_login "$JAR" bob publisher-pass-1)" = 303 ] && ok || fail "bob could not log in"
expect_page 403 coverage
expect_page 403 reports
expect_page 403 coverage/download?format=csv
expect_page 403 reports/coverage-weekly-2026-11-26.csv
rm -f "$JAR"
[ "$(console_login "$JAR" alice auditor-pass-1)" = 303 ] && ok || fail "alice could not log in"

# ---- 1. the report of the day, on the page ----
SEL="from=2026-11-25&to=2026-11-25"
expect_page 200 "coverage?period=custom&$SEL&lang=zh"
cp "$T/body" "$T/day.html"
expect_header Content-Type "text/html"
expect_in "$T/day.html" '<div class="card screens"><b>4</b>'
expect_in "$T/day.html" '<div class="card lit"><b>1</b>'
expect_in "$T/day.html" '<div class="card short"><b>2</b>'
expect_in "$T/day.html" '<div class="card dark"><b>1</b>'
expect_in "$T/day.html" '<b>59.4%</b>'
expect_in "$T/day.html" '<td>poster-app</td><td class="n">570</td><td class="n">3</td>'
expect_in "$T/day.html" '<tr><td><a href="/console/screens/xss-1">xss-1</a></td>'
expect_in "$T/day.html" '<td>设备从未注册'
expect_in "$T/day.html" '<link rel="stylesheet" href="/console/coverage/report.css">'
# The ranking: 城东区 first, then 城西区, the HTML region last.
rank=$(sed -n '/<table class="list cov-rank-region">/,/<\/table>/p' "$T/day.html" | grep -o '<tr><td class="num">[0-9]*</td><td><a [^>]*>[^<]*' | sed 's/.*">//' | tr '\n' '|')
[ "$rank" = "城东区|城西区|&lt;script&gt;alert(1)&lt;/script&gt;|" ] && ok || fail "regions ranked as: $rank"
expect_in "$T/day.html" '城东区</a></td><td class="num">93.8%</td>'
# Names that are HTML stay text; the page is valid HTML (tidy: no errors).
expect_not_in "$T/day.html" '<script>alert(1)'
expect_not_in "$T/day.html" '<img src=x'
expect_in "$T/day.html" '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'
valid_html_file "$T/day.html"
expect_page 200 coverage/report.css
expect_header Content-Type "text/css"

# Periods: last week by default, the buttons; a wrong selection is a 400 with the form.
expect_page 200 coverage
expect_in "$T/body" 'value="last_week" aria-pressed="true"'
expect_page 200 "coverage?period=this_month&lang=en"
expect_in "$T/body" '<b>This month</b>'
expect_page 400 "coverage?period=custom&from=2026-11-25&to=2026-11-01&lang=en"
expect_in "$T/body" 'The to date is before the from date.'
# A region chosen: only its screens.
expect_page 200 "coverage?period=custom&$SEL&region=%E5%9F%8E%E4%B8%9C%E5%8C%BA"
expect_in "$T/body" '<div class="card screens"><b>2</b>'
expect_in "$T/body" '<option value="城东区" selected>城东区</option>'

# ---- 2. downloads: the bytes the API gives for the same selection ----
# same_bytes A B — equal once the instant each was generated is blanked.
same_bytes() {
    sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/INSTANT/g' "$1" >"$1.n"
    sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/INSTANT/g' "$2" >"$2.n"
    cmp -s "$1.n" "$2.n"
}
for lang in zh en; do
    for region in "" "&region=%E5%9F%8E%E4%B8%9C%E5%8C%BA" "&region=%3Cscript%3Ealert(1)%3C%2Fscript%3E"; do
        for fmt in csv json html xlsx; do
            q="format=$fmt&period=custom&$SEL&lang=$lang$region"
            expect_page 200 "coverage/download?$q"
            cp "$T/body" "$T/console.$fmt"
            tr -d '\r' <"$T/headers" >"$T/console.headers"
            expect_call 200 GET "/api/v1/reports/coverage?$q" "$AUD"
            cp "$T/body" "$T/api.$fmt"
            if grep -qi "^content-disposition: attachment; filename=\"coverage-2026-11-25-2026-11-25.$fmt\"" \
                "$T/console.headers"; then ok; else fail "$fmt: no attachment name"; cat "$T/console.headers" >&2; fi
            ctype=$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' "$T/console.headers")
            api_ctype=$(tr -d '\r' <"$T/headers" | sed -n 's/^[Cc]ontent-[Tt]ype: //p')
            [ -n "$ctype" ] && [ "$ctype" = "$api_ctype" ] && ok || fail "$fmt: Content-Type '$ctype' vs the API's '$api_ctype'"
            if [ "$fmt" = xlsx ]; then
                # Both are the same workbook: every part but the zip's own times equal.
                if python3 - "$T/console.xlsx" "$T/api.xlsx" >"$T/py.txt" 2>&1 <<'EOF'
import re, sys, zipfile
def parts(path):
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    out = {}
    for n in z.namelist():
        if n == "docProps/core.xml":
            continue
        out[n] = re.sub(rb"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"INSTANT", z.read(n))
    return out
a, b = parts(sys.argv[1]), parts(sys.argv[2])
for sheet in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
              "xl/worksheets/sheet4.xml", "xl/workbook.xml", "xl/sharedStrings.xml"):
    assert sheet in a, sheet + " missing"
assert a == b, "the workbooks differ: " + ", ".join(n for n in a if a.get(n) != b.get(n))
EOF
                then ok; else fail "xlsx $lang $region: $(cat "$T/py.txt")"; fi
            else
                same_bytes "$T/console.$fmt" "$T/api.$fmt" && ok || fail "$fmt $lang $region: the console's download differs from the API's"
            fi
        done
    done
done
# The workbook read back: its sheets and the screens.
python3 - "$T/console.xlsx" >"$T/py.txt" 2>&1 <<'EOF' && ok || fail "the workbook: $(cat "$T/py.txt")"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
wb = z.read("xl/workbook.xml").decode()
for name in ("Summary", "Screens", "Dark screens", "Items"):
    assert 'name="%s"' % name in wb, name
strings = z.read("xl/sharedStrings.xml").decode()
assert "xss-1" in strings and "&lt;script&gt;" in strings, "the HTML region is not a string of the sheet"
EOF
# The same selection as JSON is the hub's document.
expect_page 200 "coverage/download?format=json&period=custom&$SEL"
jq -e '.summary.screens == 4 and .summary.lit == 1 and .summary.short == 2 and .summary.dark == 1' "$T/body" >/dev/null &&
    ok || fail "the JSON download is not the day's document"
expect_page 400 "coverage/download?period=custom&$SEL&lang=en"
expect_in "$T/body" 'Say which format'

# ---- 3. the scheduled reports ----
"$HUB" report --data "$DATA" --run weekly --at 2026-11-27T16:00:00+08:00 >"$T/out"
"$HUB" report --data "$DATA" --run monthly --at 2026-12-01T00:00:00+08:00 >>"$T/out"
: >"$DATA/reports/notes.txt"
expect_page 200 "reports?lang=zh"
cp "$T/body" "$T/reports.html"
expect_in "$T/reports.html" '每周五 16:00 生成此前七个整天（周五至周四）的周报，下一份：'
expect_in "$T/reports.html" '<tr><td>2026-11-20 – 2026-11-26</td>'
expect_in "$T/reports.html" '<a href="/console/reports/coverage-weekly-2026-11-26.xlsx" download>XLSX</a>'
expect_in "$T/reports.html" '<tr><td>2026-11-01 – 2026-11-30</td>'
expect_not_in "$T/reports.html" 'notes.txt'
valid_html_file "$T/reports.html"
for f in coverage-weekly-2026-11-26.csv coverage-weekly-2026-11-26.xlsx coverage-weekly-2026-11-26.html \
    coverage-monthly-2026-11.csv; do
    expect_page 200 "reports/$f"
    cmp -s "$T/body" "$DATA/reports/$f" && ok || fail "reports/$f is not the file"
    expect_header Content-Disposition "attachment; filename=\"$f\""
done
expect_page 200 reports/coverage-weekly-2026-11-26.xlsx
expect_header Content-Type "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
expect_page 200 reports/coverage-weekly-2026-11-26.csv
grep -qF '城东区' "$T/body" && ok || fail "the weekly CSV lacks the day's screens"
# Its JSON link: the same period, computed now.
json=$(grep -o 'href="/console/coverage/download?format=json[^"]*from=2026-11-20[^"]*"' "$T/reports.html" | head -n 1 |
    sed 's/^href="\/console\///; s/"$//; s/&amp;/\&/g')
expect_page 200 "$json"
jq -e '.from == "2026-11-20" and .to == "2026-11-26" and .summary.screens == 4' "$T/body" >/dev/null && ok ||
    fail "the JSON link of the week is not its report"
# Other names, however written, are refused, and no file's bytes come back.
for bad in '..' '%2e%2e' '%2E%2E%2Fhub.db' '..%2fhub.db' '%2fetc%2fpasswd' 'hub.db' 'notes.txt' \
    'coverage-weekly-2026-11-26.json' 'coverage-weekly-2026-11-25.csv' 'coverage-weekly-2026-11-26.csv%00' \
    '../hub.db' '../../../../etc/passwd' 'x/../../hub.db' '/etc/passwd' 'coverage-weekly-2026-11-26.csv/..'; do
    got=$(console_get "$JAR" "/console/reports/$bad" --path-as-is) || true
    case "$got" in
    400 | 404) ok ;;
    *) fail "reports/$bad gave $got" ;;
    esac
    if grep -qF 'SQLite format' "$T/body" || grep -qF 'root:' "$T/body"; then fail "reports/$bad served a file"; else ok; fi
done

stop_hub_clean
finish
