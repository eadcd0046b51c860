#!/usr/bin/env bash
# Release packaging for krew: builds the pullscan binary (which acts as the
# plugin when named kubectl-pullscan), packs it with LICENSE and README.md into
# BUILD_DIR/dist/pullscan-linux-amd64.tar.gz, and writes the manifest for that
# archive, krew/pullscan.yaml with the archive's sha256 filled in, to
# BUILD_DIR/dist/pullscan.yaml. The tracked krew/pullscan.yaml is only read:
# a release never leaves the working tree dirty.
#   krew/package.sh [BUILD_DIR]     (default: build-release)
# An existing BUILD_DIR is built as configured; a new one is configured as a
# Release build without the tests. PACKAGE_PREBUILT=1 packs BUILD_DIR/pullscan
# as it is, without building (the tests do: they must not rebuild the binary
# other tests are running).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-release}
ARCHIVE_NAME=pullscan-linux-amd64.tar.gz
if [ -z "${PACKAGE_PREBUILT:-}" ]; then
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPULLSCAN_TESTS=OFF >/dev/null
  fi
  cmake --build "$BUILD" -j "${JOBS:-$(nproc)}" --target pullscan >/dev/null
fi
DIST=$BUILD/dist
mkdir -p "$DIST"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$BUILD/pullscan" "$stage/pullscan"
strip "$stage/pullscan"
cp LICENSE README.md "$stage/"
# Fixed owner, order and times: the same binary gives the same archive.
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@"${SOURCE_DATE_EPOCH:-0}" \
  -cf - pullscan LICENSE README.md | gzip -n > "$DIST/$ARCHIVE_NAME"
sum=$(sha256sum "$DIST/$ARCHIVE_NAME" | cut -d' ' -f1)
version=v$("$BUILD/pullscan" version -o json | sed -n 's/.*"version": *"\([^"]*\)".*/\1/p')
sed -e "s/^    sha256: .*/    sha256: \"$sum\"/" -e "s/^  version: .*/  version: $version/" \
  -e "s#/releases/download/v[^/]*/#/releases/download/$version/#" krew/pullscan.yaml > "$DIST/pullscan.yaml"
echo "$DIST/$ARCHIVE_NAME sha256 $sum"
echo "$DIST/pullscan.yaml: its manifest (kubectl krew install --manifest=$DIST/pullscan.yaml --archive=$DIST/$ARCHIVE_NAME)"
