#!/bin/sh
# Installs what the arm64 cross build and its tests under qemu need beside the amd64 packages (Debian 12 amd64).
# The cross compiler (gcc-aarch64-linux-gnu), qemu-user-static to run arm64 programs, and the arm64
# -dev packages (dpkg --add-architecture arm64) of every library except libpq-dev: that one is not
# multi-arch, and installing libpq-dev:arm64 removes the amd64 one the amd64 build needs, so the
# arm64 build is made without the PostgreSQL store (SL_WITH_PG=OFF; README "arm64").
set -eu

PACKAGES="
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static
  libc6:arm64 libc6-dev:arm64
  libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 libsdl2-image-dev:arm64
  libavformat-dev:arm64 libavcodec-dev:arm64 libavutil-dev:arm64 libswscale-dev:arm64 libswresample-dev:arm64
  libcurl4-openssl-dev:arm64 libcjson-dev:arm64 libsodium-dev:arm64 libsqlite3-dev:arm64
  libmicrohttpd-dev:arm64 libxlsxwriter-dev:arm64 libqrencode-dev:arm64 libcmocka-dev:arm64
  libfontconfig1-dev:arm64 libsystemd-dev:arm64
"

# shellcheck source=tools/setup-lib.sh
. "$(dirname "$0")/setup-lib.sh"
setup_sudo setup-arm64.sh

if [ "$(dpkg --print-architecture)" != amd64 ]; then
    echo "setup-arm64.sh: this machine is $(dpkg --print-architecture); the arm64 cross build is made on amd64" >&2
    exit 1
fi

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup-arm64.sh: dpkg --add-architecture arm64"
    $SUDO dpkg --add-architecture arm64
fi

# shellcheck disable=SC2086
missing=$(setup_missing $PACKAGES)
# shellcheck disable=SC2086
setup_install setup-arm64.sh $missing
