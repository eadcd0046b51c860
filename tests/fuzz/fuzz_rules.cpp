// Fuzz target: arbitrary bytes as a rules file. The loader must report
// problems as file:line: reason and never crash, whatever the YAML.
#include <cstddef>
#include <cstdint>
#include <string>

#include "classify/rule_set.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RuleSet rs;
  rs.add_text("rate_limited.yaml", std::string_view(reinterpret_cast<const char*>(data), size));
  rs.compile();
  if (rs.errors().empty()) {
    rs.check_examples();
    rs.classify("429 Too Many Requests", "docker.io");
  }
  for (const RuleError& e : rs.errors())
    if (e.file.empty()) __builtin_trap();
  return 0;
}
