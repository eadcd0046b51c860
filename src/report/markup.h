// Markup for the reports that leave the terminal (Markdown for tickets, HTML
// for postmortems): how a value from the logs is escaped so that it stays
// text in the medium (no tag, no link, no emphasis, no table cell of its
// own), and how the report's own prose is split into words and `code`
// spans, which both media render as code. Control bytes become `\xNN`
// first (terminal_safe), as on the terminal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// A run of a report sentence: prose, or what was between backticks.
struct ProsePiece {
  bool code = false;
  std::string_view text;
};

/// Splits at backtick spans; a backtick with no partner is prose.
std::vector<ProsePiece> split_code_spans(std::string_view sentence);

/// Whether a `code` span of the report's advice is a command to run (its
/// first word a program name, then arguments), not a value or a config line.
bool looks_like_command(std::string_view code);

/// Where Markdown text goes: a GFM table cell also splits on `|`, even inside code.
enum class MarkdownPlace { block, table_cell };

/// Outside text as Markdown prose: control bytes as `\xNN`, `<`, `>` and `&`
/// as entities, the other characters Markdown acts on backslash-escaped, and a
/// word an autolinker would take (`://`, `www.`, `@`) as a code span.
std::string markdown_text(std::string_view s, MarkdownPlace place = MarkdownPlace::block);

/// Outside text as one Markdown code span, fenced by more backticks than it holds.
std::string markdown_code(std::string_view s, MarkdownPlace place = MarkdownPlace::block);

/// A report sentence with `code` spans (advice, explanations) as Markdown.
std::string markdown_prose(std::string_view sentence);

/// The fence for a code block holding `content`: longer than any backtick run in it.
std::string markdown_fence(std::string_view content);

/// Outside text as HTML text or attribute value: control bytes as `\xNN`,
/// `& < > " '` as entities.
std::string html_text(std::string_view s);

/// A report sentence with `code` spans as HTML (`<code>` elements).
std::string html_prose(std::string_view sentence);

}  // namespace pullscan
