// Implementation of the in-process test helpers.
#include "helpers.h"

#include <fstream>
#include <sstream>

#include "classify/classify.h"
#include "cli/run.h"
#include "core/diag.h"
#include "correlate/correlate.h"
#include "parsers/parser.h"

namespace pullscan::test {

RunOutput run_tool(const Options& opt, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  RunOutput r;
  r.code = run(opt, in, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

Options scan_options(std::vector<std::string> paths, std::string output) {
  Options o;
  o.paths = std::move(paths);
  o.output = std::move(output);
  o.no_db = true;
  return o;
}

std::string source_path(const std::string& rel) { return std::string(PULLSCAN_SOURCE_DIR) + "/" + rel; }

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

RunResult analyse_text(const std::string& text) {
  static const RuleSet rules = RuleSet::builtin();
  std::ostringstream err;
  Diagnostics diag(err);
  RunResult r;
  InputInfo info;
  info.path = "-";
  std::vector<InputClock> clocks(1);
  ScanOptions so;
  scan_text(text, 0, so, diag, info, r.events, clocks[0]);
  r.inputs.push_back(info);
  resolve_times(so, r.inputs, clocks, r.events, 2026);
  std::vector<int64_t> attempt_of;
  correlate(r.events, r.attempts, attempt_of);
  classify(rules, r);
  build_findings(rules, r);
  return r;
}

}  // namespace pullscan::test
