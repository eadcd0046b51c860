// The JSON document reader of the parsers stage: the scanner hands it the
// lines (or, for a line longer than the input's line cap, the pieces) of a
// `k8s-json` or journal JSON input, and it finds the top-level values in them
// and decodes them through decode_json_document's decoders. A small value is
// decoded whole, as it always was; a large one (a `kubectl get pods -A -o
// json` of hundreds of MiB, or the API's one-line `get --raw` answer) is read
// item by item from its `items` array (or its elements, for a top-level
// array), so memory is one item, not the document, and a broken item costs
// that item only. What could not be read is kept as DocumentProblems, each
// naming the line of the value or item it is about.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/decode.h"

namespace pullscan {

/// A value or item that could not be read, at its first line.
struct DocumentProblem {
  uint64_t line = 0;
  std::string what;
};

/// Splits a stream of JSON text into top-level values, and large lists into
/// their items, and decodes each as it completes.
class JsonDocumentReader {
 public:
  /// A value up to this size is decoded whole (evidence and line numbers as
  /// for any small document); a larger one item by item.
  static constexpr size_t kWholeValueBytes = 1u << 20;
  /// One item (or one value that is not a list) larger than this is not read:
  /// etcd stores objects of at most 1.5 MiB, so nothing real comes near it.
  static constexpr size_t kMaxItemBytes = 64u << 20;
  /// Problems reported one by one; the rest are counted in one more line.
  static constexpr size_t kMaxProblems = 20;

  /// The context for events decoded from `raw` (the text of a small value or
  /// item, empty for a large one) that starts at `line`.
  using MakeContext = std::function<LineContext(std::string_view raw, uint64_t line)>;
  /// Runs after each decode: events from index `first_new` of the output are
  /// new, and `entries` are the journal entries found (to be read as lines).
  using AfterDecode = std::function<void(size_t first_new, std::vector<JournalEntry>& entries, uint64_t line)>;

  /// `whole_value_bytes` is kWholeValueBytes but in tests and the fuzz
  /// target, which make small inputs take the item-by-item path.
  JsonDocumentReader(std::vector<Event>& out, DocumentState& state, MakeContext make_context, AfterDecode after,
                     size_t whole_value_bytes = kWholeValueBytes);

  /// One whole line. False (and nothing read) when no value is open and the
  /// line does not start one: it is a log line, not part of a document.
  bool feed_line(std::string_view line, uint64_t line_no);
  /// One piece of an over-long line (the last piece ends with its newline).
  /// False, as for feed_line, when its first piece starts no value.
  bool feed_piece(std::string_view piece, uint64_t line_no, bool first_piece);
  /// True while a value is open: every line belongs to it.
  bool in_value() const { return depth_ > 0; }
  /// The input ended: a value still open was cut short; its complete items are kept.
  void finish();
  /// What could not be read, in input order.
  std::vector<DocumentProblem> problems() const;

 private:
  void consume(std::string_view text, uint64_t line_no);
  void start_value(uint64_t line_no);
  void end_value();
  void copy_span(std::string_view span);
  void item_ended();
  void leave_whole_mode();
  void decode_item(std::string_view text, uint64_t line);
  void decode_whole(std::string_view text, uint64_t line);
  void problem(uint64_t line, std::string what);

  std::vector<Event>& out_;
  DocumentState& state_;
  MakeContext make_context_;
  AfterDecode after_;
  const size_t whole_value_bytes_;

  // Where the scan is: container depth (0 = between values), inside a string.
  int64_t depth_ = 0;
  bool in_string_ = false, escape_ = false;
  // The value being read.
  uint64_t value_line_ = 0;
  bool whole_ = true;             // value_ holds the whole value so far
  std::string value_;             // while whole_
  std::string envelope_;          // after whole_, until an item is seen: the value without items
  bool envelope_overflow_ = false;
  // Keys of the top-level object (depth 1): what the current string is, and
  // which key the next value belongs to.
  bool expect_key_ = false, capturing_key_ = false, capturing_kind_ = false;
  std::string key_, value_key_, list_kind_;
  // The array whose elements are items: its depth (0 = none yet).
  int64_t items_depth_ = 0;
  bool item_open_ = false;
  uint64_t item_line_ = 0;
  size_t item_begin_ = 0;         // offset of the open item in value_ (whole_)
  std::string item_;              // the open item (after whole_)
  bool item_overflow_ = false;
  struct PendingItem {
    size_t begin, end;
    uint64_t line;
  };
  std::vector<PendingItem> pending_;  // complete items in value_ (whole_), decoded if it grows large
  uint64_t items_started_ = 0;        // items of this value seen so far
  uint64_t items_read_ = 0;           // items of this value decoded so far
  std::vector<DocumentProblem> problems_;
  uint64_t problems_dropped_ = 0;
};

}  // namespace pullscan
