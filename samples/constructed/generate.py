#!/usr/bin/env python3
"""Writes the constructed samples in this folder from the format strings of
formats.md (containerd 1.7 logrus text, kubelet 1.28 klog, journalctl short,
RKE2's klog-to-file preamble). Values are made up; shapes and quoting are the
real programs'. Re-run after changing it: python3 generate.py"""

def q(s):  # Go %q for ASCII text
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'

lines = []
def j(t, node, ident, pid, msg): lines.append(f"Mar 05 {t} {node} {ident}[{pid}]: {msg}")
def ctd(t_local, t_utc, node, level, msg, **kv):
    extra = ''.join(f' {k}={q(v)}' for k, v in sorted(kv.items()))
    j(t_local, node, 'containerd', 811, f'time="2025-03-05T{t_utc}Z" level={level} msg={q(msg)}{extra}')
def klog(t_local, node, sev, src, msg, **kv):
    parts = [f'{sev}0305 {t_local}     1902 {src}] {q(msg)}']
    for k, v in kv.items():
        parts.append(f'{k}={q(v)}')
    j(t_local[:8], node, 'kubelet', 1902, ' '.join(parts))
def chat(t, node):
    j(t, node, 'kubelet', 1902, f'I0305 {t}.000100     1902 kubelet_getters.go:218] "Pod status updated" pod="kube-system/kube-proxy-x" status="Running"')

# node-1 runs at UTC+2: the journal and klog show 11:00 where containerd says 09:00Z.
err_bad = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27-bad": '
           'failed to resolve reference "docker.io/library/nginx:1.27-bad": docker.io/library/nginx:1.27-bad: not found')
def failure(tl, tu):
    ctd(tl, f"{tu}.100000000", 'node-1', 'info', 'PullImage "nginx:1.27-bad"')
    chat(tl, 'node-1')
    ctd(tl, f"{tu}.400000000", 'node-1', 'info', 'trying next host - response was http.StatusNotFound', host='registry-1.docker.io')
    ctd(tl, f"{tu}.410000000", 'node-1', 'info', 'stop pulling image docker.io/library/nginx:1.27-bad: active requests=0, bytes read=0')
    ctd(tl, f"{tu}.420000000", 'node-1', 'error', 'PullImage "nginx:1.27-bad" failed', error=err_bad)
    klog(f"{tl}.430000", 'node-1', 'E', 'remote_image.go:180', 'PullImage from image service failed', err=err_bad, image='nginx:1.27-bad')
    sync = 'failed to "StartContainer" for "web" with ErrImagePull: ' + q(err_bad)
    klog(f"{tl}.431000", 'node-1', 'E', 'pod_workers.go:1301', 'Error syncing pod, skipping', err=sync,
         pod='shop/web-7d9c-abcde', podUID='0e1f2a3b-1111-2222-3333-444455556666')
def backoff(tl):
    sync = 'failed to "StartContainer" for "web" with ImagePullBackOff: ' + q('Back-off pulling image "nginx:1.27-bad"')
    klog(f"{tl}.100000", 'node-1', 'E', 'pod_workers.go:1301', 'Error syncing pod, skipping', err=sync,
         pod='shop/web-7d9c-abcde', podUID='0e1f2a3b-1111-2222-3333-444455556666')

failure('11:00:00', '09:00:00')
j('11:00:03', 'node-1', 'systemd', 1, 'Started Session 12 of User core.')
backoff('11:00:12')
failure('11:00:27', '09:00:27')
backoff('11:00:40')
# node-2 runs at UTC+2 as well: a success with containerd 1.7's size and duration.
ctd('11:01:00', '09:01:00.000000000', 'node-2', 'info', 'PullImage "redis:7.2"')
ctd('11:01:06', '09:01:06.500000000', 'node-2', 'info', 'Pulled image "redis:7.2" with image id "sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988", repo tag "docker.io/library/redis:7.2", repo digest "docker.io/library/redis@sha256:9a8b7c6d5e4f30219a8b7c6d5e4f30219a8b7c6d5e4f30219a8b7c6d5e4f3021", size "41283746" in 6.5s')
ctd('11:01:06', '09:01:06.510000000', 'node-2', 'info', 'stop pulling image docker.io/library/redis:7.2: active requests=0, bytes read=41283746')
ctd('11:01:06', '09:01:06.520000000', 'node-2', 'info', 'PullImage "redis:7.2" returns image reference "sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"')
# node-2: GHCR answers 401 at the token endpoint (private package, no pull secret).
err401 = ('failed to pull and unpack image "ghcr.io/acme/api:2.1": failed to resolve reference "ghcr.io/acme/api:2.1": '
          'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to '
          'https://ghcr.io/token?scope=repository%3Aacme%2Fapi%3Apull&service=ghcr.io: 401 Unauthorized')
ctd('11:02:00', '09:02:00.000000000', 'node-2', 'info', 'PullImage "ghcr.io/acme/api:2.1"')
ctd('11:02:00', '09:02:00.300000000', 'node-2', 'error', 'PullImage "ghcr.io/acme/api:2.1" failed', error=err401)
klog('11:02:00.310000', 'node-2', 'E', 'remote_image.go:180', 'PullImage from image service failed',
     err='rpc error: code = Unknown desc = ' + err401, image='ghcr.io/acme/api:2.1')
# node-2: a pull that stalls and is cancelled by containerd 1.7's progress timeout.
ctd('11:03:00', '09:03:00.000000000', 'node-2', 'info', 'PullImage "registry.example.com/ml/trainer:5"')
ctd('11:08:00', '09:08:00.000000000', 'node-2', 'error', 'cancel pulling image registry.example.com/ml/trainer:5 because of no progress in 5m0s')
ctd('11:08:00', '09:08:00.010000000', 'node-2', 'info', 'stop pulling image registry.example.com/ml/trainer:5: active requests=1, bytes read=1048576')
ctd('11:08:00', '09:08:00.020000000', 'node-2', 'error', 'PullImage "registry.example.com/ml/trainer:5" failed',
    error='rpc error: code = Canceled desc = failed to pull and unpack image "registry.example.com/ml/trainer:5": context canceled')
open('two-nodes-retries.journal.txt', 'w').write('\n'.join(lines) + '\n')

# A bare kubelet.log as RKE2 writes it (klog to a file, with the preamble): no year, no zone.
k = ['Log file created at: 2025/03/05 10:59:58', 'Running on machine: node-3',
     'Binary: Built with gc go1.22.5 for linux/amd64',
     'Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg']
e = ('rpc error: code = Unknown desc = failed to pull and unpack image "registry.internal.example:5000/payments/ledger:3.4": '
     'failed to resolve reference "registry.internal.example:5000/payments/ledger:3.4": failed to do request: Head '
     '"https://registry.internal.example:5000/v2/payments/ledger/manifests/3.4": tls: failed to verify certificate: '
     'x509: certificate signed by unknown authority')
pod = ' pod="payments/ledger-0" podUID="7c9d1e2f-aaaa-bbbb-cccc-ddddeeeeffff"'
k.append('I0305 11:00:00.000100    2211 kubelet.go:2424] "SyncLoop ADD" source="api" pods=["payments/ledger-0"]')
k.append(f'E0305 11:00:01.204511    2211 remote_image.go:180] "PullImage from image service failed" err={q(e)} image="registry.internal.example:5000/payments/ledger:3.4"')
k.append('E0305 11:00:01.204600    2211 pod_workers.go:1301] "Error syncing pod, skipping" err=' +
         q('failed to "StartContainer" for "ledger" with ErrImagePull: ' + q(e.replace('rpc error: code = Unknown desc = ', ''))) + pod)
k.append('E0305 11:00:14.000000    2211 pod_workers.go:1301] "Error syncing pod, skipping" err=' +
         q('failed to "StartContainer" for "ledger" with ImagePullBackOff: ' + q('Back-off pulling image "registry.internal.example:5000/payments/ledger:3.4"')) + pod)
open('rke2-kubelet.log', 'w').write('\n'.join(k) + '\n')
