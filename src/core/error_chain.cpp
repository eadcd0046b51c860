// Error-chain peeling with plain string operations: the wrappers are fixed
// literals followed by an optional quoted reference, so no regex is needed
// and the classifier can call this per attempt at no real cost.
#include "core/error_chain.h"

#include <array>

#include "core/text.h"

namespace pullscan {
namespace {

// Returns the quoted value starting at s[0] == '"' (no unescaping: image refs
// never contain escapes) and the length consumed, or 0.
size_t quoted_len(std::string_view s) {
  if (s.empty() || s[0] != '"') return 0;
  // Inside kubelet messages quotes may arrive escaped once more (\"), handle both.
  size_t end = s.find('"', 1);
  if (end == std::string_view::npos) return 0;
  return end + 1;
}

// Wrapper prefixes followed by a quoted reference and ": ".
constexpr std::array<std::string_view, 9> kQuotedWrappers = {
    "Failed to pull image ",          "failed to pull and unpack image ", "failed to get sandbox image ",
    "failed to pull image ",          "failed to resolve reference ",     "failed to get fetcher for ",
    "failed to get converter for ",   "failed commit on ref ",            "Back-off pulling image ",
};

// Wrapper prefixes with nothing to capture.
constexpr std::array<std::string_view, 10> kPlainWrappers = {
    "(combined from similar events): ", "failed to resolve image: ", "failed to copy: ",
    "httpReadSeeker: failed open: ",    "failed to do request: ",    "RegistryUnavailable: ",
    "SignatureValidationFailed: ",      "ErrImagePull: ",            "unpack: ",
    "Error response from daemon: ",
};

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

PeeledError peel_error(std::string_view text) {
  PeeledError out;
  std::string_view s = trim(text);
  bool progress = true;
  while (progress && !s.empty()) {
    progress = false;
    if (starts_with(s, "rpc error: code = ")) {
      size_t desc = s.find(" desc = ");
      if (desc != std::string_view::npos) {
        if (out.grpc_code.empty()) out.grpc_code = std::string(s.substr(18, desc - 18));
        s = s.substr(desc + 8);
        progress = true;
        continue;
      }
    }
    for (std::string_view w : kQuotedWrappers) {
      if (!starts_with(s, w)) continue;
      std::string_view rest = s.substr(w.size());
      size_t q = quoted_len(rest);
      if (q == 0 || rest.substr(q, 2) != ": ") break;
      if (out.image.empty() && w != "failed commit on ref ") out.image = std::string(rest.substr(1, q - 2));
      s = rest.substr(q + 2);
      progress = true;
      break;
    }
    if (progress) continue;
    for (std::string_view w : kPlainWrappers) {
      if (starts_with(s, w)) {
        s = s.substr(w.size());
        progress = true;
        break;
      }
    }
    if (progress) continue;
    // `failed to extract layer sha256:...: ` wraps the real cause (often disk).
    if (starts_with(s, "failed to extract layer ")) {
      size_t colon = s.find(": ", 24);
      if (colon != std::string_view::npos) {
        s = s.substr(colon + 2);
        progress = true;
      }
    }
  }
  out.root = s;
  // The first URL: which endpoint answered (mirror or upstream).
  size_t u = text.find("://");
  if (u != std::string_view::npos) {
    size_t b = u;
    while (b > 0 && ((text[b - 1] >= 'a' && text[b - 1] <= 'z'))) --b;
    std::string_view scheme = text.substr(b, u - b);
    if (scheme == "http" || scheme == "https") {
      size_t e = u + 3;
      while (e < text.size() && text[e] != '"' && text[e] != ' ' && text[e] != '\\' && text[e] != '\n') ++e;
      // A URL that ends the clause is followed by ": " (Go's url.Error and status texts).
      std::string_view url = text.substr(b, e - b);
      if (!url.empty() && url.back() == ':') url.remove_suffix(1);
      out.url = std::string(url);
      std::string_view hostpart = url.substr(u - b + 3);
      size_t slash = hostpart.find_first_of("/?");
      hostpart = hostpart.substr(0, slash);
      size_t at = hostpart.rfind('@');
      if (at != std::string_view::npos) hostpart = hostpart.substr(at + 1);
      out.endpoint = std::string(hostpart);
    }
  }
  // HTTP status: "NNN Text" after ": " near the end of the root, e.g. ": 429 Too Many Requests".
  for (size_t p = s.find(": "); p != std::string_view::npos; p = s.find(": ", p + 1)) {
    std::string_view after = s.substr(p + 2);
    if (after.size() >= 5 && after[0] >= '1' && after[0] <= '5' && after[1] >= '0' && after[1] <= '9' &&
        after[2] >= '0' && after[2] <= '9' && after[3] == ' ' && after[4] >= 'A' && after[4] <= 'Z') {
      size_t end = after.find_first_of("\n-:");
      out.status = std::string(trim(after.substr(0, end)));
      break;
    }
  }
  return out;
}

std::string host_answer(std::string_view error, size_t max) {
  std::string_view root = peel_error(error).root;
  for (std::string_view method : {"Head \"", "Get \"", "HEAD \"", "GET \""})
    if (root.rfind(method, 0) == 0)
      if (size_t end = root.find("\": ", method.size()); end != std::string_view::npos) root.remove_prefix(end + 3);
  return ellipsize(root, max);
}

namespace {

// How a wording names its image. Every decoder (containerd, kubelet, CRI-O,
// docker, podman, crictl, kubeadm, pasted tables) calls image_in_message, so
// a wording learnt here is learnt everywhere.
enum class Mention {
  quoted,        // KEY then the reference in quotes: "R", \"R\", 'R' or `R`
  until_delim,   // KEY then the reference up to a space, comma, quote or bracket
  tag_in_repo,   // containers/image: `Error reading manifest TAG in REPO`
  tag_from_repo, // docker 1.x: `Error pulling image (TAG) from REPO`
  tag_pulling,   // docker pull: `TAG: Pulling from REPO`
};

struct ImageWording {
  std::string_view key;
  Mention how;
  std::string_view must_follow = {};  // text that must come right after the reference
};

// In order of trust: the runtime's and kubelet's own quoted wrappers first.
constexpr ImageWording kImageWordings[] = {
    {"failed to pull and unpack image ", Mention::quoted},
    {"Failed to pull image ", Mention::quoted},
    {"Back-off pulling image ", Mention::quoted},
    {"failed to get sandbox image ", Mention::quoted},
    {"PullImage ", Mention::quoted},
    {"Pulling image ", Mention::quoted},
    {"Successfully pulled image ", Mention::quoted},
    {"failed to resolve reference ", Mention::quoted},
    {"failed to resolve image ", Mention::quoted},
    {"Failed to inspect image ", Mention::quoted},
    {"Container image ", Mention::quoted},
    {"Unable to find image ", Mention::quoted},
    {"trying and failing to pull image ", Mention::quoted},
    {"Error pulling image ", Mention::quoted},
    {"error pulling image ", Mention::quoted},
    {"Pull image ", Mention::quoted},
    {"Pulled image ", Mention::quoted},
    {"pulling image ", Mention::quoted},
    {"failed to pull image ", Mention::quoted},
    // Unquoted wordings of the CLIs and older daemons.
    {"ImageSpec{Image:", Mention::until_delim},          // crictl --debug's PullImageRequest
    {"[ERROR ImagePull]: failed to pull image ", Mention::until_delim},  // kubeadm preflight
    {"failed to pull image ", Mention::until_delim},     // kubeadm's own wording, unquoted
    {"Failed to pull image ", Mention::until_delim},     // kubelet <= 1.9
    {"pull access denied for ", Mention::until_delim},
    {"manifest for ", Mention::until_delim, " not found"},
    {"image pull failed for ", Mention::until_delim, " because"},
    {"Error: image ", Mention::until_delim, " not found"},  // docker 1.x / early kubelet
    {"No such image: ", Mention::until_delim},
    {"Trying to pull ", Mention::until_delim},           // podman / CRI-O / skopeo
    {"Trying to pull image ", Mention::until_delim},
    {"Pulling image: ", Mention::until_delim},           // CRI-O
    {"Pulled image: ", Mention::until_delim},
    {"Downloaded newer image for ", Mention::until_delim},
    {"Image is up to date for ", Mention::until_delim},
    {"repository ", Mention::until_delim, " not found"},
    {"Error reading manifest ", Mention::tag_in_repo},
    {"Error pulling image (", Mention::tag_from_repo},
    {": Pulling from ", Mention::tag_pulling},
};

// `linux/arm64` after `no matching manifest for` is a platform, not an image.
bool is_platform(std::string_view s) {
  for (std::string_view os : {"linux/", "windows/", "darwin/", "freebsd/", "unknown/"})
    if (s.substr(0, os.size()) == os) return true;
  return false;
}

bool ref_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '/' || c == ':' || c == '@' || c == '[' || c == ']';
}

// A candidate is kept only when it reads as a reference: no URL, no digest
// alone, no platform, no sentence.
std::string plausible(std::string_view c) {
  while (!c.empty() && (c.back() == '\\' || c.back() == '.' || c.back() == ':' || c.back() == ',')) c.remove_suffix(1);
  if (c.empty() || c.size() > 300 || is_platform(c)) return {};
  if (c.find("://") != std::string_view::npos || c.substr(0, 7) == "sha256:") return {};
  for (char ch : c)
    if (!ref_char(ch)) return {};
  if (c.front() == '-' || c.front() == '.' || c.front() == ':' || c.front() == '/') return {};
  return std::string(c);
}

std::string_view token_at(std::string_view text, size_t p) {
  size_t e = p;
  while (e < text.size() && ref_char(text[e])) ++e;
  return text.substr(p, e - p);
}

std::string mention_at(std::string_view text, size_t p, Mention how, std::string_view must_follow = {}) {
  if (!must_follow.empty()) {
    std::string_view ref = token_at(text, p);
    std::string_view after = text.substr(p + ref.size());
    while (!ref.empty() && (ref.back() == ':' || ref.back() == '.')) {
      after = text.substr(p + ref.size() - 1);
      ref.remove_suffix(1);
    }
    if (after.substr(0, must_follow.size()) != must_follow) return {};
  }
  switch (how) {
    case Mention::quoted: {
      while (p < text.size() && text[p] == '\\') ++p;
      if (p >= text.size()) return {};
      char q = text[p];
      if (q != '"' && q != '\'' && q != '`') return {};
      ++p;
      size_t e = text.find(q, p);
      if (e == std::string_view::npos) return {};
      return plausible(text.substr(p, e - p));
    }
    case Mention::until_delim:
      if (p < text.size() && (text[p] == '"' || text[p] == '\'')) return mention_at(text, p, Mention::quoted);
      return plausible(token_at(text, p));
    case Mention::tag_in_repo: {
      std::string_view tag = token_at(text, p);
      std::string_view rest = text.substr(p + tag.size());
      if (tag.empty() || rest.substr(0, 4) != " in ") return {};
      std::string repo = plausible(token_at(rest, 4));
      if (repo.empty() || repo.find(':') != std::string::npos) return repo;
      return tag.substr(0, 7) == "sha256:" ? repo + "@" + std::string(tag) : repo + ":" + std::string(tag);
    }
    case Mention::tag_from_repo: {
      size_t close = text.find(") from ", p);
      if (close == std::string_view::npos || close - p > 128) return {};
      std::string_view tag = text.substr(p, close - p);
      std::string repo = plausible(token_at(text, close + 7));
      if (repo.empty() || tag.empty() || !plausible(tag).size()) return repo;
      return repo + ":" + std::string(tag);
    }
    case Mention::tag_pulling: {
      // The tag is the token before the key: `1.0: Pulling from acme/widget`.
      size_t b = p - std::string_view(": Pulling from ").size();
      size_t s = b;
      while (s > 0 && ref_char(text[s - 1]) && text[s - 1] != ':') --s;
      std::string_view tag = text.substr(s, b - s);
      std::string repo = plausible(token_at(text, p));
      if (repo.empty() || tag.empty()) return repo;
      return tag.substr(0, 7) == "sha256" ? repo : repo + ":" + std::string(tag);
    }
  }
  return {};
}

// The image a registry API URL asks for, when no wording names it: the
// distribution API's `https://HOST/v2/NAME/manifests/REF` (or `/blobs/`,
// `/tags/list`) and the v1 API's `https://HOST/v1/repositories/NAME/`.
std::string image_in_registry_url(std::string_view text) {
  for (size_t s = text.find("://"); s != std::string_view::npos; s = text.find("://", s + 3)) {
    size_t host_end = text.find('/', s + 3);
    if (host_end == std::string_view::npos) return {};
    std::string_view host = text.substr(s + 3, host_end - s - 3);
    if (host.empty() || host.find_first_of(" \"'") != std::string_view::npos) continue;
    std::string_view path = token_at(text, host_end);
    std::string name, ref;
    if (path.substr(0, 4) == "/v2/") {
      std::string_view rest = path.substr(4);
      for (std::string_view kind : {"/manifests/", "/blobs/", "/tags/"}) {
        size_t k = rest.find(kind);
        if (k == std::string_view::npos) continue;
        name = std::string(rest.substr(0, k));
        if (kind == "/manifests/") ref = std::string(rest.substr(k + kind.size()));
        break;
      }
    } else if (path.substr(0, 17) == "/v1/repositories/") {
      std::string_view rest = path.substr(17);
      name = std::string(rest.substr(0, rest.find("/images") != std::string_view::npos ? rest.find("/images")
                                                                                      : rest.find("/tags")));
    }
    while (!ref.empty() && (ref.back() == ':' || ref.back() == '.')) ref.pop_back();
    if (name.empty()) continue;
    std::string img = std::string(host) + "/" + name;
    if (!ref.empty()) img += (ref.substr(0, 7) == "sha256:" ? "@" : ":") + ref;
    if (!plausible(img).empty()) return img;
  }
  return {};
}

}  // namespace

std::string image_in_message(std::string_view text) {
  for (const ImageWording& w : kImageWordings) {
    for (size_t p = text.find(w.key); p != std::string_view::npos; p = text.find(w.key, p + 1)) {
      std::string img = mention_at(text, p + w.key.size(), w.how, w.must_follow);
      if (!img.empty()) return img;
    }
  }
  return image_in_registry_url(text);
}

}  // namespace pullscan
