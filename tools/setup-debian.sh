#!/bin/sh
# Installs every Debian package screenlit needs to build, run and test (Debian 12, amd64 or arm64).
set -eu

PACKAGES="
  build-essential cmake pkg-config git
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
  libcurl4-openssl-dev libcjson-dev libsodium-dev libsqlite3-dev sqlite3
  libmicrohttpd-dev libpq-dev libxlsxwriter-dev libqrencode-dev libcmocka-dev libfontconfig1-dev libsystemd-dev
  clang libclang-rt-14-dev
  ffmpeg fonts-noto-cjk fonts-dejavu-core fonts-noto-color-emoji fonts-hanazono jq curl xvfb xauth x11-apps postgresql
  wrk nginx openssl mpv
  chromium unzip tidy nodejs python3
  librsvg2-bin zbar-tools libxml2-utils
  dpkg-dev lintian systemd strace
"

# shellcheck source=tools/setup-lib.sh
. "$(dirname "$0")/setup-lib.sh"
setup_sudo setup-debian.sh
# shellcheck disable=SC2086
missing=$(setup_missing $PACKAGES)

# The browser tests (tests/web/) need npm beside node. Debian 12 packages it apart from nodejs;
# elsewhere node may come with npm bundled: install the package only when the command is missing.
if ! command -v npm >/dev/null 2>&1; then
    missing="$missing npm"
fi

# shellcheck disable=SC2086
setup_install setup-debian.sh $missing
