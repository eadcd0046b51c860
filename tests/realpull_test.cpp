// Real containerd against a real registry (../shared/realpull, copied into
// samples/realpull/): every scenario's journal gives exactly one attempt,
// with the outcome and the class a registry expert names for it.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include "helpers.h"

using namespace pullscan;

TEST_CASE("each realpull scenario: one attempt, the expert's class", "[realpull][golden]") {
  struct Case { const char* scenario; const char* outcome; const char* cls; };
  const Case cases[] = {
      {"success", "succeeded", "success"},
      {"auth-success", "succeeded", "success"},
      {"mirror-fallback", "succeeded", "success"},
      {"manifest-unknown-tag", "failed", "not_found"},
      {"repository-not-found", "failed", "not_found"},
      {"blob-unknown-404", "failed", "not_found"},
      {"unauthorized-no-creds", "failed", "auth_required"},
      {"unauthorized-wrong-creds", "failed", "auth_required"},
      {"dockerhub-wrong-creds", "failed", "auth_required"},
      {"dockerhub-pull-access-denied", "failed", "not_found_or_unauthorized"},
      {"forbidden-403", "failed", "access_denied"},
      {"toomanyrequests-429", "failed", "rate_limited"},
      {"toomanyrequests-429-head", "failed", "rate_limited"},
      {"tls-unknown-authority", "failed", "tls_unknown_authority"},
      {"dns-nxdomain", "failed", "dns_failure"},
      // hosts.toml rejected, so containerd went to registry-1.docker.io, which
      // does not resolve on that machine: the failure the pod sees is DNS.
      {"hosts-toml-server-only", "failed", "dns_failure"},
      {"connection-refused", "failed", "connection_refused"},
      {"dial-timeout", "failed", "network_timeout"},
      {"tls-handshake-timeout", "failed", "network_timeout"},
      {"tls-expired", "failed", "tls_expired"},
      {"tls-hostname-mismatch", "failed", "tls_hostname_mismatch"},
      {"tls-no-ip-san", "failed", "tls_hostname_mismatch"},
      {"http-response-to-https-client", "failed", "tls_protocol_mismatch"},
      {"server-error-500-manifest", "failed", "registry_server_error"},
      {"server-error-500-blob", "failed", "registry_server_error"},
      {"bad-gateway-502", "failed", "registry_server_error"},
      {"service-unavailable-503", "failed", "registry_server_error"},
      {"platform-mismatch", "failed", "platform_mismatch"},
      {"content-digest-mismatch", "failed", "content_corrupt"},
      {"disk-full", "failed", "disk_full"},
      {"response-timeout-client-deadline", "failed", "pull_timeout"},
  };
  simdjson::dom::parser parser;
  for (const Case& c : cases) {
    INFO(c.scenario);
    auto res = test::run_tool(test::scan_options({std::string("samples/realpull/") + c.scenario + ".short.txt"}, "json"));
    simdjson::dom::element doc;
    REQUIRE(parser.parse(res.out).get(doc) == simdjson::SUCCESS);
    simdjson::dom::array attempts = doc["attempts"];
    REQUIRE(attempts.size() == 1);
    CHECK(std::string_view(attempts.at(0)["outcome"]) == c.outcome);
    CHECK(std::string_view(attempts.at(0)["class"]) == c.cls);
    CHECK(std::string_view(attempts.at(0)["node"]) == "vm");
    CHECK(res.code == (std::string_view(c.outcome) == "failed" ? 1 : 0));
  }
}

TEST_CASE("the all-scenarios journal (short-iso, gzip) gives 31 attempts", "[realpull][golden]") {
  auto res = test::run_tool(test::scan_options({"samples/journal/realpull-all.short-iso.txt.gz"}, "json"));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(res.out).get(doc) == simdjson::SUCCESS);
  CHECK(int64_t(doc["summary"]["attempts"]) == 31);
  CHECK(int64_t(doc["summary"]["succeeded"]) == 3);
  CHECK(int64_t(doc["summary"]["failed"]) == 28);
  CHECK(std::string_view(doc["inputs"].at(0)["format"]) == "journal-iso");
}
