#!/usr/bin/env python3
"""A fake Kubernetes API server for pullscan's cluster tests.

kubectl-pullscan gathers its evidence by running the real kubectl (events, pods,
the kubelet's node log query), so its tests need something a real kubectl will
talk to. This is it: a standard-library-only HTTP server on 127.0.0.1 that answers
kubectl's discovery, lists and watches events, pods and nodes built from
tests/cluster/fixtures/, serves node log queries from canned journals, and fails
the way a real API server fails when --scenario asks for it. check_fake_apiserver.sh
runs the real kubectl against every scenario; integration tests start this, write a
kubeconfig pointing at it, and read --request-log to see what reached the server.
"""
import argparse
import gzip
import json
import os
import re
import select
import signal
import socket
import ssl
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SCENARIOS = ["ok", "unauthorized", "forbidden-events", "events-v1-only", "nodelogs-disabled",
             "nodelogs-handler-disabled", "timeout", "hostile-node"]
# hostile-node: whoever may create Events chose node-b's name in them (source.host,
# reportingInstance): a path that would make a client request the secrets of kube-system.
HOSTILE_NODE_NAME = "../../../api/v1/namespaces/kube-system/secrets?limit=1"
VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
EVENTS_GV = "events.k8s.io/v1"
# (group/version, resource) -> (fixture folder, kind)
RESOURCES = {("v1", "events"): ("events-core", "Event"), (EVENTS_GV, "events"): ("events-v1", "Event"),
             ("v1", "pods"): ("pods", "Pod")}
RESOURCE_PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>events\.k8s\.io/v1))"
                           r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<res>events|pods)(?:/(?P<name>[^/]+))?$")
NODE_PATH = re.compile(r"^/api/v1/nodes(?:/(?P<name>[^/]+))?$")
NODE_LOGS_PATH = re.compile(r"^/api/v1/nodes/(?P<node>[^/]+)/proxy/logs(?P<rest>/.*)?$")
NAMESPACE_PATH = re.compile(r"^/api/v1/namespaces(?:/(?P<name>[^/]+))?$")
# the kubelet lets only these through to journalctl (pkg/kubelet/kubelet_server_journal.go)
UNSAFE_SERVICE = re.compile(r"[^a-zA-Z\-_0-9@]+")


def api_resource(name, kind, namespaced, short, verbs=VERBS, singular=None):
    r = {"name": name, "singularName": singular if singular is not None else kind.lower(),
         "namespaced": namespaced, "kind": kind, "verbs": verbs}
    return dict(r, shortNames=[short]) if short else r


CORE_RESOURCES = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
    api_resource("events", "Event", True, "ev"),
    api_resource("namespaces", "Namespace", False, "ns", [v for v in VERBS if v != "deletecollection"]),
    api_resource("nodes", "Node", False, "no"),
    api_resource("nodes/proxy", "NodeProxyOptions", False, None, ["create", "delete", "get", "patch", "update"], ""),
    dict(api_resource("pods", "Pod", True, "po"), categories=["all"])]}
EVENTS_RESOURCES = {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": EVENTS_GV,
                    "resources": [api_resource("events", "Event", True, "ev")]}
EVENTS_GROUP = {"name": "events.k8s.io", "versions": [{"groupVersion": EVENTS_GV, "version": "v1"}],
                "preferredVersion": {"groupVersion": EVENTS_GV, "version": "v1"}}


class Cluster:
    """The fixtures, read once: lists per (group/version, resource) and namespace, nodes, journals, watch script."""

    def __init__(self, root):
        self.lists, self.rv = {}, "1"
        for (gv, res), (folder, _) in RESOURCES.items():
            for fn in sorted(os.listdir(os.path.join(root, folder))):
                doc = json.load(open(os.path.join(root, folder, fn)))
                self.lists[(gv, res, fn[:-len(".json")])] = doc["items"]
                self.rv = max(self.rv, doc["metadata"]["resourceVersion"], key=int)
        self.namespaces = sorted({ns for (_, _, ns) in self.lists})
        self.nodes = json.load(open(os.path.join(root, "nodes.json")))["items"]
        self.journals = {}  # (node, unit) -> lines as journalctl --utc --output=short-precise prints them
        logs = os.path.join(root, "nodelogs")
        for fn in os.listdir(logs):
            node, unit, _ = fn.split(".")
            self.journals[(node, unit)] = open(os.path.join(logs, fn)).read().splitlines()
        with open(os.path.join(root, "watch.jsonl")) as f:
            self.watch = sorted((json.loads(line) for line in f if line.strip()), key=lambda w: w["delay_ms"])

    def items(self, gv, res, ns):
        spaces = [ns] if ns else self.namespaces  # all namespaces = the union, namespace by namespace
        return [item for s in spaces for item in self.lists.get((gv, res, s), [])]


def field_selector_matches(obj, selector):
    """Equality-only field selectors (a=b, a==b, a!=b), enough for what kubectl users type."""
    for term in filter(None, selector.split(",")):
        m = re.match(r"^([^=!]+)(==|=|!=)(.*)$", term)
        if not m:
            continue
        value = obj
        for part in m.group(1).split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        if (str(value) == m.group(3)) != (m.group(2) != "!="):
            return False
    return True


def renamed_node(event, old, new):
    """The event with node `old` named `new` wherever an Event names its node."""
    event = json.loads(json.dumps(event))
    for holder, key in ((event.get("source") or {}, "host"), (event, "reportingInstance"),
                        (event.get("deprecatedSource") or {}, "host")):
        if holder.get(key) == old:
            holder[key] = new
    return event


def status(code, reason, message, details=None):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "details": details or {}, "code": code}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # watches need chunked transfer encoding, as the real server sends them

    def log_message(self, *args):  # the request log below replaces http.server's stderr chatter
        pass

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):  # handshake here, not in the accepting thread
            self.connection.settimeout(10)
            self.connection.do_handshake()
            self.connection.settimeout(None)

    def do_GET(self):
        try:
            self.serve()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_POST(self):
        self.record()
        self.reply_json(405, status(405, "MethodNotAllowed", "the fake API server is read-only"))

    do_PUT = do_PATCH = do_DELETE = do_POST

    # ------------------------------------------------------------------ plumbing
    def record(self):
        opts = self.server.opts
        if opts.request_log:
            with self.server.log_lock, open(opts.request_log, "a") as f:
                auth = "yes" if self.headers.get("Authorization") else "no"
                f.write(f"{self.command} {self.path} auth={auth}\n")

    def reply(self, code, body, ctype, extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def reply_json(self, code, obj):
        self.reply(code, json.dumps(obj).encode() + b"\n", "application/json")

    def reply_text(self, code, text):  # what Go's http.Error writes; the apiserver's node proxy passes it on
        self.reply(code, text.encode(), "text/plain; charset=utf-8", [("X-Content-Type-Options", "nosniff")])

    def client_gone_within(self, seconds):
        """Waits up to `seconds`; True as soon as the client hangs up (EOF on the socket)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.2))
            if readable:  # peek beneath TLS: EOF, or a TLS alert record (close_notify), means gone
                if socket.socket.recv(self.connection, 1, socket.MSG_PEEK) in (b"", b"\x15"):
                    return True
                time.sleep(min(left, 0.2))
        return False

    # ------------------------------------------------------------------ routing
    def serve(self):
        self.record()
        opts, cluster = self.server.opts, self.server.cluster
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        arg = lambda name, default="": q.get(name, [default])[0]
        path = url.path
        token_ok = not opts.token or self.headers.get("Authorization", "") == "Bearer " + opts.token
        if opts.scenario == "unauthorized" or not token_ok:
            return self.reply_json(401, status(401, "Unauthorized", "Unauthorized"))
        discovery = {"/version": self.version, "/api": self.api_versions, "/api/v1": CORE_RESOURCES,
                     "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [EVENTS_GROUP]},
                     "/apis/events.k8s.io": dict(EVENTS_GROUP, kind="APIGroup", apiVersion="v1"),
                     "/apis/events.k8s.io/v1": EVENTS_RESOURCES}
        if path.rstrip("/") in discovery:
            # Legacy discovery, always: kubectl >= 1.26 asks for aggregated discovery
            # (application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList) but falls
            # back when the answer's Content-Type is plain application/json; kubectl 1.20 only knows this.
            doc = discovery[path.rstrip("/")]
            return self.reply_json(200, doc() if callable(doc) else doc)
        if opts.scenario == "timeout" and self.client_gone_within(opts.sleep):
            return  # the client gave up first, as --request-timeout makes it do
        if (m := NODE_LOGS_PATH.match(path)):
            return self.node_logs(m["node"], m["rest"] or "", q)
        if (m := RESOURCE_PATH.match(path)):
            gv = m["core"] or m["group"]
            if (gv, m["res"]) in RESOURCES:
                return self.resource(gv, m["res"], m["ns"], m["name"], q, arg)
        if (m := NODE_PATH.match(path)):
            return self.get_or_list("v1", "Node", "nodes", cluster.nodes, m["name"], arg)
        if (m := NAMESPACE_PATH.match(path)):
            spaces = [{"metadata": {"name": ns, "uid": f"ns-{ns}", "resourceVersion": "100",
                                    "creationTimestamp": "2026-10-02T08:20:00Z"},
                       "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
                      for ns in cluster.namespaces]
            return self.get_or_list("v1", "Namespace", "namespaces", spaces, m["name"], arg)
        # /openapi/v2, /openapi/v3, unknown groups: what the apiserver says for a path it does not serve
        self.reply_json(404, status(404, "NotFound", "the server could not find the requested resource"))

    def version(self):
        major, minor = self.server.opts.server_version.lstrip("v").split(".")[:2]
        return {"major": major, "minor": minor, "gitVersion": self.server.opts.server_version,
                "gitCommit": "0" * 40, "gitTreeState": "clean", "buildDate": "2026-10-01T00:00:00Z",
                "goVersion": "go1.23.8", "compiler": "gc", "platform": "linux/amd64"}

    def api_versions(self):
        host, port = self.server.server_address[:2]
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": f"{host}:{port}"}]}

    # ------------------------------------------------------------------ events, pods, nodes
    def resource(self, gv, res, ns, name, q, arg):
        scenario = self.server.opts.scenario
        watching = arg("watch") in ("true", "1")
        if gv == "v1" and res == "events" and scenario == "forbidden-events":
            verb = "watch" if watching else "get" if name else "list"
            where = f'in the namespace "{ns}"' if ns else "at the cluster scope"
            subject = f'events "{name}"' if name else "events"
            msg = (f'{subject} is forbidden: User "system:serviceaccount:default:viewer" '
                   f'cannot {verb} resource "events" in API group "" {where}')
            details = {"name": name, "kind": "events"} if name else {"kind": "events"}
            return self.reply_json(403, status(403, "Forbidden", msg, details))
        if gv == "v1" and res == "events" and scenario == "events-v1-only":
            return self.reply_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        items = self.server.cluster.items(gv, res, ns)
        if res == "events" and scenario == "hostile-node":
            items = [renamed_node(item, "node-b", HOSTILE_NODE_NAME) for item in items]
        if watching:
            return self.watch(gv, RESOURCES[(gv, res)][1], ns, items, arg)
        return self.get_or_list(gv, RESOURCES[(gv, res)][1], res, items, name, arg)

    def get_or_list(self, gv, kind, res, items, name, arg):
        if name:
            for item in items:
                if item["metadata"]["name"] == name:
                    return self.reply_json(200, dict({"kind": kind, "apiVersion": gv}, **item))
            return self.reply_json(404, status(404, "NotFound", f'{res} "{name}" not found', {"name": name, "kind": res}))
        # limit/continue: everything fits in one page, so no continue token; selectors are in the request log
        selected = [i for i in items if field_selector_matches(i, arg("fieldSelector"))]
        self.reply_json(200, {"kind": kind + "List", "apiVersion": gv,
                              "metadata": {"resourceVersion": self.server.cluster.rv}, "items": selected})

    def watch(self, gv, kind, ns, items, arg):
        """Newline-delimited watch events in chunks. Without a resourceVersion (or with "0") the
        apiserver first replays the current state as ADDED; with the list's resourceVersion, as
        `kubectl get --watch` sends it, only what happened later (fixtures/watch.jsonl)."""
        selector = arg("fieldSelector")
        started = time.monotonic()
        timeout = float(arg("timeoutSeconds") or 0) or None
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True

        def send(etype, obj):
            data = json.dumps({"type": etype, "object": obj}).encode() + b"\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        def wait_until(offset_s):  # "gone" (client hung up), "timeout" (timeoutSeconds passed) or "due"
            target = offset_s if timeout is None else min(offset_s, timeout)
            if self.client_gone_within(max(0.0, target - (time.monotonic() - started))):
                return "gone"
            return "due" if timeout is None or offset_s <= timeout else "timeout"

        if arg("resourceVersion") in ("", "0"):
            for item in items:
                if field_selector_matches(item, selector):
                    send("ADDED", dict({"kind": kind, "apiVersion": gv}, **item))
        script = self.server.cluster.watch + [{"delay_ms": float("inf"), "close": True}]
        for w in script:  # without a scripted close the stream stays open, like the apiserver's
            state = wait_until(w["delay_ms"] / 1000)
            if state == "gone":
                return
            if state == "timeout" or w.get("close"):
                break
            obj = w["object"]
            if obj["apiVersion"] == gv and ns in (None, obj["metadata"]["namespace"]) \
                    and field_selector_matches(obj, selector):
                send(w["type"], obj)
        self.wfile.write(b"0\r\n\r\n")  # the server ends the watch; the client sees a clean EOF

    # ------------------------------------------------------------------ the kubelet's /logs/, via the node proxy
    def node_logs(self, node, rest, q):
        """kubelet 1.32 pkg/kubelet/kubelet.go Run(): with the NodeLogQuery feature gate and
        enableSystemLogQuery on, /logs/?query=... runs journalctl; otherwise /logs/ is only
        http.StripPrefix("/logs/", http.FileServer(http.Dir("/var/log/"))), so a query gets
        200 and Go's HTML listing of /var/log. With enableSystemLogHandler off, /logs/ is
        a 405 "logs endpoint is disabled." (pkg/kubelet/server/server.go)."""
        scenario = self.server.opts.scenario
        if node not in {n["metadata"]["name"] for n in self.server.cluster.nodes}:
            return self.reply_json(404, status(404, "NotFound", f'nodes "{node}" not found', {"name": node, "kind": "nodes"}))
        if scenario == "nodelogs-handler-disabled":
            return self.reply_text(405, "logs endpoint is disabled.\n")
        if scenario == "nodelogs-disabled" or not q:
            listing = "".join(f'<a href="{n}">{n}</a>\n' for n in
                              ["apt/", "btmp", "containers/", "dpkg.log", "journal/", "lastlog", "pods/", "private/", "wtmp"])
            return self.reply(200, ('<!doctype html>\n<meta name="viewport" content="width=device-width">\n'
                                    f"<pre>\n{listing}</pre>\n").encode(), "text/html; charset=utf-8",
                              [("Last-Modified", "Fri, 20 Nov 2026 09:58:12 GMT")])
        # newNodeLogQuery + validate, in the kubelet's order and wording (400 parse, 406 validation)
        errors, when = [], {}
        for key in ("sinceTime", "untilTime"):
            value = q.get(key, [""])[0]
            try:
                when[key] = datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
            except ValueError:
                errors.append(f'{key}: Invalid value: "{value}": invalid time format')
        for key in ("tailLines", "boot"):
            value = q.get(key, [""])[0]
            if value and not re.fullmatch(r"-?\d+", value):
                errors.append(f'{key}: Invalid value: "{value}": strconv.Atoi: parsing "{value}": invalid syntax')
        if errors:
            return self.reply_text(400, (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]") + "\n")
        if rest not in ("", "/"):
            return self.reply_text(406, "path not allowed in query mode\n")
        queries = q.get("query", [])
        files = [s for s in queries if "/" in s or "\\" in s]
        services = [s for s in queries if s not in files and s.strip()]
        errors = [f'query: Invalid value: "{s}": input contains unsupported characters'
                  for s in services if UNSAFE_SERVICE.search(s)]
        if len(services) > 4:
            errors.append(f"query: Too many: {len(services)}: must have at most 4 items")
        if files:
            errors.append(f'query: Invalid value: []string{{"{files[0]}"}}: stat /var/log/{files[0].lstrip("/")}: '
                          "no such file or directory")
        if q.get("boot", ["0"])[0].lstrip("-").isdigit() and int(q.get("boot", ["0"])[0]) > 0:
            errors.append(f'boot: Invalid value: {q["boot"][0]}: must be less than 1')
        if errors:
            return self.reply_text(406, (errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]") + "\n")
        self.reply_journal(node, services, q, when)

    def reply_journal(self, node, services, q, when):
        """What `journalctl --utc --no-pager [--since=..] [--until=..] [--pager-end --lines=N]
        --unit=A --unit=B [--grep=P] --output=short-precise` prints (kubelet_server_journal_linux.go
        getLoggingCmd), followed by the kubelet's note for services that do not log to the journal."""
        journals = self.server.cluster.journals
        native = [s for s in services if (node, s) in journals]
        fileish = [s for s in services if (node, s) not in journals]
        stamp = lambda line: datetime.strptime(line[:22], "%b %d %H:%M:%S.%f")  # no year: fixtures stay in one
        yearless = lambda t: t.replace(year=1900, tzinfo=None) if t else None
        since = yearless(when["sinceTime"])
        # getLoggingCmd passes --until=<sinceTime> (n.SinceTime, a kubelet slip); untilTime alone
        # would dereference a nil SinceTime there, which is not reproduced: it is ignored
        until = since if when["untilTime"] else None
        flags = 0 if q.get("caseSensitive", ["false"])[0] == "true" else re.IGNORECASE
        pattern = q.get("pattern", [""])[0]
        out = []
        if native:
            lines = sorted((line for s in native for line in journals[(node, s)]), key=stamp)  # journalctl interleaves units
            lines = [ln for ln in lines if (since is None or stamp(ln) >= since) and (until is None or stamp(ln) <= until)
                     and (not pattern or re.search(pattern, ln.split("]: ", 1)[-1], flags))]
            if q.get("tailLines"):
                lines = lines[-int(q["tailLines"][0]):] if int(q["tailLines"][0]) else []
            out.append("".join(ln + "\n" for ln in lines) or "-- No entries --\n")
        options = any(q.get(k) for k in ("sinceTime", "untilTime", "tailLines", "boot", "pattern"))
        if fileish and options:
            out.append(f"\noptions present and query resolved to log files for [{' '.join(fileish)}]\n"
                       "try without specifying options\n")
        elif fileish:
            out.extend(f"\nlog not found for {s}\n" for s in fileish)
        body, extra = "".join(out).encode(), []
        if self.headers.get("Accept-Encoding") == "gzip":  # the kubelet's exact test, not a token match
            body, extra = gzip.compress(body, 1), [("Content-Encoding", "gzip")]
        self.reply(200, body, "text/plain;charset=UTF-8", extra)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fixtures", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
    p.add_argument("--scenario", choices=SCENARIOS, default="ok")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--port-file", help="also write the port here (atomically)")
    p.add_argument("--request-log", help="append one line per request: METHOD PATH?QUERY auth=yes|no")
    p.add_argument("--token", help="require Authorization: Bearer TOKEN (kubectl sends tokens only over https: use --tls)")
    p.add_argument("--tls", action="store_true", help="serve https with --tls-cert/--tls-key")
    p.add_argument("--tls-cert", help="PEM certificate (default: FIXTURES/tls/server.crt, for 127.0.0.1)")
    p.add_argument("--tls-key", help="PEM key (default: FIXTURES/tls/server.key)")
    p.add_argument("--server-version", default="v1.32.4",
                   help="/version's gitVersion (gcloud's kubectl dispatcher picks its kubectl by it)")
    p.add_argument("--sleep", type=float, default=30, help="seconds the timeout scenario holds each request")
    opts = p.parse_args()

    httpd = ThreadingHTTPServer(("127.0.0.1", opts.port), Handler)
    httpd.daemon_threads = True  # a held request must not keep the process alive once it is told to stop
    httpd.opts, httpd.cluster, httpd.log_lock = opts, Cluster(opts.fixtures), threading.Lock()
    if opts.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert or os.path.join(opts.fixtures, "tls", "server.crt"),
                            opts.tls_key or os.path.join(opts.fixtures, "tls", "server.key"))
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    port = httpd.server_address[1]
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(opts.port_file + ".tmp", opts.port_file)
    print(f"PORT {port}", flush=True)
    if opts.token and not opts.tls:
        print("fake_apiserver: kubectl sends no token over http (clientcmd applies credentials only "
              "to https servers), so every kubectl request will get 401; add --tls", file=sys.stderr)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()


if __name__ == "__main__":
    sys.exit(main())
