#!/usr/bin/env bash
# Fuzzes the targets for real with libFuzzer (clang, ASan + UBSan), growing
# tests/fuzz/corpus/<target>, then minimises each corpus so what is kept stays
# small. Not part of CI (the replay tests are): run it by hand.
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]    (default 600 s, all targets)
#   JOBS=2 runs that many targets at once.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_envelope fuzz_logs fuzz_documents fuzz_pasted fuzz_pipeline fuzz_rules)
JOBS=${JOBS:-2}
BUILD=build-fuzz
command -v clang++ >/dev/null || { echo "run.sh: clang++ is needed (apt-get install clang libclang-rt-dev)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPULLSCAN_FUZZ=ON >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}"

seeds_for() {
  case $1 in
    fuzz_rules) echo rules ;;
    fuzz_documents) echo samples/k8s ;;
    fuzz_pasted) echo samples/seeds ;;
    *) echo samples ;;
  esac
}

fuzz_one() {
  local t=$1 corpus=tests/fuzz/corpus/$1 work=$BUILD/work-$1
  mkdir -p "$work"
  mkdir -p "$corpus" "$work"
  # Seeds: every file of the seed folder (gzip is fuzzed as bytes, which is fine).
  # A crash stops the run; its input lands in $BUILD/crash-* (keep it in the
  # corpus once fixed, so the replay test guards against it).
  (cd "$BUILD" && "tests/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
      -print_final_stats=1 "../$work" "../$corpus" $(for s in $(seeds_for "$t"); do echo "../$s"; done)) >"$BUILD/$t.log" 2>&1 || true
  # Keep a minimal corpus that covers what the run reached.
  local min=$BUILD/min-$t
  rm -rf "$min" && mkdir -p "$min"
  "$BUILD/tests/fuzz/$t" -merge=1 -max_len=4096 "$min" "$corpus" "$work" >>"$BUILD/$t.log" 2>&1 || true
  # Inputs that once crashed stay, whatever the merge keeps.
  cp "$corpus"/regression-* "$min"/ 2>/dev/null || true
  rm -rf "$corpus" && mv "$min" "$corpus"
  echo "$t: $(grep -E 'stat::number_of_executed_units' "$BUILD/$t.log" | tail -1 | awk '{print $2}') runs," \
       "$(ls "$corpus" | wc -l) corpus files, $(grep -cE '^SUMMARY: ' "$BUILD/$t.log" || true) sanitizer/crash reports"
}

running=0
for t in "${TARGETS[@]}"; do
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
