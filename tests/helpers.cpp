// Implementation of the in-process test helpers.
#include "helpers.h"

#include <fstream>
#include <sstream>

#include "cli/run.h"

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
  return pullscan::analyse_text(text, rules);
}

}  // namespace pullscan::test
