// Public face of the parsers stage: scan one input (a BlockReader) into
// Events, and afterwards give every year-less, zone-less time its year and
// zone from what the whole input set revealed. The stage is a pure function
// of its input lines plus the options; it keeps no lines, only Events.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.h"
#include "core/record.h"
#include "input/line_source.h"

namespace pullscan {

/// A supported input format, as `pullscan formats` lists it.
struct FormatDesc {
  std::string_view name;
  std::string_view description;
};

/// Every format the sniffer can report, in sniff priority order.
std::span<const FormatDesc> formats();

/// Guesses the format of an input from its first lines.
std::string sniff_format(std::string_view head);

/// What an input is to the reader; it decides how lenient the reading is.
enum class InputRole {
  as_given,     // a file, stdin or paste a person handed over: a short one is read as a paste
  program_log,  // a program's own output found in a bundle (a pod's log, a command's output, an
                // unrecognised file): never a paste; only lines that say a pull failed count
};

/// Options of the parsers stage.
struct ScanOptions {
  std::string format = "auto";          // a name from formats(), or "auto"
  std::optional<int> year;              // --year
  std::optional<int64_t> utc_offset_s;  // --tz as an offset
  ReadOptions read;
  unsigned threads = 0;                 // scanning threads per large file; 0 = one per core
  uint64_t parallel_min_bytes = 64ull << 20;  // smaller files are scanned by one thread
  uint64_t piece_bytes = 8ull << 20;          // a large file is scanned in pieces of about this size
  std::string node_hint;                // node for lines that name none (set per input)
  InputRole role = InputRole::as_given;
  /// Whether a text is a pull error by the knowledge base (the rules); set by
  /// the caller so that pasted fragments are recognised by the same patterns
  /// that classify them. Without it a built-in list of error leaves is used.
  std::function<bool(std::string_view)> is_pull_error;
};

/// What scanning one input learned about its clock.
struct InputClock {
  std::vector<std::pair<int64_t, int64_t>> samples;  // (naive local ns, UTC ns)
  // The first pairing of each host, for journals of several nodes in one
  // file (their zones may differ); at most kMaxHostClocks hosts.
  std::map<std::string, std::pair<int64_t, int64_t>> host_samples;
  static constexpr size_t kMaxHostClocks = 1024;
  int64_t mtime_ns = 0;
  bool saw_exact_year = false;
  int exact_year = 0;
  int64_t collected_ns = 0;    // when a bundle was collected (its name or metadata), 0 = unknown
  std::string collected_from;  // what said so, for the inputs section
};

/// Reads every line of `reader`, appending the pull events to `out`. Never throws.
/// `after_block`, if given, runs after each block of lines (follow mode).
void scan_input(BlockReader& reader, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
                InputInfo& info, std::vector<Event>& out, InputClock& clock,
                const std::function<void()>& after_block = {});

/// Opens and scans one input path: large plain files in parallel byte ranges
/// (the result is the same whatever the thread count), everything else
/// (stdin, gzip, small files) sequentially. Returns false if it could not be opened.
/// `after_block` runs after each block (or joined piece) of events is in `out`.
bool scan_path(const std::string& path, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
               InputInfo& info, std::vector<Event>& out, InputClock& clock,
               const std::function<void()>& after_block = {});

/// One consecutive piece of an input scanned on its own (a byte range of a
/// large file, a chunk of a bundle member), with line numbers from 1.
struct ScanPart {
  std::vector<Event> events;
  InputInfo info;
  InputClock clock;
  Diagnostics diag;  // collected, replayed in order by join_parts
  bool opened = true;
};

/// Appends the pieces of one input, in order, as if it had been scanned in
/// one go: line numbers shifted, diagnostics replayed, clocks merged. False if
/// a piece could not be opened (what came before it is kept).
bool join_parts(std::vector<ScanPart>& parts, Diagnostics& diag, InputInfo& info, std::vector<Event>& out,
                InputClock& clock);

/// join_parts one piece at a time, for pieces that finish in order.
class PartJoiner {
 public:
  PartJoiner(Diagnostics& diag, InputInfo& info, std::vector<Event>& out, InputClock& clock);
  /// Appends the next piece (its events are moved out). False if it could not be opened.
  bool add(ScanPart& part);

 private:
  Diagnostics& diag_;
  InputInfo& info_;
  std::vector<Event>& out_;
  InputClock& clock_;
  uint64_t line_offset_ = 0, events_ = 0;
  size_t parts_ = 0;
};

/// Options for scanning the pieces of an input whose head is `head`: the
/// format sniffed once from the head (a piece in the middle has no head of
/// its own) and, for klog files, the node from the "Running on machine" line.
ScanOptions piece_options(std::string_view head, const ScanOptions& opt);

/// Whether a line continues the record before it (the body of a klog
/// `err=<` block, indented, in a journal or raw): an input cut just before it
/// would split that record.
bool continues_record(std::string_view line);

/// A cut point in `text` (a line start) that splits no record: the start of
/// the last complete line that does not continue the one before it.
size_t record_cut(std::string_view text);

/// True for formats whose records span lines (JSON/YAML documents, journal
/// export/verbose): such an input cannot be cut into pieces.
bool is_document_format(std::string_view format);

/// Scans a text held in memory (explain, tests) as input `input_index`.
void scan_text(std::string_view text, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
               InputInfo& info, std::vector<Event>& out, InputClock& clock);

/// Gives naive times a year and zone: flags first, then what this input's
/// own lines showed, then other inputs, then the file's mtime. Records in each
/// InputInfo::time_note where they came from. `now_year` is the last resort.
void resolve_times(const ScanOptions& opt, std::vector<InputInfo>& inputs, const std::vector<InputClock>& clocks,
                   std::vector<Event>& events, int now_year);

}  // namespace pullscan
