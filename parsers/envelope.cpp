// journalctl's short-family prefixes and classic syslog (formats.md §4, §7.1
// J-short, J-iso, SYSLOG). Parsing is by position, no regex: this runs for
// every candidate line.
#include <cstring>

#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"

namespace pullscan {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Parses "HH:MM:SS[.frac]" at s[pos]; advances pos.
bool clock_at(std::string_view s, size_t& pos, int64_t& ns_of_day) {
  if (pos + 8 > s.size() || !digit(s[pos]) || !digit(s[pos + 1]) || s[pos + 2] != ':' || !digit(s[pos + 3]) ||
      !digit(s[pos + 4]) || s[pos + 5] != ':' || !digit(s[pos + 6]) || !digit(s[pos + 7]))
    return false;
  int64_t h = (s[pos] - '0') * 10 + (s[pos + 1] - '0');
  int64_t m = (s[pos + 3] - '0') * 10 + (s[pos + 4] - '0');
  int64_t sec = (s[pos + 6] - '0') * 10 + (s[pos + 7] - '0');
  if (h > 23 || m > 59 || sec > 60) return false;
  pos += 8;
  int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    while (pos < s.size() && digit(s[pos])) {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
  }
  ns_of_day = (h * 3600 + m * 60 + sec) * 1000000000LL + frac;
  return true;
}

// After the timestamp: " host ident[pid]: payload" (pid optional).
bool host_ident(std::string_view s, size_t pos, Envelope& env) {
  if (pos >= s.size() || s[pos] != ' ') return false;
  ++pos;
  size_t host_end = s.find(' ', pos);
  if (host_end == std::string_view::npos || host_end == pos) return false;
  size_t colon = s.find(": ", host_end + 1);
  size_t end_of_ident_field = colon;
  if (colon == std::string_view::npos) {
    // A message that is empty after "ident[pid]:" still counts.
    if (!s.empty() && s.back() == ':') end_of_ident_field = s.size() - 1;
    else return false;
  }
  std::string_view field = s.substr(host_end + 1, end_of_ident_field - host_end - 1);
  if (field.empty() || field.find(' ') != std::string_view::npos) return false;
  size_t br = field.find('[');
  env.host = s.substr(pos, host_end - pos);
  env.ident = br == std::string_view::npos ? field : field.substr(0, br);
  env.payload = colon == std::string_view::npos ? std::string_view() : s.substr(colon + 2);
  return true;
}

}  // namespace

bool strip_journal(std::string_view s, Envelope& env) {
  if (s.size() < 16) return false;
  size_t pos = 0;
  int64_t tod = 0;
  // The month as the locale abbreviates it: `Mar`, or `Mär`, `déc.`, `окт`.
  size_t month_len = s[3] == ' ' ? 3 : s.find(' ');
  unsigned mon = month_len == 3 ? month_from_abbrev(s.substr(0, 3)) : 0;
  if (!mon && month_len != std::string_view::npos && month_len <= 8 && !digit(s[0]) && s[0] != '[')
    mon = month_from_name(s.substr(0, month_len));
  if (mon && month_len + 4 < s.size() && s[month_len] == ' ') {
    // short / short-precise (zero-padded day) or syslog (space-padded day).
    size_t d = month_len + 1;
    unsigned day;
    if (digit(s[d]) && digit(s[d + 1])) day = unsigned((s[d] - '0') * 10 + (s[d + 1] - '0'));
    else if (s[d] == ' ' && digit(s[d + 1])) day = unsigned(s[d + 1] - '0');
    else return false;
    if (s[d + 2] != ' ' || day < 1 || day > 31) return false;
    pos = d + 3;
    if (!clock_at(s, pos, tod)) return false;
    if (!host_ident(s, pos, env)) return false;
    env.time_ns = civil_to_ns(kNaiveYear, mon, day, 0, 0, 0, 0) + tod;
    env.time_flags = time_has_date;
    return true;
  }
  if (digit(s[0]) && s.size() > 25 && s[4] == '-' && s[10] == 'T') {
    // short-iso / short-iso-precise: offset as +0000 (systemd <= 254) or +00:00.
    size_t sp = s.find(' ');
    if (sp == std::string_view::npos || sp < 20) return false;
    bool has_zone = false;
    auto t = parse_iso8601(s.substr(0, sp), has_zone);
    if (!t || !has_zone) return false;
    if (!host_ident(s, sp, env)) return false;
    env.time_ns = *t;
    env.time_flags = time_has_date | time_has_year | time_has_zone;
    return true;
  }
  if (s.size() > 24 && s[3] == ' ' && digit(s[4]) && s[8] == '-' && s[14] == ' ') {
    // short-full / with-unit: `Wed 2024-05-01 12:00:00[.uuuuuu] UTC host ident[pid]: msg`
    size_t sp = s.find(' ', 15);
    if (sp == std::string_view::npos) return false;
    bool has_zone = false;
    auto t = parse_iso8601(s.substr(4, sp - 4), has_zone);
    size_t zone_end = s.find(' ', sp + 1);
    if (!t || zone_end == std::string_view::npos) return false;
    std::string_view zone = s.substr(sp + 1, zone_end - sp - 1);
    if (!host_ident(s, zone_end, env)) return false;
    env.time_ns = *t;
    // Only UTC is unambiguous; other zone names keep the local reading.
    env.time_flags = time_has_date | time_has_year | (zone == "UTC" || zone == "GMT" ? time_has_zone : 0);
    return true;
  }
  if (digit(s[0]) || (s[0] == ' ' && s.find_first_not_of(' ') < 10)) {
    // short-unix: `%10s.%06u host ident[pid]: msg` (seconds right-aligned).
    size_t b = s.find_first_not_of(' ');
    size_t dot = s.find('.', b);
    size_t sp = s.find(' ', b);
    if (dot == std::string_view::npos || sp == std::string_view::npos || dot > sp || sp - dot != 7 || dot - b > 10)
      return false;
    auto secs = parse_uint(s.substr(b, dot - b));
    auto usec = parse_uint(s.substr(dot + 1, 6));
    // Epoch seconds of 1973..2200: anything else is not a journal timestamp
    // (and would overflow int64 nanoseconds).
    if (!secs || !usec || *secs < 100000000 || *secs >= 7258118400LL) return false;
    if (!host_ident(s, sp, env)) return false;
    env.time_ns = *secs * 1000000000LL + *usec * 1000;
    env.time_flags = time_has_date | time_has_year | time_has_zone;
    return true;
  }
  if (s[0] == '[') {
    // short-monotonic / short-delta: `[  123.456789] host ident[pid]: msg`; seconds
    // since boot say nothing absolute, so the line has no time.
    size_t close = s.find("] ");
    if (close == std::string_view::npos || close > 40) return false;
    if (s.substr(1, close - 1).find_first_not_of(" 0123456789.<>*") != std::string_view::npos) return false;
    if (!host_ident(s, close + 1, env)) return false;
    env.time_ns = 0;
    env.time_flags = time_none;
    return true;
  }
  return false;
}

bool is_journal_noise(std::string_view s) {
  return starts_with_lit(s, "-- ") || starts_with_lit(s, "Notice:") || starts_with_lit(s, "Warning:");
}

}  // namespace pullscan
