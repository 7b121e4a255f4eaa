#!/bin/sh
# Generates the sample campaign's posters and clip with ffmpeg and a CJK font (no binaries are committed).
# Usage: config/sample/make-media.sh [OUTDIR]   (default: the media/ folder beside this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/media"}
font=${SCREENLIT_FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc}

if ! command -v ffmpeg >/dev/null 2>&1; then
    echo "make-media.sh: ffmpeg is missing (sudo apt-get install ffmpeg)" >&2
    exit 1
fi
if [ ! -f "$font" ]; then
    echo "make-media.sh: font $font is missing (sudo apt-get install fonts-noto-cjk)" >&2
    exit 1
fi
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# poster NAME EXT BACKGROUND TITLE SUBTITLE
poster() {
    printf '%s' "$4" > "$tmp/title.txt"
    printf '%s' "$5" > "$tmp/sub.txt"
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "color=c=$3:size=1920x1080:duration=1" \
        -vf "drawbox=x=60:y=60:w=1800:h=960:color=white@0.9:t=12,\
drawtext=fontfile=$font:textfile=$tmp/title.txt:fontsize=110:fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2-120,\
drawtext=fontfile=$font:textfile=$tmp/sub.txt:fontsize=60:fontcolor=yellow:x=(w-text_w)/2:y=(h-text_h)/2+110" \
        -frames:v 1 "$out/$1.$2"
}

poster poster-app png "#b3131b" "下载国家反诈中心APP" "防范电信网络诈骗 · 人人有责"
poster poster-elderly jpg "#0b4f8a" "养老投资需谨慎" "“高额回报”要小心"
poster poster-leader png "#1f6e43" "冒充领导要求转账的" "都是诈骗！先核实，再转账"
poster poster-weekend png "#5b2a86" "周末也要提防诈骗" "陌生来电不轻信 · 可疑链接不点击"

# A 12-second clip: a moving test pattern with a caption and the frame number burnt in.
printf '%s' "反诈宣传短片" > "$tmp/clip.txt"
ffmpeg -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1280x720:rate=25:duration=12" \
    -vf "drawtext=fontfile=$font:textfile=$tmp/clip.txt:fontsize=72:fontcolor=white:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=60,\
drawtext=fontfile=$font:text='%{frame_num}':start_number=0:fontsize=64:fontcolor=yellow:box=1:boxcolor=black@0.6:x=(w-text_w)/2:y=h-140" \
    -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p -g 25 -movflags +faststart "$out/clip.mp4"

echo "make-media.sh: wrote the sample media to $out"
