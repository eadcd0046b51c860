#!/usr/bin/env python3
"""Writes the Kubernetes-object samples in this folder: events and pods as
kubectl prints them (-o json, -o yaml, -w -o json, --output-watch-events,
events.k8s.io/v1). Shapes follow the API types and kubectl's printers
(formats.md §3); names, times and images are made up. The journal JSON
variants are real: derived from ../../../shared/realpull (see README)."""
import copy, json

def core_event(name, reason, typ, msg, count, first, last, ns="shop", pod="web-7d9c-abcde", container="web", node="node-1", uid=None):
    return {
        "apiVersion": "v1", "kind": "Event", "count": count, "eventTime": None,
        "firstTimestamp": first, "lastTimestamp": last,
        "involvedObject": {"apiVersion": "v1", "fieldPath": f"spec.containers{{{container}}}", "kind": "Pod",
                           "name": pod, "namespace": ns, "resourceVersion": "4711", "uid": "0e1f2a3b-1111-2222-3333-444455556666"},
        "message": msg, "metadata": {"creationTimestamp": first, "name": f"{pod}.{name}", "namespace": ns,
                                     "resourceVersion": "5000", "uid": uid or f"uid-{name}"},
        "reason": reason, "reportingComponent": "kubelet", "reportingInstance": node,
        "source": {"component": "kubelet", "host": node}, "type": typ}

err = ('rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27-bad": '
       'failed to resolve reference "docker.io/library/nginx:1.27-bad": docker.io/library/nginx:1.27-bad: not found')
items = [
    core_event("17c1a0001", "Pulling", "Normal", 'Pulling image "nginx:1.27-bad"', 4, "2025-03-05T09:00:00Z", "2025-03-05T09:01:38Z"),
    core_event("17c1a0002", "Failed", "Warning", 'Failed to pull image "nginx:1.27-bad": ' + err, 4, "2025-03-05T09:00:00Z", "2025-03-05T09:01:38Z"),
    core_event("17c1a0003", "Failed", "Warning", "Error: ErrImagePull", 4, "2025-03-05T09:00:00Z", "2025-03-05T09:01:38Z"),
    core_event("17c1a0004", "BackOff", "Normal", 'Back-off pulling image "nginx:1.27-bad"', 9, "2025-03-05T09:00:12Z", "2025-03-05T09:03:10Z"),
    core_event("17c1a0005", "Failed", "Warning", "Error: ImagePullBackOff", 9, "2025-03-05T09:00:12Z", "2025-03-05T09:03:10Z"),
    core_event("17c1a0006", "Pulling", "Normal", 'Pulling image "redis:7.2"', 1, "2025-03-05T09:01:00Z", "2025-03-05T09:01:00Z", pod="cache-0", container="redis", node="node-2"),
    core_event("17c1a0007", "Pulled", "Normal", 'Successfully pulled image "redis:7.2" in 6.5s (6.5s including waiting). Image size: 41283746 bytes.', 1, "2025-03-05T09:01:06Z", "2025-03-05T09:01:06Z", pod="cache-0", container="redis", node="node-2"),
]
lst = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
open("events.list.json", "w").write(json.dumps(lst, indent=4, sort_keys=True) + "\n")

def yaml_scalar(v):
    if v is None: return "null"
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, int): return str(v)
    s = str(v)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"' if any(c in s for c in ':{}[]#,&*!|>\'"%@`') or s == "" else s
def to_yaml(v, indent=0):
    pad = "  " * indent
    out = []
    if isinstance(v, dict):
        for k in sorted(v):
            x = v[k]
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:"); out.append(to_yaml(x, indent + 1))
            else:
                out.append(f"{pad}{k}: {yaml_scalar(x) if not isinstance(x, (dict, list)) else ('{}' if isinstance(x, dict) else '[]')}")
    else:
        for x in v:
            body = to_yaml(x, indent + 1).split("\n")
            out.append(f"{pad}- {body[0].strip()}"); out.extend(body[1:])
    return "\n".join(out)
open("events.list.yaml", "w").write(to_yaml(lst) + "\n")

# kubectl get events -w -o json: the Failed event re-sent as its count grows.
watch = []
for n, t in ((1, "2025-03-05T09:00:00Z"), (2, "2025-03-05T09:00:27Z"), (3, "2025-03-05T09:01:05Z")):
    for base in (items[0], items[1]):
        e = copy.deepcopy(base); e["count"] = n; e["lastTimestamp"] = t
        watch.append(json.dumps(e, indent=4))
open("events.watch.json", "w").write("\n".join(watch) + "\n")

# --output-watch-events: one compact object per line, wrapped.
lines = []
for n, t in ((1, "2025-03-05T09:00:00Z"), (2, "2025-03-05T09:00:27Z")):
    e = copy.deepcopy(items[1]); e["count"] = n; e["lastTimestamp"] = t
    lines.append(json.dumps({"type": "ADDED" if n == 1 else "MODIFIED", "object": e}, separators=(",", ":")))
open("events.watch-events.jsonl", "w").write("\n".join(lines) + "\n")

# events.k8s.io/v1: regarding/note/series/deprecated*; a sandbox (pause) pull failure.
v1 = {"apiVersion": "events.k8s.io/v1", "kind": "EventList", "items": [{
    "apiVersion": "events.k8s.io/v1", "kind": "Event",
    "metadata": {"name": "coredns-1.17c1b", "namespace": "kube-system", "uid": "uid-v1-1", "creationTimestamp": "2025-03-05T10:00:00Z"},
    "regarding": {"kind": "Pod", "namespace": "kube-system", "name": "coredns-1", "uid": "u"},
    "reason": "Failed", "type": "Warning", "reportingController": "kubelet", "reportingInstance": "node-3",
    "note": 'Failed to pull image "registry.internal.example:5000/payments/ledger:3.4": failed to pull and unpack image "registry.internal.example:5000/payments/ledger:3.4": failed to resolve reference "registry.internal.example:5000/payments/ledger:3.4": failed to do request: Head "https://registry.internal.example:5000/v2/payments/ledger/manifests/3.4": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    "eventTime": None, "deprecatedCount": 3, "deprecatedFirstTimestamp": "2025-03-05T10:00:00Z", "deprecatedLastTimestamp": "2025-03-05T10:02:00Z",
    "deprecatedSource": {"component": "kubelet", "host": "node-3"}}]}
open("events.k8s-io-v1.json", "w").write(json.dumps(v1, indent=2) + "\n")

# Pod status: 1.28+ ErrImagePull message and the 1.32 back-off message carrying the cause.
pods = {"apiVersion": "v1", "kind": "List", "items": [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api-5f6", "namespace": "shop"}, "spec": {"nodeName": "node-2"},
     "status": {"phase": "Pending", "containerStatuses": [{"name": "api", "image": "ghcr.io/acme/api:2.1", "ready": False, "restartCount": 0,
        "state": {"waiting": {"reason": "ErrImagePull", "message": 'failed to pull and unpack image "ghcr.io/acme/api:2.1": failed to resolve reference "ghcr.io/acme/api:2.1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fapi%3Apull&service=ghcr.io: 401 Unauthorized'}}}]}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-7d9c-abcde", "namespace": "shop"}, "spec": {"nodeName": "node-1"},
     "status": {"phase": "Pending", "containerStatuses": [{"name": "web", "image": "nginx:1.27-bad", "ready": False, "restartCount": 0,
        "state": {"waiting": {"reason": "ImagePullBackOff", "message": 'Back-off pulling image "nginx:1.27-bad": ErrImagePull: ' + err}}}]}}]}
open("pods.list.json", "w").write(json.dumps(pods, indent=4) + "\n")

# journalctl -o json-pretty / json-seq, and entries whose MESSAGE was dropped: real realpull entries.
real = [json.loads(l) for l in open("../../../shared/realpull/toomanyrequests-429/journal/json.txt")]
keep = [e for e in real if "PullImage" in (e.get("MESSAGE") or "") or "trying next host" in (e.get("MESSAGE") or "")]
open("realpull-429.journal-pretty.json", "w").write("".join(json.dumps(e, indent=8) + "\n" for e in keep))
open("realpull-429.journal-seq.json", "w").write("".join("\x1e" + json.dumps(e, separators=(",", ":")) + "\n" for e in keep))
dropped = [dict(e) for e in keep]
dropped[-1]["MESSAGE"] = None
open("realpull-429.journal-null.json", "w").write("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in dropped))
