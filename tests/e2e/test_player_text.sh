#!/bin/sh
# test_player_text.sh — text on screen: static text in lines, characters from fallback fonts instead of boxes, and what lint says about text.
. "$(dirname "$0")/lib.sh"

FROM=2026-11-25T09:00:00+08:00
mkdir -p "$T/p"

# one_text NAME JSON-MEMBERS — a playlist of one static text filling a 640x360 screen,
# played for a second; its frame is $T/NAME/frame-0000001000.png.
one_text() {
    cat >"$T/p/$1.json" <<JSON
{"timezone": "+08:00", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100, "background": "#000000"}],
 "items": [{"id": "t", "zone": "main", "type": "text", "mode": "static", $2}]}
JSON
    expect_rc 0 "$PLAYER" --playlist "$T/p/$1.json" --output "frames:$T/$1" --size 640x360 \
        --clock "sim:$FROM" --run 1 --frames-every 1 --journal "$T/$1.db" --state-dir "$T/state"
}

# Two lines: an explicit line break gives two bands of text, one above the other.
one_text two '"text": "第一行\n第二行", "size": 60'
"$IMGCHECK" bands "$T/two/frame-0000001000.png" 0,0,640,360 000000 >"$T/bands.txt"
[ "$(wc -l <"$T/bands.txt")" = 2 ] && ok || fail "two lines should be two bands: $(tr '\n' ' ' <"$T/bands.txt")"
# A long text wraps to the zone's width (and shrinks to fit its height): several bands,
# every pixel inside the screen.
one_text wrap '"text": "防范电信网络诈骗，下载国家反诈中心APP。Never share a verification code with anyone who calls you.", "size": 50'
nb=$("$IMGCHECK" bands "$T/wrap/frame-0000001000.png" 0,0,640,360 000000 | wc -l)
[ "$nb" -ge 3 ] && ok || fail "a long text should wrap into 3 or more lines, got $nb"
# Alignment: left-aligned lines start at the zone's left edge, right-aligned ones end at its right.
one_text left '"text": "左\n左对齐的一行", "size": 40, "align": "left"'
one_text right '"text": "右\n右对齐的一行", "size": 40, "align": "right"'
l=$("$IMGCHECK" count "$T/left/frame-0000001000.png" 0,0,60,360 FFFFFF 60)
r=$("$IMGCHECK" count "$T/right/frame-0000001000.png" 580,0,60,360 FFFFFF 60)
[ "$l" -gt 50 ] && ok || fail "left-aligned text has $l pixels at the left edge"
[ "$r" -gt 50 ] && ok || fail "right-aligned text has $r pixels at the right edge"
rl=$("$IMGCHECK" count "$T/right/frame-0000001000.png" 0,0,60,360 FFFFFF 60)
[ "$rl" = 0 ] && ok || fail "right-aligned text reaches the left edge ($rl pixels)"

# Characters the default font lacks come from the installed fonts fontconfig finds: they
# are drawn, not as the box a private-use character (U+E000, in no font) gets.
one_text box '"text": "\ue000", "size": 200'
for c in ext-b:𠀀 ext-b2:𪚥; do
    name=${c%%:*}
    one_text "$name" "\"text\": \"${c#*:}\", \"size\": 200"
    if "$IMGCHECK" diff "$T/$name/frame-0000001000.png" "$T/box/frame-0000001000.png" >/dev/null; then
        fail "${c#*:} is drawn as the box"
    else ok; fi
done
# Colour emoji: the siren is drawn red (the default font would draw a white box).
one_text emoji '"text": "🚨", "size": 120'
red=$("$IMGCHECK" count "$T/emoji/frame-0000001000.png" 0,0,640,360 F02020 90)
[ "$red" -gt 500 ] && ok || fail "the emoji shows only $red red pixels"

# Lint: a character no installed font can draw is named with its item (a warning: the
# slogan still plays); emoji and CJK extension B, which installed fonts have, are not.
cat >"$T/p/lint.json" <<'JSON'
{"timezone": "+08:00", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "alert", "zone": "main", "type": "text", "text": "警报 🚨 𠀀 𪚥"},
           {"id": "private", "zone": "main", "type": "text", "text": "私用\ue000区"}]}
JSON
expect_rc 0 "$SCREENLIT" lint "$T/p/lint.json"
expect_in "$T/err" "items[1].text: warning: \"private\" has 1 character that no installed font can draw (U+E000)"
expect_not_in "$T/err" "items[0]"

# Lint refuses text of only spaces and line breaks, and checks the new members.
cat >"$T/p/bad.json" <<'JSON'
{"timezone": "+08:00", "zones": [{"id": "main", "x": 0, "y": 0, "w": 100, "h": 100}],
 "items": [{"id": "blank", "zone": "main", "type": "text", "text": " \n\t\u3000 "},
           {"id": "gap", "zone": "main", "type": "text", "text": "a", "gap": -5},
           {"id": "align", "zone": "main", "type": "text", "mode": "static", "text": "a", "align": "middle", "shrink": "yes"},
           {"id": "static-gap", "zone": "main", "type": "text", "mode": "static", "text": "a", "gap": 30}]}
JSON
expect_rc 1 "$SCREENLIT" lint "$T/p/bad.json"
expect_in "$T/err" "items[0].text: error: has only spaces or line breaks"
expect_in "$T/err" "items[1].gap: error:"
expect_in "$T/err" "items[2].align: error:"
expect_in "$T/err" "items[2].shrink: error:"
expect_in "$T/err" "items[3].gap: warning: only a ticker has a gap"

finish
