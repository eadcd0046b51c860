#!/usr/bin/env bash
# End-to-end tests of the real binary, as the README tells users to run it:
# stdin and file inputs, gzip, --db and the default state database,
# `pullscan sql`, --no-db, JSON validity, exit codes, hostile input.
# Usage: tests/cli_test.sh PATH/TO/pullscan PATH/TO/pullscan-genjournal   (from the source directory)
set -u
PULLSCAN=$1
GENJOURNAL=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export XDG_STATE_HOME=$TMP/state
pass=0 fail=0
check() {  # check NAME COMMAND...: the command must succeed
  local name=$1; shift
  if "$@" >"$TMP/out" 2>"$TMP/err"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $name"; sed 's/^/  | /' "$TMP/out" "$TMP/err" | head -20; fi
}
exit_is() { local want=$1; shift; "$@"; [ $? -eq "$want" ]; }
S=samples/realpull

check "stdin is read when piped"        bash -c "cat $S/dns-nxdomain.short.txt | $PULLSCAN --no-db | grep -q 'dns_failure'"
check "exit 1 when pulls failed"        exit_is 1 $PULLSCAN --no-db $S/dns-nxdomain.short.txt
check "exit 0 when none failed"         exit_is 0 $PULLSCAN --no-db $S/success.short.txt
# The -all journal holds the success scenario's lines too: the same pull read
# from two files is one pull, so 31 scenarios give 31 attempts.
check "files in any mix, gzip too"      bash -c "$PULLSCAN --no-db -o json $S/success.short.txt samples/journal/realpull-all.short-iso.txt.gz | grep -q '\"attempts\": 31'"
check "--db writes the named file"      bash -c "$PULLSCAN --db $TMP/scan.db $S/forbidden-403.short.txt >/dev/null; t=\$(sqlite3 $TMP/scan.db .tables); for n in attempts events findings inputs meta rate_limits tries; do echo \" \$t \" | tr -s ' \n' ' ' | grep -q \" \$n \" || exit 1; done"
check "default db in XDG_STATE_HOME"    bash -c "$PULLSCAN $S/forbidden-403.short.txt >/dev/null; test -f $XDG_STATE_HOME/pullscan/last.db"
check "pullscan sql reads the last scan" bash -c "$PULLSCAN sql 'SELECT image, class, count(*) FROM attempts GROUP BY 1,2' | grep -qx '127.0.0.1:41510/realpull/hello:1.0|access_denied|1'"
check "failing host beside registry in SQL" bash -c "$PULLSCAN --db $TMP/host.db samples/cli/describe-redirect-timeout.txt >/dev/null; sqlite3 $TMP/host.db 'SELECT registry, host, host_role FROM findings; SELECT host_role FROM attempts' | tr '\\n' ' ' | grep -qx 'registry.k8s.io|us-west2-docker.pkg.dev|redirect redirect '"
check "pullscan sql is read-only"       exit_is 2 $PULLSCAN sql 'DELETE FROM attempts'
check "--no-db leaves the db alone"     bash -c "rm -f $XDG_STATE_HOME/pullscan/last.db; $PULLSCAN --no-db $S/success.short.txt >/dev/null; test ! -e $XDG_STATE_HOME/pullscan/last.db"
check "json output is valid JSON"       bash -c "$PULLSCAN --no-db -o json $S/toomanyrequests-429.short.txt > $TMP/r.json; sqlite3 :memory: \"select json_valid(readfile('$TMP/r.json'))\" | grep -qx 1"
check "usage error is exit 2"           exit_is 2 $PULLSCAN --output xml $S/success.short.txt
check "missing file is exit 2"          exit_is 2 $PULLSCAN --no-db /nonexistent/journal.txt
check "missing file among good: warn"   bash -c "$PULLSCAN --no-db /nonexistent/x $S/dns-nxdomain.short.txt 2>$TMP/e | grep -q dns_failure; grep -q '^pullscan: /nonexistent/x: No such file or directory$' $TMP/e"
head -c 20000 /dev/urandom > "$TMP/junk.bin"
{ head -c 3000 /dev/urandom; echo; cat $S/connection-refused.short.txt; } > "$TMP/mixed.bin"
check "binary junk: no crash"           bash -c "$PULLSCAN --no-db $TMP/junk.bin >/dev/null 2>&1; [ \$? -le 1 ]"
check "junk then a journal: rest read"  bash -c "$PULLSCAN --no-db $TMP/mixed.bin 2>$TMP/e | grep -q connection_refused"
head -c 40000 samples/journal/realpull-all.short-iso.txt.gz > "$TMP/cut.gz"
check "truncated gzip: diagnostic, goes on" bash -c "$PULLSCAN --no-db $TMP/cut.gz $S/dns-nxdomain.short.txt 2>$TMP/e | grep -q dns_failure; grep -q '^pullscan: $TMP/cut.gz:[0-9]*: read error' $TMP/e"
check "formats are listed"              bash -c "$PULLSCAN formats | grep -q '^journal-short'"
check "rules list"                      bash -c "$PULLSCAN rules list | grep -q rate_limited"
check "rules check accepts rules/"      $PULLSCAN rules check rules
check "explain a pasted error"          bash -c "$PULLSCAN explain 'Error response from daemon: toomanyrequests: You have reached your pull rate limit' | grep -q rate_limited"
check "explain from stdin"              bash -c "echo 'dial tcp: lookup reg.example on 10.0.0.2:53: no such host' | $PULLSCAN explain | grep -q dns_failure"

# The binary says what it is: version, the commit it was built from, when,
# and the rules it carries (the same digest as the source's rules/).
check "--version: one line with version, commit, date, rules" bash -c "$PULLSCAN --version | grep -Eqx 'pullscan [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z, rules sha256:[0-9a-f]{12}\)'"
version_json_test() {
  local v; v=$($PULLSCAN version -o json) || return 1
  local rules; rules=$(LC_ALL=C cat rules/*.yaml | sha256sum | cut -d' ' -f1)
  grep -q "\"rules_sha256\": \"$rules\"" <<<"$v" || return 1
  grep -q "\"schema\": \"pullscan.version/v1\"" <<<"$v" || return 1
  grep -Eq '"build_date": "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' <<<"$v" || return 1
  grep -q "\"version\": \"$(sed -n 's/^project(pullscan VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)\"" <<<"$v" || return 1
  # Built in a checkout, it names the checkout's commit (CMake configures again when HEAD moves).
  if git rev-parse --short=12 HEAD >/dev/null 2>&1; then grep -q "\"commit\": \"$(git rev-parse --short=12 HEAD)\"" <<<"$v" || return 1; fi
}
check "version -o json: version, commit, build date, rules hash of rules/" version_json_test
check "version (text) names the full rules digest" bash -c "$PULLSCAN version | grep -q \"rules     sha256:\$(LC_ALL=C cat rules/*.yaml | sha256sum | cut -c1-64)\""

# A kubectl-grade command line: the program's name in its usage, flags before
# or after a command, -o honoured or refused by every command (never a silent
# fallback to text), stray words refused, every message said by pullscan.
RATE='Error response from daemon: toomanyrequests: You have reached your pull rate limit'
check "--help: the usage line names the program" bash -c "$PULLSCAN --help | grep -q '^Usage: pullscan \[OPTIONS\] \[files...\]'"
check "explain -o json TEXT: flags after the command" bash -c "$PULLSCAN explain -o json '$RATE' | grep -q '\"schema\": \"pullscan.report/v1\"'"
check "explain TEXT -o json: and after its argument" bash -c "$PULLSCAN explain '$RATE' -o json | grep -q '\"class\": \"rate_limited\"'"
check "-o json before sql: JSON, not text" bash -c "[ \"\$($PULLSCAN -o json --db $TMP/scan.db sql \"SELECT 1 AS n, 'a' AS s, NULL AS z\" | tr -d ' \n')\" = '[{\"n\":1,\"s\":\"a\",\"z\":null}]' ]"
csv_test() {
  $PULLSCAN sql --db "$TMP/scan.db" -o csv "SELECT 'a,b' AS x, 'say \"hi\"' AS y, 3 AS z" > "$TMP/csv" || return 1
  [ "$(cat "$TMP/csv")" = "$(printf '%s\n' 'x,y,z' '"a,b","say ""hi""",3')" ]
}
check "sql -o csv: RFC 4180 quoting" csv_test
check "sql -o json: an empty result is []" bash -c "[ \"\$($PULLSCAN sql --db $TMP/scan.db -o json 'SELECT * FROM attempts WHERE 0')\" = '[]' ]"
check "sql -o json of the last scan is valid JSON" bash -c "$PULLSCAN sql -o json --db $TMP/scan.db 'SELECT * FROM attempts' > $TMP/sql.json && sqlite3 :memory: \"select json_valid(readfile('$TMP/sql.json')), json_array_length(readfile('$TMP/sql.json'))\" | grep -qx '1|[1-9][0-9]*'"
check "-o a command does not write: exit 2, said" bash -c "$PULLSCAN -o json formats >/dev/null 2>$TMP/e; [ \$? -eq 2 ] && grep -qx 'pullscan: formats: -o json is not one of its formats (text)' $TMP/e"
check "sql -o csv is sql's alone" bash -c "$PULLSCAN --no-db -o csv $S/success.short.txt >/dev/null 2>$TMP/e; [ \$? -eq 2 ] && grep -q '^pullscan: scan: -o csv is not one of its formats' $TMP/e"
check "a stray word after a command: exit 2, named" bash -c "$PULLSCAN version extra >/dev/null 2>$TMP/e; [ \$? -eq 2 ] && grep -qx \"pullscan: version: unexpected argument 'extra' (see pullscan version --help)\" $TMP/e"
check "parse errors are said by pullscan" bash -c "$PULLSCAN --bogus 2>$TMP/e; [ \$? -eq 2 ] && [ -s $TMP/e ] && ! grep -v '^pullscan: ' $TMP/e"
check "-q: the verdict line only, the exit code kept" bash -c "$PULLSCAN --no-db -q $S/dns-nxdomain.short.txt > $TMP/q; [ \$? -eq 1 ] && [ \"\$(cat $TMP/q)\" = 'pullscan: 1 of 1 pull attempt failed' ]"
check "-q when nothing failed: exit 0, one line" bash -c "$PULLSCAN --no-db -q $S/success.short.txt > $TMP/q; [ \$? -eq 0 ] && [ \$(wc -l < $TMP/q) -eq 1 ]"
check "-q does not go with -o json" exit_is 2 $PULLSCAN --no-db -q -o json $S/success.short.txt
check "cluster -n=shop is -n shop (kubectl's flag library)" bash -c "$PULLSCAN cluster -n=shop --kubectl /nonexistent/kubectl 2>$TMP/e; grep -q 'kubectl not found' $TMP/e && ! grep -q namespace $TMP/e"
check "cluster: a namespace that is no DNS-1123 label: exit 2" bash -c "$PULLSCAN cluster --namespace '=shop' --kubectl /nonexistent/kubectl 2>$TMP/e; [ \$? -eq 2 ] && grep -q \"^pullscan: cluster: --namespace '=shop' is not a namespace name\" $TMP/e"

# -o yaml holds what -o json holds, value for value; -o wide is a row per finding.
yaml_test() {
  local f
  for f in samples/journal/realpull-several.journal.txt samples/realpull/toomanyrequests-429.short.txt samples/bundles/eks samples/k8s/*.json; do
    $PULLSCAN --no-db -o json "$f" > "$TMP/r.json"
    $PULLSCAN --no-db -o yaml "$f" > "$TMP/r.yaml"
    python3 -c 'import json, sys, yaml; sys.exit(0 if json.load(open(sys.argv[1])) == yaml.safe_load(open(sys.argv[2])) else 1)' "$TMP/r.json" "$TMP/r.yaml" || { echo "  yaml differs for $f"; return 1; }
  done
}
check "-o yaml: the JSON report's content" yaml_test
check "version -o yaml" bash -c "$PULLSCAN version -o yaml | grep -qx 'schema: \"pullscan.version/v1\"'"
check "-o wide: a header and a row per finding" bash -c "$PULLSCAN --no-db -o wide samples/journal/realpull-several.journal.txt > $TMP/w; [ \$(wc -l < $TMP/w) -eq 6 ] && head -1 $TMP/w | grep -q '^CLASS  *REGISTRY  *IMAGES  *NODES  *ATTEMPTS  *FIRST SEEN  *LAST SEEN  *FAILING$'"
check "-o markdown: the verdict heading and a table row per finding" bash -c "$PULLSCAN --no-db -o markdown samples/journal/realpull-several.journal.txt > $TMP/m; head -1 $TMP/m | grep -qx '## pullscan: 5 of 6 pull attempts failed, 1 succeeded' && [ \$(grep -c '^| [0-9]' $TMP/m) -eq 5 ]"
check "sql does not write yaml" exit_is 2 $PULLSCAN sql -o yaml "SELECT 1"

# Completion: answered by the binary from its own flag definitions; the bash
# script is run as bash runs it.
check "__complete: flags by prefix, no file names" bash -c "out=\$($PULLSCAN __complete --ou); grep -q '^--output	' <<<\"\$out\" && [ \"\$(tail -1 <<<\"\$out\")\" = ':4' ]"
check "__complete: -o values of a scan" bash -c "[ \"\$($PULLSCAN __complete -o '' | cut -f1 | tr '\n' ' ')\" = 'text json yaml wide markdown :4 ' ]"
check "__complete: -o values of sql" bash -c "[ \"\$($PULLSCAN __complete sql -o '' | cut -f1 | tr '\n' ' ')\" = 'text json csv :4 ' ]"
check "__complete: commands, and files for the inputs" bash -c "out=\$($PULLSCAN __complete ''); grep -q '^explain	' <<<\"\$out\" && grep -q '^completion	' <<<\"\$out\" && [ \"\$(tail -1 <<<\"\$out\")\" = ':0' ]"
check "__complete: a flag after a command is the top level's too" bash -c "$PULLSCAN __complete explain --wi | grep -q '^--width	'"
bash_completion_test() {
  $PULLSCAN completion bash > "$TMP/pullscan.bash" && bash -n "$TMP/pullscan.bash" || return 1
  local reply
  reply=$(bash -c '. "$1"; COMP_WORDS=("$2" sql --o); COMP_CWORD=2; _pullscan; printf "%s\n" "${COMPREPLY[@]}"' _ "$TMP/pullscan.bash" "$PULLSCAN") || return 1
  [ "$reply" = "--output" ] || return 1
  reply=$(bash -c '. "$1"; COMP_WORDS=("$2" -o ""); COMP_CWORD=2; _pullscan; printf "%s " "${COMPREPLY[@]}"' _ "$TMP/pullscan.bash" "$PULLSCAN")
  [ "$reply" = "text json yaml wide markdown " ]
}
check "completion bash: the script completes flags and values" bash_completion_test
check "completion zsh and fish: their scripts" bash -c "$PULLSCAN completion zsh | head -1 | grep -qx '#compdef pullscan' && $PULLSCAN completion fish | grep -q '^complete -c pullscan'"
check "completion of an unknown shell: exit 2" exit_is 2 $PULLSCAN completion tcsh

# The man page written at build time (beside the binary) renders and lists
# every flag the binary has.
man_page_test() {
  local page; page=$(dirname "$PULLSCAN")/pullscan.1
  [ -s "$page" ] || return 1
  MANWIDTH=200 man -l "$page" 2>/dev/null > "$TMP/man.txt" || return 1
  grep -q '^SYNOPSIS' "$TMP/man.txt" && grep -q 'kubectl pullscan \[flags\]' "$TMP/man.txt" || return 1
  local flag
  for flag in $($PULLSCAN __complete -- | cut -f1 | grep '^--'; $PULLSCAN __complete cluster -- | cut -f1 | grep '^--'); do
    grep -q -- "$flag" "$TMP/man.txt" || { echo "  $flag missing"; return 1; }
  done
}
check "man page: rendered, every flag in it" man_page_test

follow_test() {
  mkfifo "$TMP/feed"
  { cat $S/dns-nxdomain.short.txt; sleep 20; } > "$TMP/feed" &
  local feeder=$!
  $PULLSCAN --follow --db "$TMP/follow.db" < "$TMP/feed" > "$TMP/follow.out" 2>&1 &
  local p=$!
  for _ in $(seq 100); do grep -q 'failed: dns_failure' "$TMP/follow.out" && break; sleep 0.1; done
  kill -INT $p; wait $p; local rc=$?
  kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
  grep -q 'failed: dns_failure' "$TMP/follow.out" && grep -q '── Inputs' "$TMP/follow.out" && [ $rc -eq 1 ] &&
    [ "$(sqlite3 "$TMP/follow.db" 'select count(*) from attempts')" = 1 ]
}
check "--follow: a line as it happens, the report on Ctrl-C" follow_test

# journalctl -f prints ten entries, then waits: a small first block is still
# a journal, not a paste (kubelet's lease errors during an API outage are no
# pulls). One failed pull, announced once.
follow_small_first_block_test() {
  local j=samples/journal/api-outage.journal.txt
  { head -10 "$j"; sleep 0.5; tail -n +11 "$j"; } | $PULLSCAN --follow --no-db > "$TMP/outage.out" 2>&1
  [ "$(grep -c ' failed: ' "$TMP/outage.out")" -eq 1 ] && grep -q '^pullscan: 1 of 1 pull attempt failed' "$TMP/outage.out"
}
check "--follow: a small first block is a journal, not a paste" follow_small_first_block_test

# Forty minutes of a busy three-node journal followed from a pipe: attempts
# leave memory as the stream moves on, and the report at the end is the one
# a plain scan of the same journal gives; every attempt is in the database,
# and each failed pull was announced exactly once as it happened.
long_follow_test() {
  "$GENJOURNAL" --size 56M --nodes 3 --seed 7 > "$TMP/long.journal" 2>/dev/null || return 1
  $PULLSCAN --no-db --hold-events 0 < "$TMP/long.journal" > "$TMP/batch.out"
  cat "$TMP/long.journal" | $PULLSCAN --follow --db "$TMP/long.db" > "$TMP/follow.out"
  local report='/^pullscan: /,/^── Inputs/p'
  diff <(sed -n "$report" "$TMP/batch.out") <(sed -n "$report" "$TMP/follow.out") || return 1
  local total; total=$(sed -n 's/^pullscan: [0-9]* of \([0-9]*\) pull attempts.*/\1/p' "$TMP/batch.out")
  [ -n "$total" ] && [ "$(sqlite3 "$TMP/long.db" 'select count(*) from attempts')" = "$total" ] &&
    [ "$(grep -c ' failed: \| in back-off: ' "$TMP/follow.out")" -eq "$(sqlite3 "$TMP/long.db" "select count(*) from attempts where outcome in ('failed', 'backoff')")" ]
}
check "--follow on a long stream: the plain scan's report, every attempt stored" long_follow_test

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
