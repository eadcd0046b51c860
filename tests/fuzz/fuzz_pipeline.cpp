// Fuzz target: arbitrary bytes through the whole pipeline (every decoder via
// scan_text, then correlation, classification, findings and both reports).
// The property is "never crashes, never hangs, always writes a report".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "cli/run.h"
#include "report/report.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const RuleSet rules = RuleSet::builtin();
  RunResult r = analyse_text(std::string(reinterpret_cast<const char*>(data), size), rules);
  std::ostringstream out;
  write_json_report(r, out);
  write_text_report(r, rules, TextOptions{}, out);
  if (out.str().empty()) __builtin_trap();
  return 0;
}
