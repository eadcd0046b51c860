#!/usr/bin/env bash
# One-command set-up for a fresh Debian 12 machine, used by the README quick
# start and by CI (.ci/run runs `./dev.sh test`): installs the Debian packages
# pullscan builds with (only those missing), configures and builds, then
#   ./dev.sh demo   runs pullscan on a bundled sample and prints its report
#   ./dev.sh test   runs the whole test suite (ctest), then again built with
#                   AddressSanitizer and UndefinedBehaviorSanitizer
#   ./dev.sh build  only builds
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake pkg-config libre2-dev libsimdjson-dev libcli11-dev libfmt-dev
          libsqlite3-dev catch2 libyaml-cpp-dev libarchive-dev zlib1g-dev sqlite3
          python3 python3-yaml xz-utils zstd time tmux
          cmark-gfm)
BUILD_DIR=${BUILD_DIR:-build}

install_deps() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # The kubectl plugin's tests run the real kubectl: any kubectl on PATH will
  # do (1.20 to 1.33 are tested); Debian's own package when there is none.
  command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  install_deps
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)"
}

case "${1:-demo}" in
  build) build ;;
  demo)
    build >/dev/null
    # Exit status 1 means "failed pulls found", which is what the sample shows.
    "$BUILD_DIR/pullscan" --no-db samples/journal/realpull-several.journal.txt || [ $? -eq 1 ]
    ;;
  test)
    build
    ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)"
    # The same suite under ASan + UBSan: memory errors and undefined behaviour
    # on every sample, fuzz replay and test input fail the run.
    cmake -S . -B "$BUILD_DIR-asan" -DCMAKE_BUILD_TYPE=Debug -DPULLSCAN_SANITIZE=ON >/dev/null
    cmake --build "$BUILD_DIR-asan" -j "$(nproc)"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$BUILD_DIR-asan" --output-on-failure -j "$(nproc)"
    ;;
  *) echo "usage: ./dev.sh [demo|test|build]" >&2; exit 2 ;;
esac
