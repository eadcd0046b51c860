// Reporters: the last stage. They read a finished RunResult and write it for
// a person (text, default, grouped by finding, most attempts first, each
// with its evidence and fix; Markdown for a ticket; HTML for a postmortem)
// or for a program (JSON, contract
// "pullscan.report/v1": fields are added freely, never renamed). Output
// depends only on the RunResult: no clock, no environment.
#pragma once

#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

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

/// The JSON objects of attempts that left memory before the report, kept in
/// an unnamed temporary file in the order they left, so that `--output json`
/// holds the attempts in progress, not every attempt of the input.
class JsonAttemptSpool {
 public:
  JsonAttemptSpool();
  ~JsonAttemptSpool();
  JsonAttemptSpool(const JsonAttemptSpool&) = delete;
  JsonAttemptSpool& operator=(const JsonAttemptSpool&) = delete;
  /// Whether the temporary file could be created; without it nothing may leave memory.
  bool ok() const { return file_ != nullptr; }
  /// Writes the attempt as the report will list it; `events` are the ones its indexes name.
  bool add(const PullAttempt& a, const std::vector<Event>& events);
  size_t size() const { return count_; }
  /// Calls each(object_without_finding, belongs_to_a_finding, "class\0registry") in order.
  template <typename Each>
  bool replay(Each each) const;

 private:
  std::FILE* file_;
  size_t count_ = 0;
};

/// Writes the JSON report (one object, trailing newline). The attempts in
/// `spooled` (may be null) come first, then r.attempts.
void write_json_report(const RunResult& r, std::ostream& out, const JsonAttemptSpool* spooled = nullptr);

/// Writes the JSON report's content as YAML (block style; strings
/// double-quoted with JSON's escapes, so every value keeps its type and bytes).
void write_yaml_report(const RunResult& r, std::ostream& out);

/// Converts one JSON value (as the reporters write it) to YAML block style.
/// False if json is not well-formed; yaml then holds what was converted.
bool json_to_yaml(std::string_view json, std::string& yaml);

/// Writes one row per finding, kubectl's `-o wide` table: class, registry,
/// images, nodes, attempts, first and last seen, whether it still fails.
void write_wide_report(const RunResult& r, std::ostream& out);

/// Writes the ticket summary in GitHub-flavoured Markdown (verdict, findings
/// table, each still-failing finding's evidence, cause and fix steps).
void write_markdown_report(const RunResult& r, std::ostream& out);

}  // namespace pullscan
