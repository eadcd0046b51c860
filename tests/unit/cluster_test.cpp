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
