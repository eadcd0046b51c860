// Secret masking (core/redact.h), applied where text enters: every message
// and evidence line a decoder stores, kubectl's stderr, arguments echoed in
// usage errors. containerd's debug `do request` lines print request headers;
// registries redirect blob GETs to pre-signed URLs that containerd logs;
// URLs carry user:password; docker config JSON carries base64 `auth`, and
// kubelet quotes it twice in its errors; people paste `docker login -p`,
// YAML with `token:` and cloud tokens into tickets.
//
// Masking sits on the hot path of every pull line, so a clean line must cost
// little: one lowered copy and a handful of literal searches decide whether
// any regex runs at all. Image references and digests (`nginx@sha256:...`)
// are never touched.
#include "core/redact.h"

#include <re2/re2.h>

#include <array>
#include <memory>
#include <vector>

namespace pullscan {
namespace {

constexpr std::string_view kMask = "***";

struct Mask {
  std::unique_ptr<RE2> re;
  const char* rewrite;
};

// Keys whose value is a credential, in JSON (plain or escaped), YAML or logfmt.
#define PULLSCAN_SECRET_KEYS                                                                                    \
  "auth|password|passwd|identitytoken|registrytoken|access_token|refresh_token|id_token|token|secret|" \
  "client_secret|secretaccesskey|secret_access_key|aws_secret_access_key|sessiontoken|session_token"

const std::vector<Mask>& masks() {
  static const std::vector<Mask> m = [] {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    std::vector<Mask> v;
    auto add = [&](const char* re, const char* rewrite) { v.push_back({std::make_unique<RE2>(re, o), rewrite}); };
    // Authorization / Proxy-Authorization / X-Registry-Auth headers in any
    // letter case, as a header, logfmt or JSON: the scheme stays, the rest goes.
    add(R"(((?:proxy-)?authorization[^A-Za-z0-9]{1,8}(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+)", "\\1***");
    add(R"((x-registry-auth[^A-Za-z0-9]{1,8})[A-Za-z0-9._~+/=-]+)", "\\1***");
    // A bare bearer token (JWT-like or long opaque).
    add(R"((\bbearer\s+)[A-Za-z0-9._~+/=-]{8,})", "\\1***");
    // logfmt header fields: request.header.authorization="..."
    add(R"((header\.(?:proxy-)?authorization=)("(?:[^"\\]|\\.)*"|\S+))", "\\1***");
    // JSON / escaped JSON values: "auth":"...", \"auth\":\"...\", \\\"auth\\\":\\\"...\\\"
    add(R"(((?:\\*")(?:)" PULLSCAN_SECRET_KEYS R"()(?:\\*")\s*:\s*(?:\\*"))[^"\\]+)", "\\1***");
    // YAML (block or flow) keys at a line start, also where the newline is an
    // escaped `\n` inside a quoted log value: `  token: x`, `{password: x}`.
    add(R"(((?:^|\n|\\+n|[{,])[ \t]*(?:-[ \t]+)?(?:)" PULLSCAN_SECRET_KEYS R"()[ \t]*:[ \t]*)[^\s,}"\\]+)", "\\1***");
    // Query, form and logfmt parameters, including pre-signed blob URLs
    // (S3 X-Amz-*, Azure SAS sig=, GCS X-Goog-*, CloudFront Signature=).
    add(R"(((?:^|[^A-Za-z0-9_.-])(?:)" PULLSCAN_SECRET_KEYS
        R"(|x-amz-security-token|x-amz-credential|x-amz-signature|x-goog-signature|x-goog-credential|sig|signature)=)[^&\s"'\\]+)",
        "\\1***");
    // CLI flags: --password xxx, --password=xxx; docker/podman/nerdctl login -p xxx.
    add(R"((--(?:password|registry-password|docker-password|token)[= ])\S+)", "\\1***");
    add(R"((\blogin\b[^\n]*?\s-p(?:=|\s+)?)[^\s"\\]+)", "\\1***");
    // .dockerconfigjson / .dockercfg values (base64 of the docker config).
    add(R"((\.docker(?:configjson|cfg)\\*"?\s*[:=]\s*\\*"?)[A-Za-z0-9+/=]+)", "\\1***");
    // Token shapes that need no key: base64 JSON (JWT, ECR's login token,
    // X-Registry-Auth: `{"` encodes as eyJ), GCP OAuth, GitHub, AWS key ids.
    add(R"((?-i:\beyJ[A-Za-z0-9+/_=.-]{16,}))", "***");
    add(R"(\bya29\.[A-Za-z0-9_.-]+)", "ya29.***");
    add(R"((?-i:\b(?:gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,})))", "***");
    add(R"((?-i:\b(?:AKIA|ASIA)[0-9A-Z]{16}\b))", "***");
    return v;
  }();
  return m;
}

#undef PULLSCAN_SECRET_KEYS

// Literals every mask needs (lower case; the text is lowered before the
// search). "failed to fetch anonymous token: unexpected status", "401
// Unauthorized" or "nginx@sha256:" alone must not wake the regexes.
constexpr std::array<std::string_view, 13> kHints = {
    "bearer", "basic ", "uthorization=", "x-registry-auth", "assw", "secret", "sig=", "signature=",
    "x-amz-", "x-goog-", "login", "dockerc", "ya29."};

// True if `key` occurs followed by one of `next` (`token=`, `auth\"`...) or,
// when dashes is set, preceded by `--` (`--token`): one search for the key
// instead of one per spelling.
bool key_followed_by(std::string_view lower, std::string_view key, std::string_view next, bool dashes) {
  for (size_t p = lower.find(key); p != std::string_view::npos; p = lower.find(key, p + 1)) {
    size_t after = p + key.size();
    if (after < lower.size() && next.find(lower[after]) != std::string_view::npos) return true;
    if (dashes && p >= 2 && lower[p - 1] == '-' && lower[p - 2] == '-') return true;
  }
  return false;
}

// `text` as given, `lower` lowered: AWS key ids and base64 JSON are matched
// in their own letter case.
bool might_hold_secret(std::string_view text, std::string_view lower) {
  for (std::string_view k : kHints)
    if (lower.find(k) != std::string_view::npos) return true;
  if (key_followed_by(lower, "token", "=\"\\:", true) || key_followed_by(lower, "auth", "\"\\:", false)) return true;
  for (std::string_view k : {"eyJ", "AKIA", "ASIA"})
    if (text.find(k) != std::string_view::npos) return true;
  if (lower.find("gh") != std::string_view::npos &&
      (lower.find("ghp_") != std::string_view::npos || lower.find("gho_") != std::string_view::npos ||
       lower.find("ghu_") != std::string_view::npos || lower.find("ghs_") != std::string_view::npos ||
       lower.find("ghr_") != std::string_view::npos || lower.find("github_pat_") != std::string_view::npos))
    return true;
  return false;
}

// Where a URL that starts at `from` ends: the first byte that cannot be in a
// logged URL (space, quote, backslash of an escaped quote, angle bracket).
size_t url_end(std::string_view s, size_t from) {
  size_t end = s.find_first_of(" \t\r\n\"'\\<>`", from);
  return end == std::string_view::npos ? s.size() : end;
}

// True if `@` at s[at] starts a digest (`repo@sha256:e6f1...`), not the end of
// user info; `begin` is where the URL's authority starts (after `://`). The
// hex must be there (6 digits at least, as a log may cut it), and what comes
// before it must read as a repository, not as `user:password`: a digest
// follows a path (`quay.io/x@sha256:`) or a bare name (`nginx@sha256:`), so
// `://u:pw@sha384:7777777776` is a password before a host.
bool digest_at(std::string_view s, size_t begin, size_t at) {
  std::string_view before = s.substr(begin, at - begin);
  if (before.find(':') != std::string_view::npos && before.find('/') == std::string_view::npos) return false;
  std::string_view rest = s.substr(at + 1);
  if (!(rest.starts_with("sha256:") || rest.starts_with("sha512:") || rest.starts_with("sha384:"))) return false;
  size_t n = 0;
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  while (7 + n < rest.size() && hex(rest[7 + n])) ++n;
  if (n < 6) return false;
  char next = 7 + n < rest.size() ? rest[7 + n] : ' ';
  return !((next >= 'g' && next <= 'z') || (next >= 'G' && next <= 'Z') || next == '_');
}

// URL user info: the user stays and the password goes (`https://bob:***@host`);
// user info without a password is itself a token (`https://ghp_x@host`) and
// goes whole. The password may hold `/` and `@`, so the user info ends at the
// last `@` of the URL that does not start a digest.
std::string mask_url_userinfo(std::string_view s) {
  std::string out;
  size_t copied = 0;
  for (size_t p = s.find("://"); p != std::string_view::npos; p = s.find("://", p + 3)) {
    size_t begin = p + 3;
    if (begin < copied) continue;
    size_t end = url_end(s, begin);
    size_t at = std::string_view::npos;
    for (size_t k = begin; k < end; ++k)
      if (s[k] == '@' && !digest_at(s, begin, k)) at = k;
    if (at == std::string_view::npos || at == begin) continue;
    size_t colon = s.substr(begin, at - begin).find(':');
    size_t keep = colon == std::string_view::npos ? begin : begin + colon + 1;
    out.append(s.substr(copied, keep - copied));
    out.append(kMask);
    copied = at;  // the '@' and the host stay
    p = at;
  }
  if (copied == 0 && out.empty()) return std::string(s);
  out.append(s.substr(copied));
  return out;
}

}  // namespace

std::string mask_secrets(std::string_view text) {
  // A lowered copy in a per-thread buffer: no allocation once it has grown.
  thread_local std::string lower;
  lower.assign(text);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  bool url_userinfo = false;
  for (size_t p = lower.find("://"); p != std::string::npos && !url_userinfo; p = lower.find("://", p + 3)) {
    size_t end = url_end(lower, p + 3);
    for (size_t k = p + 3; k < end && !url_userinfo; ++k) url_userinfo = lower[k] == '@' && !digest_at(lower, p + 3, k);
  }
  const bool keyed = might_hold_secret(text, lower);
  if (!url_userinfo && !keyed) return std::string(text);
  std::string out = url_userinfo ? mask_url_userinfo(text) : std::string(text);
  if (keyed)
    for (const Mask& m : masks()) RE2::GlobalReplace(&out, *m.re, m.rewrite);
  return out;
}

}  // namespace pullscan
