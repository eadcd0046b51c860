// Calendar arithmetic (Howard Hinnant's civil-from-days algorithms) and the
// timestamp shapes the supported logs use. No libc time zone calls: output
// must depend only on the input, never on the machine's TZ.
#include "core/timeutil.h"

#include <cmath>
#include <vector>
#include <fmt/format.h>

namespace pullscan {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t& v) {
  if (pos + n > s.size()) return false;
  v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return true;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

constexpr int64_t kNsPerSec = 1000000000LL;
constexpr int64_t kNsPerDay = 86400LL * kNsPerSec;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int64_t civil_to_ns(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s, int64_t frac_ns) {
  return days_from_civil(y, mon, d) * kNsPerDay + (int64_t(h) * 3600 + int64_t(mi) * 60 + s) * kNsPerSec + frac_ns;
}

int year_of(int64_t ns) {
  int64_t y;
  unsigned m, d;
  civil_from_days(floor_div(ns, kNsPerDay), y, m, d);
  return static_cast<int>(y);
}

int64_t rebase_year(int64_t naive_ns, int year) {
  if (year < 1970) year = 1970;
  if (year > 2200) year = 2200;
  int64_t days = floor_div(naive_ns, kNsPerDay);
  int64_t rest = naive_ns - days * kNsPerDay;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (m == 2 && d == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) d = 28;
  return days_from_civil(year, m, d) * kNsPerDay + rest;
}

unsigned month_from_abbrev(std::string_view s) {
  // Every journal line asks: compare three bytes, no library calls.
  static const char names[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 3) return 0;
  for (unsigned i = 0; i < 12; ++i)
    if (s[0] == names[i][0] && s[1] == names[i][1] && s[2] == names[i][2]) return i + 1;
  return 0;
}

unsigned month_from_name(std::string_view s) {
  if (unsigned m = month_from_abbrev(s)) return m;
  std::string t;
  for (char c : s) t.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (!t.empty() && t.back() == '.') t.pop_back();
  // Each row: the names of one month in the locales above (UTF-8 kept as is;
  // capitalised Cyrillic is rare in journalctl output).
  static const std::vector<std::vector<std::string_view>> names = {
      {"jan", "janv", "ene", "gen", "янв"},
      {"feb", "févr", "fev", "фев"},
      {"mar", "mär", "mars", "mrt", "мар"},
      {"apr", "avr", "abr", "апр"},
      {"may", "mai", "mag", "mei", "мая", "май"},
      {"jun", "juin", "giu", "июн"},
      {"jul", "juil", "lug", "июл"},
      {"aug", "août", "ago", "авг"},
      {"sep", "sept", "set", "сен"},
      {"oct", "okt", "ott", "out", "окт"},
      {"nov", "ноя"},
      {"dec", "dez", "déc", "dic", "дек"}};
  for (unsigned m = 0; m < 12; ++m)
    for (std::string_view n : names[m])
      if (t == n) return m + 1;
  return 0;
}

std::optional<int64_t> parse_iso8601(std::string_view s, bool& has_zone) {
  has_zone = false;
  int64_t y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  // int64 nanoseconds span 1677..2262; log timestamps outside 1970..2200 are junk.
  if (y < 1970 || y > 2200) return std::nullopt;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
    ++i;
    int64_t scale = 100000000;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (scale) {
        frac += (s[i] - '0') * scale;
        scale /= 10;
      }
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  int64_t offset_s = 0;
  if (i < s.size() && s[i] == 'Z') {
    has_zone = true;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int64_t oh, om;
    int sign = s[i] == '-' ? -1 : 1;
    if (!digits(s, i + 1, 2, oh)) return std::nullopt;
    size_t j = i + 3;
    if (j < s.size() && s[j] == ':') ++j;
    if (!digits(s, j, 2, om)) return std::nullopt;
    offset_s = sign * (oh * 3600 + om * 60);
    has_zone = true;
  }
  return civil_to_ns(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), static_cast<unsigned>(h),
                     static_cast<unsigned>(mi), static_cast<unsigned>(se), frac) -
         offset_s * kNsPerSec;
}

std::string format_iso_ms(int64_t ns) {
  int64_t days = floor_div(ns, kNsPerDay);
  int64_t rest = ns - days * kNsPerDay;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  int64_t secs = rest / kNsPerSec;
  int64_t ms = (rest % kNsPerSec) / 1000000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60, ms);
}

std::optional<int64_t> parse_go_duration_ms(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s == "0" || s == "0s") return 0;
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    double v = 0;
    try {
      v = std::stod(std::string(s.substr(start, i - start)));
    } catch (...) {
      return std::nullopt;
    }
    size_t u = i;
    while (i < s.size() && !((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
    std::string_view unit = s.substr(u, i - u);
    if (unit == "h") total_ms += v * 3600000;
    else if (unit == "m") total_ms += v * 60000;
    else if (unit == "s") total_ms += v * 1000;
    else if (unit == "ms") total_ms += v;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") total_ms += v / 1000;
    else if (unit == "ns") total_ms += v / 1e6;
    else return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(total_ms));
}

std::string format_span(int64_t ns) {
  int64_t s = ns / kNsPerSec;
  if (s < 1) return "<1s";
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60);
  return fmt::format("{}d{}h", s / 86400, (s / 3600) % 24);
}

}  // namespace pullscan
