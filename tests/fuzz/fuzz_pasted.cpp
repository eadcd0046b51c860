// Fuzz target: the free-text reader (kubectl rows, docker CLI errors, bare
// chains) and secret masking. Property: masking never leaves a URL password.
#include <string>

#include "fuzz_lines.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<Event> out;
  fuzz::for_each_line(data, size, true, [&](std::string_view line, const LineContext& ctx) {
    bool open = false;
    decode_pasted(line, ctx, out, open);
    (void)begins_pasted_record(line);
    std::string masked = redact(line);
    if (masked.find("://u:secretpw@") != std::string::npos) __builtin_trap();
  });
  return 0;
}
