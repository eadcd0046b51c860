#!/usr/bin/env bash
# Self-test of fake_apiserver.py with the real kubectl: for every scenario it starts
# the server on a free port, writes a kubeconfig for it, runs the kubectl commands
# kubectl-pullscan relies on, prints what kubectl said (exit code, stderr) and checks
# it. The error lines asserted here are the ones the C++ side matches on, so a kubectl
# that words them differently shows up here first.
#   KUBECTL=/path/to/kubectl tests/cluster/check_fake_apiserver.sh   (default: kubectl)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
KUBECTL=${KUBECTL:-kubectl}
command -v "$KUBECTL" >/dev/null || { echo "FAIL: no kubectl ($KUBECTL); ./dev.sh installs one"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: no python3"; exit 1; }
WORK=$(mktemp -d)
SRV_PID=
cleanup() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export HOME=$WORK/home  # kubectl caches discovery under ~/.kube/cache; a stale one would hide requests
mkdir -p "$HOME"
unset KUBECONFIG
passed=0 failed=0
L_NODE_A='/api/v1/nodes/node-a/proxy/logs/?query=containerd&sinceTime=2026-11-20T00:00:00Z'
L_NODE_B='/api/v1/nodes/node-b/proxy/logs/?query=containerd&query=kubelet&sinceTime=2026-11-20T00:00:00Z'

# start SCENARIO [server args]: sets PORT, REQLOG, KUBECONFIG (see lib.sh)
. "$HERE/lib.sh"
start() {
    local scenario=$1
    start_fake_apiserver "$@" || { echo "fake API server did not start"; exit 1; }
    export KUBECONFIG=$KCFG
    shift
    echo "## scenario $scenario ($(sed -n 's/^ *server: //p' "$KCFG")${*:+, server args: $*})"
}
stop() { kill "$SRV_PID" 2>/dev/null; wait "$SRV_PID" 2>/dev/null; SRV_PID=; }

# k ARGS...: runs kubectl, keeps OUT/ERR files and RC, shows exit code and stderr
k() {
    local t0=$SECONDS
    "$KUBECTL" "$@" >"$WORK/out" 2>"$WORK/err"; RC=$?
    TOOK=$((SECONDS - t0))
    echo "\$ kubectl $* -> exit $RC (${TOOK}s)"
    sed 's/^/    stderr| /' "$WORK/err"
}
check() {
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); echo "ok - $what"
    else failed=$((failed + 1)); echo "not ok - $what"; fi
}
rc() { [ "$RC" -eq "$1" ]; }
err_line() { grep -qxF -- "$1" "$WORK/err"; }                   # one whole stderr line
err_last() { [ "$(tail -n 1 "$WORK/err")" = "$1" ]; }
out_starts() { [ "$(head -n 1 "$WORK/out")" = "$1" ]; }
asked() { grep -qF -- "GET $1 " "$REQLOG"; }                  # the request reached the server
json() { python3 -c "import json,sys; d=json.load(open('$WORK/out')); sys.exit(0 if ($1) else 1)"; }
# `kubectl get -o json --watch` prints one JSON object after another, not a List
watched() { python3 - "$WORK/out" "$1" <<'EOF'
import json, sys
text, dec, objs, i = open(sys.argv[1]).read(), json.JSONDecoder(), [], 0
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i == len(text):
        break
    obj, i = dec.raw_decode(text, i)
    objs.append(obj)
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

start ok
k get events -n shop -o json
check "core/v1 events in shop: 9 Event items" json "len(d['items']) == 9 and {i['metadata']['namespace'] for i in d['items']} == {'shop'}"
check "  ... asked /api/v1/namespaces/shop/events" asked '/api/v1/namespaces/shop/events?limit=500'
check "  ... the 429 event carries the kubelet wording" json "any(i['message'].startswith('Failed to pull image \"docker.io/library/nginx:1.25\": failed to pull and unpack image') and '429 Too Many Requests' in i['message'] for i in d['items'])"
k get events -A -o json
check "events -A is the union of shop and infra (15)" json "len(d['items']) == 15"
check "  ... asked /api/v1/events" asked '/api/v1/events?limit=500'
k get events.v1.events.k8s.io -n shop -o json
check "events.k8s.io/v1 events: note/regarding/deprecatedCount shape" json "len(d['items']) == 9 and all(i['apiVersion'] == 'events.k8s.io/v1' and 'note' in i and 'regarding' in i for i in d['items'])"
check "  ... asked /apis/events.k8s.io/v1/namespaces/shop/events" asked '/apis/events.k8s.io/v1/namespaces/shop/events?limit=500'
k get pods -n shop -o json
check "pods: web waits in ImagePullBackOff on node-a" json "any(p['spec']['nodeName'] == 'node-a' and p['status']['containerStatuses'][0]['state']['waiting']['reason'] == 'ImagePullBackOff' for p in d['items'])"
k --context fake-infra get pods -o json
check "--context fake-infra: its namespace reached the server" asked '/api/v1/namespaces/infra/pods?limit=500'
k get --raw "$L_NODE_A"
check "node log query: containerd journal of node-a, short-precise" bash -c "[ \$(grep -c . '$WORK/out') -gt 10 ] && ! grep -qv '^Nov 20 [0-9:]\{8\}\.[0-9]\{6\} node-a containerd\[812\]: time=\"2026-11-20T' '$WORK/out'"
k get --raw "$L_NODE_B"
check "node log query with two units: interleaved by time" bash -c "grep -q ' kubelet\[1093\]: ' '$WORK/out' && grep -q ' containerd\[798\]: ' '$WORK/out' && cut -c1-22 '$WORK/out' | sort -c"
k get --raw '/api/v1/nodes/node-a/proxy/logs/?query=containerd&sinceTime=2026-11-21T00:00:00Z'
check "node log query with nothing since: journalctl's '-- No entries --'" out_starts "-- No entries --"
k get events -n shop -o json --watch
check "watch: 9 listed, then the new failure (ADDED) and web's repeat (count 3); server closes at 4s" \
    watched "len(objs) == 11 and objs[9]['metadata']['name'].startswith('worker-') and objs[10]['count'] == 3 and $RC == 0"
check "  ... the watch resumed from the list's resourceVersion" grep -q 'events?resourceVersion=[0-9]*&watch=true ' "$REQLOG"
k get events -n shop -o json --watch --request-timeout 2s
check "watch with --request-timeout 2s: kubectl stops quietly (exit 0) after the new events" bash -c "[ $RC -eq 0 ] && [ $TOOK -le 3 ]"
stop

start ok --tls --token s3cret
k get pods -n shop -o json
check "https + token: accepted, and the server saw Authorization" bash -c "[ $RC -eq 0 ] && grep -q 'pods?limit=500 auth=yes' '$REQLOG'"
k get pods -n shop -o json --token wrong
# discovery is cached by now, so the 401 comes from the list request and kubectl quotes the Status message
check "https + wrong token, discovery cached: exit 1, '(Unauthorized)'" bash -c "[ $RC -eq 1 ]"
check "  ... stderr line" err_last 'error: You must be logged in to the server (Unauthorized)'
stop

start ok --token s3cret
k get pods -n shop -o json
check "http + token: kubectl sends no credentials over http, so 401" bash -c "[ $RC -eq 1 ] && grep -q 'auth=no' '$REQLOG' && ! grep -q 'auth=yes' '$REQLOG'"
stop

start unauthorized
k get events -n shop -o json
check "unauthorized: exit 1, 'You must be logged in' (1.32 words it as below; 1.20 says '(Unauthorized)')" bash -c "[ $RC -eq 1 ] && \
    { [ \"\$(tail -n 1 '$WORK/err')\" = 'error: You must be logged in to the server (the server has asked for the client to provide credentials)' ] || \
      [ \"\$(tail -n 1 '$WORK/err')\" = 'error: You must be logged in to the server (Unauthorized)' ]; }"
stop

start forbidden-events
k get events -n shop -o json
check "forbidden-events: exit 1 with the apiserver's RBAC message" bash -c "[ $RC -eq 1 ]" 
check "  ... stderr line" err_line 'Error from server (Forbidden): events is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "events" in API group "" in the namespace "shop"'
check "  ... and an empty List on stdout all the same" json "d['kind'] == 'List' and d['items'] == []"
k get events -A -o json
check "forbidden-events -A: 'at the cluster scope'" err_line 'Error from server (Forbidden): events is forbidden: User "system:serviceaccount:default:viewer" cannot list resource "events" in API group "" at the cluster scope'
k get pods -n shop -o json
check "forbidden-events: pods still listed" rc 0
k get events.v1.events.k8s.io -n shop -o json
check "forbidden-events: events.k8s.io/v1 still listed" rc 0
stop

start events-v1-only
k get events -n shop -o json
check "events-v1-only: core/v1 events 404, exit 1" bash -c "[ $RC -eq 1 ]"
check "  ... stderr line" err_line 'Error from server (NotFound): Unable to list "/v1, Resource=events": the server could not find the requested resource'
k get events.v1.events.k8s.io -n shop -o json
check "events-v1-only: events.k8s.io/v1 served" json "len(d['items']) == 9 and $RC == 0"
stop

start nodelogs-disabled
k get --raw "$L_NODE_A"
check "nodelogs-disabled: exit 0 and the kubelet's HTML listing of /var/log, not a journal" bash -c "[ $RC -eq 0 ] && [ \"\$(head -n 1 '$WORK/out')\" = '<!doctype html>' ] && grep -qx '<pre>' '$WORK/out'"
stop

start nodelogs-handler-disabled
k get --raw "$L_NODE_A"
check "nodelogs-handler-disabled: 405 from the kubelet, exit 1" bash -c "[ $RC -eq 1 ]"
check "  ... stderr line (kubectl drops the kubelet's text body)" err_last 'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource'
stop

start ok
k get --raw '/api/v1/nodes/node-z/proxy/logs/?query=containerd'
check "node log query for an unknown node: NotFound" err_last 'Error from server (NotFound): nodes "node-z" not found'
stop

start timeout --sleep 30
k get events -n shop -o json --request-timeout 2s
check "timeout: exit 1 within a few seconds" bash -c "[ $RC -eq 1 ] && [ $TOOK -le 6 ]"
# which timer fires first is a race inside kubectl; seen with 1.20-1.33:
#   Unable to connect to the server: context deadline exceeded
#   Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)
#   Unable to connect to the server: context deadline exceeded (Client.Timeout exceeded while awaiting headers)
check "  ... stderr line" bash -c "tail -n 1 '$WORK/err' | grep -qE '^Unable to connect to the server: .*(context deadline exceeded|Client\.Timeout exceeded)'"
curl_pid=
if command -v curl >/dev/null; then
    curl -s -m 20 "http://127.0.0.1:$PORT/api/v1/pods" >/dev/null & curl_pid=$!
    sleep 0.5
fi
t0=$(date +%s%N); kill "$SRV_PID"; wait "$SRV_PID"; code=$?; SRV_PID=
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
check "timeout: SIGTERM stops the server at once (exit $code after ${ms} ms) though a request is held" bash -c "[ $code -eq 0 ] && [ $ms -lt 2000 ]"
[ -n "$curl_pid" ] && kill "$curl_pid" 2>/dev/null

k get events -n shop -o json
check "server gone: exit 1" rc 1
check "  ... stderr line" err_last "The connection to the server 127.0.0.1:$PORT was refused - did you specify the right host or port?"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
