// Reporters: the last stage. They read a finished RunResult and write it for
// a person (text, default, grouped by finding, most attempts first, each
// with its evidence and fix) or for a program (JSON, contract
// "pullscan.report/v1": fields are added freely, never renamed). Output
// depends only on the RunResult: no clock, no environment.
#pragma once

#include <ostream>

#include "classify/rule_set.h"
#include "core/record.h"

namespace pullscan {

/// Options of the text report.
struct TextOptions {
  size_t width = 100;     // wrap long text at this column
  bool explain = false;   // show every rule that matched the evidence, and why the winner won
  bool verdict_only = false;  // -q: the verdict line and nothing else
};

/// Writes the human report.
void write_text_report(const RunResult& r, const RuleSet& rules, const TextOptions& opt, std::ostream& out);

/// Writes the JSON report (one object, trailing newline).
void write_json_report(const RunResult& r, std::ostream& out);

}  // namespace pullscan
