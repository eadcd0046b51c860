// Fuzz target: journalctl/syslog envelopes and the format sniffer. Property:
// a stripped payload is always a suffix of the line, and times are sane.
#include "fuzz_lines.h"
#include "parsers/parser.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sniff_format(text);
  fuzz::for_each_line(data, size, false, [](std::string_view line, const LineContext&) {
    Envelope env;
    if (strip_journal(line, env)) {
      if (!env.payload.empty() && (env.payload.data() < line.data() ||
                                   env.payload.data() + env.payload.size() > line.data() + line.size()))
        __builtin_trap();
    }
    (void)is_journal_noise(line);
  });
  return 0;
}
