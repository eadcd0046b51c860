// Escaping for the Markdown and HTML reports (markup.h). Every value is
// treated as hostile: it is made printable first, then escaped for the
// medium, so what a log says can only ever be read, never rendered.
#include "report/markup.h"

#include <algorithm>

#include "core/text.h"

namespace pullscan {

std::vector<ProsePiece> split_code_spans(std::string_view s) {
  std::vector<ProsePiece> pieces;
  size_t start = 0;
  while (start < s.size()) {
    const size_t open = s.find('`', start);
    const size_t close = open == std::string_view::npos ? open : s.find('`', open + 1);
    if (close == std::string_view::npos) {
      pieces.push_back({false, s.substr(start)});
      break;
    }
    if (open > start) pieces.push_back({false, s.substr(start, open - start)});
    pieces.push_back({true, s.substr(open + 1, close - open - 1)});
    start = close + 1;
  }
  return pieces;
}

bool looks_like_command(std::string_view code) {
  const size_t space = code.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  const std::string_view program = code.substr(0, space);
  for (char c : program)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
  if (program.front() < 'a' || program.front() > 'z') return false;
  // `capabilities = [...]` is a line of a config file, not something to run.
  const std::string_view rest = trim(code.substr(space));
  return !rest.empty() && rest.front() != '=';
}

namespace {

// Words GFM's autolink extension turns into links by themselves.
bool autolinks(std::string_view word) {
  return word.find("://") != std::string_view::npos || word.find("www.") != std::string_view::npos ||
         word.find('@') != std::string_view::npos;
}

// Escapes one word of prose (no spaces in it).
void markdown_word(std::string_view word, MarkdownPlace place, std::string& out) {
  if (autolinks(word)) {
    out += markdown_code(word, place);
    return;
  }
  for (char c : word) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      // Emphasis, code, link brackets, table cells, strike-through, headings:
      // a link needs `[`, so `(` and `!` alone do nothing.
      case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '~': case '#':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
}

}  // namespace

std::string markdown_text(std::string_view raw, MarkdownPlace place) {
  const std::string s = terminal_safe(raw);
  std::string out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t space = s.find(' ', start);
    if (space == std::string::npos) space = s.size();
    markdown_word(std::string_view(s).substr(start, space - start), place, out);
    if (space == s.size()) break;
    out += ' ';
    start = space + 1;
  }
  return out;
}

std::string markdown_fence(std::string_view content) {
  size_t longest = 0, run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string markdown_code(std::string_view raw, MarkdownPlace place) {
  std::string s = terminal_safe(raw);
  if (place == MarkdownPlace::table_cell) {
    std::string cell;
    for (char c : s) {
      if (c == '|') cell += '\\';
      cell += c;
    }
    s = std::move(cell);
  }
  if (s.empty()) return "";
  size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string ticks(longest + 1, '`');
  // A span that starts or ends with a backtick needs a space inside its fence
  // (Markdown strips one space on each side).
  const bool pad = s.front() == '`' || s.back() == '`' || s.front() == ' ';
  return ticks + (pad ? " " : "") + s + (pad ? " " : "") + ticks;
}

std::string markdown_prose(std::string_view sentence) {
  std::string out;
  for (const ProsePiece& p : split_code_spans(sentence)) out += p.code ? markdown_code(p.text) : markdown_text(p.text);
  return out;
}

std::string html_text(std::string_view raw) {
  const std::string s = terminal_safe(raw);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_prose(std::string_view sentence) {
  std::string out;
  for (const ProsePiece& p : split_code_spans(sentence))
    out += p.code ? "<code>" + html_text(p.text) + "</code>" : html_text(p.text);
  return out;
}

}  // namespace pullscan
