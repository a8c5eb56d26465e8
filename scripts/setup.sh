# shellcheck shell=bash
# setup.sh - shared by demo.sh and test.sh (source it, do not run it): installs what
# the build needs on Debian when it is missing, then configures and builds into
# build/ at the repository root.

# Whether a Debian package is installed (not merely known, or removed with its
# configuration files left behind).
setup_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# The Debian packages that the build and the tests need and that are not installed,
# one a line.
setup_missing_packages() {
    local pkg
    for pkg in cmake make gcc libc6-dev clang pkg-config valgrind libcmocka-dev csmith \
        libcsmith-dev curl redis-tools graphviz jq chromium gdb python3 spin; do
        setup_installed "$pkg" || echo "$pkg"
    done
    # Any libclang development package will do (CMake picks the newest).
    if ! ls /usr/lib/llvm-*/include/clang-c/Index.h >/dev/null 2>&1; then
        echo libclang-dev
    fi
}

# Run a command as root: directly when we are root, through sudo otherwise.
setup_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

setup_packages() {
    local missing
    mapfile -t missing < <(setup_missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "All needed packages are installed."
        return
    fi
    echo "Installing: ${missing[*]}"
    setup_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    setup_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Extra arguments go to the configure step (e.g. -DASYNCC_WERROR=ON).
setup_build() {
    cmake -S . -B build "$@"
    cmake --build build -j2
}
