#!/usr/bin/env bash
# A kubectl that misbehaves on purpose, for the hostile cluster cases
# (tests/hostile/cluster.cases) and plugin_test.sh: `pullscan cluster
# --kubectl tests/cluster/fake_kubectl.sh` runs it instead of the real
# kubectl. fake_apiserver.py drives the real kubectl through a hostile API
# server; this stands in where kubectl itself (or a server it cannot bound)
# is the problem: a body or an error without end, a call that never ends, a
# node name that is a path. FAKE_KUBECTL_MODE picks the behaviour; every
# call appends its argv (one line, words separated by spaces) to
# $FAKE_KUBECTL_LOG when that is set, so a case can see what was asked.
#   FAKE_KUBECTL_MODE=bad-node       events naming a node `../../../api/v1/namespaces/kube-system/secrets?limit=1`
#                                    (and one with an ESC in its name) beside a real node-a
#   FAKE_KUBECTL_MODE=huge-stdout    a failed pull on node-a; the call FAKE_KUBECTL_HUGE_CALL (events, pods or
#                                    --raw, the default) prints FAKE_KUBECTL_BYTES (default 500000000) bytes
#                                    of journal-like lines
#   FAKE_KUBECTL_MODE=huge-stderr    an error of FAKE_KUBECTL_BYTES bytes on one stderr line, exit 1
#   FAKE_KUBECTL_MODE=secret-stderr  an error that carries a bearer token, a password and ESC sequences, exit 1
#   FAKE_KUBECTL_MODE=hang           never answers (sleeps in a child process, as a stuck exec plugin
#                                    would); writes its pid and the child's to $FAKE_KUBECTL_PIDS if set
#   FAKE_KUBECTL_MODE=trickle        a byte every 0.2 s, forever
set -u
[ -n "${FAKE_KUBECTL_LOG:-}" ] && printf '%s\n' "$*" >>"$FAKE_KUBECTL_LOG"
mode=${FAKE_KUBECTL_MODE:?set FAKE_KUBECTL_MODE}
bytes=${FAKE_KUBECTL_BYTES:-500000000}

# The call: `get events|pods ...` or `get --raw PATH`.
what=
for a in "$@"; do
    case $a in events|pods|--raw) what=$a; break;; esac
done

failed_pull_event() {  # failed_pull_event NODE UID
    cat <<EOF
{"metadata":{"name":"web.$2","namespace":"shop","uid":"$2"},
 "involvedObject":{"kind":"Pod","namespace":"shop","name":"web-$2","fieldPath":"spec.containers{web}"},
 "reason":"Failed","type":"Warning",
 "message":"Failed to pull image \"docker.io/library/nginx:9.9\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:9.9\": failed to resolve reference \"docker.io/library/nginx:9.9\": docker.io/library/nginx:9.9: not found",
 "source":{"component":"kubelet","host":"$1"},
 "firstTimestamp":"2026-11-20T10:00:42Z","lastTimestamp":"2026-11-20T10:00:42Z","count":1}
EOF
}

case $mode in
bad-node)
    case $what in
    events)
        printf '{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[\n'
        failed_pull_event '../../../api/v1/namespaces/kube-system/secrets?limit=1' 1; printf ',\n'
        failed_pull_event 'evil\u001b]0;owned\u0007' 2; printf ',\n'
        failed_pull_event 'node-a' 3
        printf ']}\n';;
    pods) printf '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}\n';;
    --raw) printf 'Nov 20 10:00:42 node-a containerd[812]: time="2026-11-20T10:00:42Z" level=info msg="PullImage \\"docker.io/library/nginx:9.9\\""\n';;
    esac;;
huge-stdout)
    if [ "$what" = "${FAKE_KUBECTL_HUGE_CALL:---raw}" ]; then
        # Lines a journal could hold but that name no pull: read, counted, not
        # decoded. A first piece of 4095 bytes, read alone: a buffer that
        # doubles from there reaches 4095 * 2^16, just under 256 MiB, and
        # copies all of it when it grows once more.
        line='Nov 20 10:00:42 node-a systemd[1]: Started session-1.scope - Session 1 of User core.'
        yes "$line" | head -c 4095
        sleep 0.2
        yes "$line" | head -c "$((bytes - 4095))"
    elif [ "$what" = events ]; then
        printf '{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[\n'
        failed_pull_event node-a 1
        printf ']}\n'
    else
        printf '{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[]}\n'
    fi;;
huge-stderr)
    { printf 'error: '; head -c "$bytes" /dev/zero | tr '\0' x; printf '\n'; } >&2
    exit 1;;
secret-stderr)
    printf 'I1120 10:00:42.000000 1 round_trippers.go:553] GET https://10.0.0.1/api?x=1 Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl\n' >&2
    printf 'error: You must be logged in to the server (Unauthorized) token=eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl password=hunter2-secret \033]0;pwned\007\033[2J all pulls OK\n' >&2
    exit 1;;
hang)
    sleep 1000 &
    [ -n "${FAKE_KUBECTL_PIDS:-}" ] && printf '%s %s\n' $$ $! >>"$FAKE_KUBECTL_PIDS"
    wait;;
trickle)
    while :; do printf x; sleep 0.2; done;;
*)
    echo "fake_kubectl.sh: unknown FAKE_KUBECTL_MODE $mode" >&2; exit 64;;
esac
