// Fuzz target: Kubernetes objects and journal entries as JSON and YAML
// documents (kubectl -o json|yaml, watch streams, journalctl -o json).
#include <string>

#include "fuzz_lines.h"

using namespace pullscan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Event> out;
  std::vector<JournalEntry> entries;
  DocumentState state;
  LineContext ctx;
  decode_json_document(text, ctx, out, entries, state);
  std::string error;
  decode_yaml_documents(text, ctx, out, entries, state, error);
  return 0;
}
