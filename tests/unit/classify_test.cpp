// classify: verdicts on real error texts, the traps an expert knows, fixes
// filled with this attempt's registry/node/pod, back-off cause inheritance.
#include <catch2/catch.hpp>

#include "../helpers.h"
#include "classify/classify.h"
#include "classify/failing_host.h"
#include "core/text.h"

using namespace pullscan;
using pullscan::test::analyse_text;

namespace {

std::string class_of(const std::string& text) {
  RunResult r = analyse_text(text);
  if (r.attempts.empty()) return "<no attempt>";
  return r.attempts.front().class_id;
}

}  // namespace

TEST_CASE("pasted error texts classify as an expert would", "[classify]") {
  struct Case { const char* text; const char* cls; };
  const Case cases[] = {
      // seeds/001: docker CLI messages
      {"Error response from daemon: toomanyrequests: You have reached your pull rate limit", "rate_limited"},
      {"Error response from daemon: unauthorized: authentication required", "auth_required"},
      {"Error response from daemon: denied: requested access to the resource is denied", "access_denied"},
      {"Error response from daemon: Get https://registry.com/v2/: dial tcp: lookup registry.com: no such host",
       "dns_failure"},
      // formats.md §1.5.4 canonical texts
      {"Failed to pull image \"nginx:bad\": rpc error: code = NotFound desc = failed to pull and unpack image "
       "\"docker.io/library/nginx:bad\": failed to resolve reference \"docker.io/library/nginx:bad\": "
       "docker.io/library/nginx:bad: not found",
       "not_found"},
      {"Failed to pull image \"private/app:1\": failed to pull and unpack image \"docker.io/private/app:1\": failed to "
       "resolve reference \"docker.io/private/app:1\": pull access denied, repository does not exist or may require "
       "authorization: server message: insufficient_scope: authorization failed",
       "not_found_or_unauthorized"},
      {"Failed to pull image \"reg.local/app:1\": failed to pull and unpack image \"reg.local/app:1\": failed to "
       "resolve reference \"reg.local/app:1\": failed to do request: Head \"https://reg.local/v2/app/manifests/1\": "
       "tls: failed to verify certificate: x509: certificate signed by unknown authority",
       "tls_unknown_authority"},
      {"Failed to pull image \"reg.local/app:1\": failed to do request: Head \"https://reg.local/v2/app/manifests/1\": "
       "dial tcp 10.1.2.3:443: connect: connection refused",
       "connection_refused"},
      {"Failed to pull image \"reg.local/app:1\": failed to do request: Head \"https://reg.local/v2/app/manifests/1\": "
       "dial tcp 10.1.2.3:443: i/o timeout",
       "network_timeout"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(class_of(c.text) == c.cls);
  }
}

TEST_CASE("traps: what looks like one class but is another", "[classify][traps]") {
  // `no such host` is DNS, never not-found.
  CHECK(class_of("Failed to pull image \"registry.invalid/x:1\": failed to pull and unpack image "
                 "\"registry.invalid/x:1\": failed to resolve reference \"registry.invalid/x:1\": failed to do "
                 "request: Head \"https://registry.invalid/v2/x/manifests/1\": dial tcp: lookup registry.invalid on "
                 "127.0.0.153:53: no such host") == "dns_failure");
  // `TLS handshake timeout` is the network, not TLS trust.
  CHECK(class_of("Failed to pull image \"silent.example.test:41531/realpull/hello:1.0\": failed to do request: Head "
                 "\"https://silent.example.test:41531/v2/realpull/hello/manifests/1.0\": net/http: TLS handshake "
                 "timeout") == "network_timeout");
}

TEST_CASE("fixes carry this attempt's registry, node and pod", "[classify]") {
  RunResult r = analyse_text(
      "May 01 12:00:00 node-7 kubelet[1]: E0501 12:00:00.000000 1 pod_workers.go:1] \"Error syncing pod, skipping\" "
      "err=\"failed to \\\"StartContainer\\\" for \\\"api\\\" with ErrImagePull: \\\"failed to pull and unpack image "
      "\\\\\\\"reg.corp.example:5000/team/api:2\\\\\\\": failed to resolve reference "
      "\\\\\\\"reg.corp.example:5000/team/api:2\\\\\\\": failed to do request: Head "
      "\\\\\\\"https://reg.corp.example:5000/v2/team/api/manifests/2\\\\\\\": x509: certificate signed by unknown "
      "authority\\\"\" pod=\"shop/api-1\" podUID=\"u\"\n");
  REQUIRE(r.findings.size() == 1);
  const Finding& f = r.findings[0];
  CHECK(f.class_id == "tls_unknown_authority");
  CHECK(f.registry == "reg.corp.example:5000");
  CHECK(f.pods == std::vector<std::string>{"shop/api-1"});
  std::string fixes = join(f.fix, "\n");
  CHECK(fixes.find("reg.corp.example") != std::string::npos);
  CHECK(fixes.find("{registry") == std::string::npos);
  CHECK(fixes.find("{node}") == std::string::npos);
}

TEST_CASE("a back-off inherits the cause of the last failure of the image on the node", "[classify]") {
  // containerd's failure, then the pod's events (another view): the back-off
  // is an attempt of its own that takes the cause from the failure.
  RunResult r = analyse_text(
      "time=\"2024-05-01T12:00:00.000000000Z\" level=error msg=\"PullImage \\\"nginx:bad\\\" failed\" error=\"rpc error: code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:bad\\\": failed to resolve reference \\\"docker.io/library/nginx:bad\\\": docker.io/library/nginx:bad: not found\"\n"
      "  Normal   BackOff    1s (x3 over 15s)   kubelet            Back-off pulling image \"nginx:bad\"\n");
  REQUIRE(r.attempts.size() == 2);
  const PullAttempt& failed = r.attempts[0].outcome == Outcome::failed ? r.attempts[0] : r.attempts[1];
  const PullAttempt& backoff = r.attempts[0].outcome == Outcome::failed ? r.attempts[1] : r.attempts[0];
  CHECK(failed.class_id == "not_found");
  CHECK(backoff.outcome == Outcome::backoff);
  CHECK(backoff.class_id == "not_found");
  CHECK(backoff.cause_from == (&failed - &r.attempts[0]));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].attempts == 2);
}

TEST_CASE("an unmatched failure is unknown, not dropped", "[classify]") {
  RunResult r = analyse_text("Failed to pull image \"x:1\": something nobody has seen before\n");
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].outcome == Outcome::failed);
  CHECK(r.attempts[0].class_id == "unknown");
  CHECK(r.attempts[0].rule_id == "unmatched");
  CHECK(r.findings.size() == 1);
}

TEST_CASE("a fix step that compares two names is left out when they are the same", "[classify]") {
  // dns-no-such-host: "If {lookup_host} is not {registry_host}, it came from a mirror ...".
  auto fixes_for = [](const std::string& text) { return join(analyse_text(text).findings.at(0).fix, "\n"); };
  std::string own = fixes_for(
      "Failed to pull image \"registry.internal.example/shop/cart:3.1\": failed to resolve reference "
      "\"registry.internal.example/shop/cart:3.1\": failed to do request: Head "
      "\"https://registry.internal.example/v2/shop/cart/manifests/3.1\": dial tcp: lookup registry.internal.example "
      "on 10.96.0.10:53: no such host\n");
  CHECK(own.find("is not registry.internal.example") == std::string::npos);
  CHECK(own.find("dig @10.96.0.10 registry.internal.example") != std::string::npos);  // the resolver the error names
  // Docker Hub's API host is its own name too.
  std::string hub = fixes_for(
      "Failed to pull image \"nginx:1\": failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/manifests/1\": "
      "dial tcp: lookup registry-1.docker.io on 10.0.0.2:53: no such host\n");
  CHECK(hub.find("is not registry-1.docker.io") == std::string::npos);
  // A blob redirect to another name keeps the step.
  std::string redirect = fixes_for(
      "Failed to pull image \"contoso.azurecr.io/shop/frontend:2.3.1\": failed to pull and unpack image "
      "\"contoso.azurecr.io/shop/frontend:2.3.1\": failed to copy: httpReadSeeker: failed open: failed to do request: "
      "Get \"https://contoso.westeurope.data.azurecr.io/docker/registry/v2/blobs/sha256/4f/4f4f/data\": dial tcp: lookup "
      "contoso.westeurope.data.azurecr.io on 168.63.129.16:53: no such host\n");
  CHECK(redirect.find("If contoso.westeurope.data.azurecr.io is not contoso.azurecr.io, the name is the blob storage of "
                      "contoso.azurecr.io") != std::string::npos);
}

TEST_CASE("a pull that fails for a cause no rule knows is unknown, whatever else it says", "[classify]") {
  // Docker 1.x's v1 wrapper around a dial error no rule names.
  RunResult r = analyse_text(
      "Failed to pull image \"acme/widget\": rpc error: code = Unknown desc = Error while pulling image: Get "
      "https://index.docker.io/v1/repositories/acme/widget/images: dial tcp 10.9.8.7:443: connect: protocol not "
      "available\n");
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].outcome == Outcome::failed);
  CHECK(r.attempts[0].class_id == "unknown");
  CHECK(r.attempts[0].rule_id == "unmatched");
}

TEST_CASE("old and Windows dial wordings classify end to end", "[classify]") {
  auto class_of = [](const std::string& text) {
    RunResult r = analyse_text(text);
    return r.attempts.empty() ? std::string("<no attempt>") : r.attempts.front().class_id;
  };
  CHECK(class_of("Failed to pull image \"registry.example.com:5050/team/app:1\": Error response from daemon: Get "
                 "https://registry.example.com:5050/v1/_ping: dial tcp 10.0.0.7:5050: connection refused\n") ==
        "connection_refused");
  CHECK(class_of("docker: Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp "
                 "100.24.246.89:443: connectex: No connection could be made because the target machine actively "
                 "refused it.\n") == "connection_refused");
  CHECK(class_of("Failed to pull image \"nginx:1.25\": Error response from daemon: Get https://registry-1.docker.io/v2/: "
                 "dial tcp 54.85.56.253:443: connectex: A connection attempt failed because the connected party did "
                 "not properly respond after a period of time, or established connection failed because connected "
                 "host has failed to respond.\n") == "network_timeout");
}

TEST_CASE("on equal attempts a finding with a cause comes before one that names none", "[classify][findings]") {
  // A paste whose back-off (no cause in view) is printed before another
  // image's real failure: the cause is what the reader acts on.
  RunResult r = test::analyse_text(
      "  Warning  BackOff  1m  kubelet  Back-off pulling image \"acme/a:1\"\n"
      "  Warning  Failed   1m  kubelet  Failed to pull image \"acme/b:2\": rpc error: code = NotFound desc = failed to "
      "pull and unpack image \"docker.io/acme/b:2\": failed to resolve reference \"docker.io/acme/b:2\": "
      "docker.io/acme/b:2: not found\n");
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].class_id == "not_found");
  CHECK(r.findings[1].class_id == "backoff_only");
}

TEST_CASE("the failing host is named with what it is to the registry", "[classify][host]") {
  const std::vector<HostTry> none;
  // Docker Hub's API names and a default port are the registry itself.
  CHECK(same_registry_host("registry-1.docker.io", "docker.io"));
  CHECK(same_registry_host("index.docker.io:443", "docker.io"));
  CHECK(same_registry_host("Registry.Example:5000", "registry.example:5000"));
  CHECK(same_registry_host("registry.example", "registry.example:5000"));
  CHECK_FALSE(same_registry_host("registry.example:5001", "registry.example:5000"));
  CHECK_FALSE(same_registry_host("auth.docker.io", "docker.io"));
  // The innermost URL is the request that failed: here the token service.
  FailingHost token = failing_host(
      "failed to do request: Head \"https://registry-1.docker.io/v2/library/nginx/manifests/1\": Get "
      "\"https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io\": "
      "net/http: TLS handshake timeout",
      "", "docker.io", none);
  CHECK(token.host == "auth.docker.io");
  CHECK(token.role == HostRole::token_service);
  // A realm path on the registry's own domain family.
  CHECK(failing_host("failed to fetch oauth token: Post \"https://ghcr.io.example/oauth2/token\": EOF", "", "ghcr.io",
                     none).role == HostRole::token_service);
  // Pre-signed storage, by domain and by a non-API path.
  FailingHost s3 = failing_host(
      "failed to copy: httpReadSeeker: failed open: failed to do request: Get "
      "\"https://prod-registry-k8s-io-us-east-1.s3.dualstack.us-east-1.amazonaws.com/containers/images/sha256:ab\": "
      "dial tcp 52.216.1.1:443: i/o timeout",
      "", "registry.k8s.io", none);
  CHECK(s3.host == "prod-registry-k8s-io-us-east-1.s3.dualstack.us-east-1.amazonaws.com");
  CHECK(s3.role == HostRole::blob_storage);
  CHECK(failing_host("Get \"https://files.corp.example/blobs/x?sig=REDACTED\": EOF", "", "registry.corp.example", none)
            .role == HostRole::blob_storage);
  // Another registry API the registry redirected to.
  CHECK(failing_host("Get \"https://us-west1-docker.pkg.dev/v2/k8s-artifacts-prod/images/pause/manifests/3.9\": "
                     "dial tcp 142.250.1.1:443: i/o timeout",
                     "", "registry.k8s.io", none)
            .role == HostRole::redirect);
  // A host the attempt tried for the registry is a mirror.
  std::vector<HostTry> tried = {{"mirror.corp.example:5000", "connection refused"}};
  CHECK(failing_host("Head \"https://mirror.corp.example:5000/v2/library/nginx/manifests/1?ns=docker.io\": dial tcp "
                     "10.0.0.9:5000: connect: connection refused",
                     "", "docker.io", tried)
            .role == HostRole::mirror);
  // A resolver failure names the host even without a URL.
  FailingHost dns = failing_host("dial tcp: lookup cdn.quay.example: no such host", "cdn.quay.example", "quay.io", none);
  CHECK(dns.host == "cdn.quay.example");
  CHECK(dns.role == HostRole::other);
  // The registry itself, or nothing named at all, is no separate host.
  CHECK(failing_host("Head \"https://quay.io/v2/a/b/manifests/1\": EOF", "", "quay.io", none).role == HostRole::registry);
  CHECK(failing_host("no space left on device", "", "quay.io", none).host.empty());
}

TEST_CASE("a finding says which host failed when it is not the registry, and aims the fix at it", "[classify][host]") {
  RunResult r = analyse_text(
      "Failed to pull image \"registry.k8s.io/pause:3.9\": rpc error: code = Unknown desc = failed to pull and unpack "
      "image \"registry.k8s.io/pause:3.9\": failed to copy: httpReadSeeker: failed open: failed to do request: Get "
      "\"https://prod-registry-k8s-io-eu-west-1.s3.dualstack.eu-west-1.amazonaws.com/containers/images/sha256:e6f1\": "
      "dial tcp 52.95.1.1:443: i/o timeout\n");
  REQUIRE(r.findings.size() == 1);
  const Finding& f = r.findings[0];
  CHECK(f.class_id == "network_timeout");
  CHECK(f.registry == "registry.k8s.io");
  CHECK(f.host == "prod-registry-k8s-io-eu-west-1.s3.dualstack.eu-west-1.amazonaws.com");
  CHECK(f.host_role == HostRole::blob_storage);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].host == f.host);
  std::string fixes = join(f.fix, "\n");
  CHECK(fixes.find("went to prod-registry-k8s-io-eu-west-1.s3.dualstack.eu-west-1.amazonaws.com (the blob storage of "
                   "registry.k8s.io)") != std::string::npos);
  // The registry's own host keeps the host empty and drops the conditional step.
  RunResult own = analyse_text(
      "Failed to pull image \"registry.k8s.io/pause:3.9\": failed to pull and unpack image \"registry.k8s.io/pause:3.9\": "
      "failed to resolve reference \"registry.k8s.io/pause:3.9\": failed to do request: Head "
      "\"https://registry.k8s.io/v2/pause/manifests/3.9\": dial tcp 34.96.108.209:443: i/o timeout\n");
  REQUIRE(own.findings.size() == 1);
  CHECK(own.findings[0].host.empty());
  CHECK(join(own.findings[0].fix, "\n").find("If ") == std::string::npos);
}
