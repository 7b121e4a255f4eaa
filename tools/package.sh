#!/bin/sh
# Builds the Debian packages screenlit-player, screenlit-hub and screenlit (the command) from this tree, and runs lintian on each.
# Usage: tools/package.sh [amd64|arm64] [--out DIR] [--version VERSION] [--no-lintian]
#   ARCH      the packages' architecture (default: this machine's). Another architecture is
#             cross-compiled with Debian's gcc-<triplet> and that architecture's -dev packages;
#             SL_PKG_CMAKE_ARGS replaces the cross-compiling CMake arguments, SL_MAN_RUN runs the
#             built programs for the man pages (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu").
#   --out     where the .deb files go (default build-pkg/); the build itself is in OUT/build-ARCH.
#   --version the Debian version (default: the CMake project's version, "-1"), e.g. 0.1.0-2 for
#             an upgrade made from the same tree.
# Depends are computed by dpkg-shlibdeps from the binaries, never typed. SL_PKG_MAINTAINER sets the
# Maintainer field. Needs cmake, dpkg-dev and lintian (no fakeroot: dpkg-deb --root-owner-group).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
out="$root/build-pkg"
version=""
lint=1
while [ $# -gt 0 ]; do
    case "$1" in
    amd64 | arm64) arch=$1 ;;
    --out) out=$2; shift ;;
    --out=*) out=${1#--out=} ;;
    --version) version=$2; shift ;;
    --version=*) version=${1#--version=} ;;
    --no-lintian) lint=0 ;;
    -h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (amd64, arm64, --out DIR, --version V, --no-lintian)" >&2; exit 2 ;;
    esac
    shift
done
for cmd in cmake dpkg-deb dpkg-shlibdeps dpkg-architecture; do
    command -v "$cmd" >/dev/null || {
        echo "package.sh: $cmd is missing (sudo apt-get install cmake dpkg-dev lintian, or tools/setup-debian.sh)" >&2
        exit 1
    }
done
upstream=$(sed -n 's/^project(screenlit VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
version=${version:-"$upstream-1"}
case "$version" in
[0-9]*-[0-9]*) ;;
*) echo "package.sh: --version $version: write UPSTREAM-REVISION, e.g. $upstream-2" >&2; exit 2 ;;
esac
maintainer=${SL_PKG_MAINTAINER:-"screenlit developers <screenlit@example.org>"}
# Reproducible: the date of the last commit (or now, outside git).
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)

mkdir -p "$out"
out=$(cd "$out" && pwd)
build="$out/build-$arch"
stage="$out/stage-$arch"
multiarch=$(dpkg-architecture -a"$arch" -qDEB_HOST_MULTIARCH 2>/dev/null)
strip=strip
cross=""
if [ "$arch" != "$(dpkg --print-architecture)" ]; then
    if [ "$arch" = arm64 ]; then
        # The arm64 cross build of tools/test-arm64.sh (tools/setup-arm64.sh installs it): without the
        # PostgreSQL store, since libpq-dev:arm64 cannot sit beside the amd64 one (README, "arm64").
        cross=${SL_PKG_CMAKE_ARGS:-"-DCMAKE_TOOLCHAIN_FILE=$root/tools/arm64-toolchain.cmake -DSL_WITH_PG=OFF"}
        # The man pages come from the programs' --help: run them under qemu.
        if [ -z "${SL_MAN_RUN:-}" ]; then
            SL_MAN_RUN=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
            [ -n "$SL_MAN_RUN" ] || { echo "package.sh: arm64 on $(dpkg --print-architecture) needs qemu-aarch64-static to run --help for the man pages (tools/setup-arm64.sh installs it)" >&2; exit 1; }
            export SL_MAN_RUN
        fi
    else
        cross=${SL_PKG_CMAKE_ARGS:-"-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=${multiarch%%-*} -DCMAKE_C_COMPILER=$multiarch-gcc"}
    fi
    export PKG_CONFIG_LIBDIR="/usr/lib/$multiarch/pkgconfig:/usr/share/pkgconfig"
    strip="$multiarch-strip"
fi

echo "==> building screenlit $version for $arch in $build"
# Debian's hardening flags (stack protector, fortify, relro, bind now) for this architecture.
flags() { DEB_HOST_ARCH=$arch DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get "$1"; }
# shellcheck disable=SC2086 # $cross is several arguments
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSL_TESTS=OFF \
    -DCMAKE_C_FLAGS="$(flags CPPFLAGS) $(flags CFLAGS)" -DCMAKE_EXE_LINKER_FLAGS="$(flags LDFLAGS)" $cross >/dev/null
cmake --build "$build" -j "${SL_JOBS:-2}" --target screenlit screenlit-hub screenlit-player

rm -rf "$stage"
mkdir -p "$stage"
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")

# common PKG — the files every package has: copyright, changelog.
common() {
    doc="$stage/$1/usr/share/doc/$1"
    install -d -m 0755 "$doc"
    install -m 0644 "$root/config/debian/copyright" "$doc/copyright"
    printf 'screenlit (%s) unstable; urgency=medium\n\n  * Built from the screenlit tree at commit %s by tools/package.sh.\n\n -- %s  %s\n' \
        "$version" "$commit" "$maintainer" "$changelog_date" | gzip -9n >"$doc/changelog.Debian.gz"
    chmod 0644 "$doc/changelog.Debian.gz"
}

# program PKG BINARY [SUBCOMMAND...] — the stripped binary in /usr/bin and its man page from --help.
program() {
    pkg=$1 bin=$2
    shift 2
    install -d -m 0755 "$stage/$pkg/usr/bin" "$stage/$pkg/usr/share/man/man1"
    install -m 0755 "$bin" "$stage/$pkg/usr/bin/"
    name=$(basename "$bin")
    "$strip" --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/$pkg/usr/bin/$name"
    "$root/tools/mkman.sh" "$bin" "$name" "$upstream" "$@" | gzip -9n >"$stage/$pkg/usr/share/man/man1/$name.1.gz"
    chmod 0644 "$stage/$pkg/usr/share/man/man1/$name.1.gz"
}

# service PKG UNIT CONF — the systemd unit and the conffile in /etc/screenlit.
service() {
    install -d -m 0755 "$stage/$1/lib/systemd/system" "$stage/$1/etc/screenlit" "$stage/$1/DEBIAN"
    install -m 0644 "$root/config/$2" "$stage/$1/lib/systemd/system/$2"
    install -m 0644 "$root/config/$3" "$stage/$1/etc/screenlit/$3"
    echo "/etc/screenlit/$3" >"$stage/$1/DEBIAN/conffiles"
    for script in postinst prerm postrm; do
        sed -e "s|@UNIT@|$2|g" "$root/config/debian/$1.$script" >"$stage/$1/DEBIAN/$script"
        chmod 0755 "$stage/$1/DEBIAN/$script"
    done
}

# control PKG SECTION EXTRA_DEPENDS DESCRIPTION_FILE [RECOMMENDS] — DEBIAN/control with computed Depends.
control() {
    pkg=$1
    install -d -m 0755 "$stage/$pkg/DEBIAN"
    # dpkg-shlibdeps reads the package's debian/control: a minimal one in a scratch folder.
    work="$stage/.shlibdeps-$pkg"
    mkdir -p "$work/debian"
    printf 'Source: screenlit\n\nPackage: %s\nArchitecture: any\n' "$pkg" >"$work/debian/control"
    bins=""
    for f in "$stage/$pkg"/usr/bin/*; do bins="$bins -e$f"; done
    # shellcheck disable=SC2086 # one -e argument per binary (paths without spaces: the build folder's)
    shlibs=$(cd "$work" && DEB_HOST_ARCH=$arch dpkg-shlibdeps -O $bins 2>"$work/err" |
        sed -n 's/^shlibs:Depends=//p') || { cat "$work/err" >&2; exit 1; }
    [ -n "$shlibs" ] || { echo "package.sh: dpkg-shlibdeps found no libraries for $pkg" >&2; cat "$work/err" >&2; exit 1; }
    rm -rf "$work"
    size=$(du -sk --exclude=DEBIAN "$stage/$pkg" | cut -f1)
    {
        echo "Package: $pkg"
        echo "Version: $version"
        echo "Architecture: $arch"
        echo "Maintainer: $maintainer"
        echo "Installed-Size: $size"
        echo "Depends: $shlibs${3:+, $3}"
        [ -z "${5:-}" ] || echo "Recommends: $5"
        echo "Section: $2"
        echo "Priority: optional"
        echo "Homepage: https://screenlit.example.org/"
        cat "$root/config/debian/$4"
    } >"$stage/$pkg/DEBIAN/control"
    (cd "$stage/$pkg" && find . -type f ! -path './DEBIAN/*' | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) \
        >"$stage/$pkg/DEBIAN/md5sums"
    chmod 0644 "$stage/$pkg/DEBIAN/control" "$stage/$pkg/DEBIAN/md5sums"
    [ ! -f "$stage/$pkg/DEBIAN/conffiles" ] || chmod 0644 "$stage/$pkg/DEBIAN/conffiles"
}

services_depends="adduser, init-system-helpers (>= 1.54~)"
common screenlit-player
program screenlit-player "$build/player/screenlit-player"
service screenlit-player screenlit-player.service player.conf
control screenlit-player video "$services_depends" player.description "fonts-noto-cjk"

common screenlit-hub
program screenlit-hub "$build/tools/screenlit-hub" serve token key user report
service screenlit-hub screenlit-hub.service hub.conf
control screenlit-hub net "$services_depends" hub.description "fonts-noto-cjk"  # the preview measures slogans with it

common screenlit
program screenlit "$build/tools/screenlit" lint preview keygen publish inventory enroll-code screens bundle records report
control screenlit utils "" screenlit.description "fonts-noto-cjk"  # the preview measures slogans with it

status=0
for pkg in screenlit-player screenlit-hub screenlit; do
    deb="$out/${pkg}_${version}_$arch.deb"
    find "$stage/$pkg" -type d -exec chmod 0755 {} +
    dpkg-deb --root-owner-group -Zxz --build "$stage/$pkg" "$deb" >/dev/null
    echo "==> $deb"
    if [ "$lint" = 1 ]; then
        if command -v lintian >/dev/null; then
            # Errors fail the build; the warnings kept are listed with their reasons in config/debian/README.md.
            lintian --fail-on error --suppress-tags-from-file "$root/config/debian/lintian-overrides" "$deb" ||
                status=1
        else
            echo "package.sh: lintian is missing (sudo apt-get install lintian): packages not checked" >&2
            status=1
        fi
    fi
done
rm -rf "$stage"
exit "$status"
