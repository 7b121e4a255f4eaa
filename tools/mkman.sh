#!/bin/sh
# Makes a man page (roff, section 1) from a program's --help text, and from each subcommand's --help.
# Usage: tools/mkman.sh PROGRAM NAME VERSION [SUBCOMMAND...] > NAME.1
# PROGRAM is the binary to run (SL_MAN_RUN, e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu", runs it for
# another architecture). The help texts are already laid out as a man page (NAME, SYNOPSIS,
# DESCRIPTION, OPTIONS … at the start of a line, text indented): headings become .SH, the
# text is kept as laid out. SOURCE_DATE_EPOCH, when set, dates the page (reproducible builds).
set -eu
[ $# -ge 3 ] || { echo "usage: tools/mkman.sh PROGRAM NAME VERSION [SUBCOMMAND...]" >&2; exit 2; }
prog=$1 name=$2 version=$3
shift 3
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)

# roff TITLE_PREFIX — the --help text on stdin as roff; headings get TITLE_PREFIX before them.
roff() {
    awk -v pre="$1" '
    function esc(s) { gsub(/\\/, "\\e", s); gsub(/-/, "\\-", s); if (s ~ /^[.'"'"']/) s = "\\&" s; return s }
    /^[A-Z][A-Z0-9 ]*$/ { if (open) print ".fi"; print ".SH \"" pre $0 "\""; print ".nf"; open = 1; next }
    { if (!open) { print ".nf"; open = 1 } sub(/^    /, ""); print esc($0) }
    END { if (open) print ".fi" }'
}

upper=$(printf '%s' "$name" | tr 'a-z' 'A-Z')
printf '.TH %s 1 "%s" "%s %s" "screenlit"\n' "$upper" "$date" "$name" "$version"
# shellcheck disable=SC2086 # SL_MAN_RUN is a command and its arguments
${SL_MAN_RUN:-} "$prog" --help | roff ""
for sub in "$@"; do
    # shellcheck disable=SC2086
    ${SL_MAN_RUN:-} "$prog" "$sub" --help | roff "$(printf '%s' "$sub" | tr 'a-z' 'A-Z'): "
done
