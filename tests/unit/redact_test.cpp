// Secrets never reach a report or the database: core/redact's mask_secrets,
// over every shape of tests/hostile/secrets.tsv in every quoting a log gives
// it, and over the error texts it must leave alone.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/redact.h"

using namespace pullscan;

namespace {

struct SecretShape {
  std::string id, text, secret;
};

// The secrets matrix's rows (id, text, secret); `\n` in text is a newline.
std::vector<SecretShape> secret_shapes() {
  std::ifstream in(std::string(PULLSCAN_SOURCE_DIR) + "/tests/hostile/secrets.tsv");
  std::vector<SecretShape> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    SecretShape s;
    std::getline(fields, s.id, '\t');
    std::getline(fields, s.text, '\t');
    std::getline(fields, s.secret, '\t');
    // (Built anew rather than with replace(), which g++ 12 warns about wrongly: -Wrestrict.)
    std::string text;
    for (size_t i = 0; i < s.text.size(); ++i) {
      if (s.text[i] == '\\' && i + 1 < s.text.size() && s.text[i + 1] == 'n') {
        text += '\n';
        ++i;
      } else {
        text += s.text[i];
      }
    }
    s.text = std::move(text);
    rows.push_back(s);
  }
  return rows;
}

// strconv.Quote's escaping of backslashes, quotes and newlines (no quotes around).
std::string go_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

TEST_CASE("every secret shape is masked, plain, quoted once and quoted twice", "[core][redact]") {
  std::vector<SecretShape> shapes = secret_shapes();
  REQUIRE(shapes.size() >= 25);
  for (const SecretShape& s : shapes) {
    // As logged: bare, in containerd's error="..." and in kubelet's err="...\"...\"".
    for (const std::string& form : {s.text, go_escape(s.text), go_escape(go_escape(s.text))}) {
      INFO(s.id << ": " << form);
      std::string masked = mask_secrets(form);
      CHECK(masked.find(s.secret) == std::string::npos);
      CHECK(masked.find("***") != std::string::npos);
    }
  }
}

TEST_CASE("credentials are masked and what is around them stays", "[core][redact]") {
  CHECK(mask_secrets("request.header.authorization=\"Bearer eyJhbGciOiJSUzI1NiJ9.abc.def\" url=x") ==
        "request.header.authorization=*** url=x");
  CHECK(mask_secrets("Authorization: Basic dXNlcjpwYXNz") == "Authorization: Basic ***");
  CHECK(mask_secrets("AUTHORIZATION: BEARER abcdefghij") == "AUTHORIZATION: BEARER ***");
  CHECK(mask_secrets("got Bearer abcdefghijklmnop from cache") == "got Bearer *** from cache");
  CHECK(mask_secrets("Get \"https://bob:s3cr3t@reg.local/v2/\": EOF") == "Get \"https://bob:***@reg.local/v2/\": EOF");
  CHECK(mask_secrets("Get \"https://bob:a/b@c@reg.local/v2/x/manifests/sha256:00\": EOF") ==
        "Get \"https://bob:***@reg.local/v2/x/manifests/sha256:00\": EOF");
  CHECK(mask_secrets("Get https://tok3n@reg.local/v2/") == "Get https://***@reg.local/v2/");
  CHECK(mask_secrets(R"({"auths":{"reg":{"auth":"dXNlcjpwYXNz"}}})") == R"({"auths":{"reg":{"auth":"***"}}})");
  CHECK(mask_secrets(R"(\"password\":\"hunter2\")") == R"(\"password\":\"***\")");
  CHECK(mask_secrets(R"(\\\"auth\\\":\\\"dXNlcjpwYXNz\\\")") == R"(\\\"auth\\\":\\\"***\\\")");
  CHECK(mask_secrets("GET https://auth.local/token?scope=x&access_token=abc123&x=1") ==
        "GET https://auth.local/token?scope=x&access_token=***&x=1");
  CHECK(mask_secrets("blob?X-Amz-Date=1&X-Amz-Signature=abc&x-id=GetObject") ==
        "blob?X-Amz-Date=1&X-Amz-Signature=***&x-id=GetObject");
  CHECK(mask_secrets("docker login --password hunter2 reg") == "docker login --password *** reg");
  CHECK(mask_secrets("docker login -u bob -p hunter2 reg") == "docker login -u bob -p *** reg");
  CHECK(mask_secrets("auths:\n  reg:\n    token: abc\n") == "auths:\n  reg:\n    token: ***\n");
}

TEST_CASE("error texts, image references and digests without secrets are untouched", "[core][redact]") {
  for (const char* s : {
           "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized",
           "failed to fetch anonymous token: unexpected status from GET request to "
           "https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io: 429",
           "pull access denied, repository does not exist or may require authorization: server message: "
           "insufficient_scope: authorization failed",
           "docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef: not found",
           "Head \"https://registry-1.docker.io:443/v2/library/nginx/manifests/1\": dial tcp: i/o timeout",
           "Get \"https://ghcr.io/v2/org/app/manifests/sha256:abc\": x@sha256:abc denied",
           "pulling from host asia-east1-docker.pkg.dev failed with status code [manifests v1]: 403 Forbidden",
           "kube-proxy image pull failed: -p flag unknown",
       })
    CHECK(mask_secrets(s) == s);
}

TEST_CASE("a password before a host that looks like a digest is still masked", "[redact]") {
  // Found by fuzz_pasted: `@sha384:` was taken for a digest without any hex after it.
  CHECK(mask_secrets("net/http: ://u:secretpw@sha384:dshake Error").find("secretpw") == std::string::npos);
  CHECK(mask_secrets("Get https://bob:hunter2@sha256:registry/v2/").find("hunter2") == std::string::npos);
  // Found again with hex after it: `user:password@` is no repository before a digest.
  CHECK(mask_secrets("oquests://u:secretpw@sha384:7777777776").find("secretpw") == std::string::npos);
  CHECK(mask_secrets("docker://nginx@sha256:e6f18168ab12 pulled") == "docker://nginx@sha256:e6f18168ab12 pulled");
  // Real digests stay, even cut short by the log.
  CHECK(mask_secrets("docker://quay.io/acme/app@sha256:e6f18168ab12 failed") ==
        "docker://quay.io/acme/app@sha256:e6f18168ab12 failed");
  CHECK(mask_secrets("oci://r.example/x@sha512:0123456789abcdef0123") == "oci://r.example/x@sha512:0123456789abcdef0123");
}
