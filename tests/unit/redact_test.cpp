// Secrets never reach a report or the database.
#include <catch2/catch.hpp>

#include "core/redact.h"

using namespace pullscan;

TEST_CASE("credentials are masked", "[core][redact]") {
  CHECK(mask_secrets("request.header.authorization=\"Bearer eyJhbGciOiJSUzI1NiJ9.abc.def\" url=x") ==
        "request.header.authorization=*** url=x");
  CHECK(mask_secrets("Authorization: Basic dXNlcjpwYXNz") == "Authorization: Basic ***");
  CHECK(mask_secrets("got Bearer abcdefghijklmnop from cache") == "got Bearer *** from cache");
  CHECK(mask_secrets("Get \"https://bob:s3cr3t@reg.local/v2/\": EOF") == "Get \"https://bob:***@reg.local/v2/\": EOF");
  CHECK(mask_secrets(R"({"auths":{"reg":{"auth":"dXNlcjpwYXNz"}}})") == R"({"auths":{"reg":{"auth":"***"}}})");
  CHECK(mask_secrets(R"(\"password\":\"hunter2\")") == R"(\"password\":\"***\")");
  CHECK(mask_secrets("GET https://auth.local/token?scope=x&access_token=abc123&x=1") ==
        "GET https://auth.local/token?scope=x&access_token=***&x=1");
  CHECK(mask_secrets("docker login --password hunter2 reg") == "docker login --password *** reg");
}

TEST_CASE("error texts without secrets are untouched", "[core][redact]") {
  for (const char* s : {
           "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized",
           "pull access denied, repository does not exist or may require authorization: server message: "
           "insufficient_scope: authorization failed",
           "docker.io/library/nginx@sha256:abc: not found",
           "Head \"https://registry-1.docker.io:443/v2/library/nginx/manifests/1\": dial tcp: i/o timeout",
       })
    CHECK(mask_secrets(s) == s);
}
