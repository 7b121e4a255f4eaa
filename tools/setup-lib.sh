# setup-lib.sh — what tools/setup-debian.sh and tools/setup-arm64.sh share (sourced): root or sudo, which Debian packages are missing, installing them.
# shellcheck shell=sh

# setup_sudo NAME — sets SUDO: nothing as root, else sudo; without sudo, NAME says so and exits.
setup_sudo() {
    SUDO=""
    [ "$(id -u)" -eq 0 ] && return 0
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$1: run as root or install sudo" >&2
        exit 1
    fi
}

# setup_missing PACKAGE... — prints those not installed, each after a space.
setup_missing() {
    for p; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            printf ' %s' "$p"
        fi
    done
}

# setup_install NAME PACKAGE... — installs the packages (none: NAME says every one is). Another apt
# run (the other setup script in a second terminal) holds the lock for a while: wait for it.
setup_install() {
    name=$1
    shift
    if [ $# -eq 0 ]; then
        echo "$name: every package is installed"
        return 0
    fi
    echo "$name: installing: $*"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -q
    $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"
}
