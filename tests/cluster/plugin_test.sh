#!/usr/bin/env bash
# Integration test of `kubectl pullscan`: the real kubectl runs the plugin
# (found on PATH as kubectl-pullscan, the build's symlink to pullscan), and the
# plugin runs the real kubectl against fake_apiserver.py, started here on
# loopback over TLS with a bearer token. Each scenario checks the report, the
# one-line diagnostics, the exit code and what reached the server.
#   tests/cluster/plugin_test.sh BUILD_DIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: plugin_test.sh BUILD_DIR}" && pwd)
command -v kubectl >/dev/null || { echo "FAIL: kubectl is not installed (dev.sh installs it)"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed"; exit 1; }
WORK=$(mktemp -d)
SRV_PID=
cleanup() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export HOME=$WORK/home  # a fresh kubectl discovery cache for every run
mkdir -p "$HOME"
unset KUBECONFIG KUBECTL
export PATH="$BUILD:$PATH"
failed=0

. "$HERE/lib.sh"
start() {  # start SCENARIO: the server over TLS with token auth; sets KCFG, REQLOG, PORT
    start_fake_apiserver "$1" --tls --token s3cret || { echo "FAIL: fake API server did not start"; exit 1; }
}
stop() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; SRV_PID=; }

run() {  # run ARGS...: kubectl pullscan ARGS; sets OUT, ERR, RC
    kubectl pullscan --kubeconfig "$KCFG" --no-db --width 200 "$@" >"$WORK/out" 2>"$WORK/err"
    RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

check() {  # check DESCRIPTION TEST...
    local what=$1; shift
    if "$@"; then echo "ok - $what"; else
        echo "FAIL - $what"; echo "  exit $RC"; echo "  stderr: $ERR" | head -20; echo "$OUT" | head -40 | sed 's/^/  out: /'
        failed=$((failed + 1))
    fi
}
has() { grep -qF -- "$2" <<<"$1"; }
hasnt() { ! grep -qF -- "$2" <<<"$1"; }
lines() { [ "$(grep -c . <<<"$1")" -eq "$2" ]; }

# kubectl finds the plugin.
check "kubectl plugin list finds kubectl-pullscan" bash -c "kubectl plugin list 2>/dev/null | grep -q '/kubectl-pullscan$'"

# The plugin's command line behaves as kubectl's own.
kubectl pullscan --help >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
check "--help: usage says kubectl pullscan [flags]" has "$OUT" "Usage: kubectl pullscan [flags]"
check "  never kubectl pullscan cluster" hasnt "$OUT" "pullscan cluster"
for flag in "-o,--output" "-q,--quiet" "--db" "--no-db" "--width" "-n,--namespace" "-A,--all-namespaces" "--context" \
            "--kubeconfig" "--node-logs" "--since" "-w,--watch" "--request-timeout" "--kubectl-timeout" "--kubectl"; do
  check "  lists $flag" bash -c "grep -qE '^  $flag( |\$)' '$WORK/out'"
done
kubectl pullscan version >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=$(cat "$WORK/out"); ERR=$(cat "$WORK/err")
check "kubectl pullscan version: the version, exit 0" bash -c "[ $RC -eq 0 ] && grep -q '^pullscan [0-9]' '$WORK/out'"
kubectl pullscan version -o json >"$WORK/out" 2>"$WORK/err"; RC=$?; OUT=$(cat "$WORK/out")
check "kubectl pullscan version -o json" has "$OUT" '"schema": "pullscan.version/v1"'

# kubectl (1.26+) completes the plugin through kubectl_complete-pullscan.
OUT=$(kubectl __complete pullscan --nam 2>/dev/null)
check "kubectl completes the plugin's flags (kubectl_complete-pullscan)" has "$OUT" "--namespace"
OUT=$(kubectl __complete pullscan -o "" 2>/dev/null)
check "  and -o's values" bash -c "grep -qx yaml <<<\"\$1\" && grep -qx wide <<<\"\$1\"" _ "$OUT"
OUT=$(kubectl_complete-pullscan "")
check "  the plugin's one command, no file names" bash -c "grep -q '^version' <<<\"\$1\" && [ \"\$(tail -1 <<<\"\$1\")\" = ':4' ] && ! grep -q '^cluster' <<<\"\$1\"" _ "$OUT"

start ok
run -n shop
check "ok -n shop: exit 1, the Docker Hub rate limit on node-a" bash -c "[ $RC -eq 1 ]"
check "  finding" has "$OUT" "Docker Hub pull rate limit reached [rate_limited]"
check "  node" has "$OUT" "nodes     node-a"
check "  inputs name the kubectl commands" has "$OUT" "kubectl get events --namespace=shop"
check "  nothing on stderr" lines "$ERR" 0
check "  the namespace reached the server" has "$(cat "$REQLOG")" "/api/v1/namespaces/shop/events"
check "  pods read too" has "$(cat "$REQLOG")" "/api/v1/namespaces/shop/pods"
check "  with the token" hasnt "$(cat "$REQLOG")" "auth=no"
# Golden: the report as a user reads it, up to the inputs section (whose line
# counts follow kubectl's JSON layout, which differs between versions).
GOLDEN=$HERE/../golden/cluster/ok-shop.txt
REPORT=$(sed '/^── Inputs/,$d' <<<"$OUT")
if [ -n "${UPDATE_GOLDEN:-}" ]; then mkdir -p "$(dirname "$GOLDEN")"; printf '%s\n' "$REPORT" >"$GOLDEN"; fi
check "  report equals tests/golden/cluster/ok-shop.txt" bash -c "diff <(printf '%s\n' \"\$1\") '$GOLDEN'" _ "$REPORT"

run -n=shop
check "-n=shop is -n shop, as kubectl reads it" has "$(cat "$REQLOG")" "/api/v1/namespaces/shop/events"
check "  the same finding" has "$OUT" "Docker Hub pull rate limit reached [rate_limited]"
: >"$REQLOG"
run --namespace==shop
check "a namespace that is no DNS-1123 label: exit 2, one line" bash -c "[ $RC -eq 2 ] && [ \"\$(cat '$WORK/err')\" = \"pullscan: cluster: --namespace '=shop' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit)\" ]"
check "  nothing asked of the server" hasnt "$(cat "$REQLOG")" "/events"
run versoin
check "a stray word: exit 2, said, no scan" bash -c "[ $RC -eq 2 ] && grep -qx 'pullscan: The following argument was not expected: versoin' '$WORK/err'"
check "  nothing asked of the server" hasnt "$(cat "$REQLOG")" "/events"
run -n shop -q
check "-q: the verdict line only, exit 1" bash -c "[ $RC -eq 1 ] && [ \"\$(cat '$WORK/out')\" = 'pullscan: 2 of 3 pull attempts failed, 1 succeeded' ]"
run -n shop -o json
check "-o json: the report as JSON" bash -c "[ $RC -eq 1 ] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"summary\"][\"failed\"] >= 1' '$WORK/out'"
run -n shop -o yaml
check "-o yaml: the report as YAML" bash -c "[ $RC -eq 1 ] && python3 -c 'import yaml,sys; r=yaml.safe_load(open(sys.argv[1])); assert r[\"schema\"] == \"pullscan.report/v1\" and r[\"summary\"][\"failed\"] >= 1' '$WORK/out'"
run -n shop -o wide
check "-o wide: a row per finding" bash -c "[ $RC -eq 1 ] && head -1 '$WORK/out' | grep -q '^CLASS ' && grep -q '^rate_limited  *docker.io  *docker.io/library/' '$WORK/out'"
run -n shop -o csv
check "-o csv (sql's): exit 2, said" bash -c "[ $RC -eq 2 ] && grep -q '^pullscan: kubectl pullscan: -o csv is not one of its formats (text, json, yaml, wide, markdown)' '$WORK/err'"

run -A
check "ok -A: both findings" bash -c "[ $RC -eq 1 ]"
check "  not found on node-b" has "$OUT" "[not_found]"
check "  all namespaces reached the server" has "$(cat "$REQLOG")" "/api/v1/events?"

run --context fake-infra
check "--context fake-infra: the context's namespace" has "$(cat "$REQLOG")" "/api/v1/namespaces/infra/events"
check "  its finding" has "$OUT" "ghcr.io/acme/agent:v9.9.9"

run -n shop --node-logs --since 2026-11-20T09:00:00Z
check "--node-logs: node-a's journal was read" has "$(cat "$REQLOG")" "/api/v1/nodes/node-a/proxy/logs/?query=containerd&query=kubelet&sinceTime=2026-11-20T09"
check "  and named in the inputs" has "$OUT" "node-a: containerd and kubelet journal"
check "  Docker Hub's headers counted from containerd's debug lines" has "$OUT" "203.0.113.7"
stop

start unauthorized
run -n shop
check "401: exit 2" bash -c "[ $RC -eq 2 ]"
check "  one line on stderr" lines "$ERR" 1
check "  saying so" has "$ERR" "pullscan: cluster: not logged in to the cluster"
stop

start forbidden-events
run -n shop
check "403 on events: the pods are still analysed (exit 1)" bash -c "[ $RC -eq 1 ]"
check "  one line for the forbidden list" has "$ERR" 'not allowed to list events in namespace shop (kubectl: Error from server (Forbidden): events is forbidden: User "system:serviceaccount:default:viewer"'
check "  the events API tried instead" has "$(cat "$REQLOG")" "/apis/events.k8s.io/v1/namespaces/shop/events"
check "  a finding" has "$OUT" "[rate_limited]"
stop

start events-v1-only
run -n shop
check "404 on core events: events.k8s.io/v1 read instead" has "$ERR" "read events through events.k8s.io/v1 instead"
check "  the same finding" has "$OUT" "Docker Hub pull rate limit reached [rate_limited]"
stop

start nodelogs-disabled
run -n shop --node-logs
check "node log query off: one line naming the node and the setting" has "$ERR" "node log query is not enabled on node-a: its kubelet needs the NodeLogQuery feature gate and enableSystemLogQuery: true"
check "  the report still comes (exit 1)" bash -c "[ $RC -eq 1 ] && grep -q rate_limited '$WORK/out'"
stop

start nodelogs-handler-disabled
run -n shop --node-logs
check "kubelet log handler off: said so" has "$ERR" "the kubelet's log endpoint is disabled on node-a (enableSystemLogHandler: false)"
stop

start hostile-node
run -A --node-logs --since 2026-11-20T09:00:00Z
check "a node name from an Event that is a path: not requested" hasnt "$(cat "$REQLOG")" "secrets"
check "  said so on one line" has "$ERR" 'pullscan: cluster: --node-logs: skipped node name "../../../api/v1/namespaces/kube-system/secrets?limit=1" from the event data: not a DNS-1123 name'
check "  the real node's journal still read" has "$(cat "$REQLOG")" "/api/v1/nodes/node-a/proxy/logs/?query=containerd"
check "  kubectl given pullscan's default --request-timeout" has "$(cat "$REQLOG")" "timeout=1m0s"
stop

start timeout
run -n shop --request-timeout 2s
check "timeout: exit 2 and one line" bash -c "[ $RC -eq 2 ] && [ \$(grep -c . '$WORK/err') -eq 1 ]"
check "  saying the cluster did not answer" has "$ERR" "the cluster did not answer in time (--request-timeout 2s)"
stop

run -n shop
check "server gone: exit 2, cannot reach" bash -c "[ $RC -eq 2 ] && grep -q 'pullscan: cluster: cannot reach the cluster' '$WORK/err'"

kubectl pullscan --kubeconfig "$KCFG" --no-db --kubectl /nonexistent/kubectl -n shop >"$WORK/out" 2>"$WORK/err"
RC=$?; ERR=$(cat "$WORK/err"); OUT=
check "no kubectl: exit 2, one line" bash -c "[ $RC -eq 2 ] && [ \"\$(cat '$WORK/err')\" = 'pullscan: cluster: /nonexistent/kubectl not found on PATH (install kubectl, or give its path with --kubectl)' ]"

start ok
SECONDS=0
run -n shop --watch
check "--watch: the new pod's failure is told as it comes" has "$OUT" "shop/worker-59c8d-vwxyz docker.io/library/python:3.12-slim failed: rate_limited"
check "  a finding line" has "$OUT" "finding new: [rate_limited] docker.io"
check "  the full report when the watch ends" has "$OUT" "Docker Hub pull rate limit reached [rate_limited]"
check "  the watch reached the server" has "$(cat "$REQLOG")" "watch=true"
check "  ended when the server closed the watch (within 20s)" bash -c "[ $SECONDS -lt 20 ]"
stop

if [ $failed -ne 0 ]; then echo "$failed checks failed"; exit 1; fi
echo "all checks passed"
