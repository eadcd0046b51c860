// Implementation of the shared text helpers. go_unquote_at follows Go's
// strconv.Unquote so that what containerd and kubelet escaped comes back
// byte for byte; a malformed escape makes the whole value fail rather than
// guessing, and callers fall back to the raw text.
#include "core/text.h"

#include <cstring>

namespace pullscan {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool go_unquote_at(std::string_view s, size_t& pos, std::string& out) {
  if (pos >= s.size() || s[pos] != '"') return false;
  size_t i = pos + 1;
  const size_t start_len = out.size();
  while (i < s.size()) {
    // Copy runs of plain bytes at once: most of a message has no escapes.
    size_t run = i;
    while (run < s.size() && s[run] != '"' && s[run] != '\\') ++run;
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) break;
    if (s[i] == '"') {
      pos = i + 1;
      return true;
    }
    if (i + 1 >= s.size()) break;
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\'': out.push_back('\''); break;
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'v': out.push_back('\v'); break;
      case 'x': {
        if (i + 2 > s.size()) goto bad;
        int h = hex_value(s[i]), l = hex_value(s[i + 1]);
        if (h < 0 || l < 0) goto bad;
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        size_t n = e == 'u' ? 4 : 8;
        if (i + n > s.size()) goto bad;
        uint32_t cp = 0;
        for (size_t k = 0; k < n; ++k) {
          int v = hex_value(s[i + k]);
          if (v < 0) goto bad;
          cp = cp * 16 + static_cast<uint32_t>(v);
        }
        append_utf8(cp, out);
        i += n;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          if (i + 2 > s.size()) goto bad;
          int v = (e - '0') * 64 + (s[i] - '0') * 8 + (s[i + 1] - '0');
          if (s[i] < '0' || s[i] > '7' || s[i + 1] < '0' || s[i + 1] > '7' || v > 255) goto bad;
          out.push_back(static_cast<char>(v));
          i += 2;
          break;
        }
        goto bad;
    }
  }
bad:
  out.resize(start_len);
  return false;
}

std::optional<std::string> go_unquote(std::string_view quoted) {
  std::string out;
  size_t pos = 0;
  if (!go_unquote_at(quoted, pos, out) || pos != quoted.size()) return std::nullopt;
  return out;
}

void json_escape(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        // A C1 control (U+0080..U+009F; U+009B is CSI): valid JSON raw, but
        // a terminal showing the JSON would obey it. Escaped, it decodes the same.
        out += "\\u00";
        out.push_back(hex[static_cast<unsigned char>(s[i + 1]) >> 4]);
        out.push_back(hex[static_cast<unsigned char>(s[i + 1]) & 15]);
        i += 2;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return s.substr(b, e - b);
}

std::string_view between(std::string_view s, std::string_view open, std::string_view close) {
  size_t a = s.find(open);
  if (a == std::string_view::npos) return {};
  a += open.size();
  size_t b = s.find(close, a);
  if (b == std::string_view::npos) return {};
  return s.substr(a, b - a);
}

std::optional<int64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string ellipsize(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max > 3 ? max - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  std::string out(s.substr(0, cut));
  out += "…";
  return out;
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n == 0) {
        out.push_back('?');
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    out.push_back((c < 0x20 && c != '\t') || c == 0x7F ? '?' : static_cast<char>(c));
    ++i;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

namespace {

// Appends s with every byte a terminal could act on written as `\xNN`: C0
// controls (all but '\n' when keep_newlines), DEL, C1 controls and bytes
// that are not UTF-8 (a lone 0x9B is CSI to an 8-bit terminal).
void append_terminal_safe(std::string_view s, bool keep_newlines, std::string& out) {
  static const char* hex = "0123456789abcdef";
  auto escape = [&](unsigned char c) {
    out += "\\x";
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 15]);
  };
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = utf8_len(s, i);
      if (n == 0) {
        escape(c);
        ++i;
      } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        escape(static_cast<unsigned char>(s[i + 1]));  // C1 control as its code point
        i += 2;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    if ((c < 0x20 && !(c == '\n' && keep_newlines)) || c == 0x7F) escape(c);
    else out.push_back(static_cast<char>(c));
    ++i;
  }
}

}  // namespace

std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_terminal_safe(s, false, out);
  return out;
}

std::string terminal_safe_lines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_terminal_safe(s, true, out);
  return out;
}

}  // namespace pullscan
