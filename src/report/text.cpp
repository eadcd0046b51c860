// The human report. Sections, in order: a verdict line, one block per
// finding (most attempts first) with its evidence and the fix for this
// registry/node/pod, then pulls that succeeded, then the inputs read and how
// their times were completed. Lines wrap at TextOptions::width, counted in
// display columns (the report's own `──`, `→` and `—` are one column each);
// a command in backticks is never split, so it can be pasted whole.
// Colour (TextOptions::color) marks severity only: what still fails red,
// what recovered yellow, what worked green; it wraps text already escaped.
//
// Everything here reaches a terminal, and most values come from the input
// (node, pod and image names, file and member names, error texts): every
// field goes through terminal_safe, and a name that could carry a newline of
// its own is escaped whole, so crafted input can neither send an escape
// sequence nor print a line that looks like pullscan's.
#include <algorithm>
#include <tuple>
#include <map>
#include <set>
#include <sstream>

#include <fmt/color.h>
#include <fmt/format.h>

#include "classify/classify.h"
#include "core/error_chain.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "report/columns.h"
#include "report/report.h"
#include "report/summary.h"

namespace pullscan {
namespace {

// The failing host beside the registry, in the terms of what it is to it: a
// DNS or firewall problem with a storage host is not a typo in the image.
std::string host_sentence(const Finding& f) {
  std::string host = terminal_safe(f.host);
  std::string registry = f.registry.empty() ? "the registry" : terminal_safe(f.registry);
  switch (f.host_role) {
    case HostRole::mirror:
      return fmt::format("{}, a mirror tried for {} (hosts.toml or registry mirrors): the failure is the mirror's", host,
                         registry);
    case HostRole::redirect:
      return fmt::format("{}, where {} redirected the request: nodes need DNS and egress to it as well as to {}", host,
                         registry, registry);
    case HostRole::blob_storage:
      return fmt::format("{}, storage {} sends layer downloads to: nodes need DNS and egress to it as well as to {}",
                         host, registry, registry);
    case HostRole::token_service:
      return fmt::format("{}, the token service {} sends clients to for credentials: nodes need DNS and egress to it, "
                         "and it decides on the credentials",
                         host, registry);
    case HostRole::registry:
    case HostRole::other: break;
  }
  return fmt::format("{}, named by the error: not {} itself", host, registry);
}

constexpr size_t kLabel = 12;  // column where values start

// How a field's text may be broken into lines.
enum class Breaks {
  anywhere,         // at any space (texts from the input: error lines, names)
  not_inside_code,  // never inside a `backtick span`: the report's prose, whose commands must paste whole
};

// Severity, the only thing colour says.
enum class Severity { failing, recovered, fine };

std::string paint(std::string_view text, Severity severity, bool color) {
  if (!color) return std::string(text);
  const fmt::text_style style = severity == Severity::failing     ? fmt::fg(fmt::terminal_color::red) | fmt::emphasis::bold
                                : severity == Severity::recovered ? fmt::fg(fmt::terminal_color::yellow)
                                                                  : fmt::fg(fmt::terminal_color::green);
  return fmt::format(style, "{}", text);
}

// Word-wraps text into lines of at most `width` display columns, honouring
// newlines. A word wider than the line (a long command) gets a line of its
// own and is not cut.
std::vector<std::string> wrap(std::string_view text, size_t width, Breaks breaks = Breaks::anywhere) {
  std::vector<std::string> lines;
  if (width < 20) width = 20;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view para = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    // Keep the paragraph's own indentation (YAML snippets in fixes).
    size_t lead = 0;
    while (lead < para.size() && para[lead] == ' ') ++lead;
    std::string indent(para.substr(0, lead));
    std::string cur = indent;
    size_t cur_width = lead;
    size_t i = lead;
    bool any = false;
    while (i < para.size()) {
      // The word runs to the next space outside a closed backtick span.
      size_t end = i;
      while (end < para.size() && para[end] != ' ') {
        if (breaks == Breaks::not_inside_code && para[end] == '`') {
          size_t close = para.find('`', end + 1);
          if (close != std::string_view::npos) {
            end = close + 1;
            continue;
          }
        }
        ++end;
      }
      std::string_view word = para.substr(i, end - i);
      if (!word.empty()) {
        const size_t word_width = display_width(word);
        if (any && cur_width + 1 + word_width > width) {
          lines.push_back(cur);
          cur = indent;
          cur_width = lead;
          any = false;
        }
        if (any) {
          cur += ' ';
          ++cur_width;
        }
        cur += word;
        cur_width += word_width;
        any = true;
      }
      if (end >= para.size()) break;
      i = end + 1;
    }
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    lines.push_back(cur);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  return lines;
}

// One labelled field. The label is one line (often a file name); the value
// keeps the newlines the report itself put between its paragraphs.
void field(std::ostream& out, std::string_view raw_label, std::string_view value, size_t width,
           Breaks breaks = Breaks::anywhere) {
  const std::string label = terminal_safe(raw_label);
  std::vector<std::string> lines = wrap(terminal_safe_lines(value), width - kLabel, breaks);
  bool long_label = display_width(label) > kLabel - 3;
  if (long_label) out << "  " << label << '\n';
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i == 0 && !long_label) out << "  " << pad_right(label, kLabel - 2);
    else if (!lines[i].empty()) out << std::string(kLabel, ' ');
    out << lines[i] << '\n';
  }
  if (lines.empty() && !long_label) out << "  " << pad_right(label, kLabel - 2) << '\n';
}

// Names (images, nodes, pods, members), each escaped whole: a newline in one
// must not start a line of the report.
std::string list_summary(const std::vector<std::string>& items, size_t max) {
  std::vector<std::string> head;
  for (size_t i = 0; i < items.size() && i < max; ++i) head.push_back(terminal_safe(items[i]));
  if (items.size() <= max) return join(head, ", ");
  return join(head, ", ") + fmt::format(" and {} more", items.size() - max);
}

// One name from the input, for a place in a sentence.
std::string name(std::string_view s, std::string_view if_empty = "-") {
  return s.empty() ? std::string(if_empty) : terminal_safe(s);
}

std::string location(const RunResult& r, const Event& e) {
  std::string path = e.where.input < r.inputs.size() ? r.inputs[e.where.input].path : "?";
  return fmt::format("{}:{} ({})", terminal_safe(path), e.where.line, to_string(e.source));
}

// The finding's prose (title, scope, notes, why, fix) has the input's names
// filled in, between newlines of its own: a name holding a control byte (a
// crafted event's node `n\npullscan: all pulls OK`) is replaced by its
// escaped form, so only the report's own newlines remain. Names are matched
// longest first; a finding with clean names returns the text as it is.
class NameEscaper {
 public:
  explicit NameEscaper(const Finding& f) {
    auto add_one = [&](std::string_view name) {
      if (!name.empty() && terminal_safe(name) != name) names_.emplace_back(name);
    };
    auto add = [&](std::string_view name) {
      add_one(name);
      if (size_t slash = name.find('/'); slash != std::string_view::npos) {  // namespace/pod: each half too
        add_one(name.substr(0, slash));
        add_one(name.substr(slash + 1));
      }
    };
    for (const auto* list : {&f.nodes, &f.pods, &f.images, &f.namespaces})
      for (const std::string& n : *list) add(n);
    add(f.registry);
    std::sort(names_.begin(), names_.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
  std::string operator()(std::string text) const {
    for (const std::string& name : names_) {
      const std::string safe = terminal_safe(name);
      for (size_t p = text.find(name); p != std::string::npos; p = text.find(name, p + safe.size()))
        text.replace(p, name.size(), safe);
    }
    return text;
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace

namespace {

std::string describe_input(const InputInfo& in) {
  if (in.status == InputStatus::unreadable)
    return in.problem.empty() ? "could not be read" : "could not be read: " + in.problem;
  std::string desc = fmt::format("{}, {}, {}", in.format, plural(static_cast<int64_t>(in.lines), "line", "lines"),
                                 plural(static_cast<int64_t>(in.events), "pull event", "pull events"));
  if (in.skipped) desc += fmt::format(", {} unreadable", plural(static_cast<int64_t>(in.skipped), "part", "parts"));
  if (in.status == InputStatus::cut_short && !in.problem.empty()) desc += "; " + in.problem;
  if (!in.time_note.empty()) desc += "; " + in.time_note;
  return desc;
}

// A bundle's members: one line for the bundle (layout, nodes, counts), one
// per member that held pull events or is a node's runtime log, and the rest
// summed up, so a bundle of a thousand files stays a screenful.
void write_bundle_inputs(std::ostream& out, const std::vector<InputInfo>& inputs, size_t begin, size_t end,
                         size_t width) {
  const std::string& bundle = inputs[begin].bundle;
  std::set<std::string> nodes;
  std::map<std::string, std::vector<std::string>> skipped;  // reason -> members listed
  std::map<std::string, uint64_t> unlisted;                 // reason -> members counted, not listed
  std::vector<std::string> quiet;                            // read, nothing about pulls
  size_t read = 0;
  auto in_bundle = [&](const std::string& path) {
    return path.size() > bundle.size() + 1 && path.compare(0, bundle.size(), bundle) == 0 ? path.substr(bundle.size() + 1)
                                                                                          : path;
  };
  // Collectors put everything under one folder (support-bundle-<date>/):
  // said once in the head line instead of on every member.
  std::string top;
  for (size_t i = begin; i < end; ++i) {
    std::string rel = in_bundle(inputs[i].path);
    size_t slash = rel.find('/');
    std::string first = slash == std::string::npos ? "" : rel.substr(0, slash + 1);
    if (i == begin) top = first;
    else if (first != top) top.clear();
    if (top.empty()) break;
  }
  auto short_name = [&](const std::string& path) { return in_bundle(path).substr(top.size()); };
  for (size_t i = begin; i < end; ++i) {
    const InputInfo& in = inputs[i];
    if (!in.node.empty()) nodes.insert(in.node);
    if (!in.skip_reason.empty()) {
      skipped[in.skip_reason].push_back(short_name(in.path));
      unlisted[in.skip_reason] += in.more_skipped;
    } else if (in.status == InputStatus::read || in.status == InputStatus::cut_short) {
      ++read;
    }
  }
  std::string head = inputs[begin].layout.empty() ? "bundle" : inputs[begin].layout;
  if (!top.empty()) head += " in " + top;
  if (!nodes.empty())
    head += fmt::format(", {} ({})", plural(static_cast<int64_t>(nodes.size()), "node", "nodes"),
                        list_summary(std::vector<std::string>(nodes.begin(), nodes.end()), 8));
  head += fmt::format("; {} read", plural(static_cast<int64_t>(read), "file", "files"));
  size_t skipped_count = 0;
  for (const auto& [reason, names] : skipped) skipped_count += names.size() + unlisted[reason];
  if (skipped_count) head += fmt::format(", {} skipped", skipped_count);
  field(out, bundle, head, width);
  for (size_t i = begin; i < end; ++i) {
    const InputInfo& in = inputs[i];
    if (!in.skip_reason.empty()) continue;
    bool runtime_log = in.read_as == "containerd log" || in.read_as == "kubelet log" || in.read_as == "journal" ||
                       in.read_as == "CRI-O log" || in.read_as == "events" || in.read_as == "pods";
    if (in.events == 0 && !runtime_log && in.skipped == 0 && in.status == InputStatus::read) {
      quiet.push_back(short_name(in.path));
      continue;
    }
    std::string what = in.read_as.empty() ? "" : in.read_as;
    if (!in.node.empty()) what += (what.empty() ? "node " : " of ") + terminal_safe(in.node);
    field(out, "  " + short_name(in.path), (what.empty() ? "" : what + ": ") + describe_input(in), width);
  }
  if (!quiet.empty())
    field(out, "  also read", fmt::format("{} with no pull events: {}", plural(static_cast<int64_t>(quiet.size()), "file", "files"),
                                          list_summary(quiet, 4)),
          width);
  for (const auto& [reason, names] : skipped) {
    // The first few names, then how many more (listed or only counted).
    constexpr size_t kShown = 4;
    std::vector<std::string> shown(names.begin(), names.begin() + static_cast<long>(std::min(names.size(), kShown)));
    uint64_t more = names.size() - shown.size() + unlisted[reason];
    field(out, "  skipped",
          fmt::format("{}: {}{}", reason, list_summary(shown, kShown), more ? fmt::format(" and {} more", more) : ""),
          width);
  }
}

}  // namespace

// The findings on one screen before their blocks: one row each, in the
// blocks' order and numbering. Only with two findings or more: one finding's
// block header already follows the verdict. Nodes are cut to the width
// left, with how many more; the state cell carries the colour.
void write_findings_table(const RunResult& r, const TextOptions& opt, size_t width, std::ostream& out) {
  if (r.findings.size() < 2) return;
  struct Row {
    std::string number, class_id, attempts, registry, nodes, state;
    Severity severity;
  };
  std::vector<Row> rows;
  rows.push_back({"#", "class", "attempts", "registry", "nodes", "state", Severity::fine});
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    std::string nodes = f.nodes.empty() ? "-" : terminal_safe(f.nodes.front());
    if (f.nodes.size() > 1) nodes += fmt::format(" +{}", f.nodes.size() - 1);
    rows.push_back({std::to_string(i + 1), terminal_safe(f.class_id), std::to_string(f.attempts),
                    f.registry.empty() ? "-" : terminal_safe(f.registry), nodes,
                    f.recovered ? "recovered" : "still failing", f.recovered ? Severity::recovered : Severity::failing});
  }
  size_t w_number = 0, w_class = 0, w_attempts = 0, w_registry = 0, w_nodes = 0;
  for (const Row& row : rows) {
    w_number = std::max(w_number, display_width(row.number));
    w_class = std::max(w_class, display_width(row.class_id));
    w_attempts = std::max(w_attempts, display_width(row.attempts));
    w_registry = std::max(w_registry, display_width(row.registry));
    w_nodes = std::max(w_nodes, display_width(row.nodes));
  }
  // The registry and nodes give way when the line would pass the width.
  constexpr size_t kGap = 2, kState = 13;  // "still failing"
  const size_t fixed = 2 + w_number + kGap + w_class + kGap + w_attempts + kGap + kGap + kGap + kState;
  const size_t room = width > fixed ? width - fixed : 0;
  if (w_registry + w_nodes > room) {
    w_registry = std::min(w_registry, std::max<size_t>(room / 2, 8));
    w_nodes = room > w_registry + 5 ? room - w_registry : 5;
  }
  // text in at most `columns` columns, with … when it had to be cut.
  auto cut = [](const std::string& text, size_t columns) {
    if (display_width(text) <= columns) return text;
    std::string kept;
    for (size_t i = 0; i < text.size();) {
      size_t length = 1;
      while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
      const std::string_view code_point(text.data() + i, length);
      if (display_width(kept) + display_width(code_point) + 1 > columns) break;
      kept.append(code_point);
      i += length;
    }
    return kept + "…";
  };
  out << "\n── Findings\n";
  for (const Row& row : rows) {
    std::string number = std::string(w_number - display_width(row.number), ' ') + row.number;
    std::string attempts = std::string(w_attempts - display_width(row.attempts), ' ') + row.attempts;
    std::string line = "  " + number + "  " + pad_right(row.class_id, w_class) + "  " + attempts + "  " +
                       pad_right(cut(row.registry, w_registry), w_registry) + "  " +
                       pad_right(cut(row.nodes, w_nodes), w_nodes) + "  ";
    out << line << (&row == &rows.front() ? row.state : paint(row.state, row.severity, opt.color)) << '\n';
  }
}

void write_text_report(const RunResult& r, const RuleSet& rules, const TextOptions& opt, std::ostream& out) {
  const size_t width = opt.width < 60 ? 60 : opt.width;
  const AttemptTally& t = r.tally;
  const int64_t succeeded = t.succeeded, unknown = t.unknown;
  // Verdict line.
  const std::string verdict = verdict_line(r);
  switch (verdict_kind(r)) {
    case VerdictKind::no_pulls:
      out << verdict << '\n';
      if (opt.verdict_only) return;
      break;
    case VerdictKind::none_failed:
      out << paint(verdict, Severity::fine, opt.color) << '\n';
      if (opt.verdict_only) return;
      if (!t.fallbacks.empty())
        field(out, "state",
              fmt::format("{} only after a mirror failed (see Mirrors and registry config)",
                          plural(static_cast<int64_t>(t.fallbacks.size()), "image worked", "images worked")),
              width);
      break;
    case VerdictKind::failed:
      out << paint(verdict, Severity::failing, opt.color) << '\n';
      if (opt.verdict_only) return;
      field(out, "by class", class_counts(t), width);
      field(out, "state", state_sentence(r, terminal_safe), width);
      break;
  }
  write_findings_table(r, opt, width, out);
  // Findings that still stand; recovered ones get a short section of their own.
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    if (f.recovered) continue;
    const NameEscaper escape_names(f);
    std::string title = terminal_safe(fmt::format("{}. {} [{}] ", i + 1, f.title, f.class_id));
    std::string header = "── " + title;
    for (size_t used = display_width(header); used < width; ++used) header += "─";
    out << '\n' << paint(header, Severity::failing, opt.color) << '\n';
    field(out, "attempts", attempts_summary(f, terminal_safe), width);
    if (!f.registry.empty()) field(out, "registry", terminal_safe(f.registry), width);
    if (!f.host.empty()) field(out, "host", host_sentence(f), width);
    if (!f.images.empty()) field(out, "images", list_summary(f.images, 6), width);
    if (!f.nodes.empty()) field(out, "nodes", list_summary(f.nodes, 8), width);
    if (!f.pods.empty()) field(out, "pods", list_summary(f.pods, 8), width);
    if (f.names_capped) field(out, "", "(more than 1,000 names of one kind: the lists hold the first 1,000)", width);
    field(out, "scope", escape_names(f.scope), width, Breaks::not_inside_code);
    field(out, "rule", f.rule_id, width);
    if (f.evidence) {
      field(out, "evidence", location(r, *f.evidence), width);
      std::string err = !f.error.empty() ? f.error : f.evidence->message;
      if (!err.empty()) field(out, "error", ellipsize(printable(err), 600), width);
    }
    if (opt.explain && f.evidence) {
      const Event& e = *f.evidence;
      std::vector<RuleMatch> ms = rules.matches(rule_text(e), f.registry);
      std::vector<std::string> lines;
      for (size_t k = 0; k < ms.size(); ++k)
        lines.push_back(fmt::format("{} {} (class {}, priority {}){}", k == 0 ? "won: " : "lost:", ms[k].rule->id,
                                    ms[k].rule->class_id, ms[k].rule->priority,
                                    k == 0 && ms.size() > 1 ? " — highest priority" : ""));
      if (lines.empty()) lines.push_back("no rule matched");
      field(out, "matched", join(lines, "\n"), width);
    }
    for (const std::string& note : f.notes) field(out, "note", escape_names(note), width, Breaks::not_inside_code);
    // The registry hosts containerd tried for this finding's latest attempt (mirror chain).
    if (!f.tries.empty()) {
      std::vector<std::string> chain;
      for (const HostTry& h : f.tries) chain.push_back(terminal_safe(h.host) + ": " + terminal_safe(host_answer(h.error, 160)));
      field(out, "hosts", join(chain, "\n") + "\n(then the error above)", width);
    }
    if (!f.explanation.empty()) field(out, "why", escape_names(f.explanation), width, Breaks::not_inside_code);
    for (size_t k = 0; k < f.fix.size(); ++k)
      field(out, k == 0 ? "fix" : "", fmt::format("{}. {}", k + 1, escape_names(f.fix[k])), width,
            Breaks::not_inside_code);
  }
  // Docker Hub's own count, when debug logs printed its rate-limit headers.
  if (!r.rate_limits.empty()) {
    out << "\n── Docker Hub rate limit (from its response headers)\n";
    for (const RateLimitAccount& a : r.rate_limits) {
      std::string who = a.source.empty() ? "pulls (no docker-ratelimit-source header: authenticated)"
                                          : "source address " + terminal_safe(a.source);
      std::string text = fmt::format("{}: {} with Docker Hub's rate-limit headers, from {}", who,
                                     plural(a.responses, "registry response", "registry responses"),
                                     plural(static_cast<int64_t>(a.nodes.size()), "node", "nodes"));
      if (a.first_ns) text += fmt::format(" in {}", format_span(a.last_ns - a.first_ns));
      if (a.limit >= 0)
        text += fmt::format("; remaining went from {} to {} of {} per {}", a.first_remaining, a.min_remaining, a.limit,
                            a.window_s > 0 ? format_span(int64_t(a.window_s) * 1000000000LL) : "window");
      if (a.too_many) text += fmt::format("; {} answered 429", a.too_many);
      if (a.charged) text += fmt::format("; {} charged", plural(a.charged, "pull", "pulls"));
      if (a.manifest_gets >= 0)
        text += fmt::format("; containerd asked for manifests {} with GET (a GET that Hub serves uses up a pull, "
                            "one it answers 429 does not) and {} with HEAD (free)",
                            plural(a.manifest_gets, "time", "times"), a.manifest_heads);
      if (a.nodes.size() > 1 && !a.source.empty())
        text += fmt::format(". {} nodes leave through this one address (SNAT/NAT gateway) and share its anonymous "
                            "quota",
                            a.nodes.size());
      if (a.window_s > 0 && a.first_ns)
        text += fmt::format(". Pulls counted from {} are freed as the {} window rolls, the first ones at about {} UTC",
                            format_iso_ms(a.first_ns).substr(11, 8), format_span(int64_t(a.window_s) * 1000000000LL),
                            format_iso_ms(a.first_ns + int64_t(a.window_s) * 1000000000LL).substr(0, 19));
      field(out, "", text + ".", width);
      if (!a.nodes.empty()) field(out, "nodes", list_summary(a.nodes, 12), width);
    }
  }
  // Problems that went away: the image pulled fine later on the same node.
  bool any_recovered = false;
  for (const Finding& f : r.findings) any_recovered |= f.recovered;
  if (any_recovered) {
    out << '\n' << paint("── Recovered", Severity::recovered, opt.color) << '\n';
    for (const Finding& f : r.findings) {
      if (!f.recovered) continue;
      field(out, "", fmt::format("{} [{}]: {} on {}, {}; pulled fine {} after the first failure",
                                 f.title, f.class_id, plural(f.attempts, "failed attempt", "failed attempts"),
                                 list_summary(f.nodes, 4), list_summary(f.images, 3), format_span(f.recovered_after_ns)),
            width);
    }
  }
  // Mirror chains that failed and fell back, and mirror configs containerd refused.
  if (!t.fallbacks.empty() || !t.config_errors.empty()) {
    out << "\n── Mirrors and registry config\n";
    for (const auto& [pull, failed] : t.fallbacks) {
      std::vector<std::string> hosts;
      for (const HostTry& h : failed) hosts.push_back(fmt::format("{} ({})", name(h.host), terminal_safe(h.error)));
      field(out, "fallback",
            fmt::format("{} on {}: {} failed, then it pulled from the next host", name(pull.first),
                        name(pull.second), join(hosts, ", ")),
            width);
    }
    for (const auto& [node, what] : t.config_errors)
      field(out, "config",
            fmt::format("{}: containerd refused a registry config and ignores it: {}", name(node), terminal_safe(what)),
            width);
  }
  // Pull times, when the logs give them (containerd 1.7+ `Pulled image ... in`, kubelet Pulled events).
  if (!t.slowest.empty() || !t.stalled.empty()) {
    out << "\n── Pull times\n";
    for (const auto& [image, d] : t.durations)
      field(out, "", fmt::format("{}: {} ({} p50, {} p95, {} max)", name(image), plural(d.count, "pull", "pulls"),
                                 format_ms(d.quantile(0.5)), format_ms(d.quantile(0.95)), format_ms(d.max_ms)),
            width);
    // A registry's own line only when it serves several images: else it repeats the image's.
    bool first_registry = true;
    for (const auto& [registry, d] : t.registry_durations) {
      auto images = t.registry_images.find(registry);
      if (images == t.registry_images.end() || images->second.size() < 2) continue;
      std::string volume;
      auto v = t.registry_volume.find(registry);
      if (v != t.registry_volume.end() && v->second.second > 0)
        volume = fmt::format("; {:.1f} MB at {:.1f} MB/s", v->second.first / 1e6, v->second.first / 1e3 / v->second.second);
      field(out, first_registry ? "registry" : "",
            fmt::format("{}: {} of {} images ({} p50, {} p95, {} max){}", name(registry),
                        plural(d.count, "pull", "pulls"), images->second.size(), format_ms(d.quantile(0.5)),
                        format_ms(d.quantile(0.95)), format_ms(d.max_ms), volume),
            width);
      first_registry = false;
    }
    for (size_t k = 0; k < t.slowest.size(); ++k) {
      const SlowPull& a = t.slowest[k];
      std::string rate = a.bytes > 0 && a.duration_ms > 0
                             ? fmt::format(", {:.1f} MB at {:.1f} MB/s", a.bytes / 1e6, a.bytes / 1e3 / a.duration_ms)
                             : "";
      std::string queued = a.waiting_ms > a.duration_ms
                               ? fmt::format(", plus {} queued behind other pulls (serializeImagePulls)",
                                             format_ms(a.waiting_ms - a.duration_ms))
                               : "";
      std::string at;
      if (a.first_ns) {
        std::string iso = format_iso_ms(a.first_ns);
        at = " at " + iso.substr(0, 10) + " " + iso.substr(11, 8);
      }
      field(out, k == 0 ? "slowest" : "", fmt::format("{} on {}{}: {}{}{}", name(a.image), name(a.node),
                                                      at, format_ms(a.duration_ms), rate, queued),
            width);
    }
    bool first_stall = true;
    for (const auto& [image, nodes] : t.stalled) {
      field(out, first_stall ? "stalled" : "",
            fmt::format("{} on {}: {} cancelled for making no progress", name(image, "(image not named)"),
                        list_summary(std::vector<std::string>(nodes.begin(), nodes.end()), 6),
                        plural(t.stalled_pulls.at(image), "pull", "pulls")),
            width);
      first_stall = false;
    }
  }
  // Successes, briefly.
  if (succeeded) {
    out << '\n' << paint("── Succeeded", Severity::fine, opt.color) << '\n';
    for (const auto& [img, nodes] : t.succeeded_on)
      field(out, "", fmt::format("{} on {}", name(img, "(image not named)"),
                                 list_summary(std::vector<std::string>(nodes.begin(), nodes.end()), 6)),
            width);
  }
  if (unknown) {
    out << '\n';
    field(out, "unfinished",
          fmt::format("{} started but no outcome in the input (still running, or the log ends first)",
                      plural(unknown, "pull", "pulls")),
          width);
  }
  // Inputs.
  out << "\n── Inputs\n";
  for (size_t i = 0; i < r.inputs.size();) {
    const InputInfo& in = r.inputs[i];
    if (in.bundle.empty()) {
      field(out, in.path, describe_input(in), width);
      ++i;
      continue;
    }
    size_t end = i;
    while (end < r.inputs.size() && r.inputs[end].bundle == in.bundle) ++end;
    write_bundle_inputs(out, r.inputs, i, end, width);
    i = end;
  }
}

}  // namespace pullscan
