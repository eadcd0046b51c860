// Diagnostics: how every stage reports bad input without stopping the run.
// Once reading has begun nothing throws; a stage records a one-line
// `file:line: problem` here and carries on. Fatal is the single exception,
// thrown only during setup (options, rules, opening the store) and caught in
// main, which turns it into exit code 2.
#pragma once

#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// A setup error that ends the run (exit code 2). Never thrown once input reading starts.
class Fatal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Collects warnings about inputs; prints each as one line on the error stream.
class Diagnostics {
 public:
  /// Lines go to `err` prefixed with "pullscan: ".
  explicit Diagnostics(std::ostream& err) : err_(err) {}
  /// A collector: warnings are kept, not printed, until replay().
  Diagnostics() : err_(null_stream()), collect_(true) {}

  /// Prints (or collects into) target what this collector gathered, with
  /// line numbers shifted by line_offset.
  void replay(Diagnostics& target, uint64_t line_offset) const;

  /// A problem at a place in an input; `line` 0 means the whole input.
  void warn(std::string_view where, uint64_t line, std::string_view what);
  /// An input that could not be read at all.
  void input_unreadable(std::string_view where, std::string_view why);
  /// Number of warnings so far.
  uint64_t warnings() const { return warnings_; }
  /// Number of inputs that could not be opened or read.
  uint64_t unreadable_inputs() const { return unreadable_; }
  /// Stops printing after this many warnings (they are still counted).
  void set_limit(uint64_t limit) { limit_ = limit; }
  /// Prints how many warnings were suppressed, if any.
  void flush_summary();

 private:
  struct Pending {
    std::string where, what;
    uint64_t line;
    bool unreadable;
  };
  static std::ostream& null_stream();
  std::ostream& err_;
  bool collect_ = false;
  std::vector<Pending> pending_;
  uint64_t warnings_ = 0;
  uint64_t unreadable_ = 0;
  uint64_t limit_ = 100;
};

}  // namespace pullscan
