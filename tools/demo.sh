#!/bin/sh
# The demo: installs what screenlit needs, builds it, and shows the sample bank-lobby campaign end to end.
# Usage: tools/demo.sh [WORKDIR]   (default: ./demo-out)
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-"$root/demo-out"}
build="$root/build-demo"

step() { printf '\n==> %s\n' "$*"; }

step "Installing the Debian packages screenlit needs"
"$root/tools/setup-debian.sh"

step "Building"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)"
screenlit="$build/tools/screenlit"
player="$build/player/screenlit-player"

step "Making the sample campaign's posters and clip in $work"
mkdir -p "$work"
cp "$root/config/sample/playlist.json" "$work/playlist.json"
"$root/config/sample/make-media.sh" "$work/media"

step "Checking the playlist (screenlit lint)"
"$screenlit" lint "$work/playlist.json"

step "What a bank-lobby screen plays on Wednesday 25 November 2026 (screenlit preview)"
"$screenlit" preview "$work/playlist.json" \
    --from 2026-11-25T08:00+08:00 --to 2026-11-25T18:00+08:00 --summary

step "And on Sunday 29 November: the weekday rules keep the business-hours posters off"
"$screenlit" preview "$work/playlist.json" \
    --from 2026-11-29T08:00+08:00 --to 2026-11-29T18:00+08:00 --summary

step "A publisher key for signing playlists"
if [ -f "$work/keys/publisher.pub" ]; then
    echo "keeping the existing key in $work/keys"
else
    "$screenlit" keygen --out "$work/keys"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    step "The player, in a window, for 60 seconds (keys: d diagnostic screen, p write a frame, q quit)"
    "$player" --playlist "$work/playlist.json" --output window --size 1280x720 --run 60 \
        --journal "$work/journal.db" --screen-id demo-lobby --tags bank,lobby \
        --clock from:2026-11-25T09:00:00+08:00
else
    step "No display: the player renders a simulated hour (09:00-10:00 on 25 November) offscreen"
    rm -rf "$work/frames"
    "$player" --playlist "$work/playlist.json" --output "frames:$work/frames" --size 1280x720 \
        --clock sim:2026-11-25T09:00:00+08:00 --run 3600 --frames-every 300 \
        --journal "$work/journal.db" --screen-id demo-lobby --tags bank,lobby
    echo "frames written to $work/frames (one every 5 minutes of simulated time)"
fi

printf '\nDone. The playlist, its media, the key, the frames and the play journal are in %s.\n' "$work"
