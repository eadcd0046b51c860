// Reporters: the last stage. They read a finished RunResult and write it for
// a person (text, default, grouped by finding, most attempts first, each
// with its evidence and fix) or for a program (JSON, contract
// "pullscan.report/v1": fields are added freely, never renamed). Output
// depends only on the RunResult: no clock, no environment.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "classify/rule_set.h"
#include "core/record.h"

namespace pullscan {

/// Options of the text report.
struct TextOptions {
  size_t width = 100;     // wrap long text at this column
  bool explain = false;   // show every rule that matched the evidence, and why the winner won
  bool verdict_only = false;  // -q: the verdict line and nothing else
  bool color = false;     // colour by severity (ANSI); main decides from --color, the terminal, NO_COLOR, TERM
};

/// Writes the human report.
void write_text_report(const RunResult& r, const RuleSet& rules, const TextOptions& opt, std::ostream& out);

/// Writes the JSON report (one object, trailing newline).
void write_json_report(const RunResult& r, std::ostream& out);

/// Writes the JSON report's content as YAML (block style; strings
/// double-quoted with JSON's escapes, so every value keeps its type and bytes).
void write_yaml_report(const RunResult& r, std::ostream& out);

/// Converts one JSON value (as the reporters write it) to YAML block style.
/// False if json is not well-formed; yaml then holds what was converted.
bool json_to_yaml(std::string_view json, std::string& yaml);

/// Writes one row per finding, kubectl's `-o wide` table: class, registry,
/// images, nodes, attempts, first and last seen, whether it still fails.
void write_wide_report(const RunResult& r, std::ostream& out);

}  // namespace pullscan
