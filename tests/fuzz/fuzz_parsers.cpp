// Fuzz target: arbitrary bytes through the whole pipeline (every decoder via
// scan_text, then correlation, classification, findings and both reports).
// The property is "never crashes, never hangs, always writes a report".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "classify/classify.h"
#include "core/diag.h"
#include "correlate/correlate.h"
#include "parsers/parser.h"
#include "report/report.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const RuleSet rules = RuleSet::builtin();
  std::string text(reinterpret_cast<const char*>(data), size);
  std::ostringstream err, out;
  Diagnostics diag(err);
  RunResult r;
  InputInfo info;
  info.path = "fuzz";
  std::vector<InputClock> clocks(1);
  ScanOptions so;
  scan_text(text, 0, so, diag, info, r.events, clocks[0]);
  r.inputs.push_back(info);
  resolve_times(so, r.inputs, clocks, r.events, 2026);
  std::vector<int64_t> attempt_of;
  correlate(r.events, r.attempts, attempt_of);
  classify(rules, r);
  build_findings(rules, r);
  write_json_report(r, out);
  write_text_report(r, rules, TextOptions{}, out);
  if (out.str().empty()) __builtin_trap();
  return 0;
}
