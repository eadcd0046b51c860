// run(): the pipeline as a flat list of passes, like mold's main. Read every
// input into events; complete their times; correlate into attempts; classify;
// group into findings; store; report. Returns the exit code.
#pragma once

#include <istream>
#include <ostream>

#include "classify/rule_set.h"
#include "cli/options.h"
#include "core/record.h"

namespace pullscan {

/// Exit codes (README "Exit codes").
enum ExitCode : int {
  exit_ok = 0,          // no failed pulls
  exit_failures = 1,    // failed pulls found (or `rules check` found problems)
  exit_error = 2,       // usage or fatal error, or no input could be read
};

/// The analysis passes after reading, everything held (cli/analysis.h): complete
/// the times, correlate, classify, tally, group into findings. Returns, per
/// event, the index of its attempt (-1 none).
std::vector<int64_t> analyse(const ScanOptions& opt, const RuleSet& rules, std::vector<InputClock>& clocks,
                             RunResult& r, int now_year);

/// opt with is_pull_error answered by rules (the parsers' hook for pastes).
ScanOptions with_rules(ScanOptions opt, const RuleSet& rules);

/// Reads `text` as one input (every line decoded, no prefilter) and analyses it:
/// what `explain`, the tests and the fuzz target run.
RunResult analyse_text(const std::string& text, const RuleSet& rules, const ScanOptions& opt = {});

/// Executes opt; reads stdin from `in` when needed. Never throws.
int run(const Options& opt, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace pullscan
