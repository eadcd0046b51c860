// Diagnostics implementation: one line per problem, capped so a file of
// binary junk cannot flood the terminal; the count is kept regardless.
#include "core/diag.h"

namespace pullscan {

void Diagnostics::warn(std::string_view where, uint64_t line, std::string_view what) {
  ++warnings_;
  if (warnings_ > limit_) return;
  err_ << "pullscan: " << where;
  if (line) err_ << ':' << line;
  err_ << ": " << what << '\n';
}

void Diagnostics::input_unreadable(std::string_view where, std::string_view why) {
  ++unreadable_;
  warn(where, 0, why);
}

void Diagnostics::flush_summary() {
  if (warnings_ > limit_)
    err_ << "pullscan: " << (warnings_ - limit_) << " more warnings not shown\n";
  err_.flush();
}

}  // namespace pullscan
