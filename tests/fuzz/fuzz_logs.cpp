// Fuzz target: the program decoders on single lines: containerd logrus text,
// JSON and TTY layouts, kubelet klog (text, structured, multi-line, JSON).
#include "fuzz_lines.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<Event> out;
  std::vector<TimeSample> samples;
  std::string pending, body;
  fuzz::for_each_line(data, size, false, [&](std::string_view line, const LineContext& ctx) {
    decode_containerd_text(line, ctx, out, samples);
    decode_containerd_json(line, ctx, out, samples);
    decode_containerd_tty(line, ctx, out, samples);
    decode_kubelet_json(line, ctx, out);
    std::string continuation;
    decode_kubelet(line, ctx, out, continuation);
    if (!pending.empty()) finish_kubelet_multiline(pending, body, line, ctx, out);
    pending = continuation;
    body.assign(line.substr(0, 256));
  });
  for (const Event& e : out)
    if (e.line.size() > 4096 + 8) __builtin_trap();  // evidence is capped
  return 0;
}
