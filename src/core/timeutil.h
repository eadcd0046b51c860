// Time handling for logs that disagree about time: containerd writes UTC with
// nanoseconds and a year, klog and journal short mode write local time with no
// year and no zone, events write RFC 3339 seconds. Everything becomes int64
// nanoseconds since the Unix epoch; times still missing a year are kept
// "naive" in placeholder year kNaiveYear and re-based once the year is known.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pullscan {

/// The year naive (year-less) timestamps are computed in until re-based; a leap
/// year so that Feb 29 survives.
inline constexpr int kNaiveYear = 2000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/// Nanoseconds since the epoch for a civil date and time (no zone applied).
int64_t civil_to_ns(int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned s, int64_t frac_ns);

/// Year of a time in ns since the epoch (UTC calendar).
int year_of(int64_t ns);

/// Moves a naive time from kNaiveYear to `year`, keeping month, day and time of day.
int64_t rebase_year(int64_t naive_ns, int year);

/// Month number 1..12 for "Jan".."Dec" (exactly three letters, case as journald prints); 0 if not a month.
unsigned month_from_abbrev(std::string_view s);

/// Month 1..12 for a month abbreviation as journalctl prints it under a
/// non-English locale (de, fr, es, it, pt, nl, ru): `Mär`, `mai`, `déc.`, `окт`; 0 if none.
unsigned month_from_name(std::string_view s);

/// Parses RFC 3339 / ISO 8601 timestamps as logged: `2024-05-01T12:00:00.123456789Z`,
/// `...+02:00`, `...+0200`, space instead of T. Sets has_zone when an offset or Z was given.
std::optional<int64_t> parse_iso8601(std::string_view s, bool& has_zone);

/// Formats ns since the epoch as `2023-03-17T11:33:04.658Z` (milliseconds, UTC).
std::string format_iso_ms(int64_t ns);

/// Parses a Go duration (`1m2.5s`, `49.18401355s`, `500ms`, `5m0s`, `1.2µs`) into milliseconds.
std::optional<int64_t> parse_go_duration_ms(std::string_view s);

/// A short human span such as "7m", "2h05m", "3d4h", "<1s".
std::string format_span(int64_t ns);

}  // namespace pullscan
