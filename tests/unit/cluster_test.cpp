// Cluster stage: kubectl's stderr boils down to one kind of failure and one
// line, across the wordings of kubectl 1.20 to 1.33 (recorded against
// tests/cluster/fake_apiserver.py); --since parses as a duration or a time.
// The subprocess itself is tested end to end by tests/cluster/plugin_test.sh.
#include <catch2/catch.hpp>

#include "cluster/cluster.h"
#include "core/timeutil.h"

using namespace pullscan;

TEST_CASE("kubectl failures are classified by their stable words", "[cluster]") {
  std::string line;
  const std::string unauthorized_132 =
      "E1123 10:00:00.000000   123 memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list: "
      "the server has asked for the client to provide credentials\"\n"
      "error: You must be logged in to the server (the server has asked for the client to provide credentials)\n";
  CHECK(classify_kubectl_error(unauthorized_132, line) == KubectlFailure::unauthorized);
  CHECK(line == "error: You must be logged in to the server (the server has asked for the client to provide credentials)");
  CHECK(classify_kubectl_error("error: You must be logged in to the server (Unauthorized)\n", line) ==
        KubectlFailure::unauthorized);
  CHECK(classify_kubectl_error("Error from server (Forbidden): events is forbidden: User \"u\" cannot list resource "
                               "\"events\" in API group \"\" in the namespace \"shop\"\n", line) == KubectlFailure::forbidden);
  CHECK(classify_kubectl_error("Error from server (NotFound): Unable to list \"/v1, Resource=events\": the server could "
                               "not find the requested resource\n", line) == KubectlFailure::not_found);
  CHECK(classify_kubectl_error("Error from server (MethodNotAllowed): the server does not allow this method on the "
                               "requested resource\n", line) == KubectlFailure::method_not_allowed);
  for (const char* timeout : {"Unable to connect to the server: context deadline exceeded",
                              "Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while awaiting headers)"})
    CHECK(classify_kubectl_error(timeout, line) == KubectlFailure::timeout);
  CHECK(classify_kubectl_error("The connection to the server 127.0.0.1:6443 was refused - did you specify the right host "
                               "or port?\n", line) == KubectlFailure::unreachable);
  CHECK(classify_kubectl_error("Unable to connect to the server: dial tcp: lookup k8s.example on 10.0.0.2:53: no such host",
                               line) == KubectlFailure::unreachable);
  CHECK(classify_kubectl_error("error: unknown flag: --bogus\n", line) == KubectlFailure::other);
  CHECK(line == "error: unknown flag: --bogus");
}

TEST_CASE("since: a duration or an RFC 3339 time", "[cluster]") {
  const int64_t now = civil_to_ns(2026, 11, 23, 12, 0, 0, 0);
  CHECK(parse_since("2h", now) == civil_to_ns(2026, 11, 23, 10, 0, 0, 0));
  CHECK(parse_since("30m", now) == civil_to_ns(2026, 11, 23, 11, 30, 0, 0));
  CHECK(parse_since("3d", now) == civil_to_ns(2026, 11, 20, 12, 0, 0, 0));
  CHECK(parse_since("2026-11-20T09:00:00Z", now) == civil_to_ns(2026, 11, 20, 9, 0, 0, 0));
  CHECK(!parse_since("2026-11-20T09:00:00", now));  // no zone: ambiguous
  CHECK(!parse_since("yesterday", now));
  CHECK(!parse_since("5w", now));
}

TEST_CASE("kubectl flags are passed as separate argv words", "[cluster]") {
  ClusterOptions o;
  o.context = "prod; rm -rf /";
  o.kubeconfig = "/tmp/k config";
  o.request_timeout = "5s";
  o.ns = "shop";
  std::vector<std::string> base = kubectl_base_args(o);
  REQUIRE(base.size() == 3);
  CHECK(base[0] == "--kubeconfig=/tmp/k config");
  CHECK(base[1] == "--context=prod; rm -rf /");
  CHECK(kubectl_scope_args(o) == std::vector<std::string>{"--namespace=shop"});
  o.all_namespaces = true;
  CHECK(kubectl_scope_args(o) == std::vector<std::string>{"--all-namespaces"});
}

TEST_CASE("node names from event data must be DNS-1123 subdomains", "[cluster]") {
  for (const char* ok : {"node-a", "ip-10-0-1-23.ec2.internal", "a", "gke-prod-pool-1-5f3c2a1b-x9k2", "1node"})
    CHECK(is_dns1123_subdomain(ok));
  const std::string label63(63, 'a'), label64(64, 'a');
  CHECK(is_dns1123_subdomain(label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b')));  // 253
  CHECK(!is_dns1123_subdomain(label63 + "." + label63 + "." + label63 + "." + std::string(62, 'b')));  // 254
  CHECK(!is_dns1123_subdomain(label64));
  for (const char* bad : {"", "../../../api/v1/namespaces/kube-system/secrets?limit=1", "..", ".", "node-a/", "Node-A",
                          "-node", "node-", "node..a", ".node", "node.", "node_a", "node a", "node%2Fa", "evil\x1b]0;x\x07",
                          "node-a.-b", "node-a-.b", "nöde"})
    CHECK_FALSE(is_dns1123_subdomain(bad));
}

TEST_CASE("namespaces must be DNS-1123 labels", "[cluster]") {
  for (const char* ok : {"shop", "kube-system", "a", "team-1", "1x"}) CHECK(is_dns1123_label(ok));
  CHECK(is_dns1123_label(std::string(63, 'n')));
  CHECK_FALSE(is_dns1123_label(std::string(64, 'n')));
  // `-n=shop` read as CLI11 reads it, and names a subdomain allows but a namespace does not.
  for (const char* bad : {"", "=shop", "shop.prod", "Shop", "-shop", "shop-", "sh op", "shop/x", "shop\n"})
    CHECK_FALSE(is_dns1123_label(bad));
}

TEST_CASE("the node log query path escapes the node as one segment", "[cluster]") {
  CHECK(node_log_path("node-a", "2026-11-20T09:00:00Z") ==
        "/api/v1/nodes/node-a/proxy/logs/?query=containerd&query=kubelet&sinceTime=2026-11-20T09:00:00Z");
  // Validation runs first; the escaping holds on its own too.
  CHECK(percent_escape_segment("../../../api/v1/namespaces/kube-system/secrets?limit=1") ==
        "..%2F..%2F..%2Fapi%2Fv1%2Fnamespaces%2Fkube-system%2Fsecrets%3Flimit%3D1");
  CHECK(percent_escape_segment("a b#c&d\x1b") == "a%20b%23c%26d%1B");
  CHECK(percent_escape_segment("ip-10-0-1-23.ec2.internal_~") == "ip-10-0-1-23.ec2.internal_~");
}

TEST_CASE("kubectl's text is echoed masked and escaped, and cut", "[cluster]") {
  // One line whatever kubectl printed: newlines and C1 CSI escaped too.
  CHECK(kubectl_echo("error: a\nb\xc2\x9b" "2J caf\xc3\xa9") == "error: a\\x0ab\\x9b2J caf\xc3\xa9");
  const std::string echoed = kubectl_echo(
      "error: You must be logged in to the server (Unauthorized) Authorization: Bearer "
      "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl \x1b[2J");
  CHECK(echoed.find("c2VjcmV0LXRva2Vu") == std::string::npos);
  CHECK(echoed.find('\x1b') == std::string::npos);
  CHECK(echoed.find("\\x1b[2J") != std::string::npos);
  const std::string long_line = kubectl_echo("error: " + std::string(1 << 20, 'x'));
  CHECK(long_line.size() <= kKubectlEchoBytes + 3);
}

TEST_CASE("kubectl timeout: a duration or 0", "[cluster]") {
  CHECK(parse_kubectl_timeout("90s") == 90000);
  CHECK(parse_kubectl_timeout("5m") == 300000);
  CHECK(parse_kubectl_timeout("1h") == 3600000);
  CHECK(parse_kubectl_timeout("0") == 0);
  for (const char* bad : {"", "5", "m", "1d", "-1s", "1.5m", "9999999s"}) CHECK(!parse_kubectl_timeout(bad));
  CHECK(parse_kubectl_timeout(kDefaultKubectlTimeout));
}

TEST_CASE("kubectl's --request-timeout has a default, except for the watch", "[cluster]") {
  ClusterOptions o;
  CHECK(kubectl_base_args(o) == std::vector<std::string>{std::string("--request-timeout=") + kDefaultRequestTimeout});
}

// run_kubectl with /bin/sh standing in for kubectl: the limits hold whatever
// the program does.
TEST_CASE("run_kubectl: stdout is capped and the program stopped", "[cluster]") {
  KubectlLimits limits;
  limits.stdout_cap = 1 << 20;
  limits.wall_ms = 60000;
  // Without the cap this would print forever.
  KubectlResult r = run_kubectl("sh", {"-c", "yes 'a line of a journal'"}, limits);
  CHECK(r.failure == KubectlFailure::none);
  CHECK(r.stdout_cut);
  CHECK(r.out.size() == limits.stdout_cap);
  CHECK(!r.timed_out);
}

TEST_CASE("run_kubectl: stderr keeps its start and end only", "[cluster]") {
  KubectlResult r = run_kubectl(
      "sh", {"-c", "printf 'E1120 klog line\\n' >&2; head -c 3000000 /dev/zero | tr '\\0' x >&2; "
                   "printf '\\nerror: You must be logged in to the server (Unauthorized)\\n' >&2; exit 1"});
  CHECK(r.err.size() < kKubectlStderrHead + kKubectlStderrTail + 100);
  CHECK(r.err.find("bytes of kubectl's stderr left out") != std::string::npos);
  CHECK(r.failure == KubectlFailure::unauthorized);
  CHECK(r.problem == "error: You must be logged in to the server (Unauthorized)");
}

TEST_CASE("run_kubectl: the time limit stops the program and what it started", "[cluster]") {
  KubectlLimits limits;
  limits.wall_ms = 300;
  // The sleeping child keeps the pipes open after sh is gone: only killing
  // the whole process group ends the call.
  KubectlResult r = run_kubectl("sh", {"-c", "sleep 60 & printf x; wait"}, limits);
  CHECK(r.timed_out);
  CHECK(r.failure == KubectlFailure::timeout);
  CHECK(r.problem.find("did not finish within 300ms") != std::string::npos);
  // A program that trickles output is stopped as well.
  r = run_kubectl("sh", {"-c", "while :; do printf x; sleep 0.05; done"}, limits);
  CHECK(r.timed_out);
  CHECK(!r.out.empty());
}
