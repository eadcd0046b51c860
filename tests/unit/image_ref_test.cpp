// core/image_ref and the image extractor: the normalisation every join
// depends on, and the one place every decoder learns where a text names an image.
#include <catch2/catch.hpp>

#include "core/error_chain.h"
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

TEST_CASE("one image extractor reads every wording that names an image", "[core][image]") {
  struct Case { const char* text; const char* image; };
  const Case cases[] = {
      // kubelet and containerd, quoted once, twice, or with other quotes
      {R"(Failed to pull image "nginx:1.25": rpc error: code = NotFound)", "nginx:1.25"},
      {R"(err="failed to pull and unpack image \"ghcr.io/a/b:1\": failed to resolve reference \"ghcr.io/a/b:1\"")", "ghcr.io/a/b:1"},
      {R"(msg="Failed to pull image \\\"quay.io/x/y:2\\\": rpc error")", "quay.io/x/y:2"},
      {"Failed to pull image 'registry.local:5000/app:v1': not found", "registry.local:5000/app:v1"},
      {"Failed to inspect image \"busybox:1.36\": rpc error", "busybox:1.36"},
      {"Container image \"acme/ghost:1.0\" is not present with pull policy of Never", "acme/ghost:1.0"},
      {"Unable to find image 'acme/tools:2.1' locally", "acme/tools:2.1"},
      // the CLIs' unquoted wordings
      {"Error response from daemon: pull access denied for acme/private, repository does not exist", "acme/private"},
      {"Error response from daemon: manifest for nginx:9.9 not found: manifest unknown", "nginx:9.9"},
      {"Error: image acme/ghost:1.0 not found", "acme/ghost:1.0"},
      {"Error response from daemon: No such image: acme/ghost:1.0", "acme/ghost:1.0"},
      {"Trying to pull quay.io/acme/widget:3.0...", "quay.io/acme/widget:3.0"},
      {"[ERROR ImagePull]: failed to pull image registry.k8s.io/kube-apiserver:v1.28.0: output: time=", "registry.k8s.io/kube-apiserver:v1.28.0"},
      {"DEBU[0000] PullImageRequest: &PullImageRequest{Image:&ImageSpec{Image:docker.io/library/redis:7,Annotations:map[string]string{},}", "docker.io/library/redis:7"},
      {"Error reading manifest 1.0 in quay.io/acme/widget: manifest unknown: manifest unknown", "quay.io/acme/widget:1.0"},
      {"Error pulling image (v2) from acme/widget, Get https://index.docker.io/v1/: EOF", "acme/widget:v2"},
      {"1.0: Pulling from acme/widget", "acme/widget:1.0"},
      {"Status: Downloaded newer image for acme/tools:2.1", "acme/tools:2.1"},
      {"Pulling image: registry.example.com/app:v3", "registry.example.com/app:v3"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(image_in_message(c.text) == c.image);
  }
  // Not images: a platform, a bare digest, a sentence, a URL.
  for (const char* text : {"no matching manifest for linux/arm64/v8 in the manifest list entries",
                           "Image is up to date for sha256:4c1a0e3c5f7b",
                           "remote error: repository does not exist or may require authorization",
                           "Trying to pull https://example.com/x..."}) {
    INFO(text);
    CHECK(image_in_message(text).empty());
  }
}

TEST_CASE("a registry API URL names the image when no wording does", "[core][image]") {
  CHECK(image_in_message("Error while pulling image: Get https://index.docker.io/v1/repositories/acme/widget/images: "
                         "dial tcp 10.9.8.7:443: connect: protocol not available") == "index.docker.io/acme/widget");
  CHECK(image_in_message("Head \"https://ghcr.io/v2/acme/app/manifests/1.2\": denied") == "ghcr.io/acme/app:1.2");
  CHECK(image_in_message("GET https://quay.io/v2/acme/app/blobs/sha256:abc: 500") == "quay.io/acme/app");
  CHECK(image_in_message("Get \"https://registry-1.docker.io/v2/\": net/http: TLS handshake timeout").empty());
}
