// Secret masking, applied to every message and evidence line before it is
// stored: reports and the database must never repeat a credential that a
// debug log happened to print. containerd's debug `do request` lines print
// request headers; URLs can carry user:password; docker config JSON carries
// base64 `auth`. A cheap literal check keeps the regexes off clean lines.
#include <re2/re2.h>

#include <array>

#include "core/redact.h"

namespace pullscan {
namespace {

struct Mask {
  RE2 re;
  const char* rewrite;
};

const std::array<Mask, 7>& masks() {
  static const std::array<Mask, 7> m = {{
      // Authorization: Bearer xxx / Basic xxx (headers, logfmt, JSON)
      {RE2(R"((?i)((?:authorization|proxy-authorization)[^A-Za-z0-9]{1,8}(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+)"),
       "\\1***"},
      // A bare bearer token (JWT-like or long opaque)
      {RE2(R"((?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,})"), "\\1***"},
      // logfmt header fields: request.header.authorization="..."
      {RE2(R"((?i)(header\.(?:proxy-)?authorization=)("(?:[^"\\]|\\.)*"|\S+))"), "\\1***"},
      // URL user info: scheme://user:password@host (the scheme may be mangled or cut in a paste)
      {RE2(R"((://[^/\s:@"]+:)[^/\s@"]+@)"), "\\1***@"},
      // docker config / credential JSON values, possibly escaped once or twice
      {RE2(R"((?i)((?:\\*")(?:auth|password|identitytoken|registrytoken|access_token|refresh_token|token)(?:\\*")\s*:\s*(?:\\*"))[^"\\]+)"),
       "\\1***"},
      // query or form parameters: ?access_token=xxx&password=xxx
      {RE2(R"((?i)([?&;\s](?:access_token|refresh_token|token|password|passwd|secret|client_secret)=)[^&\s"'\\]+)"),
       "\\1***"},
      // CLI flags: --password xxx, --password=xxx, -p xxx after docker login
      {RE2(R"((?i)(--(?:password|registry-password|docker-password)[= ])\S+)"), "\\1***"},
  }};
  return m;
}

// Cheap literals that every mask needs; "failed to fetch anonymous token" or
// "401 Unauthorized" or "nginx@sha256:" alone must not wake the regexes.
bool might_hold_secret(std::string_view s) {
  for (std::string_view k : {"earer", "asic ", "uthorization=", "assw", "ecret", "token=", "token\"", "token\\\"",
                             "auth\"", "auth\\\""})
    if (s.find(k) != std::string_view::npos) return true;
  // user:password@ right after a scheme
  for (size_t p = s.find("://"); p != std::string_view::npos; p = s.find("://", p + 3)) {
    size_t end = s.find_first_of("/ \"", p + 3);
    std::string_view authority = s.substr(p + 3, end == std::string_view::npos ? std::string_view::npos : end - p - 3);
    if (authority.find('@') != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::string mask_secrets(std::string_view text) {
  std::string out(text);
  if (!might_hold_secret(text)) return out;
  for (const Mask& m : masks()) RE2::GlobalReplace(&out, m.re, m.rewrite);
  return out;
}

}  // namespace pullscan
