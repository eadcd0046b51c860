#!/usr/bin/env bash
# bench/memory.sh — does pullscan's memory follow the open attempts or the
# journal's length? (benchmark tooling, not part of CI)
#
# For each SIZE it generates a journal with pullscan-genjournal (same seed
# and nodes, so a longer journal is the same cluster for more hours) and
# measures peak RSS and wall time of:
#   held all   pullscan --hold-events 0 --no-db FILE   every pull event held (the old behaviour)
#   streamed   pullscan --db TMP/mem.db FILE           the default: ended attempts leave memory
#   follow     cat FILE | pullscan --follow --db ...   a followed stream, retiring after every block
#   json       pullscan --no-db --output json FILE     every attempt in the report
#   inputs     pullscan --db ... node-1.log node-2.log ...  one journal per node (several inputs)
#   bundle     pullscan --db ... bundle.tar            the same journals as a kind-layout bundle
# and checks that held all, streamed and follow give the same report (the inputs section
# aside). The per-node journals (inputs, bundle) are generated with --nodes 1 --first-node K,
# SIZE/NODES each, so they are the same size in all, not the same cluster.
#
# Usage: bench/memory.sh [BUILD_DIR] [SIZE...]      (defaults: build 1G 2G 4G)
# Env:   PROFILE=calm|incident SEED=42 NODES=3 (incident 12) TMPDIR=/tmp
#        (a 4G journal and its per-node copies take 8 GiB of disk while they run)
# Exit:  0 measured and the reports agree; 1 setup error; 3 a run failed; 4 reports differ.
set -u
set -o pipefail

BUILD_DIR=${1:-build}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1G 2G 4G)
SEED=${SEED:-42}
PROFILE=${PROFILE:-calm}
case "$PROFILE" in
  calm) NODES=${NODES:-3};;
  incident) NODES=${NODES:-12};;
  *) echo "bench/memory.sh: bad PROFILE '$PROFILE' (calm, incident)" >&2; exit 1;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$root/$BUILD_DIR";; esac
pullscan=$BUILD_DIR/pullscan
gen=$BUILD_DIR/pullscan-genjournal
die() { echo "bench/memory.sh: $*" >&2; exit 1; }
[ -x "$pullscan" ] && [ -x "$gen" ] || die "build first: cmake --build $BUILD_DIR (needs pullscan and pullscan-genjournal)"
[ -x /usr/bin/time ] || die "needs /usr/bin/time (Debian package 'time') for peak RSS"
work=$(mktemp -d "${TMPDIR:-/tmp}/pullscan-mem.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run NAME CMD... -> "wall_s rss_mb", the report in $work/NAME.out
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err"
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    echo "$name exited with $rc:" >&2
    tail -5 "$work/$name.err" >&2
    exit 3
  fi
  awk 'END { printf "%.2f %.0f", $1, $2 / 1024 }' "$work/$name.time"
}
# The report without its inputs section; evidence paths differ (a file, or - for a pipe).
report() { sed -n '/^pullscan: /,/^── Inputs/p' "$1" | sed 's#^  evidence  [^ ]*:\([0-9]*\) #  evidence  \1 #'; }

echo "| journal | hours | pull attempts | held all: s / MB | streamed (+db): s / MB | follow (+db): s / MB | json: s / MB | $NODES inputs (+db): s / MB | bundle .tar (+db): s / MB |"
echo "|---|---|---|---|---|---|---|---|---|"
status=0
for size in "${SIZES[@]}"; do
  journal=$work/journal-$size.txt
  "$gen" --size "$size" --profile "$PROFILE" --nodes "$NODES" --seed "$SEED" > "$journal" 2> "$work/truth" || die "generator failed"
  first=$(sed -n 's/.* first=\([^ ]*\) last=\([^ ]*\).*/\1/p' "$work/truth")
  last=$(sed -n 's/.* first=\([^ ]*\) last=\([^ ]*\).*/\2/p' "$work/truth")
  hours=$(( ($(date -u -d "$last" +%s) - $(date -u -d "$first" +%s)) / 3600 ))
  attempts=$(sed -n 's/^truth attempts=//p' "$work/truth")
  cat "$journal" > /dev/null
  all=$(run all "$pullscan" --hold-events 0 --no-db "$journal")
  rm -f "$work/mem.db"
  streamed=$(run streamed "$pullscan" --db "$work/mem.db" "$journal")
  rm -f "$work/mem.db"
  follow=$(run follow bash -c "cat '$journal' | '$pullscan' --follow --db '$work/mem.db'")
  json=$(run json "$pullscan" --no-db --output json "$journal")
  rm -f "$journal"
  # One journal per node, together as large as the one above.
  bytes=$(awk -v s="$size" 'BEGIN { n = s + 0; u = substr(s, length(s)); m = u == "G" ? 1073741824 : u == "M" ? 1048576 : u == "K" ? 1024 : 1; printf "%d", n * m }')
  per_node=$(( bytes / NODES ))
  rm -rf "$work/nodes" && mkdir -p "$work/nodes"
  inputs=()
  for k in $(seq 1 "$NODES"); do
    mkdir -p "$work/nodes/node-$k"
    "$gen" --size "$per_node" --profile "$PROFILE" --nodes 1 --first-node "$k" --seed "$k" > "$work/nodes/node-$k/journal.log" 2>/dev/null ||
      die "generator failed"
    inputs+=("$work/nodes/node-$k/journal.log")
  done
  rm -f "$work/mem.db"
  several=$(run several "$pullscan" --db "$work/mem.db" "${inputs[@]}")
  (cd "$work/nodes" && tar -cf "$work/bundle.tar" node-*) || die "tar failed"
  rm -rf "$work/nodes" "$work/mem.db"
  bundle=$(run bundle "$pullscan" --db "$work/mem.db" "$work/bundle.tar")
  rm -f "$work/bundle.tar"
  fmt() { echo "$1 s / $2 MB"; }
  # shellcheck disable=SC2086  # word splitting of "wall rss" is intended
  echo "| $size | $hours | $attempts | $(fmt $all) | $(fmt $streamed) | $(fmt $follow) | $(fmt $json) | $(fmt $several) | $(fmt $bundle) |"
  if ! diff -q <(report "$work/all.out") <(report "$work/streamed.out") > /dev/null ||
     ! diff -q <(report "$work/all.out") <(report "$work/follow.out") > /dev/null; then
    echo "$size: the reports differ (held all vs streamed vs follow)" >&2
    status=4
  fi
done
echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(uname -sr). Seed $SEED, $NODES nodes, $PROFILE profile."
exit $status
