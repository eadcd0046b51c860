#!/usr/bin/env python3
"""Writes the analysis stories (issue: attempts across sources): a rate limit
that recovers, a DNS failure on one node among healthy ones, and back-off
events whose cause is earlier in a journal. Shapes are the real programs'
(containerd 1.7 logrus, kubelet 1.28 klog, journalctl short, kubectl events
JSON); names, times and addresses are made up."""
import json

def q(s): return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
def ctd(t, node, level, msg, frac="100000000", **kv):
    extra = ''.join(f' {k}={q(v)}' for k, v in sorted(kv.items()))
    return f'Mar 05 {t} {node} containerd[811]: time="2025-03-05T{t}.{frac}Z" level={level} msg={q(msg)}{extra}'
def klog(t, node, msg, **kv):
    parts = ' '.join(f'{k}={q(v)}' for k, v in kv.items())
    return f'Mar 05 {t} {node} kubelet[1902]: E0305 {t}.500000    1902 pod_workers.go:1301] {q(msg)} {parts}'

def pull(t_start, t_end, node, image, err=None, pod=None):
    out = [ctd(t_start, node, 'info', f'PullImage "{image}"')]
    if err is None:
        out.append(ctd(t_end, node, 'info', f'Pulled image "{image}" with image id "sha256:aa", repo tag "{image}", repo digest "{image}@sha256:bb", size "31457280" in 4.2s', frac="300000000"))
        out.append(ctd(t_end, node, 'info', f'PullImage "{image}" returns image reference "sha256:aa"', frac="400000000"))
    else:
        out.append(ctd(t_end, node, 'error', f'PullImage "{image}" failed', frac="400000000", error=err))
        if pod:
            out.append(klog(t_end, node, 'Error syncing pod, skipping',
                            err=f'failed to "StartContainer" for "app" with ErrImagePull: ' + q(err), pod=pod, podUID='u-' + pod))
    return out

# 1. A Docker Hub rate limit that recovers once the window frees up.
e429 = ('failed to pull and unpack image "docker.io/library/node:20": failed to copy: httpReadSeeker: failed open: '
        'unexpected status code https://registry-1.docker.io/v2/library/node/manifests/sha256:3c0f: 429 Too Many Requests - '
        'Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit')
lines = []
lines += pull('09:00:00', '09:00:01', 'node-1', 'node:20', e429, 'web/api-0')
lines += pull('09:00:20', '09:00:21', 'node-1', 'node:20', e429, 'web/api-0')
lines += pull('09:01:02', '09:01:03', 'node-1', 'node:20', e429, 'web/api-0')
lines += pull('09:07:40', '09:07:45', 'node-1', 'node:20')
open('recovered-rate-limit.journal.txt', 'w').write('\n'.join(lines) + '\n')

# 2. One node cannot resolve the registry; the others pull the same image fine.
edns = ('failed to pull and unpack image "registry.internal.example/shop/cart:3.1": failed to resolve reference '
        '"registry.internal.example/shop/cart:3.1": failed to do request: Head "https://registry.internal.example/v2/shop/cart/manifests/3.1": '
        'dial tcp: lookup registry.internal.example on 10.96.0.10:53: no such host')
lines = []
lines += pull('10:00:00', '10:00:04', 'node-1', 'registry.internal.example/shop/cart:3.1')
lines += pull('10:00:02', '10:00:02', 'node-2', 'registry.internal.example/shop/cart:3.1', edns, 'shop/cart-1')
lines += pull('10:00:03', '10:00:07', 'node-3', 'registry.internal.example/shop/cart:3.1')
lines += pull('10:00:30', '10:00:30', 'node-2', 'registry.internal.example/shop/cart:3.1', edns, 'shop/cart-1')
open('one-node-dns.journal.txt', 'w').write('\n'.join(lines) + '\n')

# 3. Back-off events only (kubectl get events -o json, later), cause earlier in the node's journal.
enf = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27-bad": failed to '
       'resolve reference "docker.io/library/nginx:1.27-bad": docker.io/library/nginx:1.27-bad: not found')
lines = pull('11:00:00', '11:00:01', 'node-4', 'nginx:1.27-bad', enf, 'shop/web-0')
open('backoff-cause.journal.txt', 'w').write('\n'.join(lines) + '\n')
ev = {"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Event", "count": 6, "reason": "BackOff", "type": "Normal",
     "message": 'Back-off pulling image "nginx:1.27-bad"', "firstTimestamp": "2025-03-05T11:00:12Z", "lastTimestamp": "2025-03-05T11:04:40Z",
     "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web-0", "fieldPath": "spec.containers{app}"},
     "metadata": {"name": "web-0.17c2", "namespace": "shop", "uid": "ev-backoff-1"}, "source": {"component": "kubelet", "host": "node-4"}},
    {"apiVersion": "v1", "kind": "Event", "count": 6, "reason": "Failed", "type": "Warning", "message": "Error: ImagePullBackOff",
     "firstTimestamp": "2025-03-05T11:00:12Z", "lastTimestamp": "2025-03-05T11:04:40Z",
     "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web-0", "fieldPath": "spec.containers{app}"},
     "metadata": {"name": "web-0.17c3", "namespace": "shop", "uid": "ev-backoff-2"}, "source": {"component": "kubelet", "host": "node-4"}}]}
open('backoff-only.events.json', 'w').write(json.dumps(ev, indent=4) + '\n')

# 4. The seed story: 6 clusters x 6 nodes, each node's job pulls 3 hello-world
# tags, all leaving through one SNAT address. containerd runs at debug level,
# so Docker Hub's rate-limit headers are in the log (seeds/003).
lines = []
remaining = 100
t = 0
for c in range(1, 7):
    for n in range(1, 7):
        node = f"c{c}-worker-{n}"
        for tag in ("linux", "nanoserver-ltsc2022", "nanoserver-1809"):
            t += 1
            hh, mm, ss = 8, t // 60, t % 60
            ts = f"{hh:02d}:{mm:02d}:{ss:02d}"
            image = f"hello-world:{tag}"
            url = f"https://registry-1.docker.io/v2/library/hello-world/manifests/{tag}"
            lines.append(ctd(ts, node, 'info', f'PullImage "{image}"'))
            # containerd resolves the tag with a HEAD (free on Hub), then GETs
            # the manifest (one pull used up), as its debug log shows.
            accept = ('application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, '
                      'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, */*')
            for method, frac in (('HEAD', '110000000'), ('GET', '150000000')):
                lines.append(ctd(ts, node, 'debug', 'do request', frac=frac, host="registry-1.docker.io",
                                 **{"request.header.accept": accept, "request.header.user-agent": "containerd/v1.7.24",
                                    "request.method": method, "url": url}))
            remaining -= 1
            status = "200 OK" if remaining >= 0 else "429 Too Many Requests"
            lines.append(ctd(ts, node, 'debug', 'fetch response received', frac="200000000", host="registry-1.docker.io",
                             **{"response.header.docker-ratelimit-source": "58.185.1.1",
                                "response.header.ratelimit-limit": "100;w=21600",
                                "response.header.ratelimit-remaining": f"{max(remaining, 0)};w=21600",
                                "response.status": status, "url": url}))
            if remaining >= 0:
                lines.append(ctd(ts, node, 'info', f'PullImage "{image}" returns image reference "sha256:ab"', frac="300000000"))
            else:
                err = (f'failed to pull and unpack image "docker.io/library/{image}": failed to copy: httpReadSeeker: failed open: '
                       f'unexpected status code {url}: 429 Too Many Requests - Server message: toomanyrequests: You have reached '
                       'your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit')
                lines.append(ctd(ts, node, 'error', f'PullImage "{image}" failed', frac="300000000", error=err))
open('snat-dockerhub.journal.txt', 'w').write('\n'.join(lines) + '\n')

# 5. The same pulls seen three ways: the nodes' journal (containerd 1.7 and
# kubelet 1.28 at -v=2, so no event lines in it), `kubectl get events -o json`
# and `kubectl get pods -o json`, collected at 12:06. Hand-counted truth,
# checked by tests/unit/correlate_test.cpp for every subset of the three:
#   shop/web-7d9f-x2k4p on worker-2: 4 pulls of nginx:1.27-bad, all 404. The
#     Pulling/Failed events count 4 and end at 12:01:36, the second of the
#     last pull's containerd lines (events keep whole seconds). The pod is in
#     ImagePullBackOff.
#   shop/api-0 on worker-1: 1 pull of ghcr.io/acme/api:2.3 that worked.
#   batch/worker-5 on worker-3: 12 pulls of registry.acme.example/batch/worker:5.0
#     since 11:10, all refused (insufficient_scope); the journal was collected
#     with --since 12:00 and holds only the last 3. Its BackOff event ends at
#     12:05:20, between the last two failures. The pod shows ErrImagePull.
# So: journal 8 attempts (7 failed), events 17 (16 failed), pods 2 (1 failed,
# 1 in back-off), and any two or all three together 17 (16 failed): never
# more than the pulls that happened.
def at(t, node, level, msg, frac="100000000", **kv):
    return (t + '.' + frac, ctd(t, node, level, msg, frac, **kv))
def kat(t, node, file, msg, **kv):
    # kubelet logs a failure just after containerd returns it.
    line = klog(t, node, msg, **kv).replace('pod_workers.go:1301]', file + ']').replace(f'{t}.500000', f'{t}.750000')
    return (t + '.75', line)
lines = []
enf = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27-bad": failed to '
       'resolve reference "docker.io/library/nginx:1.27-bad": docker.io/library/nginx:1.27-bad: not found')
web = 'shop/web-7d9f-x2k4p'
for t in ('12:00:00', '12:00:14', '12:00:45', '12:01:36'):
    lines.append(at(t, 'worker-2', 'info', 'PullImage "nginx:1.27-bad"'))
    lines.append(at(t, 'worker-2', 'info', 'stop pulling image docker.io/library/nginx:1.27-bad: active requests=0, bytes read=0', frac='600000000'))
    lines.append(at(t, 'worker-2', 'error', 'PullImage "nginx:1.27-bad" failed', frac='700000000', error=enf))
    lines.append(kat(t, 'worker-2', 'remote_image.go:180', 'PullImage from image service failed', err=enf, image='nginx:1.27-bad'))
    lines.append(kat(t, 'worker-2', 'pod_workers.go:1301', 'Error syncing pod, skipping',
                     err='failed to "StartContainer" for "web" with ErrImagePull: ' + q(enf), pod=web, podUID='0e1f2a3b-5c4d'))
for t in ('12:00:01', '12:00:26', '12:01:01', '12:01:48', '12:02:20'):
    lines.append(kat(t, 'worker-2', 'pod_workers.go:1301', 'Error syncing pod, skipping',
                     err='failed to "StartContainer" for "web" with ImagePullBackOff: ' + q('Back-off pulling image "nginx:1.27-bad"'),
                     pod=web, podUID='0e1f2a3b-5c4d'))
api = 'ghcr.io/acme/api:2.3'
lines.append(at('12:00:30', 'worker-1', 'info', f'PullImage "{api}"'))
lines.append(at('12:00:33', 'worker-1', 'info', f'Pulled image "{api}" with image id "sha256:aa", repo tag "{api}", repo digest '
                f'"ghcr.io/acme/api@sha256:bb", size "41000000" in 3.2s', frac='300000000'))
lines.append(at('12:00:33', 'worker-1', 'info', f'PullImage "{api}" returns image reference "sha256:aa"', frac='400000000'))
wimg = 'registry.acme.example/batch/worker:5.0'
e401 = (f'failed to pull and unpack image "{wimg}": failed to resolve reference "{wimg}": pull access denied, repository '
        'does not exist or may require authorization: server message: insufficient_scope: authorization failed')
for t in ('12:00:10', '12:02:50', '12:05:40'):
    lines.append(at(t, 'worker-3', 'info', f'PullImage "{wimg}"'))
    lines.append(at(t, 'worker-3', 'error', f'PullImage "{wimg}" failed', frac='700000000', error=e401))
    lines.append(kat(t, 'worker-3', 'remote_image.go:180', 'PullImage from image service failed',
                     err='rpc error: code = Unknown desc = ' + e401, image=wimg))
    lines.append(kat(t, 'worker-3', 'pod_workers.go:1301', 'Error syncing pod, skipping',
                     err='failed to "StartContainer" for "worker" with ErrImagePull: ' + q(e401), pod='batch/worker-5', podUID='7a7a0c11-90de'))
lines.sort(key=lambda x: x[0])
open('three-views.journal.txt', 'w').write('\n'.join(l for _, l in lines) + '\n')

def event(uid, reason, typ, msg, count, first, last, ns, pod, container, node):
    return {"apiVersion": "v1", "kind": "Event", "count": count, "eventTime": None,
            "firstTimestamp": f"2025-03-05T{first}Z", "lastTimestamp": f"2025-03-05T{last}Z",
            "involvedObject": {"apiVersion": "v1", "fieldPath": f"spec.containers{{{container}}}", "kind": "Pod",
                               "name": pod, "namespace": ns, "uid": "uid-" + pod},
            "message": msg, "metadata": {"name": f"{pod}.{uid}", "namespace": ns, "uid": "ev-" + uid},
            "reason": reason, "reportingComponent": "kubelet", "reportingInstance": node,
            "source": {"component": "kubelet", "host": node}, "type": typ}
web_ev = dict(ns='shop', pod='web-7d9f-x2k4p', container='web', node='worker-2')
api_ev = dict(ns='shop', pod='api-0', container='api', node='worker-1')
wrk_ev = dict(ns='batch', pod='worker-5', container='worker', node='worker-3')
items = [
    event('182a1', 'Pulling', 'Normal', 'Pulling image "nginx:1.27-bad"', 4, '12:00:00', '12:01:36', **web_ev),
    event('182a2', 'Failed', 'Warning', 'Failed to pull image "nginx:1.27-bad": ' + enf, 4, '12:00:00', '12:01:36', **web_ev),
    event('182a3', 'Failed', 'Warning', 'Error: ErrImagePull', 4, '12:00:00', '12:01:36', **web_ev),
    event('182a4', 'BackOff', 'Normal', 'Back-off pulling image "nginx:1.27-bad"', 5, '12:00:01', '12:02:20', **web_ev),
    event('182a5', 'Failed', 'Warning', 'Error: ImagePullBackOff', 5, '12:00:01', '12:02:20', **web_ev),
    event('182b1', 'Pulling', 'Normal', f'Pulling image "{api}"', 1, '12:00:30', '12:00:30', **api_ev),
    event('182b2', 'Pulled', 'Normal', f'Successfully pulled image "{api}" in 3.2s (3.2s including waiting). Image size: 41000000 bytes.',
          1, '12:00:33', '12:00:33', **api_ev),
    event('182c1', 'Pulling', 'Normal', f'Pulling image "{wimg}"', 12, '11:10:00', '12:05:40', **wrk_ev),
    event('182c2', 'Failed', 'Warning', f'Failed to pull image "{wimg}": ' + e401, 12, '11:10:00', '12:05:40', **wrk_ev),
    event('182c3', 'Failed', 'Warning', 'Error: ErrImagePull', 12, '11:10:00', '12:05:40', **wrk_ev),
    event('182c4', 'BackOff', 'Normal', f'Back-off pulling image "{wimg}"', 40, '11:10:01', '12:05:20', **wrk_ev),
    event('182c5', 'Failed', 'Warning', 'Error: ImagePullBackOff', 40, '11:10:01', '12:05:20', **wrk_ev),
]
open('three-views.events.json', 'w').write(json.dumps({"apiVersion": "v1", "kind": "List", "items": items,
                                                       "metadata": {"resourceVersion": ""}}, indent=4) + '\n')

def pod(ns, name, node, container, image, state):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "uid": "uid-" + name},
            "spec": {"nodeName": node, "containers": [{"name": container, "image": image}]},
            "status": {"phase": "Pending" if "waiting" in state else "Running",
                       "containerStatuses": [{"name": container, "image": image, "imageID": "", "ready": False,
                                              "restartCount": 0, "started": False, "state": state}]}}
pods = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
    pod('shop', 'web-7d9f-x2k4p', 'worker-2', 'web', 'nginx:1.27-bad',
        {"waiting": {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nginx:1.27-bad"'}}),
    pod('shop', 'api-0', 'worker-1', 'api', api, {"running": {"startedAt": "2025-03-05T12:00:34Z"}}),
    pod('batch', 'worker-5', 'worker-3', 'worker', wimg, {"waiting": {"reason": "ErrImagePull", "message": e401}}),
]}
open('three-views.pods.json', 'w').write(json.dumps(pods, indent=4) + '\n')
