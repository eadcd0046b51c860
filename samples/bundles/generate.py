#!/usr/bin/env python3
"""Writes one small support bundle per collector layout, as the directory the
collector leaves (tests pack each into tar.gz, tar.xz, tar.zst and zip). Paths
and file shapes are those the collectors write (docs/bundles.md gives the
source of each); the log lines are in the real programs' shapes (containerd
1.7 logrus, kubelet klog, journalctl short with no year, kubectl JSON), with
made-up names, times and addresses. Run it from this folder."""
import hashlib, json, os, shutil

def q(s): return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

def ctd_msg(day, t, level, msg, frac="100000000", **kv):
    extra = ''.join(f' {k}={q(v)}' for k, v in sorted(kv.items()))
    return f'time="2026-11-{day}T{t}.{frac}Z" level={level} msg={q(msg)}{extra}'

def journal(day, t, node, unit, pid, payload):
    return f'Nov {day} {t} {node} {unit}[{pid}]: {payload}'

def klog(day, t, msg, **kv):
    parts = ' '.join(f'{k}={q(v)}' for k, v in kv.items())
    return f'E11{day} {t}.500000    1902 pod_workers.go:1301] {q(msg)} {parts}'

def pulls(day, node, image, err, pod, times, journal_form=True):
    """containerd and kubelet lines for failed pulls of image at the given times."""
    ctd, kub = [], []
    for t in times:
        for line, dst in ((ctd_msg(day, t, 'info', f'PullImage "{image}"'), ctd),
                          (ctd_msg(day, t, 'error', f'PullImage "{image}" failed', frac="400000000", error=err), ctd)):
            dst.append(journal(day, t, node, 'containerd', 811, line) if journal_form else line)
        k = klog(day, t, 'Error syncing pod, skipping',
                 err=f'failed to "StartContainer" for "app" with ErrImagePull: ' + q(err), pod=pod, podUID='u-' + pod.replace('/', '-'))
        kub.append(journal(day, t, node, 'kubelet', 1902, k) if journal_form else k)
    return ctd, kub

def ok_pull(day, t, node, image, journal_form=True):
    lines = [ctd_msg(day, t, 'info', f'PullImage "{image}"'),
             ctd_msg(day, t, 'info', f'Pulled image "{image}" with image id "sha256:aa", repo tag "{image}", '
                     f'repo digest "{image}@sha256:bb", size "31457280" in 2.1s', frac="300000000")]
    return [journal(day, t, node, 'containerd', 811, l) if journal_form else l for l in lines]

def noise(day, t, node):
    return [journal(day, t, node, 'systemd', 1, 'Started Session 4 of User core.'),
            journal(day, t, node, 'containerd', 811, ctd_msg(day, t, 'info', 'loading plugin "io.containerd.grpc.v1.cri"...'))]

def write(path, lines_or_text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = lines_or_text if isinstance(lines_or_text, str) else '\n'.join(lines_or_text) + '\n'
    open(path, 'w').write(text)

def event(ns, pod, node, reason, message, count, first, last, typ='Warning', uid=None):
    return {"apiVersion": "v1", "kind": "Event", "count": count, "reason": reason, "type": typ, "message": message,
            "firstTimestamp": first, "lastTimestamp": last,
            "involvedObject": {"kind": "Pod", "namespace": ns, "name": pod, "fieldPath": "spec.containers{app}"},
            "metadata": {"name": f"{pod}.{hashlib.sha1((reason + message).encode()).hexdigest()[:10]}", "namespace": ns,
                         "uid": uid or f"ev-{pod}-{reason}-{count}"},
            "source": {"component": "kubelet", "host": node}}

def pod(ns, name, node, image, reason, message):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "uid": f"u-{name}"},
            "spec": {"nodeName": node, "containers": [{"name": "app", "image": image}]},
            "status": {"phase": "Pending", "containerStatuses": [
                {"name": "app", "image": image, "imageID": "", "ready": False, "restartCount": 0,
                 "state": {"waiting": {"reason": reason, "message": message}}}]}}

E429 = ('failed to pull and unpack image "docker.io/library/nginx:1.27": failed to copy: httpReadSeeker: failed open: '
        'unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:3c0f: 429 Too Many Requests - '
        'Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by '
        'authenticating and upgrading: https://www.docker.com/increase-rate-limit')
ENOTFOUND = ('failed to pull and unpack image "ghcr.io/acme/agent:v9.9.9": failed to resolve reference '
             '"ghcr.io/acme/agent:v9.9.9": ghcr.io/acme/agent:v9.9.9: not found')
EDNS = ('failed to pull and unpack image "registry.internal.example/shop/cart:3.1": failed to resolve reference '
        '"registry.internal.example/shop/cart:3.1": failed to do request: Head '
        '"https://registry.internal.example/v2/shop/cart/manifests/3.1": dial tcp: lookup registry.internal.example '
        'on 10.96.0.10:53: no such host')
EX509 = ('failed to pull and unpack image "harbor.corp.example/base/python:3.12": failed to resolve reference '
         '"harbor.corp.example/base/python:3.12": failed to do request: Head '
         '"https://harbor.corp.example/v2/base/python/manifests/3.12": tls: failed to verify certificate: '
         'x509: certificate signed by unknown authority')

for d in ('troubleshoot', 'sosreport', 'kind', 'eks', 'cluster-info-dump', 'rke2'):
    shutil.rmtree(d, ignore_errors=True)

# troubleshoot.sh: journald host collector run remotely per node, cluster
# resources per namespace (events and pods as List objects; an older bare
# array for infra), a resource kind that is not about pulls, metadata.
root = 'troubleshoot/support-bundle-2026-11-21T09_30_00'
ctd_a, kub_a = pulls('21', 'node-a', 'nginx:1.27', E429, 'shop/web-0', ['08:00:01', '08:00:17', '08:00:45'])
write(f'{root}/host-collectors/journald/node-a/containerd.txt', noise('21', '07:59:58', 'node-a') + ctd_a)
write(f'{root}/host-collectors/journald/node-a/containerd-info.json', json.dumps({"command": "journalctl -u containerd --no-pager", "exitCode": "0"}) + '\n')
# node-b's kubelet journal only: no containerd timestamp with a year in it.
_, kub_b = pulls('21', 'node-b', 'ghcr.io/acme/agent:v9.9.9', ENOTFOUND, 'infra/agent-x1', ['08:10:00', '08:10:30'])
write(f'{root}/host-collectors/journald/node-b/kubelet.txt', kub_b)
write(f'{root}/host-collectors/journald/node-b/kubelet-info.json', json.dumps({"command": "journalctl -u kubelet --no-pager", "exitCode": "0"}) + '\n')
write(f'{root}/cluster-resources/events/shop.json', json.dumps({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": [
    event('shop', 'web-0', 'node-a', 'Failed', f'Failed to pull image "nginx:1.27": {E429}', 3, '2026-11-21T08:00:01Z', '2026-11-21T08:00:45Z'),
    event('shop', 'web-0', 'node-a', 'BackOff', 'Back-off pulling image "nginx:1.27"', 4, '2026-11-21T08:00:20Z', '2026-11-21T08:02:10Z', 'Normal')]}, indent=2) + '\n')
write(f'{root}/cluster-resources/events/infra.json', json.dumps([
    event('infra', 'agent-x1', 'node-b', 'Failed', f'Failed to pull image "ghcr.io/acme/agent:v9.9.9": {ENOTFOUND}', 2, '2026-11-21T08:10:00Z', '2026-11-21T08:10:30Z')], indent=2) + '\n')
write(f'{root}/cluster-resources/pods/shop.json', json.dumps({"kind": "PodList", "apiVersion": "v1", "metadata": {}, "items": [
    pod('shop', 'web-0', 'node-a', 'nginx:1.27', 'ImagePullBackOff', 'Back-off pulling image "nginx:1.27"')]}, indent=2) + '\n')
write(f'{root}/cluster-resources/pods/logs/shop/web-0/app-logs-errors.log',
      'failed to get log stream: container "app" in pod "web-0" is waiting to start: trying and failing to pull image\n')
write(f'{root}/cluster-resources/deployments/shop.json', json.dumps({"kind": "DeploymentList", "apiVersion": "apps/v1", "items": []}) + '\n')
write(f'{root}/version.yaml', 'apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\nspec:\n  versionNumber: 0.107.1\n')
write(f'{root}/analysis.json', '[]\n')

# sos: the full journal of the node (journalctl --no-pager, short), copied
# system files, command outputs. Collected on 2 January: the journal runs
# from 31 December into the new year.
root = 'sosreport/sosreport-worker-7-0042-2027-01-02-kdbwqzx'
lines = []
for day, t in (('31', '23:58:00'), ('31', '23:59:30'), ('01', '00:01:00')):
    mon = 'Dec' if day == '31' else 'Jan'
    k = klog(day, t, 'Error syncing pod, skipping',
             err=f'failed to "StartContainer" for "app" with ErrImagePull: ' + q(EX509), pod='batch/report-1', podUID='u-report-1')
    lines.append(f'{mon} {day} {t} worker-7 kubelet[1902]: {k}'.replace(f'E11{day}', 'E1231' if day == '31' else 'E0101'))
write(f'{root}/sos_commands/logs/journalctl_--no-pager', ['-- Boot 3f1c --'] + lines)
write(f'{root}/sos_commands/host/hostname', 'worker-7\n')
write(f'{root}/sos_commands/date/date', 'Sat Jan  2 10:00:00 UTC 2027\n')
write(f'{root}/sos_commands/block/lsblk', 'NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINT\nsda 8:0 0 100G 0 disk\n')
write(f'{root}/proc/meminfo', 'MemTotal: 16384000 kB\n')
write(f'{root}/var/log/messages', ['Jan  1 00:00:00 worker-7 systemd[1]: Started Daily apt upgrade.'])

# kind export logs: a folder per node container with its journals.
root = 'kind/kind-logs'
write(f'{root}/kind-version.txt', 'kind v0.24.0 go1.22.6 linux/amd64\n')
write(f'{root}/docker-info.txt', 'Client: Docker Engine - Community\n')
for node, ok in (('pullscan-control-plane', True), ('pullscan-worker', False)):
    if ok:
        ctd, kub = ok_pull('22', '10:00:00', node, 'registry.internal.example/shop/cart:3.1'), []
    else:
        ctd, kub = pulls('22', node, 'registry.internal.example/shop/cart:3.1', EDNS, 'shop/cart-1', ['10:00:02', '10:00:30'])
    write(f'{root}/{node}/containerd.log', noise('22', '09:59:00', node) + ctd)
    write(f'{root}/{node}/kubelet.log', kub or [journal('22', '09:59:01', node, 'kubelet', 1902, 'I1122 09:59:01.000000    1902 kubelet.go:2339] "SyncLoop ADD" source="api"')])
    # journal.log is the node's whole journal (`journalctl --no-pager`): the
    # same entries as containerd.log and kubelet.log, which count once.
    whole = noise('22', '09:59:00', node) + ctd + (kub or [journal('22', '09:59:01', node, 'kubelet', 1902, 'I1122 09:59:01.000000    1902 kubelet.go:2339] "SyncLoop ADD" source="api"')])
    write(f'{root}/{node}/journal.log', sorted(whole, key=lambda l: l[:15]))
    write(f'{root}/{node}/inspect.json', json.dumps([{"Id": "abc", "Created": "2026-11-22T09:58:00Z"}]) + '\n')
    write(f'{root}/{node}/kubernetes-version.txt', 'v1.31.0\n')
    write(f'{root}/{node}/pods/kube-system_coredns-1_u1/coredns/0.log',
          '2026-11-22T09:59:30.000000000Z stdout F [INFO] plugin/reload: Running configuration SHA512 = 1e2a\n')

# EKS log collector: entries start at the collection folder, no node names in
# paths; the instance id in the archive name names the node.
root = 'eks/eks_i-0a1b2c3d4e5f60789_2026-11-20_1415-UTC_0.7.8'
node = 'ip-10-0-3-17.ec2.internal'
ctd, kub = pulls('20', node, '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:2.0',
                 'failed to pull and unpack image "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:2.0": failed to resolve '
                 'reference "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/api:2.0": unexpected status from HEAD request to '
                 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/shop/api/manifests/2.0: 403 Forbidden',
                 'shop/api-0', ['14:00:00', '14:00:20'])
write(f'{root}/kubelet/kubelet.log', kub)
write(f'{root}/containerd/containerd-log.txt', ctd)
write(f'{root}/system/instance-id.txt', 'i-0a1b2c3d4e5f60789\n')
write(f'{root}/var_log/messages', [journal('20', '14:00:00', node, 'systemd', 1, 'Started kubelet.service.')])

# kubectl cluster-info dump --output-directory: per namespace Lists and pod logs.
root = 'cluster-info-dump/dump'
write(f'{root}/nodes.json', json.dumps({"kind": "NodeList", "apiVersion": "v1", "items": []}, indent=4) + '\n')
write(f'{root}/shop/events.json', json.dumps({"kind": "EventList", "apiVersion": "v1", "items": [
    event('shop', 'cart-1', 'node-2', 'Failed', f'Failed to pull image "registry.internal.example/shop/cart:3.1": {EDNS}', 5,
          '2026-11-22T10:00:02Z', '2026-11-22T10:06:40Z'),
    event('shop', 'cart-0', 'node-1', 'Pulled', 'Successfully pulled image "registry.internal.example/shop/cart:3.1" in 2.1s (2.1s including waiting)', 1,
          '2026-11-22T10:00:04Z', '2026-11-22T10:00:04Z', 'Normal')]}, indent=4) + '\n')
write(f'{root}/shop/pods.json', json.dumps({"kind": "PodList", "apiVersion": "v1", "items": [
    pod('shop', 'cart-1', 'node-2', 'registry.internal.example/shop/cart:3.1', 'ErrImagePull', EDNS)]}, indent=4) + '\n')
for kind in ('services', 'deployments', 'replicasets', 'daemonsets', 'replication-controllers'):
    write(f'{root}/shop/{kind}.json', json.dumps({"kind": "List", "apiVersion": "v1", "items": []}, indent=4) + '\n')
write(f'{root}/shop/cart-0/logs.txt', 'listening on :8080\n')

# RKE2 via Rancher's log collector: raw containerd and kubelet logs (no
# journal envelope, so no host in the lines); the folder names the node.
root = 'rke2/node-d-2026-11-22_16_05_11'
ctd, _ = pulls('22', 'node-d', 'harbor.corp.example/base/python:3.12', EX509, 'etl/loader-0', ['15:00:00'], journal_form=False)
_, kub = pulls('22', 'node-d', 'harbor.corp.example/base/python:3.12', EX509, 'etl/loader-0', ['15:00:00', '15:00:40'], journal_form=False)
write(f'{root}/rke2/containerd.log', ctd)
write(f'{root}/rke2/agent-logs/kubelet.log', kub)
write(f'{root}/systeminfo/hostname', 'node-d\n')
write(f'{root}/journald/rke2-agent', [journal('22', '15:00:00', 'node-d', 'rke2', 700, 'time="2026-11-22T15:00:00Z" level=info msg="Tunnel server egress proxy mode: agent"')])
