// The sentences the reports for people share (summary.h): written once, so
// that the text, Markdown and HTML reports never disagree on a count.
#include "report/summary.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/text.h"
#include "core/timeutil.h"

namespace pullscan {

std::string plural(int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string time_span(int64_t first, int64_t last) {
  if (!first) return "no timestamps in the input";
  std::string a = format_iso_ms(first);
  std::string b = format_iso_ms(last);
  std::string a_s = a.substr(0, 10) + " " + a.substr(11, 8);
  if (last - first < 1000000000LL) return a_s + " UTC";
  std::string b_s = b.substr(0, 10) == a.substr(0, 10) ? b.substr(11, 8) : b.substr(0, 10) + " " + b.substr(11, 8);
  return fmt::format("{} → {} UTC ({})", a_s, b_s, format_span(last - first));
}

std::string format_ms(int64_t ms) {
  if (ms < 1000) return fmt::format("{}ms", ms);
  if (ms < 60000) return fmt::format("{:.1f}s", ms / 1000.0);
  return format_span(ms * 1000000LL);
}

VerdictKind verdict_kind(const RunResult& r) {
  if (r.tally.attempts == 0) return VerdictKind::no_pulls;
  return r.tally.failed + r.tally.backoff == 0 ? VerdictKind::none_failed : VerdictKind::failed;
}

std::string verdict_line(const RunResult& r) {
  const AttemptTally& t = r.tally;
  switch (verdict_kind(r)) {
    case VerdictKind::no_pulls: {
      uint64_t lines = 0;
      for (const InputInfo& in : r.inputs) lines += in.lines;
      return fmt::format("pullscan: no image pulls found in {}.", plural(static_cast<int64_t>(lines), "line", "lines"));
    }
    case VerdictKind::none_failed:
      return fmt::format("pullscan: {} — none failed.", plural(t.attempts, "pull attempt", "pull attempts"));
    case VerdictKind::failed: break;
  }
  std::string head = fmt::format("pullscan: {} of {} failed", t.failed, plural(t.attempts, "pull attempt", "pull attempts"));
  if (t.backoff) head += fmt::format(", {} in back-off", t.backoff);
  if (t.succeeded) head += fmt::format(", {} succeeded", t.succeeded);
  return head;
}

std::string class_counts(const AttemptTally& t) {
  std::vector<std::pair<int64_t, std::string>> classes;
  for (const auto& [c, n] : t.failed_by_class) classes.emplace_back(-n, c);
  std::sort(classes.begin(), classes.end());
  std::vector<std::string> parts;
  for (const auto& [n, c] : classes) parts.push_back(fmt::format("{} {}", c, -n));
  return join(parts, ", ");
}

std::string state_sentence(const RunResult& r, EscapeForMedium name) {
  int64_t failing = 0, recovered = 0;
  std::set<std::string> nodes;
  for (const Finding& f : r.findings) {
    if (f.recovered) {
      ++recovered;
      continue;
    }
    ++failing;
    nodes.insert(f.nodes.begin(), f.nodes.end());
  }
  std::string s;
  if (failing) {
    s = fmt::format("{} still failing", plural(failing, "problem", "problems"));
    const size_t in_run = r.tally.nodes.size();
    if (!nodes.empty() && in_run > 1)
      s += nodes.size() == in_run ? (in_run == 2 ? std::string(", on both nodes") : fmt::format(", on all {} nodes", in_run))
                                  : fmt::format(", on {} of {} nodes", nodes.size(), in_run);
    else if (nodes.size() == 1)
      s += ", on " + name(*nodes.begin());
    if (recovered) s += fmt::format("; {} recovered", recovered);
  } else {
    s = recovered == 1 ? "the problem recovered: each failing image pulled fine later"
                       : fmt::format("all {} problems recovered: each failing image pulled fine later", recovered);
  }
  if (!r.tally.fallbacks.empty())
    s += fmt::format("; {} only after a mirror failed",
                     plural(static_cast<int64_t>(r.tally.fallbacks.size()), "image worked", "images worked"));
  return s;
}

std::string attempts_summary(const Finding& f, EscapeForMedium name) {
  std::string count = plural(f.attempts, "attempt", "attempts");
  if (f.backoff_attempts)
    count += fmt::format(" ({} in back-off{})", f.backoff_attempts,
                         f.cause_from_history ? ", the cause taken from the last failure of the image before it" : "");
  std::string span = !f.first_ns && !f.age.empty()
                         ? "last seen " + name(f.age) + " before the table was printed (a relative age; no times in the input)"
                         : time_span(f.first_ns, f.last_ns);
  if (f.peak_per_minute >= 2) span += fmt::format("; peak {:.0f}/min", f.peak_per_minute);
  return count + ", " + span;
}

}  // namespace pullscan
