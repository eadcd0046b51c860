// The `-o markdown` reporter: a summary to paste into a ticket (GitHub
// issues and comments, Jira's Markdown paste, Slack), GitHub-flavoured
// Markdown: the verdict as a heading, the findings table, then each finding
// that still fails with its evidence, why, and its fix steps, whose commands
// are repeated in a fenced block for copying; then what recovered and what
// was read. The sentences are the text report's (report/summary.h). Every
// value from the logs goes through report/markup.h, so a log cannot add a
// tag, a link, emphasis or a table cell to the ticket.
#include <fmt/format.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "report/markup.h"
#include "report/report.h"
#include "report/summary.h"

namespace pullscan {
namespace {

// Escapers with the one signature summary.h takes.
std::string code_name(std::string_view s) { return markdown_code(s); }
std::string plain_name(std::string_view s) { return markdown_text(s); }

// Names as code spans, the first `max`, then how many more.
std::string names(const std::vector<std::string>& items, size_t max) {
  std::vector<std::string> shown;
  for (size_t i = 0; i < items.size() && i < max; ++i) shown.push_back(markdown_code(items[i]));
  std::string s = join(shown, ", ");
  if (items.size() > max) s += fmt::format(" and {} more", items.size() - max);
  return s;
}

// A fenced code block, every line indented by `indent` (inside a list item).
void code_block(std::ostream& out, std::string_view info, const std::vector<std::string>& lines, std::string_view indent) {
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  const std::string fence = markdown_fence(all);
  out << indent << fence << info << '\n';
  for (const std::string& l : lines) out << indent << l << '\n';
  out << indent << fence << '\n';
}

void findings_table(std::ostream& out, const RunResult& r) {
  out << "| # | Class | Attempts | Registry | Nodes | State |\n|--:|---|--:|---|---|---|\n";
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    std::string nodes = f.nodes.empty() ? "-" : markdown_code(f.nodes.front(), MarkdownPlace::table_cell);
    if (f.nodes.size() > 1) nodes += fmt::format(" +{}", f.nodes.size() - 1);
    out << fmt::format("| {} | {} | {} | {} | {} | {} |\n", i + 1, markdown_code(f.class_id, MarkdownPlace::table_cell),
                       f.attempts, f.registry.empty() ? "-" : markdown_code(f.registry, MarkdownPlace::table_cell), nodes,
                       f.recovered ? "recovered" : "**still failing**");
  }
}

// One fix step: its sentence as a list item, paragraphs the advice indents
// (config snippets) as a code block, and the commands it names once more in
// a block of their own, to copy.
void fix_step(std::ostream& out, size_t number, std::string_view step) {
  std::vector<std::string> prose, snippet, commands;
  size_t start = 0;
  while (start <= step.size()) {
    size_t nl = step.find('\n', start);
    if (nl == std::string_view::npos) nl = step.size();
    std::string_view line = step.substr(start, nl - start);
    if (!line.empty() && line.front() == ' ') snippet.push_back(terminal_safe(line));
    else if (!trim(line).empty()) prose.emplace_back(line);
    start = nl + 1;
  }
  for (const std::string& p : prose)
    for (const ProsePiece& piece : split_code_spans(p))
      if (piece.code && looks_like_command(piece.text)) commands.push_back(terminal_safe(piece.text));
  const std::string indent(fmt::format("{}. ", number).size(), ' ');
  for (size_t i = 0; i < prose.size(); ++i)
    out << (i == 0 ? fmt::format("{}. ", number) : "\n" + indent) << markdown_prose(prose[i]) << '\n';
  if (prose.empty()) out << number << ".\n";
  if (!snippet.empty()) code_block(out, "", snippet, indent);
  if (!commands.empty()) code_block(out, "sh", commands, indent);
}

void finding_section(std::ostream& out, const RunResult& r, size_t number, const Finding& f) {
  out << fmt::format("\n### {}. {} ({})\n\n", number, markdown_text(f.title), markdown_code(f.class_id));
  out << "- **Attempts:** " << attempts_summary(f, plain_name) << '\n';
  if (!f.registry.empty()) out << "- **Registry:** " << markdown_code(f.registry) << '\n';
  if (!f.host.empty()) out << "- **Failing host:** " << markdown_code(f.host) << " (" << to_string(f.host_role) << ")\n";
  if (!f.images.empty()) out << "- **Images:** " << names(f.images, 6) << '\n';
  if (!f.nodes.empty()) out << "- **Nodes:** " << names(f.nodes, 8) << '\n';
  if (!f.pods.empty()) out << "- **Pods:** " << names(f.pods, 8) << '\n';
  if (!f.scope.empty()) out << "- **Scope:** " << markdown_prose(f.scope) << '\n';
  out << "- **Rule:** " << markdown_code(f.rule_id) << '\n';
  if (f.evidence) {
    const Event& e = *f.evidence;
    const std::string path = e.where.input < r.inputs.size() ? r.inputs[e.where.input].path : "?";
    out << "- **Evidence:** " << markdown_code(fmt::format("{}:{}", path, e.where.line)) << " (" << to_string(e.source)
        << ")\n";
    const std::string error = !f.error.empty() ? f.error : e.message;
    if (!error.empty()) {
      out << "\nError:\n\n";
      code_block(out, "text", {terminal_safe(ellipsize(error, 600))}, "");
    }
  }
  for (const std::string& note : f.notes) out << "\n> **Note:** " << markdown_prose(note) << '\n';
  if (!f.explanation.empty()) out << "\n**Why.** " << markdown_prose(f.explanation) << '\n';
  if (!f.fix.empty()) {
    out << "\n**Fix**\n\n";
    for (size_t k = 0; k < f.fix.size(); ++k) fix_step(out, k + 1, f.fix[k]);
  }
}

}  // namespace

void write_markdown_report(const RunResult& r, std::ostream& out) {
  out << "## " << verdict_line(r) << "\n\n";
  if (verdict_kind(r) == VerdictKind::failed)
    out << "**By class:** " << class_counts(r.tally) << "  \n**State:** " << state_sentence(r, code_name) << "\n";
  if (!r.findings.empty()) {
    out << '\n';
    findings_table(out, r);
  }
  for (size_t i = 0; i < r.findings.size(); ++i)
    if (!r.findings[i].recovered) finding_section(out, r, i + 1, r.findings[i]);
  bool any_recovered = false;
  for (const Finding& f : r.findings) any_recovered |= f.recovered;
  if (any_recovered) {
    out << "\n### Recovered\n\n";
    for (const Finding& f : r.findings)
      if (f.recovered)
        out << fmt::format("- {} ({}): {} on {}, {}; pulled fine {} after the first failure\n", markdown_text(f.title),
                           markdown_code(f.class_id), plural(f.attempts, "failed attempt", "failed attempts"),
                           names(f.nodes, 4), names(f.images, 3), format_span(f.recovered_after_ns));
  }
  if (!r.tally.succeeded_on.empty()) {
    out << "\n### Succeeded\n\n";
    for (const auto& [image, nodes] : r.tally.succeeded_on)
      out << "- " << (image.empty() ? "(image not named)" : markdown_code(image)) << " on "
          << names(std::vector<std::string>(nodes.begin(), nodes.end()), 6) << '\n';
  }
  // What was read: inputs with pull events each, the rest counted.
  out << "\n### Inputs\n\n";
  size_t quiet = 0, skipped = 0;
  for (const InputInfo& in : r.inputs) {
    if (!in.skip_reason.empty()) {
      skipped += 1 + in.more_skipped;
      continue;
    }
    if (!in.bundle.empty() && in.events == 0 && in.status == InputStatus::read) {
      ++quiet;
      continue;
    }
    std::string what = in.status == InputStatus::unreadable
                           ? "could not be read" + (in.problem.empty() ? std::string() : ": " + markdown_text(in.problem))
                           : fmt::format("{}, {}, {}", markdown_text(in.format), plural(static_cast<int64_t>(in.lines), "line", "lines"),
                                         plural(static_cast<int64_t>(in.events), "pull event", "pull events"));
    out << "- " << markdown_code(in.path) << ": " << what << '\n';
  }
  if (quiet) out << fmt::format("- and {} more read from bundles, with no pull events\n", plural(static_cast<int64_t>(quiet), "file", "files"));
  if (skipped) out << fmt::format("- {} skipped in bundles (the text report says why)\n", plural(static_cast<int64_t>(skipped), "member", "members"));
}

}  // namespace pullscan
