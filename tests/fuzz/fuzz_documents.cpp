// Fuzz target: Kubernetes objects and journal entries as JSON and YAML
// documents (kubectl -o json|yaml, watch streams, journalctl -o json). JSON
// goes through the whole-document decoder and through JsonDocumentReader,
// line by line as scan.cpp feeds it, with a small whole-value size so that
// inputs of a few KiB take the item-by-item path too. YAML is read in
// process: the program's child process (one fork per input, 27 runs per
// second) would hide a yaml-cpp hang or crash from the fuzzer, not find it.
#include <string>

#include "fuzz_lines.h"
#include "parsers/documents.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Event> out;
  std::vector<JournalEntry> entries;
  DocumentState state;
  LineContext ctx;
  decode_json_document(text, ctx, out, entries, state);

  JsonDocumentReader reader(
      out, state, [](std::string_view raw, uint64_t line) {
        LineContext c;
        c.raw = raw;
        c.line_no = line;
        return c;
      },
      [](size_t, std::vector<JournalEntry>&, uint64_t) {}, 256);
  // The first byte picks where over-long lines are cut into pieces, as the
  // input stage does for lines longer than its cap.
  const size_t piece = size ? 16 + data[0] % 64 : 64;
  fuzz::for_each_line(data, size, false, [&](std::string_view line, const LineContext& c) {
    if (line.size() <= piece) {
      reader.feed_line(line, c.line_no);
      return;
    }
    std::string with_newline = std::string(line) + "\n";
    bool document = true;
    for (size_t at = 0; document && at < with_newline.size(); at += piece)
      document = reader.feed_piece(std::string_view(with_newline).substr(at, piece), c.line_no, at == 0);
  });
  reader.finish();
  reader.problems();

  std::string error;
  decode_yaml_documents(text, ctx, out, entries, state, error, YamlReader::in_process);
  return 0;
}
