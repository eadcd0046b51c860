// run(): the pipeline as a flat list of passes, like mold's main. Read every
// input into events; complete their times; correlate into attempts; classify;
// group into findings; store; report. Returns the exit code.
#pragma once

#include <istream>
#include <ostream>

#include "cli/options.h"

namespace pullscan {

/// Exit codes (README "Exit codes").
enum ExitCode : int {
  exit_ok = 0,          // no failed pulls
  exit_failures = 1,    // failed pulls found (or `rules check` found problems)
  exit_error = 2,       // usage or fatal error, or no input could be read
};

/// Executes opt; reads stdin from `in` when needed. Never throws.
int run(const Options& opt, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace pullscan
