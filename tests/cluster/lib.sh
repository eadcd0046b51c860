# Shared by the cluster test scripts (sourced, not run): starts
# fake_apiserver.py on a free loopback port and writes a kubeconfig for it.
# Needs HERE (this folder) and WORK (a scratch folder) set by the caller.

# start_fake_apiserver SCENARIO [server args]: sets SRV_PID, PORT, REQLOG,
# KCFG (contexts fake and fake-infra, user token s3cret; https with the
# bundled CA when the args include --tls). Returns 1 if the server did not start.
start_fake_apiserver() {
    local scenario=$1; shift
    local dir scheme=http ca=""
    dir=$(mktemp -d "$WORK/$scenario.XXXX")
    REQLOG=$dir/requests.log
    python3 "$HERE/fake_apiserver.py" --fixtures "$HERE/fixtures" --scenario "$scenario" --request-log "$REQLOG" "$@" \
        >"$dir/stdout" 2>"$dir/stderr" &
    SRV_PID=$!
    for _ in $(seq 200); do grep -q '^PORT ' "$dir/stdout" 2>/dev/null && break; sleep 0.05; done
    PORT=$(sed -n 's/^PORT //p' "$dir/stdout")
    [ -n "$PORT" ] || { cat "$dir/stderr" >&2; return 1; }
    case " $* " in *" --tls "*) scheme=https ca="    certificate-authority: $HERE/fixtures/tls/server.crt";; esac
    KCFG=$dir/kubeconfig
    cat >"$KCFG" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: $scheme://127.0.0.1:$PORT
$ca
contexts:
- name: fake
  context: {cluster: fake, user: viewer}
- name: fake-infra
  context: {cluster: fake, user: viewer, namespace: infra}
current-context: fake
users:
- name: viewer
  user: {token: s3cret}
EOF
}
