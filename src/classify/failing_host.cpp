// Which host a failing request went to, and what that host is to the
// registry. Go wraps errors outermost first, so the innermost URL of an error
// chain (the last one) is the request that failed: `Get "https://reg/v2/":
// Get "https://auth.docker.io/token?...": ...: i/o timeout` failed at the
// token service, not at the registry.
#include "classify/failing_host.h"

#include <array>

#include "core/text.h"

namespace pullscan {
namespace {

// Storage and CDN domains registries redirect blob downloads to. A host under
// one of them is blob storage whatever the URL's path looks like.
constexpr std::array<std::string_view, 11> kStorageDomains = {
    "amazonaws.com",                  // S3 (ECR layers, registry.k8s.io's regional buckets, Quay)
    "blob.core.windows.net",          // Azure Blob (ACR, MCR)
    "data.azurecr.io",                // ACR's regional data endpoints
    "storage.googleapis.com",         // GCS (gcr.io)
    "googleusercontent.com",          // GCS signed downloads
    "cloudflare.docker.com",          // Docker Hub's layer CDN
    "cloudfront.net",                 // CloudFront in front of S3 (public.ecr.aws, Quay)
    "r2.cloudflarestorage.com",       // Cloudflare R2
    "pkg-containers.githubusercontent.com",  // ghcr.io layers
    "fastly.net",                     // CDNs
    "akamaized.net",
};

// Docker Hub answers on several names; an image's `docker.io` is all of them.
constexpr std::array<std::string_view, 5> kDockerHubNames = {
    "docker.io", "registry-1.docker.io", "index.docker.io", "registry.hub.docker.com", "hub.docker.com"};

bool under_domain(std::string_view host, std::string_view domain) {
  if (host.size() < domain.size() || host.substr(host.size() - domain.size()) != domain) return false;
  return host.size() == domain.size() || host[host.size() - domain.size() - 1] == '.';
}

std::string_view without_port(std::string_view hostport) { return split_host_port(hostport).host; }

struct UrlParts {
  std::string_view host, path;  // host[:port], path with query
};

// Whether the URL starting at `b` is a request the runtime made, by the words
// before it (`Get "`, `HEAD request to `, `status code `), not a link the
// error text points the reader to (`Visit https://www.docker.com/...`).
bool is_request_url(std::string_view text, size_t b) {
  std::string_view before = text.substr(0, b);
  while (!before.empty() && (before.back() == '"' || before.back() == '\\' || before.back() == '\''))
    before.remove_suffix(1);
  if (before.empty() || before.back() != ' ') return false;
  before.remove_suffix(1);
  size_t w = before.find_last_of(" :\"\t");
  std::string word = ascii_lower(before.substr(w == std::string_view::npos ? 0 : w + 1));
  for (std::string_view verb : {"get", "head", "post", "put", "patch", "to", "code", "fetching", "url"})
    if (word == verb) return true;
  return false;
}

// The last request URL of a text, split; empty parts when there is none.
UrlParts last_url(std::string_view text) {
  UrlParts out;
  for (size_t u = text.find("://"); u != std::string_view::npos; u = text.find("://", u + 3)) {
    size_t b = u;
    while (b > 0 && text[b - 1] >= 'a' && text[b - 1] <= 'z') --b;
    std::string_view scheme = text.substr(b, u - b);
    if (scheme != "http" && scheme != "https") continue;
    if (!is_request_url(text, b)) continue;
    size_t e = u + 3;
    while (e < text.size() && text[e] != '"' && text[e] != ' ' && text[e] != '\\' && text[e] != '\n' &&
           text[e] != '\'' && text[e] != ',')
      ++e;
    std::string_view rest = text.substr(u + 3, e - u - 3);
    if (!rest.empty() && rest.back() == ':') rest.remove_suffix(1);  // `...: ` ends Go's url.Error clause
    size_t slash = rest.find_first_of("/?");
    std::string_view host = rest.substr(0, slash);
    if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
    if (host.empty()) continue;
    out.host = host;
    out.path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return out;
}

bool is_token_path(std::string_view path) {
  std::string_view p = path.substr(0, path.find('?'));
  return p.ends_with("/token") || p.ends_with("/token/") || p.find("/oauth2/") != std::string_view::npos ||
         p.ends_with("/jwt/auth") || p.find("/service/token") != std::string_view::npos;
}

}  // namespace

HostPort split_host_port(std::string_view hostport) {
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos || hostport.find(']') != std::string_view::npos ||
      hostport.find(':') != colon)
    return {hostport, {}};
  return {hostport.substr(0, colon), hostport.substr(colon + 1)};
}

std::string_view role_words(HostRole r) {
  switch (r) {
    case HostRole::registry: return "the API of";
    case HostRole::mirror: return "a mirror for";
    case HostRole::redirect: return "a redirect target of";
    case HostRole::blob_storage: return "the blob storage of";
    case HostRole::token_service: return "the token service of";
    case HostRole::other: return "a host other than";
  }
  return "a host other than";
}

bool same_registry_host(std::string_view host, std::string_view registry) {
  std::string h = ascii_lower(host), r = ascii_lower(registry);
  if (h == r) return true;
  std::string_view hb = without_port(h), rb = without_port(r);
  // One side without a port is the default port of the other.
  bool ports_agree = hb == h || rb == r || h == r;
  if (hb == rb && ports_agree) return true;
  auto hub = [](std::string_view x) {
    for (std::string_view n : kDockerHubNames)
      if (x == n) return true;
    return false;
  };
  return hub(hb) && hub(rb);
}

FailingHost failing_host(std::string_view error, std::string_view lookup_host, std::string_view registry,
                         const std::vector<HostTry>& tries) {
  FailingHost out;
  UrlParts url = last_url(error);
  std::string_view host = url.host;
  // A resolver failure names the host it looked up; it is the failing host
  // even when the URL printed is another (a redirect's first hop).
  if (!lookup_host.empty() && (host.empty() || without_port(host) != lookup_host)) {
    host = lookup_host;
    if (!url.host.empty() && without_port(url.host) != lookup_host) url.path = {};
  }
  if (host.empty() || registry.empty()) return out;
  out.host = ascii_lower(host);
  if (same_registry_host(out.host, registry)) {
    out.role = HostRole::registry;
    return out;
  }
  std::string_view bare = without_port(out.host);
  std::string lower_error = ascii_lower(error);
  if (is_token_path(url.path) || bare.starts_with("auth.") ||
      (url.path.empty() && (lower_error.find("token") != std::string::npos ||
                            lower_error.find("failed to authorize") != std::string::npos))) {
    out.role = HostRole::token_service;
    return out;
  }
  // containerd names the upstream registry in `?ns=` only when it asks a mirror.
  if (url.path.find("?ns=") != std::string_view::npos || url.path.find("&ns=") != std::string_view::npos) {
    out.role = HostRole::mirror;
    return out;
  }
  for (const HostTry& t : tries)
    if (same_registry_host(out.host, t.host)) {
      out.role = HostRole::mirror;
      return out;
    }
  for (std::string_view d : kStorageDomains)
    if (under_domain(bare, d)) {
      out.role = HostRole::blob_storage;
      return out;
    }
  if (url.path.starts_with("/v2/") || url.path == "/v2") out.role = HostRole::redirect;
  else if (!url.path.empty()) out.role = HostRole::blob_storage;  // a storage URL: not the registry API
  else out.role = HostRole::other;
  return out;
}

}  // namespace pullscan
