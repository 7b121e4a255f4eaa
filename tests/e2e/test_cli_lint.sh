#!/bin/sh
# test_cli_lint.sh — `screenlit lint` on the sample and on a playlist with five mistakes; usage errors.
. "$(dirname "$0")/lib.sh"

sample_copy "$T/sample"

expect_rc 0 "$SCREENLIT" lint "$T/sample/playlist.json"
expect_in "$T/out" "OK: 2 zones, 8 items (5 media files), 4 rules (1 with a frequency floor)"

# Five different mistakes, all reported in one run.
cat >"$T/sample/bad.json" <<'JSON'
{
  "timezone": "Asia/Shanghai",
  "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 88},
            {"id": "ticker", "x": 0, "y": 88, "w": 100, "h": 12}],
  "items": [
    {"id": "poster", "zone": "main", "type": "image", "file": "media/poster-app.png"},
    {"id": "app", "zone": "main", "type": "video", "file": "media/app.mp4"},
    {"id": "slogan", "zone": "tickr", "type": "text", "text": "冒充领导要求转账的，都是诈骗"},
    {"id": "slogan2", "zone": "ticker", "type": "text", "text": "养老投资需谨慎", "color": "yellow"}
  ],
  "rules": [
    {"items": ["poster"], "weekdays": ["mon", "tue"]},
    {"items": ["slogan2"], "hours": "25:00-26:00"},
    {"items": ["poster", "ghost"], "min_per_hour": 4}
  ]
}
JSON
expect_rc 1 "$SCREENLIT" lint "$T/sample/bad.json"
expect_in "$T/err" "items[1].file: error: media/app.mp4 does not exist"
expect_in "$T/err" "items[2].zone: error: no zone named \"tickr\" (zones: main, ticker)"
expect_in "$T/err" "items[3].color: error: \"yellow\" is not a colour"
expect_in "$T/err" "rules[1].hours: error: \"25:00-26:00\" is not a time of day"
expect_in "$T/err" "rules[2].items[1]: error: no item named \"ghost\""
expect_in "$T/out" "5 errors"

# Warnings do not fail: a floor that cannot be met, a never-eligible item, a huge picture.
ffmpeg -hide_banner -loglevel error -y -f lavfi -i color=c=red:size=9000x100 -frames:v 1 "$T/sample/media/wide.png"
cat >"$T/sample/warn.json" <<'JSON'
{
  "timezone": "+08:00",
  "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
  "items": [
    {"id": "long", "zone": "main", "type": "video", "file": "media/clip.mp4"},
    {"id": "wide", "zone": "main", "type": "image", "file": "media/wide.png"},
    {"id": "never", "zone": "main", "type": "image", "file": "media/poster-app.png"}
  ],
  "rules": [
    {"items": ["long"], "min_per_hour": 400},
    {"items": ["never"], "dates": {"from": "2026-11-28", "to": "2026-11-29"}, "weekdays": ["mon"]}
  ]
}
JSON
expect_rc 0 "$SCREENLIT" lint "$T/sample/warn.json"
expect_in "$T/err" "rules[0]: warning: \"long\" lasts 12.0 s, so 400 plays need 4800 s"
expect_in "$T/err" "items[1].file: warning: media/wide.png is 9000x100 pixels, over 8192 on a side"
expect_in "$T/err" "items[2]: warning: \"never\" is never eligible"

# A video whose duration cannot be read, with no duration given: an error.
head -c 4000 "$T/sample/media/clip.mp4" | tail -c 2000 >"$T/sample/media/broken.mp4"
cat >"$T/sample/broken.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "b", "zone": "m", "type": "video", "file": "media/broken.mp4"}]}
JSON
expect_rc 1 "$SCREENLIT" lint "$T/sample/broken.json"
expect_in "$T/err" "items[0].file: error: media/broken.mp4 cannot be read as media"

# Not JSON at all.
printf '{"zones": [' >"$T/sample/trunc.json"
expect_rc 1 "$SCREENLIT" lint "$T/sample/trunc.json"
expect_in "$T/err" "not valid JSON"

# A key twice in one object: refused with the path (cJSON kept the first, jq the last).
cat >"$T/sample/dup.json" <<'JSON'
{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "a", "zone": "m", "type": "text", "text": "x", "duration": 5},
           {"id": "b", "zone": "m", "type": "text", "text": "y", "duration": 5},
           {"id": "c", "zone": "m", "type": "text", "text": "z", "duration": 5, "duration": -3}]}
JSON
expect_rc 1 "$SCREENLIT" lint "$T/sample/dup.json"
expect_in "$T/err" 'items[2]: duplicate key "duration"'

# Characters no font can draw: the item's own font counts. A private-use character (U+E000, in
# no installed font) is drawn by a font made here (a BDF bitmap font with a glyph for it), so the
# item that names that font gets no warning; the same text without the font does.
{
    printf 'STARTFONT 2.1\nFONT -screenlit-pua-medium-r-normal--16-160-75-75-c-160-iso10646-1\nSIZE 16 75 75\n'
    printf 'FONTBOUNDINGBOX 16 16 0 -2\nSTARTPROPERTIES 4\nFONT_ASCENT 14\nFONT_DESCENT 2\n'
    printf 'CHARSET_REGISTRY "ISO10646"\nCHARSET_ENCODING "1"\nENDPROPERTIES\nCHARS 2\n'
    for g in 65:F00F 57344:FFFF; do
        printf 'STARTCHAR u%s\nENCODING %s\nSWIDTH 1000 0\nDWIDTH 16 0\nBBX 16 16 0 -2\nBITMAP\n' "${g%%:*}" "${g%%:*}"
        for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do echo "${g#*:}"; done
        echo ENDCHAR
    done
    echo ENDFONT
} >"$T/sample/pua.bdf"
cat >"$T/sample/font.json" <<JSON
{"timezone": "UTC", "zones": [{"id": "m", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "own", "zone": "m", "type": "text", "text": "A\\ue000", "font": "$T/sample/pua.bdf"},
           {"id": "none", "zone": "m", "type": "text", "text": "A\\ue000"}]}
JSON
expect_rc 0 "$SCREENLIT" lint "$T/sample/font.json"
expect_in "$T/err" 'items[1].text: warning: "none" has 1 character that no installed font can draw (U+E000)'
expect_not_in "$T/err" 'items[0].text'

# Usage errors exit 2; --help exits 0 with a man-page-like text.
expect_rc 2 "$SCREENLIT"
expect_rc 2 "$SCREENLIT" frobnicate
expect_rc 2 "$SCREENLIT" lint
expect_rc 2 "$SCREENLIT" lint --bogus "$T/sample/playlist.json"
expect_rc 2 "$SCREENLIT" lint a.json b.json
for cmd in lint preview keygen; do
    expect_rc 0 "$SCREENLIT" "$cmd" --help
    expect_in "$T/out" "SYNOPSIS"
    expect_in "$T/out" "EXIT STATUS"
done
expect_rc 0 "$SCREENLIT" --help
expect_in "$T/out" "COMMANDS"

finish
