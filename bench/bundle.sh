#!/usr/bin/env bash
# bench/bundle.sh — pullscan's support-bundle benchmark (benchmark tooling, not part of CI).
#
# Builds (or reuses from a cache) a bundle of NODES node folders, each with a
# SIZE journal from pullscan-genjournal (node-K/journal.log, the kind layout),
# as a directory, a .tar.zst and a .tar.gz, then times `pullscan --no-db -o json`
# on each with --threads 1 and --threads 2 (best of $RUNS), with peak RSS and
# CPU use (user+sys over wall: 2.0 means both cores busy). Every run's report
# must be identical to the first: the thread count may change the time, never
# the answer. Prints a markdown table.
#
# Usage: bench/bundle.sh [NODES] [SIZE] [BUILD_DIR]     (defaults: 10 100M build)
# Env:   RUNS=3 TMPDIR=/tmp
# Exit:  0 measured; 1 setup error; 3 a run failed; 4 reports differ between runs.
set -u
set -o pipefail

NODES=${1:-10}
SIZE=${2:-100M}
BUILD_DIR=${3:-build}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$root/$BUILD_DIR";; esac
pullscan="$BUILD_DIR/pullscan"
gen="$BUILD_DIR/pullscan-genjournal"
die() { echo "bench/bundle.sh: $*" >&2; exit 1; }
[ -x "$pullscan" ] && [ -x "$gen" ] || die "build first: cmake --build $BUILD_DIR (needs pullscan and pullscan-genjournal)"
command -v zstd >/dev/null || die "zstd is not installed"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed (Debian package: time)"

cache="${TMPDIR:-/tmp}/pullscan-bench/bundle-$NODES-$SIZE"
if [ ! -f "$cache/done" ]; then
    echo "generating $NODES x $SIZE journals in $cache ..." >&2
    rm -rf "$cache" && mkdir -p "$cache/bundle" || die "cannot create $cache"
    for k in $(seq 1 "$NODES"); do
        mkdir -p "$cache/bundle/node-$k"
        "$gen" --size "$SIZE" --nodes 1 --first-node "$k" --seed "$k" >"$cache/bundle/node-$k/journal.log" 2>/dev/null ||
            die "generator failed"
    done
    # Members named as in the folder (node-K/journal.log), so reports compare.
    (cd "$cache/bundle" && tar -cf - node-*) | zstd -q -T0 -3 -o "$cache/bundle.tar.zst" || die "tar | zstd failed"
    (cd "$cache/bundle" && tar -czf "$cache/bundle.tar.gz" node-*) || die "tar czf failed"
    touch "$cache/done"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pullscan-bundle.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT
cat "$cache"/bundle/*/journal.log >/dev/null  # warm the page cache

total=$(du -sb "$cache/bundle" | cut -f1)
echo "| input | threads | wall s | MB/s | CPU (cores) | peak RSS MB |"
echo "|---|---|---|---|---|---|"
reference=""
for input in bundle bundle.tar.zst bundle.tar.gz; do
    for threads in 1 2; do
        best=""
        for _ in $(seq 1 "$RUNS"); do
            /usr/bin/time --quiet -f "%e %U %S %M" -o "$work/time" "$pullscan" --no-db -o json --threads "$threads" \
                "$cache/$input" >"$work/out.json" 2>"$work/err"
            rc=$?
            [ $rc -le 1 ] || { cat "$work/err" >&2; echo "bench/bundle.sh: pullscan exited $rc on $input" >&2; exit 3; }
            # Paths differ between the folder and the archives; the findings must not.
            sed -e "s#$cache/$input[:/]##g" -e "s#\"$cache/$input\"#\"B\"#g" "$work/out.json" |
                python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("inputs"); print(json.dumps(d, sort_keys=True))' \
                >"$work/norm.json"
            if [ -z "$reference" ]; then reference=$(cat "$work/norm.json");
            elif [ "$reference" != "$(cat "$work/norm.json")" ]; then
                echo "bench/bundle.sh: report for $input with --threads $threads differs from the first run" >&2; exit 4
            fi
            read -r wall user sys rss <"$work/time"
            if [ -z "$best" ] || awk "BEGIN{exit !($wall < ${best%% *})}"; then best="$wall $user $sys $rss"; fi
        done
        read -r wall user sys rss <<<"$best"
        awk -v i="$input" -v t="$threads" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$total" \
            'BEGIN{printf "| %s | %d | %.2f | %.0f | %.2f | %.0f |\n", i, t, w, b/1048576/w, (u+s)/w, r/1024}'
    done
done
echo
echo "bundle: $NODES nodes x $SIZE = $((total / 1048576)) MB of journals; $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
