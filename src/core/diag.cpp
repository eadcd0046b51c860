// Diagnostics implementation: one line per problem, capped so a file of
// binary junk cannot flood the terminal; the count is kept regardless. The
// place (a file or bundle member name) and the problem (which may quote the
// input or a library's message about it) are outside text: each is escaped
// whole, so a crafted name can neither drive the terminal nor start a line.
#include "core/diag.h"

#include "core/text.h"

namespace pullscan {

std::ostream& Diagnostics::null_stream() {
  static std::ostream null(nullptr);
  return null;
}

void Diagnostics::replay(Diagnostics& target, uint64_t line_offset) const {
  for (const Pending& p : pending_) {
    if (p.unreadable) target.input_unreadable(p.where, p.what);
    else target.warn(p.where, p.line ? p.line + line_offset : 0, p.what);
  }
}

void Diagnostics::warn(std::string_view where, uint64_t line, std::string_view what) {
  if (collect_) {
    pending_.push_back({std::string(where), std::string(what), line, false});
    ++warnings_;
    return;
  }
  ++warnings_;
  if (warnings_ > limit_) return;
  err_ << "pullscan: " << terminal_safe(where);
  if (line) err_ << ':' << line;
  err_ << ": " << terminal_safe(what) << '\n';
}

void Diagnostics::input_unreadable(std::string_view where, std::string_view why) {
  ++unreadable_;
  if (collect_) {
    pending_.push_back({std::string(where), std::string(why), 0, true});
    ++warnings_;
    return;
  }
  warn(where, 0, why);
}

void Diagnostics::flush_summary() {
  if (warnings_ > limit_)
    err_ << "pullscan: " << (warnings_ - limit_) << " more warnings not shown\n";
  err_.flush();
}

}  // namespace pullscan
