// core/image_ref: the normalisation every join depends on.
#include <catch2/catch.hpp>

#include "core/image_ref.h"

using namespace pullscan;

TEST_CASE("image references normalise like containerd's", "[core][image]") {
  struct Case { const char* in; const char* out; const char* registry; };
  const Case cases[] = {
      {"nginx", "docker.io/library/nginx:latest", "docker.io"},
      {"nginx:1.25", "docker.io/library/nginx:1.25", "docker.io"},
      {"bitnami/redis", "docker.io/bitnami/redis:latest", "docker.io"},
      {"docker.io/nginx", "docker.io/library/nginx:latest", "docker.io"},
      {"index.docker.io/library/nginx:stable", "docker.io/library/nginx:stable", "docker.io"},
      {"registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10", "registry.k8s.io"},
      {"127.0.0.1:41500/realpull/hello:1.0", "127.0.0.1:41500/realpull/hello:1.0", "127.0.0.1:41500"},
      {"localhost/app", "localhost/app:latest", "localhost"},
      {"ghcr.io/org/app@sha256:abc", "ghcr.io/org/app@sha256:abc", "ghcr.io"},
      // Tag and digest: containerd's ParseDockerRef keeps only the digest,
      // and names the pull that way in every line after PullImage.
      {"nginx:1.2@sha256:abc", "docker.io/library/nginx@sha256:abc", "docker.io"},
      {"registry.local:5000/team/app", "registry.local:5000/team/app:latest", "registry.local:5000"},
  };
  for (const Case& c : cases) {
    INFO(c.in);
    CHECK(normalize_image(c.in) == c.out);
    CHECK(registry_of(normalize_image(c.in)) == c.registry);
  }
}

TEST_CASE("text that is not a reference is kept as written", "[core][image]") {
  CHECK(normalize_image("has space") == "has space");
  CHECK(normalize_image("") == "");
  ImageRef r;
  CHECK_FALSE(parse_image_ref("nginx:", r));
  CHECK_FALSE(parse_image_ref("a@nodigest", r));
}
