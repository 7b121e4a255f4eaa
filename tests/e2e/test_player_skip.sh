#!/bin/sh
# test_player_skip.sh — one bad clip never leaves a standalone screen dark: items that cannot be shown are skipped with a reason (log, journal, exit summary), the rest plays, and a hub takes the skip records.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C

SCREEN=village-2
mkdir -p "$T/s/media"
ffmpeg -loglevel error -f lavfi -i color=c=0x2060c0:s=320x180 -frames:v 1 "$T/s/media/poster.png"
# A clip that is not media at all, with a long Chinese name: its reason is cut inside a character.
BAD="media/反诈宣传片第二版最终版本请勿删除谢谢合作反诈宣传片第二版最终版本.mp4"
head -c 4096 /dev/urandom >"$T/s/$BAD"
cat >"$T/s/pl.json" <<EOF
{"timezone": "Asia/Shanghai", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 80},
                                        {"id": "side", "x": 0, "y": 80, "w": 100, "h": 20}],
 "items": [
  {"id": "poster", "zone": "main", "type": "image", "file": "media/poster.png", "duration": 10},
  {"id": "clip-bad", "zone": "main", "type": "video", "file": "$BAD"},
  {"id": "poster-gone", "zone": "main", "type": "image", "file": "media/none.png", "duration": 10},
  {"id": "slogan", "zone": "main", "type": "text", "mode": "static", "text": "防范电信诈骗", "duration": 10},
  {"id": "slogan-font", "zone": "main", "type": "text", "mode": "static", "text": "字体", "font": "none.ttf", "duration": 10},
  {"id": "side-gone", "zone": "side", "type": "image", "file": "media/none.png", "duration": 10}],
 "rules": [{"items": ["clip-bad", "poster", "poster-gone"], "hours": "08:00-18:00", "min_per_hour": 2}],
 "fallback": {"type": "text", "mode": "static", "text": "反诈宣传", "color": "#ffffff"}}
EOF

# Lint still calls the playlist wrong: the player plays what it can. (Lint does not look at fonts:
# slogan-font fails only when due, and the fallback stands in for it.)
expect_rc 1 "$SL_BUILD_DIR/tools/screenlit" lint "$T/s/pl.json"
expect_rc 0 "$PLAYER" --playlist "$T/s/pl.json" --output "frames:$T/f" --size 320x240 --screen-id "$SCREEN" \
    --state-dir "$T/st" --clock sim:2026-11-25T09:00:00+08:00 --run 120 --frames-every 60
expect_in "$T/err" "skipping clip-bad in zone main: $BAD cannot be read as media"
expect_in "$T/err" "skipping poster-gone in zone main: media/none.png does not exist"
expect_in "$T/err" "skipping side-gone in zone side"
expect_not_in "$T/err" "cannot play $T/s/pl.json" # the whole playlist refused
expect_in "$T/out" "frames with a black zone 0"
# The summary: plays, and apart from them what could not be shown.
nf=$(sed -n 's/^items not shown (this run): 3 skipped, \([0-9]*\) plays failed$/\1/p' "$T/out")
[ "${nf:-0}" -ge 3 ] && ok || fail "the summary does not count the failed plays apart"
grep -E "^  slogan-font +main +$nf  failed" "$T/out" >/dev/null && ok || fail "the summary does not list slogan-font's failures"
grep -E '^  slogan-font +main +[0-9]+ +[0-9.]+$' "$T/out" >/dev/null && fail "slogan-font is counted as played" || ok
grep -E '^  clip-bad +main +skipped  media/' "$T/out" >/dev/null && ok || fail "the summary does not list clip-bad as skipped"
grep -E '^  (poster|slogan) +main +[0-9]+ ' "$T/out" >/dev/null && ok || fail "the summary lists no plays"
expect_not_in "$T/out" "clip-bad                 main             1"

# The journal: one skip record per bad item (failed, 0 ms, "skipped: reason"), and the good items
# played; a skipped item is never scheduled, so nothing else about it.
db="$T/st/journal.db"
q() { sqlite3 "$db" "$1"; }
[ "$(q "SELECT count(*) FROM plays WHERE reason LIKE 'skipped: %' AND outcome = 2 AND duration_ms = 0")" = 3 ] &&
    ok || fail "the journal lacks the three skip records: $(q 'SELECT item, outcome, reason FROM plays' | head -5)"
[ "$(q "SELECT zone FROM plays WHERE item = 'side-gone'")" = side ] && ok || fail "side-gone's skip is not in zone side"
[ "$(q "SELECT count(*) FROM plays WHERE item IN ('clip-bad', 'poster-gone', 'side-gone')")" = 3 ] &&
    ok || fail "a skipped item was scheduled"
[ "$(q "SELECT count(*) FROM plays WHERE item IN ('poster', 'slogan') AND outcome = 0")" -ge 6 ] &&
    ok || fail "the good items did not play: $(q 'SELECT item, outcome, duration_ms FROM plays' | tr '\n' ' ')"
[ "$(q "SELECT count(*) FROM plays WHERE item = 'slogan-font' AND outcome = 2 AND reason NOT LIKE 'skipped%'")" = "$nf" ] &&
    ok || fail "slogan-font's failed plays are not journaled as the summary counts them"
# The side zone has nothing left to play: its fallback is up, not a black strip.
c=$("$IMGCHECK" colours "$T/f/frame-0000060000.png" 0,192,320,48 | wc -l)
[ "$c" -gt 2 ] && ok || fail "the side zone shows no fallback"

# Nothing playable at all: the fallback, never a refusal.
sed -e 's#"media/poster.png"#"media/none.png"#' -e 's#"type": "text", "mode": "static", "text": "防范电信诈骗"#"type": "image", "file": "media/none.png"#' \
    -e 's#"type": "text", "mode": "static", "text": "字体", "font": "none.ttf"#"type": "image", "file": "media/none.png"#' \
    "$T/s/pl.json" >"$T/s/none.json"
expect_rc 0 "$PLAYER" --playlist "$T/s/none.json" --output "frames:$T/n" --size 320x240 --journal "$T/n.db" \
    --clock sim:2026-11-25T09:00:00+08:00 --run 300 --frames-every 30
expect_in "$T/err" "no item can be played: showing the fallback"
expect_in "$T/out" "items not shown (this run): 6 skipped, 0 plays failed"
expect_in "$T/out" "frames with a black zone 0"
c=$("$IMGCHECK" colours "$T/n/frame-0000000000.png" 0,0,320,192 | wc -l)
[ "$c" -gt 2 ] && ok || fail "the fallback is not shown"
# Its plays (every 20 s in each zone) are drawn from the text each zone prepared at start, not
# rendered again: only the first ones, before that picture is ready, may be rendered (two per zone).
r=$(sed -n 's/^texts rendered \([0-9]*\), fallback shown from its prepared picture [0-9]*$/\1/p' "$T/out")
n=$(sed -n 's/^texts rendered [0-9]*, fallback shown from its prepared picture \([0-9]*\)$/\1/p' "$T/out")
[ -n "$r" ] && [ "$r" -le 4 ] && [ "${n:-0}" -ge 26 ] && ok ||
    fail "the fallback's text is rendered again at each play: $(grep '^texts' "$T/out")"
cmp -s "$T/n/frame-0000000000.png" "$T/n/frame-0000270000.png" && ok ||
    fail "a later play of the fallback looks different from its first"

# A hub takes the skip records like any play (outcome failed; coverage does not count them).
mkdir -p "$DATA"
ADMIN=$(new_token admin)
start_hub "$DATA"
printf 'id,name,channel,hours,timezone\n%s,村委会,,daily 08:00-18:00,Asia/Shanghai\n' "$SCREEN" >"$T/inv.csv"
expect_rc 0 "$SCREENLIT" inventory import "$T/inv.csv" --hub "$URL" --token "$ADMIN"
expect_rc 0 "$PLAYER" --export-records "$T/usb" --state-dir "$T/st"
expect_rc 0 "$SCREENLIT" records import "$T/usb" --hub "$URL" --token "$ADMIN"
curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/plays?screen=$SCREEN" >"$T/plays.json"
[ "$(jq '[.records[] | select(.outcome == "failed" and .duration_ms == 0 and (.reason | startswith("skipped: ")))] | length' "$T/plays.json")" = 3 ] &&
    ok || fail "the hub does not hold the three skip records"
[ "$(jq -r '.records[] | select(.item == "clip-bad") | .reason' "$T/plays.json" | wc -c)" -le 128 ] &&
    ok || fail "clip-bad's reason is longer than a record's"
stop_hub
finish
