#!/bin/sh
# test_console_qr.sh — the console's QR code SVG read back by a real decoder: drawn to PNG by rsvg-convert, decoded by zbarimg, the same text.
. "$(dirname "$0")/lib.sh"

for tool in rsvg-convert:librsvg2-bin zbarimg:zbar-tools; do
    command -v "${tool%%:*}" >/dev/null ||
        { echo "SKIP: ${tool%%:*} is not installed (apt-get install ${tool#*:})"; exit 77; }
done
QRSVG="$SL_BUILD_DIR/tests/qrsvg"

# decodes NAME TEXT — the SVG of TEXT, drawn 1200 px wide, decodes to exactly TEXT.
decodes() {
    printf '%s' "$2" >"$T/$1.want"
    expect_rc 0 "$QRSVG" "$2" "QR <$1>"
    cp "$T/out" "$T/$1.svg"
    if ! rsvg-convert -w 1200 -o "$T/$1.png" "$T/$1.svg" 2>"$T/$1.rsvg"; then
        fail "$1: rsvg-convert could not draw the SVG: $(cat "$T/$1.rsvg")"
        return
    fi
    # As text, the way a phone's reader shows it; zbarimg ends it with a line feed.
    zbarimg -q --raw "$T/$1.png" 2>/dev/null >"$T/$1.raw" || true
    head -c "$(($(wc -c <"$T/$1.raw") - 1))" "$T/$1.raw" >"$T/$1.got" 2>/dev/null || : >"$T/$1.got"
    if cmp -s "$T/$1.got" "$T/$1.want"; then ok; else
        fail "$1: decoded '$(head -c 200 "$T/$1.got")', wanted '$(head -c 200 "$T/$1.want")'"
    fi
}

decodes enrol "https://hub.example:8443/enroll?code=ABCD-EFGH-IJKL"
decodes query "https://hub.example/console/enrol?code=ABCD-EFGH-IJKL&lang=zh#\"<x>'"
decodes chinese "冒充领导要求转账的，都是诈骗。养老投资需谨慎！"
decodes chars200 "$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "%c", 33 + (i * 7) % 94 }')"
# The most a QR code holds in 8-bit mode at level M: 2331 bytes (version 40), Chinese and ASCII mixed.
long=$(awk 'BEGIN { s = ""; while (length(s) < 2400) s = s "screenlit 亮屏 "; printf "%s", s }' |
       head -c 2331)
# Cut on a character boundary: drop a partial UTF-8 sequence at the end, then pad with ASCII to 2331 bytes.
long=$(printf '%s' "$long" | iconv -c -f UTF-8 -t UTF-8)
while [ "$(printf '%s' "$long" | wc -c)" -lt 2331 ]; do long="${long}x"; done
decodes longest "$long"
expect_in "$T/longest.svg" 'viewBox="0 0 185 185"'

# One byte more does not fit: a clear error, no SVG.
expect_rc 1 "$QRSVG" "${long}x"
expect_in "$T/err" "the text is 2332 bytes; a QR code holds at most 2331 (shorten it)"
expect_rc 1 "$QRSVG" ""
expect_in "$T/err" "the text is empty"

finish
