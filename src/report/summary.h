// What the reports for people (text, markdown, HTML) say the same way: the
// verdict line, the failures by class, how bad it is (state sentence), a
// finding's span of attempts, and its attempts per minute. Each reporter
// escapes names for its own medium, so the sentences that carry names from
// the input take the escaper as a parameter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace pullscan {

/// How a name from the input is made safe for one medium (terminal, Markdown, HTML).
using EscapeForMedium = std::string (*)(std::string_view);

/// "1 attempt", "3 attempts".
std::string plural(int64_t n, std::string_view one, std::string_view many);

/// A span of UTC times: "2026-11-20 10:00:42 → 10:01:24 UTC (42s)".
std::string time_span(int64_t first_ns, int64_t last_ns);

/// Pull times: "850ms", "6.5s", "1m12s".
std::string format_ms(int64_t ms);

/// Which of the three verdicts a run gets; the text report colours by it.
enum class VerdictKind { no_pulls, none_failed, failed };
VerdictKind verdict_kind(const RunResult& r);

/// The verdict line, without colour: "pullscan: 5 of 6 pull attempts failed, 1 succeeded".
/// Only numbers: nothing from the input.
std::string verdict_line(const RunResult& r);

/// Failures per class, most first: "not_found 3, rate_limited 2" (class ids are the rules').
std::string class_counts(const AttemptTally& t);

/// How bad it is: what still fails and where, what recovered; node names through `name`.
std::string state_sentence(const RunResult& r, EscapeForMedium name);

/// A finding's attempts line: "3 attempts, 2026-11-20 10:00:42 → 10:01:24 UTC (42s); peak 2/min".
/// `age` (kubectl's relative age) is the only text from the input: through `name`.
std::string attempts_summary(const Finding& f, EscapeForMedium name);

}  // namespace pullscan
