// Small text helpers every stage shares: Go-style unquoting (containerd's
// logrus and kubelet's klog quote values with strconv.Quote), JSON string
// escaping for the reporters, and view utilities. All work on string_view so
// the hot path can look at a line without copying it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// Reads a Go-quoted string starting at s[pos] == '"'. On success appends the
/// unquoted text to out, sets pos just past the closing quote and returns true.
/// Handles \" \\ \n \t \r \a \b \f \v \xNN \uNNNN \UNNNNNNNN and octal escapes.
bool go_unquote_at(std::string_view s, size_t& pos, std::string& out);

/// Unquotes a whole Go-quoted string ("..."); returns nullopt if malformed.
std::optional<std::string> go_unquote(std::string_view quoted);

/// Appends s to out as the body of a JSON string (no surrounding quotes).
/// Invalid UTF-8 bytes become U+FFFD so the output always parses; C0 and C1
/// controls and DEL are \u-escaped, so the JSON holds no raw control byte.
void json_escape(std::string_view s, std::string& out);

/// s without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

/// s with ASCII letters lowered (file names, extensions).
std::string ascii_lower(std::string_view s);

/// True if s starts with the literal lit; the length is known at compile
/// time, so this compiles to a few compares (the hot loop calls it per line).
template <size_t N>
inline bool starts_with_lit(std::string_view s, const char (&lit)[N]) {
  if (s.size() < N - 1) return false;
  for (size_t i = 0; i < N - 1; ++i)
    if (s[i] != lit[i]) return false;
  return true;
}

/// True if s contains needle.
inline bool contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

/// The text between the first `open` and the next `close` after it, or empty.
std::string_view between(std::string_view s, std::string_view open, std::string_view close);

/// Parses a non-negative decimal integer; nullopt on anything else.
std::optional<int64_t> parse_uint(std::string_view s);

/// Cuts s to at most max bytes (on a UTF-8 boundary), adding "…" when cut.
std::string ellipsize(std::string_view s, size_t max);

/// Replaces bytes that are not printable (controls, invalid UTF-8) with '?',
/// so evidence lines from binary junk cannot corrupt a terminal.
std::string printable(std::string_view s);

/// s safe to print on a terminal: every control byte (C0 including newline,
/// DEL, C1 raw or UTF-8-encoded) and every byte that is not UTF-8 is written
/// as `\xNN`, so outside text (node and pod names, file and member names,
/// error texts) can neither send an escape sequence nor start a line of its
/// own. Printable text, UTF-8 included, is unchanged. JSON output does not
/// need this: json_escape escapes the same bytes and keeps the value exact.
std::string terminal_safe(std::string_view s);

/// terminal_safe for text the program lays out in lines itself (report
/// fields holding several paragraphs): '\n' stays, everything else as above.
std::string terminal_safe_lines(std::string_view s);

/// Joins items with sep.
std::string join(const std::vector<std::string>& items, std::string_view sep);

}  // namespace pullscan
