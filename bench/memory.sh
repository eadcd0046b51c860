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
# and checks that the three give the same report (the inputs section aside).
#
# Usage: bench/memory.sh [BUILD_DIR] [SIZE...]      (defaults: build 1G 2G 4G)
# Env:   SEED=42 NODES=3 TMPDIR=/tmp   (a 4G journal takes 4 GiB of disk while it runs)
# Exit:  0 measured and the reports agree; 1 setup error; 3 a run failed; 4 reports differ.
set -u
set -o pipefail

BUILD_DIR=${1:-build}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1G 2G 4G)
SEED=${SEED:-42}
NODES=${NODES:-3}
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

echo "| journal | hours | pull attempts | held all: s / MB | streamed (+db): s / MB | follow (+db): s / MB |"
echo "|---|---|---|---|---|---|"
status=0
for size in "${SIZES[@]}"; do
  journal=$work/journal-$size.txt
  "$gen" --size "$size" --nodes "$NODES" --seed "$SEED" > "$journal" 2> "$work/truth" || die "generator failed"
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
  fmt() { echo "$1 s / $2 MB"; }
  # shellcheck disable=SC2086  # word splitting of "wall rss" is intended
  echo "| $size | $hours | $attempts | $(fmt $all) | $(fmt $streamed) | $(fmt $follow) |"
  if ! diff -q <(report "$work/all.out") <(report "$work/streamed.out") > /dev/null ||
     ! diff -q <(report "$work/all.out") <(report "$work/follow.out") > /dev/null; then
    echo "$size: the reports differ (held all vs streamed vs follow)" >&2
    status=4
  fi
  rm -f "$journal"
done
echo
echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); $(uname -sr). Seed $SEED, $NODES nodes."
exit $status
