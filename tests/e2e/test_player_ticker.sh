#!/bin/sh
# test_player_ticker.sh — a simulated hour of three slogans on one strip: no captured frame shows an empty strip, and each slogan is on screen exactly while its play record says so.
. "$(dirname "$0")/lib.sh"

# Three slogans in three colours on a black strip (one faster, one with its own gap),
# so that a frame tells which of them are on screen.
mkdir -p "$T/p"
cat >"$T/p/playlist.json" <<'JSON'
{
  "timezone": "Asia/Shanghai",
  "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 85, "background": "#203040"},
            {"id": "strip", "x": 0, "y": 85, "w": 100, "h": 15, "background": "#000000"}],
  "items": [
    {"id": "notice", "zone": "main", "type": "text", "mode": "static", "text": "营业厅公告", "duration": 30},
    {"id": "red", "zone": "strip", "type": "text", "text": "防范电信网络诈骗，下载国家反诈中心APP", "color": "#ff0000", "speed": 160, "duration": 20},
    {"id": "green", "zone": "strip", "type": "text", "text": "Never share a code", "color": "#00ff00", "speed": 240, "duration": 9},
    {"id": "blue", "zone": "strip", "type": "text", "text": "冒充领导要求转账的，都是诈骗", "color": "#0000ff", "speed": 160, "gap": 40, "duration": 15}
  ]
}
JSON
FROM=2026-11-25T09:00:00+08:00
T0=$(date -d "$FROM" +%s)000
expect_rc 0 "$PLAYER" --playlist "$T/p/playlist.json" --output "frames:$T/f" --size 640x360 \
    --clock "sim:$FROM" --run 3600 --frames-every 7 --journal "$T/j.db" --screen-id ticker-test \
    --state-dir "$T/state"
expect_in "$T/out" "journal errors 0"

# The strip: 640x54 at y 306.
STRIP=0,306,640,54
n=0
empty=""
: >"$T/seen.txt"
for f in "$T"/f/frame-*.png; do
    ms=$(basename "$f" .png | sed 's/^frame-0*//')
    ms=${ms:-0}
    n=$((n + 1))
    if [ "$ms" -gt 0 ] && [ -z "$("$IMGCHECK" bands "$f" "$STRIP" 000000)" ]; then
        empty="$empty $ms"
    fi
    r=$("$IMGCHECK" count "$f" "$STRIP" FF0000)
    g=$("$IMGCHECK" count "$f" "$STRIP" 00FF00)
    b=$("$IMGCHECK" count "$f" "$STRIP" 0000FF)
    echo "$ms $r $g $b" >>"$T/seen.txt"
done
[ "$n" -gt 500 ] && ok || fail "only $n frames"
[ -z "$empty" ] && ok || fail "the strip is empty at (ms)$empty"

# Records of the strip, relative to the start: item, first and last ms on screen.
sqlite3 "$T/j.db" "SELECT item, start_ms - $T0, start_ms - $T0 + duration_ms FROM plays WHERE zone = 'strip'" |
    tr '|' ' ' >"$T/records.txt"
nrec=$(wc -l <"$T/records.txt")
[ "$nrec" -gt 150 ] && ok || fail "only $nrec records of the strip"
# Records overlap (a slogan leaves while the next enters), and none lasts more than its
# passes need: every record is at least one pass.
overlaps=$(sort -k2 -n "$T/records.txt" | awk 'NR > 1 && $2 < prev_end { n++ } { prev_end = $3 } END { print n + 0 }')
[ "$overlaps" -gt 100 ] && ok || fail "only $overlaps records overlap the one before"

# Frame by frame: a slogan shows pixels of its colour exactly when a record of it covers
# the instant (frames within 0.4 s of a record's ends are not judged: a glyph's edge).
bad=$(awk '
    FNR == NR { item[NR] = $1; s[NR] = $2; e[NR] = $3; nr = NR; next }
    {
        t = $1; shown["red"] = $2 > 4; shown["green"] = $3 > 4; shown["blue"] = $4 > 4
        split("red green blue", names, " ")
        for (k = 1; k <= 3; k++) {
            name = names[k]; due = 0; near = 0
            for (i = 1; i <= nr; i++) {
                if (item[i] != name) continue
                if (t >= s[i] && t < e[i]) due = 1
                if ((t > s[i] - 400 && t < s[i] + 400) || (t > e[i] - 400 && t < e[i] + 400)) near = 1
            }
            if (!near && due != shown[name]) { printf "%s at %d ms: on screen %d, recorded %d\n", name, t, shown[name], due; bad++ }
            judged++
        }
    }
    END { if (judged < 1400) print "only " judged " judged" }' "$T/records.txt" "$T/seen.txt")
[ -z "$bad" ] && ok || fail "records and screen disagree: $(echo "$bad" | head -5)"

# Every slogan played, with all three kinds of follower (slower, faster, own gap).
for it in red green blue; do
    c=$(awk -v it="$it" '$1 == it' "$T/records.txt" | wc -l)
    [ "$c" -gt 30 ] && ok || fail "$it recorded only $c times"
done

finish
