#!/bin/sh
# test_player_golden.sh — frames of the sample at fixed simulated instants match the reference PNGs in tests/golden/.
#
# Tolerance (imgcheck diff): mean absolute channel difference <= 1.0 and at most
# 0.2 % of pixels with a channel off by more than 32. The references are exact
# renders of this code; the tolerance absorbs small encoder/scaler changes in
# the generated sample media, not layout changes (a zone moved by one pixel or a
# different glyph fails). Set SL_GOLDEN_UPDATE=1 to rewrite the references.
. "$(dirname "$0")/lib.sh"

G="$SL_SOURCE_DIR/tests/golden"
sample_copy "$T/s"
P="$T/s/playlist.json"

# name, then player arguments; frames are taken at 0 s and 65 s of simulated play.
render() {
    name=$1
    shift
    rm -rf "$T/$name"
    expect_rc 0 "$PLAYER" --output "frames:$T/$name" --frames-every 65 --run 65 --journal "$T/$name.db" --screen-id golden "$@"
}

render lobby --playlist "$P" --size 960x540 --clock sim:2026-11-25T08:35:00+08:00
render rotated --playlist "$P" --size 960x540 --rotate 90 --clock sim:2026-11-25T08:35:00+08:00
render led --playlist "$G/led-playlist.json" --size 1920x1080 --region 864,508,192,64 --clock sim:2026-11-25T08:35:00+08:00

for name in lobby rotated led; do
    for t in 0000000000 0000065000; do
        got="$T/$name/frame-$t.png"
        want="$G/$name-$t.png"
        if [ "${SL_GOLDEN_UPDATE:-0}" = 1 ]; then
            cp "$got" "$want"
            echo "updated $want"
            continue
        fi
        if [ ! -f "$got" ]; then
            fail "no frame $got"
            continue
        fi
        if "$IMGCHECK" diff "$got" "$want" 1.0 0.002 >"$T/diff.txt"; then ok; else
            fail "$name at $t ms differs from $want: $(cat "$T/diff.txt")"
            cp "$got" "${TMPDIR:-/tmp}/screenlit-golden-$name-$t.png" 2>/dev/null || true
        fi
    done
done

# LED region: everything outside the 192x64 rectangle stays black, the wall's pixels inside are lit.
out=$("$IMGCHECK" dark "$T/led/frame-0000000000.png" 0,0,1920,500)
[ "$out" = "1.0000" ] && ok || fail "pixels lit above the LED region ($out dark)"
inside=$("$IMGCHECK" dark "$T/led/frame-0000000000.png" 864,508,192,64)
awk -v v="$inside" 'BEGIN { exit !(v < 0.99 && v > 0.3) }' && ok || fail "LED region not drawn ($inside dark)"
# Crisp text: no anti-aliasing, every lit pixel is the full text colour (#ff2020) or black.
colours=$("$IMGCHECK" colours "$T/led/frame-0000000000.png" 864,508,192,64)
extra=$(printf '%s\n' "$colours" | grep -v -e '^000000$' -e '^FF2020$' | wc -l)
[ "$extra" = 0 ] && ok || fail "crisp LED text has anti-aliased pixels: $(printf '%s' "$colours" | tr '\n' ' ')"

finish
