#!/usr/bin/env bash
# bench/run.sh — pullscan's throughput/memory benchmark (benchmark tooling, not part of CI).
#
# Generates (or reuses from a cache) a large mixed node journal with pullscan-genjournal,
# warms the page cache, then times side by side, best of $RUNS (default 3):
#   rg          rg -c -F -f bench/literals.txt FILE        (the literal pre-filter pullscan uses)
#   rg no-mmap  the same with --no-mmap                    (read()-based, for a fair RSS figure)
#   pullscan    BUILD_DIR/pullscan --no-db --output json FILE
#   pullscan+db BUILD_DIR/pullscan --db TMP/bench.db FILE  (full analysis incl. SQLite)
# and prints a markdown table (wall s, MB/s, peak RSS MB, ratio to rg) plus the machine.
# Two journal profiles: calm (full pull stories, 3 nodes, 3% pull lines) and incident
# (short pulls: start, failure, kubelet's line; 12 nodes, 8% pull lines), the journal a
# node writes when pods are in back-off and people run pullscan. By default both run,
# one after the other, each with its own rg baseline from the same run.
# The aim (see bench/README.md): full analysis at most 3x the wall time of `rg -c` on the
# calm 1 GiB journal and 4x on the incident one, with peak RSS at most 96 MB.
#
# Usage: bench/run.sh [SIZE] [BUILD_DIR]        (defaults: 1G build; the incident journal
#                                               is INCIDENT_SIZE, default 256M)
# After the timings, one extra untimed run compares pullscan's JSON summary (attempts,
# succeeded, failed, per-class counts) with the generator's truth summary (CHECK=0 skips it).
#
# Env:   PROFILE=both|calm|incident SEED=42 RUNS=3 NODES=3 (incident 12) PULL_RATIO=0.03
#        (incident 0.08) INCIDENT_SIZE=256M CHECK=1 TMPDIR=/tmp
# Exit:  0 all measured; 1 usage/setup error; 2 pullscan missing (rg rows still printed);
#        3 a measured command failed (pullscan exit codes 0 and 1 both count as success);
#        4 pullscan's counts differ from the truth.

# shellcheck disable=SC2016  # the backticks in table labels are markdown, not command substitution
set -u
set -o pipefail

SIZE=${1:-1G}
BUILD_DIR=${2:-build}
PROFILE=${PROFILE:-both}
if [ "$PROFILE" = both ]; then
    # Each profile in its own run of this script, so each table has its own rg row.
    PROFILE=calm "${BASH_SOURCE[0]}" "$SIZE" "$BUILD_DIR"
    rc_calm=$?
    echo
    PROFILE=incident "${BASH_SOURCE[0]}" "${INCIDENT_SIZE:-256M}" "$BUILD_DIR"
    rc_incident=$?
    [ $rc_calm -ge $rc_incident ] && exit $rc_calm
    exit $rc_incident
fi
case "$PROFILE" in
    calm) aim_ratio=3; NODES=${NODES:-3}; PULL_RATIO=${PULL_RATIO:-0.03};;
    incident) aim_ratio=4; NODES=${NODES:-12}; PULL_RATIO=${PULL_RATIO:-0.08};;
    *) echo "bench/run.sh: bad PROFILE '$PROFILE' (both, calm, incident)" >&2; exit 1;;
esac
aim_rss=96
SEED=${SEED:-42}
RUNS=${RUNS:-3}
CHECK=${CHECK:-1}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
literals="$here/literals.txt"
cache_root="${TMPDIR:-/tmp}/pullscan-bench"

die() { echo "bench/run.sh: $*" >&2; exit 1; }

case "$SIZE" in
    *[!0-9KkMmGg]* | "" | [KkMmGg]*) die "bad SIZE '$SIZE' (e.g. 10M, 1G)";;
esac
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$root/$BUILD_DIR";; esac
[ -f "$literals" ] || die "missing $literals (one literal per line)"
command -v rg >/dev/null 2>&1 || die "ripgrep (rg) is not installed"

size_bytes() {
    local s=$1 n mul=1
    case "$s" in
        *[Kk]) mul=1024; n=${s%?};;
        *[Mm]) mul=$((1024 * 1024)); n=${s%?};;
        *[Gg]) mul=$((1024 * 1024 * 1024)); n=${s%?};;
        *) n=$s;;
    esac
    echo $((n * mul))
}
want_bytes=$(size_bytes "$SIZE")

mkdir -p "$cache_root" || die "cannot create $cache_root"
work=$(mktemp -d "${TMPDIR:-/tmp}/pullscan-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$work"' EXIT

# --- the generator: the CMake target if built, else compile it here --------------------
gen="$BUILD_DIR/pullscan-genjournal"
src_hash=$(sha256sum "$here/gen_journal.cpp" | cut -c1-12)
if [ ! -x "$gen" ] || [ "$gen" -ot "$here/gen_journal.cpp" ]; then  # missing or older than its source
    gen="$cache_root/pullscan-genjournal-$src_hash"
    if [ ! -x "$gen" ]; then
        cxx=${CXX:-g++}
        command -v "$cxx" >/dev/null 2>&1 || die "no $BUILD_DIR/pullscan-genjournal and no C++ compiler ($cxx) to build it"
        echo "building generator: $cxx -O2 -std=c++20 bench/gen_journal.cpp" >&2
        if ! "$cxx" -O2 -std=c++20 -o "$gen.tmp$$" "$here/gen_journal.cpp"; then
            rm -f "$gen.tmp$$"
            die "generator build failed"
        fi
        mv "$gen.tmp$$" "$gen" || die "cannot install the generator in $cache_root"
    fi
fi

# --- the journal: cached by size, seed, generator options and generator source ----------
key="$PROFILE-${SIZE^^}-s$SEED-n$NODES-r$PULL_RATIO-$src_hash"
journal="$cache_root/journal-$key.txt"
truth="$cache_root/journal-$key.truth"
if [ -s "$journal" ] && [ -s "$truth" ]; then
    echo "reusing cached journal $journal" >&2
else
    avail_kb=$(df -Pk "$cache_root" | awk 'NR==2 {print $4}')
    if [ -n "$avail_kb" ] && [ $((avail_kb * 1024)) -lt $((want_bytes + 64 * 1024 * 1024)) ]; then
        die "not enough space in $cache_root for a $SIZE journal (set TMPDIR)"
    fi
    rm -f "$cache_root"/journal-"$PROFILE"-"${SIZE^^}"-s"$SEED"-*.txt "$cache_root"/journal-"$PROFILE"-"${SIZE^^}"-s"$SEED"-*.truth 2>/dev/null
    echo "generating $SIZE journal (seed $SEED) into $journal" >&2
    t0=$(date +%s.%N)
    "$gen" --size "$SIZE" --profile "$PROFILE" --seed "$SEED" --nodes "$NODES" --pull-ratio "$PULL_RATIO" >"$journal.tmp$$" 2>"$truth.tmp$$" ||
        { rm -f "$journal.tmp$$" "$truth.tmp$$"; die "generator failed"; }
    t1=$(date +%s.%N)
    mv "$truth.tmp$$" "$truth" && mv "$journal.tmp$$" "$journal"
    awk -v a="$t0" -v b="$t1" -v s="$want_bytes" 'BEGIN { printf "generated in %.2f s (%.0f MB/s)\n", b - a, s / 1048576 / (b - a) }' >&2
fi
bytes=$(stat -c %s "$journal")

# --- warm the page cache ------------------------------------------------------------------
mem_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)
if [ -n "$mem_kb" ] && [ $((mem_kb * 1024)) -lt $((bytes + 256 * 1024 * 1024)) ]; then
    echo "warning: the journal ($bytes bytes) may not fit in the page cache; timings will include disk reads" >&2
fi
cat "$journal" >/dev/null

# --- timing -----------------------------------------------------------------------------
have_time=0
[ -x /usr/bin/time ] && have_time=1
[ $have_time = 1 ] || echo "note: /usr/bin/time not found; wall time from bash, peak RSS n/a" >&2

now() {  # seconds with microseconds
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

# measure NAME OK_CODES CMD...  -> sets best_wall best_rss status
# OK_CODES: space-separated exit codes that count as success (pullscan exits 1 when it finds failed pulls).
measure() {
    local name=$1 ok_codes=$2; shift 2
    best_wall="" best_rss="" status="ok"
    local i rc t0 t1 wall rss tf="$work/time.out"
    for ((i = 1; i <= RUNS; i++)); do
        [ -n "${BENCH_DB:-}" ] && rm -f "$BENCH_DB" "$BENCH_DB-wal" "$BENCH_DB-shm" "$BENCH_DB-journal"
        t0=$(now)
        if [ $have_time = 1 ]; then
            /usr/bin/time -f '%e %M' -o "$tf" "$@" >/dev/null 2>"$work/stderr"
            rc=$?
        else
            "$@" >/dev/null 2>"$work/stderr"
            rc=$?
        fi
        t1=$(now)
        if [[ " $ok_codes " != *" $rc "* ]]; then
            status="exit $rc"
            echo "$name: run $i exited with $rc; stderr:" >&2
            head -n 5 "$work/stderr" >&2
            return
        fi
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        rss="n/a"
        if [ $have_time = 1 ]; then
            # /usr/bin/time prints "Command exited with non-zero status N" first when rc != 0
            rss=$(awk 'END { print $2 }' "$tf")
            [ -n "$rss" ] && rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }') || rss="n/a"
        fi
        if [ -z "$best_wall" ] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then best_wall=$wall; fi
        if [ "$rss" != "n/a" ]; then
            if [ -z "$best_rss" ] || awk -v a="$rss" -v b="$best_rss" 'BEGIN { exit !(a > b) }'; then best_rss=$rss; fi
        fi
    done
    [ -n "$best_rss" ] || best_rss="n/a"
}

rows=()
add_row() {  # tool wall rss status
    rows+=("$1|$2|$3|$4")
}

echo "benchmarking $(basename "$journal") ($bytes bytes), best of $RUNS" >&2

measure "rg" "0 1" rg -c -F -f "$literals" "$journal"
add_row '`rg -c -F -f bench/literals.txt`' "$best_wall" "$best_rss" "$status"
rg_wall=$best_wall
[ "$status" = ok ] || rg_wall=""

measure "rg --no-mmap" "0 1" rg --no-mmap -c -F -f "$literals" "$journal"
add_row '`rg --no-mmap -c -F -f bench/literals.txt`' "$best_wall" "$best_rss" "$status"

pullscan="$BUILD_DIR/pullscan"
missing=0
if [ -x "$pullscan" ]; then
    measure "pullscan --no-db" "0 1" "$pullscan" --no-db --output json "$journal"
    add_row '`pullscan --no-db --output json`' "$best_wall" "$best_rss" "$status"
    BENCH_DB="$work/bench.db"
    measure "pullscan --db" "0 1" "$pullscan" --db "$BENCH_DB" "$journal"
    unset BENCH_DB
    add_row '`pullscan --db bench.db` (full, SQLite)' "$best_wall" "$best_rss" "$status"
    full_wall=$best_wall full_rss=$best_rss full_status=$status
else
    missing=1
    echo "" >&2
    echo "pullscan not found at $pullscan — build it first (cmake -S . -B build && cmake --build build)," >&2
    echo "or pass the build directory: bench/run.sh $SIZE path/to/build. Showing the rg baseline only." >&2
    add_row '`pullscan --no-db --output json`' "" "" "not built"
    add_row '`pullscan --db bench.db` (full, SQLite)' "" "" "not built"
fi

# --- report -----------------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
[ -n "$cpu" ] || cpu=$(uname -m)
lines=$(awk '/^truth lines=/ { sub(/.*=/, ""); print }' "$truth")
echo
echo "Journal ($PROFILE profile): $SIZE ($bytes bytes, ${lines:-?} lines, seed $SEED, $NODES nodes, pull ratio $PULL_RATIO), page cache warm, best of $RUNS."
rgv=$(rg --version 2>/dev/null) && rgv=${rgv%%$'\n'*} || rgv="ripgrep ?"
echo "Machine: $(nproc) CPUs, $cpu; $(uname -sr); $rgv."
echo
echo "| tool | wall s | MB/s | peak RSS MB | ratio to rg |"
echo "|---|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
    IFS='|' read -r tool wall rss st <<<"$r"
    if [ "$st" != ok ]; then
        echo "| $tool | $st | | | |"
        continue
    fi
    awk -v tool="$tool" -v w="$wall" -v rss="$rss" -v b="$bytes" -v rw="$rg_wall" 'BEGIN {
        mbs = (w > 0) ? sprintf("%.0f", b / 1048576 / w) : "inf"
        ratio = (rw != "" && rw > 0) ? sprintf("%.1fx", w / rw) : "n/a"
        printf "| %s | %.3f | %s | %s | %s |\n", tool, w, mbs, rss, ratio
    }'
done
echo
echo "MB = 2^20 bytes. Wall time: best of $RUNS; peak RSS: max of the runs (/usr/bin/time %M)."
echo "rg maps the file, so its RSS counts the mapped page-cache pages; the --no-mmap row is the fair memory baseline."

echo
echo "Truth for this journal ($truth):"
grep -E '^truth (attempts|failed\.|pods\.|kubelet\.)' "$truth" | sed 's/^truth /  /'

check_rc=0
if [ $missing = 0 ] && [ "$CHECK" = 1 ]; then
    # One extra, untimed run: compare pullscan's JSON summary with the generator's truth.
    echo
    if ! command -v python3 >/dev/null 2>&1; then
        echo "Counts check: skipped (python3 not found)"
    else
        "$pullscan" --no-db --output json "$journal" >"$work/report.json" 2>"$work/stderr"
        rc=$?
        if [ $rc != 0 ] && [ $rc != 1 ]; then
            echo "Counts check: pullscan exited with $rc"
            check_rc=1
        else
            python3 - "$work/report.json" "$truth" <<'PY' || check_rc=1
import json, sys
rep = json.load(open(sys.argv[1]))
truth = {}
for line in open(sys.argv[2]):
    if line.startswith("truth ") and "=" in line and " " not in line[6:].strip():
        k, v = line[6:].strip().split("=", 1)
        truth[k] = int(v)
s = rep.get("summary", {})
bc = s.get("by_class", {})
pairs = [("attempts", s.get("attempts"), truth.get("attempts")),
         ("succeeded", s.get("succeeded"), truth.get("attempts.succeeded")),
         ("failed", s.get("failed"), truth.get("attempts.failed"))]
for k, v in sorted(truth.items()):
    if k.startswith("failed."):
        pairs.append(("class " + k[7:], bc.get(k[7:], 0), v))
bad = [(n, got, want) for n, got, want in pairs if got != want]
extra = {c: n for c, n in bc.items() if c != "success" and "failed." + c not in truth and n}
print("Counts check (pullscan summary vs generator truth): %s" % ("OK" if not bad and not extra else "MISMATCH"))
for n, got, want in bad:
    print("  %-36s pullscan=%s truth=%s" % (n, got, want))
for c, n in sorted(extra.items()):
    print("  %-36s pullscan=%s truth=0" % ("class " + c, n))
if truth.get("attempts.incomplete"):
    print("  note: %d attempts were cut off by --size and have no outcome line" % truth["attempts.incomplete"])
sys.exit(1 if bad or extra else 0)
PY
        fi
    fi
fi

if [ $missing = 0 ] && [ "${full_status:-}" = ok ] && [ -n "$rg_wall" ]; then
    echo
    awk -v w="$full_wall" -v rw="$rg_wall" -v rss="$full_rss" -v ar="$aim_ratio" -v am="$aim_rss" 'BEGIN {
        r = w / rw
        printf "Aim: full analysis <= %dx rg wall time: %.1fx -> %s\n", ar, r, (r <= ar ? "PASS" : "FAIL")
        if (rss == "n/a") printf "Aim: peak RSS <= %d MB: n/a\n", am
        else printf "Aim: peak RSS <= %d MB: %s MB -> %s\n", am, rss, (rss + 0 <= am ? "PASS" : "FAIL")
    }'
fi

[ $missing = 0 ] || exit 2
for r in "${rows[@]}"; do
    IFS='|' read -r _ _ _ st <<<"$r"
    [ "$st" = ok ] || exit 3
done
[ $check_rc = 0 ] || exit 4
exit 0
