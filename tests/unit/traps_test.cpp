// The traps an expert knows (issue "knowledge base"): texts that look like one
// class but are another, and the advice that must come with them. Each case
// runs the whole pipeline on a real or source-shaped paste.
#include <catch2/catch.hpp>

#include "../helpers.h"
#include "core/text.h"

using namespace pullscan;

namespace {

struct Verdict {
  std::string cls, rule, advice;
};

Verdict verdict(const std::string& text) {
  RunResult r = test::analyse_text(text);
  Verdict v;
  if (r.attempts.empty()) return {"<no attempt>", "", ""};
  v.cls = r.attempts.front().class_id;
  v.rule = r.attempts.front().rule_id;
  if (!r.findings.empty())
    v.advice = r.findings.front().explanation + "\n" + join(r.findings.front().fix, "\n") + "\n" +
               join(r.findings.front().notes, "\n");
  return v;
}

bool says(const Verdict& v, const std::string& what) { return v.advice.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("no such host is DNS, never not-found", "[traps]") {
  Verdict v = verdict(
      "Failed to pull image \"registry.example.com/app:1\": failed to pull and unpack image "
      "\"registry.example.com/app:1\": failed to resolve reference \"registry.example.com/app:1\": failed to do "
      "request: Head \"https://registry.example.com/v2/app/manifests/1\": dial tcp: lookup registry.example.com on "
      "10.0.0.2:53: no such host");
  CHECK(v.cls == "dns_failure");
  CHECK(says(v, "dig"));
}

TEST_CASE("TLS handshake timeout is the network, not TLS trust", "[traps]") {
  CHECK(verdict("Error response from daemon: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout").cls ==
        "network_timeout");
}

TEST_CASE("the Docker Engine's own 500 is not a registry 5xx", "[traps]") {
  CHECK(verdict("Error response from daemon: (HTTP code 500) server error - failed to create shim task").cls !=
        "registry_server_error");
  CHECK(verdict("Failed to pull image \"x:1\": rpc error: code = Unknown desc = API error (500): devmapper: Thin Pool "
                "has 0 free data blocks")
            .cls != "registry_server_error");
  // ... while a registry that answers 503 is one.
  CHECK(verdict("Failed to pull image \"quay.io/org/app:1\": rpc error: code = Unknown desc = failed to pull and "
                "unpack image \"quay.io/org/app:1\": failed to resolve reference \"quay.io/org/app:1\": unexpected "
                "status from HEAD request to https://quay.io/v2/org/app/manifests/1: 503 Service Unavailable")
            .cls == "registry_server_error");
}

TEST_CASE("gRPC NotFound can be a platform mismatch", "[traps]") {
  Verdict v = verdict(
      "Failed to pull image \"127.0.0.1:41500/realpull/armonly:1.0\": rpc error: code = NotFound desc = failed to pull "
      "and unpack image \"127.0.0.1:41500/realpull/armonly:1.0\": no match for platform in manifest: not found");
  CHECK(v.cls == "platform_mismatch");
  CHECK(says(v, "platform"));
}

TEST_CASE("a name-resolution failure of the proxy host is a proxy problem", "[traps]") {
  CHECK(verdict("Failed to pull image \"nginx:1\": failed to do request: Head "
                "\"https://registry-1.docker.io/v2/library/nginx/manifests/1\": proxyconnect tcp: dial tcp: lookup "
                "proxy.corp.example on 10.0.0.2:53: Temporary failure in name resolution")
            .cls == "proxy_error");
  CHECK(verdict("Failed to pull image \"nginx:1\": failed to do request: Head "
                "\"https://registry-1.docker.io/v2/library/nginx/manifests/1\": dial tcp: lookup registry-1.docker.io: "
                "Temporary failure in name resolution")
            .cls == "dns_failure");
}

TEST_CASE("Docker Hub answers the same for private and missing repositories", "[traps]") {
  Verdict v = verdict(
      "Failed to pull image \"acme/private-api:2\": rpc error: code = Unknown desc = failed to pull and unpack image "
      "\"docker.io/acme/private-api:2\": failed to resolve reference \"docker.io/acme/private-api:2\": pull access "
      "denied, repository does not exist or may require authorization: server message: insufficient_scope: "
      "authorization failed");
  CHECK(v.cls == "not_found_or_unauthorized");
  // The advice must say how to tell the two apart.
  CHECK(says(v, "private"));
  CHECK((says(v, "crane") || says(v, "hub.docker.com") || says(v, "credentials")));
}

TEST_CASE("kubelet's own pull QPS limit is not a registry 429", "[traps]") {
  Verdict v = verdict("Failed to pull image \"nginx:1.25\": pull QPS exceeded");
  CHECK(v.cls == "kubelet_throttled");
  CHECK(says(v, "registryPullQPS"));
}

TEST_CASE("403 from a cloud registry is IAM, not an imagePullSecret", "[traps]") {
  Verdict ecr = verdict(
      "Failed to pull image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\": rpc error: code = Unknown desc = "
      "failed to pull and unpack image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\": failed to resolve "
      "reference \"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1\": unexpected status from HEAD request to "
      "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/1: 403 Forbidden");
  CHECK(ecr.cls == "access_denied");
  CHECK(says(ecr, "ecr:BatchGetImage"));
  Verdict gar = verdict(
      "Failed to pull image \"europe-docker.pkg.dev/proj/repo/app:1\": failed to pull and unpack image "
      "\"europe-docker.pkg.dev/proj/repo/app:1\": failed to resolve reference \"europe-docker.pkg.dev/proj/repo/app:1\": "
      "unexpected status from HEAD request to https://europe-docker.pkg.dev/v2/proj/repo/app/manifests/1: 403 Forbidden");
  CHECK(gar.cls == "access_denied");
  CHECK(says(gar, "artifactregistry"));
}

TEST_CASE("an expired certificate may be the node clock: compare with the log's own time", "[traps]") {
  // The verifier's "current time" is 2031 while the line was logged in 2026.
  Verdict skew = verdict(
      "time=\"2026-11-22T11:21:27.023204004Z\" level=error msg=\"PullImage \\\"expired.example.test:41522/realpull/hello:1.0\\\" failed\" "
      "error=\"failed to pull and unpack image \\\"expired.example.test:41522/realpull/hello:1.0\\\": failed to do request: Head "
      "\\\"https://expired.example.test:41522/v2/realpull/hello/manifests/1.0\\\": x509: certificate has expired or is "
      "not yet valid: current time 2031-03-01T10:00:00Z is after 2030-01-01T00:00:00Z\"");
  CHECK(skew.cls == "tls_expired");
  CHECK(says(skew, "Clock skew"));
  CHECK(says(skew, "timedatectl"));
  // Same error, clock in agreement: the certificate is at fault.
  Verdict real = verdict(
      "time=\"2026-11-22T11:21:27.023204004Z\" level=error msg=\"PullImage \\\"expired.example.test:41522/realpull/hello:1.0\\\" failed\" "
      "error=\"failed to pull and unpack image \\\"expired.example.test:41522/realpull/hello:1.0\\\": failed to do request: Head "
      "\\\"https://expired.example.test:41522/v2/realpull/hello/manifests/1.0\\\": x509: certificate has expired or is "
      "not yet valid: current time 2026-11-22T11:21:27Z is after 2021-01-01T00:00:00Z\"");
  CHECK(real.cls == "tls_expired");
  CHECK(says(real, "agreed with the log"));
}

TEST_CASE("a dial timeout under DeadlineExceeded is the network", "[traps]") {
  CHECK(verdict("rpc error: code = DeadlineExceeded desc = failed to pull and unpack image \"127.0.0.1:41530/realpull/hello:1.0\": "
                "failed to resolve reference \"127.0.0.1:41530/realpull/hello:1.0\": failed to do request: Head "
                "\"http://127.0.0.1:41530/v2/realpull/hello/manifests/1.0\": dial tcp 127.0.0.1:41530: i/o timeout")
            .cls == "network_timeout");
}

TEST_CASE("no space left on device wins even inside an extract-layer error", "[traps]") {
  CHECK(verdict("Failed to pull image \"big:1\": failed to pull and unpack image \"docker.io/library/big:1\": failed "
                "to extract layer sha256:abc: write /var/lib/containerd/tmpmounts/x/usr/lib/libfoo.so: no space left "
                "on device: unknown")
            .cls == "disk_full");
}

TEST_CASE("a signature verifier's 'not found' is the signature, not a missing image", "[traps]") {
  // Talos ImageVerificationConfig (devantler-tech/platform#1889) under a NotFound code.
  Verdict talos = verdict(
      "Failed to pull image \"ghcr.io/devantler-tech/ksail:v7.36.0\": rpc error: code = NotFound desc = image "
      "verification failed: no valid signature found: bundle tag not found");
  CHECK(talos.cls == "signature_policy");
  CHECK(talos.rule == "verifier-no-valid-signature");
  CHECK(says(talos, "cosign verify"));
  // cosign's wording with a missing signature tag.
  CHECK(verdict("Failed to pull image \"registry.example.com/team/app:1.4\": rpc error: code = NotFound desc = no "
                "matching signatures: registry.example.com/team/app:sha256-2af0.sig: not found")
            .cls == "signature_policy");
}

TEST_CASE("Docker Hub's denied+unauthorized pair is a missing-or-private repository", "[traps]") {
  // podman-container-tools/podman#7780: `php-7.3` does not exist on Docker Hub.
  Verdict v = verdict(
      "Error: Error initializing source docker://php-7.3:fpm: Error reading manifest fpm in docker.io/library/php-7.3: "
      "errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required");
  CHECK(v.cls == "not_found_or_unauthorized");
  CHECK(v.rule == "denied-and-unauthorized-pair");
}

TEST_CASE("a bare GHCR denied is a refusal, with the stale-credentials advice", "[traps]") {
  Verdict v = verdict("Error response from daemon: Head \"https://ghcr.io/v2/acme/tool/manifests/latest\": denied");
  CHECK(v.cls == "access_denied");
  CHECK(says(v, "docker logout"));
  CHECK(says(v, "read:packages"));
}

TEST_CASE("Windows' connection timeout is the network, its refusal is a refusal", "[traps]") {
  const std::string head = "Failed to pull image \"nginx:1.25\": Error response from daemon: Get "
                           "https://registry-1.docker.io/v2/: dial tcp 54.85.56.253:443: connectex: ";
  CHECK(verdict(head + "A connection attempt failed because the connected party did not properly respond after a "
                       "period of time, or established connection failed because connected host has failed to "
                       "respond.")
            .cls == "network_timeout");
  CHECK(verdict(head + "No connection could be made because the target machine actively refused it.").cls ==
        "connection_refused");
}
