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

std::string image_in_message(std::string_view text) {
  static constexpr std::array<std::string_view, 8> quoted = {
      "failed to pull and unpack image \"", "Failed to pull image \"", "Back-off pulling image \"",
      "failed to get sandbox image \"",     "PullImage \"",            "Pulling image \"",
      "Successfully pulled image \"",      "failed to resolve reference \"",
  };
  for (std::string_view key : quoted) {
    size_t p = text.find(key);
    if (p == std::string_view::npos) continue;
    p += key.size();
    size_t e = text.find('"', p);
    if (e == std::string_view::npos) continue;
    std::string_view img = text.substr(p, e - p);
    // A kubelet message quoted once more leaves a trailing backslash.
    while (!img.empty() && img.back() == '\\') img.remove_suffix(1);
    if (!img.empty()) return std::string(img);
  }
  // Docker CLI / daemon wordings.
  for (std::string_view key : {std::string_view("pull access denied for "), std::string_view("manifest for ")}) {
    size_t p = text.find(key);
    if (p == std::string_view::npos) continue;
    p += key.size();
    size_t e = text.find_first_of(", ", p);
    if (e == std::string_view::npos) e = text.size();
    if (e > p) return std::string(text.substr(p, e - p));
  }
  // `image pull failed for X because the registry is unavailable`
  std::string_view f = between(text, "image pull failed for ", " because");
  if (!f.empty()) return std::string(f);
  return {};
}

}  // namespace pullscan
