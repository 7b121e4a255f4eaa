#!/bin/sh
# test_client_report.sh — `screenlit report coverage|plays` and `screenlit-hub report` against a real hub: CSV, XLSX, HTML (rendered in headless Chromium), JSON, Outsmart layout, scheduled runs.
#
# The story: three screens of the inventory, each required "mon-fri 09:00-13:00" in Asia/Shanghai
# (01:00-05:00 UTC). On Wednesday 25 November 2026 bank-0412-lobby plays the whole window (240
# plays of a minute), bus-22-front three hours of it (180), community-3 is never enrolled. Each
# enrolled screen also has a play the day before (outside the report) and a failed play; the bank
# posts a screenshot. The coverage numbers come from the hub; the test checks that every format
# carries the hub's own numbers, in Chinese and English, and that the page renders in Chromium.
. "$(dirname "$0")/lib.sh"
need curl jq

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY SCREENLIT_HUB SCREENLIT_TOKEN \
    XDG_CONFIG_HOME LC_ALL LC_MESSAGES
export HOME="$T/home" LANG=C.UTF-8
mkdir -p "$HOME"
for tool in unzip chromium ffmpeg; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (tools/setup-debian.sh installs it)" >&2; exit 1; }
done

ADMIN=$(new_token admin ops)
AUD=$(new_token auditor audit)
PUB=$(new_token publisher staff)
start_hub "$DATA"
export SCREENLIT_HUB="$URL" SCREENLIT_TOKEN="$AUD"

{
    printf '\357\273\277id,name,site,region,unit_type,tags,channel,hours,timezone\r\n'
    printf 'bank-0412-lobby,工商银行城东支行大堂,城东支行,城东区,bank,lobby,bank-lobby,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
    printf 'bus-22-front,"22路公交车, 前门 LED 条屏",公交二公司,城西区,bus,led,bus-led,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
    printf 'community-3,"社区服务中心 <大屏> & ""便民""",幸福里社区,城北街道,community,,community,mon-fri 09:00-13:00,Asia/Shanghai\r\n'
} >"$T/inv.csv"
expect_call 200 PUT /api/v1/inventory "$ADMIN" -H 'Content-Type: text/csv' --data-binary @"$T/inv.csv"
BANK=$(enrol "$ADMIN" bank-0412-lobby)
BUS=$(enrol "$ADMIN" bus-22-front)
[ ${#BANK} -eq 64 ] && [ ${#BUS} -eq 64 ] && ok || fail "enrolment failed"

# minutes FIRST N — N plays of a minute from 2026-11-25T01:00Z (09:00 in Shanghai), seqs FIRST..,
# then one the day before and one failed play.
W=1795568400000 # 2026-11-25T01:00:00Z
minutes() {
    awk -v a="$1" -v n="$2" -v w="$W" 'BEGIN {
        printf "{\"records\":[";
        for (i = 0; i < n; i++)
            printf "%s{\"seq\":%d,\"item\":\"%s\",\"zone\":\"main\",\"manifest_version\":1,\"start_ms\":%.0f,\"clock_trust\":\"synced\",\"duration_ms\":60000,\"outcome\":\"completed\"}",
                i ? "," : "", a + i, i % 2 ? "slogan-1" : "poster-app", w + i * 60000;
        printf ",{\"seq\":%d,\"item\":\"poster-app\",\"zone\":\"main\",\"start_ms\":%.0f,\"clock_trust\":\"synced\",\"duration_ms\":60000,\"outcome\":\"completed\"}", a + n, w - 86400000;
        printf ",{\"seq\":%d,\"item\":\"clip\",\"zone\":\"main\",\"start_ms\":%.0f,\"clock_trust\":\"synced\",\"duration_ms\":0,\"outcome\":\"failed\",\"reason\":\"decode error\"}]}", a + n + 1, w + 30000;
    }'
}
minutes 1 240 >"$T/bank.json"
minutes 1 180 >"$T/bus.json"
expect_call 200 POST /api/v1/plays "$BANK" --data-binary @"$T/bank.json"
expect_json '.stored == 242'
expect_call 200 POST /api/v1/plays "$BUS" --data-binary @"$T/bus.json"
expect_json '.stored == 182'
ffmpeg -v error -f lavfi -i color=c=0x3060c0:s=96x54 -frames:v 1 "$T/shot.png"
expect_call 201 PUT /api/v1/screenshot "$BANK" -H 'Content-Type: image/png' --data-binary @"$T/shot.png"

# 1. The hub's document, as JSON: three screens, one of each status.
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 -o "$T/r.json"
expect_in "$T/out" "wrote $T/r.json (json, 3 screens): 1 lit, 1 short, 1 dark"
cp "$T/r.json" "$T/body"
expect_json '.summary.screens == 3 and .summary.lit == 1 and .summary.short == 1 and .summary.dark == 1'
expect_json '(.screens[] | select(.id == "bank-0412-lobby") | .status == "lit" and .coverage_pct == 100 and .required_s == 14400)'
expect_json '(.screens[] | select(.id == "bus-22-front") | .status == "short" and .coverage_pct == 75 and .lit_s == 10800)'
expect_json '(.screens[] | select(.id == "community-3") | .status == "dark")'
# The same document as the API gives (apart from when it was generated).
expect_call 200 GET "/api/v1/reports/coverage?from=2026-11-25&to=2026-11-25" "$AUD"
if [ "$(jq -S 'del(.generated)' "$T/body")" = "$(jq -S 'del(.generated)' "$T/r.json")" ]; then ok; else
    fail "the JSON report differs from the hub's document"
fi

# 2. CSV (Chinese): BOM, CRLF, the hub's numbers in every row.
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang zh -o "$T/r.csv"
expect_in "$T/out" "已写入 $T/r.csv（csv，3 块屏幕）：点亮 1，不足 1，黑屏 1；点亮率"
[ "$(head -c 3 "$T/r.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok || fail "the CSV does not begin with EF BB BF"
lines=$(wc -l <"$T/r.csv")
crlf=$(grep -c "$(printf '\r')\$" "$T/r.csv" || true)
[ "$lines" -eq $((1 + 3 + 3 + 3 + 1)) ] && [ "$crlf" -eq "$lines" ] && ok || fail "CSV: $lines lines, $crlf with CRLF"
expect_in "$T/r.csv" "统计范围,屏幕编号,屏幕名称"
expect_in "$T/r.csv" '"22路公交车, 前门 LED 条屏"'
expect_in "$T/r.csv" '"社区服务中心 <大屏> & ""便民"""'
for region in 城东区 城西区 城北街道; do expect_in "$T/r.csv" "区域,,,,$region,"; done
# Each screen's status, coverage, required and lit hours, hour counts and plays as in the JSON.
jq -r '.screens[] | [.id, .status, .coverage_pct, .required_s, .lit_s, .required_hours, .lit_hours, .plays] | @tsv' "$T/r.json" |
    while IFS="$(printf '\t')" read -r id status pct req lit rh lh plays; do
        case $status in lit) word=点亮 ;; short) word=不足 ;; dark) word=黑屏 ;; *) word=$status ;; esac
        want=$(awk -v w="$word" -v p="$pct" -v r="$req" -v l="$lit" -v rh="$rh" -v lh="$lh" -v n="$plays" \
            'BEGIN { printf ",%s,%.1f,%.2f,%.2f,%d,%d,%d,", w, p, r / 3600, l / 3600, rh, lh, n }')
        if grep "^屏幕,$id," "$T/r.csv" | grep -qF -- "$want"; then echo ok; else echo "FAIL: $id: no '$want'"; fi
    done >"$T/rows"
[ "$(grep -c '^ok$' "$T/rows")" -eq 3 ] && ok || { fail "screen rows"; cat "$T/rows" >&2; }
total=$(jq -r '.summary | [.coverage_pct, .required_s, .lit_s, .plays, .screens, .lit, .short, .dark] | @tsv' "$T/r.json" |
    awk -F '\t' '{ printf ",%.1f,%.2f,%.2f,,,%d,", $1, $2 / 3600, $3 / 3600, $4 }')
grep '^合计,' "$T/r.csv" | grep -qF -- "$total" && ok || fail "the total row lacks $total"
expect_in "$T/r.csv" "设备从未注册"

# 3. XLSX: a zip whose workbook names the four sheets and whose strings hold the Chinese names.
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang zh -o "$T/r.xlsx"
unzip -p "$T/r.xlsx" xl/workbook.xml >"$T/workbook.xml" && ok || fail "the XLSX is not a zip with a workbook"
for sheet in 汇总 屏幕明细 未点亮屏幕 节目播放; do expect_in "$T/workbook.xml" "<sheet name=\"$sheet\""; done
unzip -p "$T/r.xlsx" xl/sharedStrings.xml >"$T/strings.xml"
for s in 工商银行城东支行大堂 城西区 城北街道 "社区服务中心 &lt;大屏&gt; &amp; \"便民\"" 设备从未注册 poster-app; do
    expect_in "$T/strings.xml" "$s"
done
unzip -p "$T/r.xlsx" xl/worksheets/sheet2.xml >"$T/sheet2.xml"
expect_in "$T/sheet2.xml" "<v>240</v>"
expect_in "$T/sheet2.xml" "<v>0.75</v>"
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang en -o "$T/en.xlsx"
unzip -p "$T/en.xlsx" xl/workbook.xml >"$T/workbook.xml"
expect_in "$T/workbook.xml" '<sheet name="Dark screens"'

# 4. HTML with the screenshot embedded, rendered by headless Chromium.
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang zh -o "$T/r.html"
expect_in "$T/r.html" "<h1>屏幕点亮情况报告</h1>"
expect_in "$T/r.html" "社区服务中心 &lt;大屏&gt; &amp; &quot;便民&quot;"
expect_not_in "$T/r.html" "<大屏>"
expect_in "$T/r.html" "data:image/png;base64,$(base64 -w0 "$T/shot.png")"
expect_in "$T/r.html" "<td class=\"st short\">不足</td><td class=\"n\">75.0%</td>"
CHROME="chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --user-data-dir=$T/chrome"
# shellcheck disable=SC2086
$CHROME --dump-dom "file://$T/r.html" >"$T/dom.html" 2>"$T/chrome.err" || true
expect_in "$T/dom.html" '<svg xmlns="http://www.w3.org/2000/svg" class="chart"'
expect_in "$T/dom.html" "<h3>各区域点亮率</h3>"
expect_in "$T/dom.html" "<g class=\"day\">"
[ "$(grep -o '<figure>' "$T/dom.html" | wc -l)" -eq 1 ] && ok || fail "the page should show one proof picture"
# shellcheck disable=SC2086
$CHROME --no-pdf-header-footer --print-to-pdf="$T/r.pdf" "file://$T/r.html" >/dev/null 2>>"$T/chrome.err" || true
if [ "$(head -c 5 "$T/r.pdf" 2>/dev/null)" = "%PDF-" ] && [ "$(wc -c <"$T/r.pdf")" -gt 20000 ]; then ok; else
    fail "Chromium did not print the page to a PDF"
    tail -5 "$T/chrome.err" >&2
fi
# shellcheck disable=SC2086
$CHROME --hide-scrollbars --window-size=800,1200 --screenshot="$T/r.png" "file://$T/r.html" >/dev/null 2>>"$T/chrome.err" || true
# The page was drawn: its heading is text (many shades of grey on white).
"$IMGCHECK" colours "$T/r.png" 40,20,300,40 >"$T/heading.colours" 2>/dev/null || true
[ "$(wc -l <"$T/heading.colours")" -gt 8 ] && ok || fail "the rendered page has no heading"
# The region chart, drawn alone at its own size (680 units = 680 pixels): the bar of each region
# where the code put it, in the colour of its coverage (城东区 100 % green, 城西区 75 % amber,
# 城北街道 0 %: no bar). Row k's bar spans y = 22 + 26k to 40 + 26k, from x = 170; 75 % ends at 485.
{
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">'
    sed -n '/<h3>各区域点亮率<\/h3>/,/<\/svg>/p' "$T/r.html" | sed 1d
    printf '</body></html>'
} >"$T/chart.html"
# shellcheck disable=SC2086
$CHROME --hide-scrollbars --window-size=680,200 --screenshot="$T/chart.png" "file://$T/chart.html" >/dev/null 2>>"$T/chrome.err" || true
for pair in 城东区:2E7D32 城西区:EF8F00 城北街道:FFFFFF; do
    k=$(jq --arg r "${pair%%:*}" '[.by_region[].region] | index($r)' "$T/r.json")
    got=$("$IMGCHECK" pixel "$T/chart.png" "300,$((31 + 26 * k))" 2>/dev/null || true)
    [ "$got" = "${pair#*:}" ] && ok || fail "region chart: ${pair%%:*} (row $k) is $got, wanted ${pair#*:}"
done

# 5. Plays: screenlit's columns, and the Outsmart layout.
expect_rc 0 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 -o "$T/plays.csv"
expect_in "$T/out" "wrote $T/plays.csv: 422 play records of 3 screens"
[ "$(head -c 3 "$T/plays.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] && ok || fail "plays.csv has no BOM"
[ "$(wc -l <"$T/plays.csv")" -eq 423 ] && ok || fail "plays.csv has $(wc -l <"$T/plays.csv") lines"
expect_in "$T/plays.csv" 'bus-22-front,"22路公交车, 前门 LED 条屏",城西区,bus,1,poster-app,main,,1,2026-11-25T01:00:00.000Z,2026-11-25T09:00:00.000+08:00,2026-11-25T01:01:00.000Z,60000,completed,,synced,'
expect_in "$T/plays.csv" ",failed,decode error,synced,"
expect_not_in "$T/plays.csv" "2026-11-24T01:00:00.000Z"
expect_rc 0 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --screen bank-0412-lobby \
    --layout outsmart --space-buyer 1234 --space-brand 5678 -o "$T/outsmart.csv"
expect_in "$T/out" "240 play records of 1 screen"
expect_in "$T/out" "1 left out"
[ "$(wc -l <"$T/outsmart.csv")" -eq 240 ] && ok || fail "outsmart.csv has $(wc -l <"$T/outsmart.csv") lines"
[ "$(awk -F, '{ print NF }' "$T/outsmart.csv" | sort -u)" = 19 ] && ok || fail "outsmart records do not have 19 fields"
expect_not_in "$T/outsmart.csv" "$(printf '\r')"
expect_in "$T/outsmart.csv" "bank-0412-lobby,2026-11-25T01:00:00.000,+08:00,2026-11-25T01:01:00.000,+08:00,60000,,bank-lobby,,1234,,5678,,poster-app,poster-app,,,bank-0412-lobby,bank-0412-lobby:1"
# XLSX: chosen by the file's name (or --format); the same records as cells, never CSV under an .xlsx name.
expect_rc 0 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 -o "$T/plays.xlsx"
expect_in "$T/out" "wrote $T/plays.xlsx: 422 play records of 3 screens"
unzip -p "$T/plays.xlsx" xl/workbook.xml >"$T/pw.xml" && ok || fail "plays.xlsx is not a zip with a workbook"
expect_in "$T/pw.xml" '<sheet name="plays"'
unzip -p "$T/plays.xlsx" xl/worksheets/sheet1.xml | sed 's/<row /\n<row /g' >"$T/ps.xml"
[ "$(grep -c '^<row ' "$T/ps.xml")" -eq 423 ] && ok || fail "plays.xlsx has $(grep -c '^<row ' "$T/ps.xml") rows, wanted 423"
grep '^<row r="1"' "$T/ps.xml" | grep -q '<c r="A1"[^>]*><is><t>screen</t>' && ok || fail "plays.xlsx: no header row"
# The bus's first play: text cells and number cells in their columns (E seq, I manifest_version, M duration_ms).
row=$(grep '<t>bus-22-front</t>' "$T/ps.xml" | grep '<t>2026-11-25T01:00:00.000Z</t>' | head -n 1)
for cell in 'B[0-9]*"[^>]*><is><t>22路公交车, 前门 LED 条屏</t>' 'E[0-9]*"[^>]*><v>1</v>' 'F[0-9]*"[^>]*><is><t>poster-app</t>' \
    'I[0-9]*"[^>]*><v>1</v>' 'K[0-9]*"[^>]*><is><t>2026-11-25T09:00:00.000+08:00</t>' 'M[0-9]*"[^>]*><v>60000</v>' \
    'N[0-9]*"[^>]*><is><t>completed</t>' 'P[0-9]*"[^>]*><is><t>synced</t>'; do
    echo "$row" | grep -q "<c r=\"$cell" && ok || fail "plays.xlsx: the bus's first play has no cell $cell"
done
grep -q '<t>decode error</t>' "$T/ps.xml" && ok || fail "plays.xlsx: the failed play's reason is missing"
expect_rc 0 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --screen bank-0412-lobby --format xlsx -o "$T/plays.data"
unzip -p "$T/plays.data" xl/worksheets/sheet1.xml >/dev/null && ok || fail "--format xlsx did not write a workbook"
expect_rc 2 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --format csv -o "$T/x.xlsx"
expect_in "$T/err" "named .xlsx"
expect_rc 2 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --format xlsx -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --layout outsmart -o "$T/x.xlsx"
expect_in "$T/err" "Outsmart layout is a CSV file format"
expect_rc 2 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --format xlsx -o -
[ ! -e "$T/x.xlsx" ] && [ ! -e "$T/x.csv" ] && ok || fail "a refused plays report left a file"
expect_rc 1 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --screen no-such-screen -o "$T/none.csv"
[ ! -e "$T/none.csv" ] && ok || fail "a failed plays report left a file"

# 6. The hub writes the same report offline; and a scheduled run by hand.
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang en -o "$T/client.csv"
expect_rc 0 "$HUB" report --data "$DATA" --from 2026-11-25 --to 2026-11-25 --lang en --out "$T/hub.csv"
cmp -s "$T/client.csv" "$T/hub.csv" && ok || fail "screenlit-hub report and screenlit report differ"
expect_rc 0 "$HUB" report --data "$DATA" --from 2026-11-25 --to 2026-11-25 --out "$T/hub.html"
expect_in "$T/hub.html" "data:image/png;base64,$(base64 -w0 "$T/shot.png")"
expect_rc 0 "$HUB" report --data "$DATA" --run weekly --at 2026-11-27T16:00:00+08:00
expect_in "$T/out" "$DATA/reports/coverage-weekly-2026-11-26"
for ext in csv xlsx html; do
    [ -s "$DATA/reports/coverage-weekly-2026-11-26.$ext" ] && ok || fail "the weekly run has no .$ext"
done
# The week is Friday 20 to Thursday 26 November: five weekdays of 4 hours (20 h); the bank was lit
# the 4 hours of Wednesday and the minute of its play on Tuesday: 4.02 h, 20.1 %.
grep '^屏幕,bank-0412-lobby,' "$DATA/reports/coverage-weekly-2026-11-26.csv" | grep -qF ',不足,20.1,20.00,4.02,' && ok ||
    fail "the weekly run's bank row is not 20.1 % of 20 hours"
expect_rc 0 "$HUB" report --data "$DATA" --run monthly --at 2026-12-01T00:00:00+08:00
expect_in "$T/out" "$DATA/reports/coverage-monthly-2026-11"

# 7. serve --reports: the runs the hub was down for are written at start-up, once.
stop_hub_clean
rm -rf "$DATA/reports"
start_hub "$DATA" --reports weekly,monthly --report-lang en
wait_in "$T/hub.log" "next monthly report at" 120 || true
expect_in "$T/hub.log" "writing the scheduled report coverage-weekly-"
weekly=$(ls "$DATA/reports" | grep -c '^coverage-weekly-[0-9-]*\.\(csv\|xlsx\|html\)$' || true)
monthly=$(ls "$DATA/reports" | grep -c '^coverage-monthly-[0-9]*-[0-9]*\.\(csv\|xlsx\|html\)$' || true)
[ "$weekly" -eq 3 ] && [ "$monthly" -eq 3 ] && ok || fail "start-up wrote $weekly weekly and $monthly monthly files"
wk=$(ls "$DATA/reports" | sed -n 's/^coverage-weekly-\([0-9-]*\)\.csv$/\1/p')
[ "$(date -d "$wk" +%u)" = 4 ] && ok || fail "the weekly report's last day $wk is not a Thursday"
expect_in "$DATA/reports/coverage-weekly-$wk.csv" "Scope,Screen ID,Name"
stop_hub_clean
start_hub "$DATA" --reports weekly,monthly --report-lang en
wait_in "$T/hub.log" "next monthly report at" 120 || true
expect_in "$T/hub.log" "next weekly report at"
expect_not_in "$T/hub.log" "writing the scheduled report"
stop_hub_clean

# 8. Wrong arguments (2), refusals and failures (1), a saved report rendered again.
expect_rc 2 "$SCREENLIT" report coverage --to 2026-11-25 -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-26 --to 2026-11-25 -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-01-01 --to 2027-01-02 -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --format pdf -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --lang fr -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --threshold 0 -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25
expect_rc 2 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --format xlsx -o -
expect_rc 2 "$SCREENLIT" report plays --from 2026-11-25 --to 2026-11-25 --layout xml -o "$T/x.csv"
expect_rc 2 "$SCREENLIT" report frobnicate
expect_rc 2 "$HUB" report --data "$DATA" --run daily
expect_rc 2 "$HUB" report --data "$DATA" --from 2026-11-25 --to 2026-11-25
expect_rc 0 "$SCREENLIT" report coverage --help
expect_in "$T/out" "EXIT STATUS"
expect_rc 0 "$SCREENLIT" report plays --help
expect_in "$T/out" "outsmart"
expect_rc 1 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 -o "$T/x.csv"
expect_in "$T/err" "did not answer"
[ ! -e "$T/x.csv" ] && ok || fail "a failed report left a file"
expect_rc 0 "$SCREENLIT" report coverage --input "$T/r.json" --lang en -o "$T/again.csv"
cmp -s "$T/again.csv" "$T/client.csv" && ok || fail "a saved JSON report renders to another CSV"
start_hub "$DATA"
export SCREENLIT_HUB="$URL"
expect_rc 1 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --token "$PUB" -o "$T/x.csv"
expect_in "$T/err" "(403)"
expect_rc 0 "$SCREENLIT" report coverage --from 2026-11-25 --to 2026-11-25 --region 城西区 --format json -o -
cp "$T/out" "$T/body"
expect_json '.filters.region == "城西区" and .summary.screens == 1 and .screens[0].id == "bus-22-front"'
expect_in "$T/err" "wrote - (json, 1 screen)"
stop_hub_clean

finish
