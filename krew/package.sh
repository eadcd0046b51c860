#!/usr/bin/env bash
# Builds the release archive the krew manifest points at (the pullscan binary,
# which acts as the plugin when named kubectl-pullscan) into dist/, and writes
# its sha256 into krew/pullscan.yaml.
#   krew/package.sh [BUILD_DIR]     (default: build-release)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-release}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DPULLSCAN_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target pullscan
mkdir -p dist
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$BUILD/pullscan" "$stage/pullscan"
strip "$stage/pullscan"
cp README.md "$stage/"
tar -C "$stage" -czf dist/pullscan-linux-amd64.tar.gz .
sum=$(sha256sum dist/pullscan-linux-amd64.tar.gz | cut -d' ' -f1)
sed -i "s/^    sha256: .*/    sha256: \"$sum\"/" krew/pullscan.yaml
echo "dist/pullscan-linux-amd64.tar.gz sha256 $sum (written to krew/pullscan.yaml)"
