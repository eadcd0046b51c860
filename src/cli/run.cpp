// The passes of a scan, in order, each a call into one stage library.
// Nothing here throws once inputs are being read: unreadable inputs become
// diagnostics and the run goes on with the rest.
#include "cli/run.h"

#include <unistd.h>

#include <csignal>
#include <chrono>
#include <map>
#include <set>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "classify/classify.h"
#include "cli/build_info.h"
#include "cli/analysis.h"
#include "cluster/cluster.h"
#include "core/diag.h"
#include "core/redact.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "correlate/correlate.h"
#include "input/line_source.h"
#include "report/report.h"
#include "store/store.h"

namespace pullscan {

std::optional<int64_t> parse_tz_offset(const std::string& t) {
  if (t == "UTC" || t == "Z" || t == "utc" || t == "GMT") return 0;
  if (t.size() < 3 || (t[0] != '+' && t[0] != '-')) return std::nullopt;
  std::string digits;
  for (char c : t.substr(1))
    if (c != ':') digits.push_back(c);
  if (digits.size() != 4 && digits.size() != 2) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  int64_t h = std::stoi(digits.substr(0, 2));
  int64_t m = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
  if (h > 14 || m > 59) return std::nullopt;
  return (t[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
}

std::optional<uint64_t> parse_byte_size(const std::string& t) {
  if (t.empty() || t[0] < '0' || t[0] > '9') return std::nullopt;
  size_t used = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(t, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = t.substr(used);
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.pop_back();
  int shift = 0;
  if (unit.empty()) shift = 0;
  else if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M" || unit == "m") shift = 20;
  else if (unit == "G" || unit == "g") shift = 30;
  else if (unit == "T" || unit == "t") shift = 40;
  else return std::nullopt;
  if (shift && n > (~0ull >> shift)) return std::nullopt;
  return static_cast<uint64_t>(n) << shift;
}

std::vector<int64_t> analyse(const ScanOptions& opt, const RuleSet& rules, std::vector<InputClock>& clocks,
                             RunResult& r, int now_year) {
  Analysis all(opt, rules, r, clocks, now_year, nullptr);
  return all.finish();
}

ScanOptions with_rules(ScanOptions opt, const RuleSet& rules) {
  opt.is_pull_error = [&rules](std::string_view text) { return rules.best(text, {}) != nullptr; };
  return opt;
}

RunResult analyse_text(const std::string& text, const RuleSet& rules, const ScanOptions& base) {
  ScanOptions opt = with_rules(base, rules);
  std::ostringstream ignored;
  Diagnostics diag(ignored);
  RunResult r;
  InputInfo info;
  info.path = "-";
  std::vector<InputClock> clocks(1);
  scan_text(text, 0, opt, diag, info, r.events, clocks[0]);
  r.inputs.push_back(info);
  // A year is needed only for year-less lines; a fixed one keeps this a pure function.
  analyse(opt, rules, clocks, r, opt.year.value_or(2026));
  return r;
}

namespace {

int current_year() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return year_of(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

bool load_rules(const Options& opt, RuleSet& rules, std::ostream& err) {
  rules = RuleSet::builtin();
  if (!opt.rules_dir.empty()) {
    rules.add_directory(opt.rules_dir);
    rules.compile();
  }
  if (rules.errors().empty()) return true;
  for (const RuleError& e : rules.errors()) err << "pullscan: " << e.str() << '\n';
  return false;
}

// An input that opened but gave nothing is not read either: a read error
// before its first line (a corrupt gzip header, a cut-short small .zst), or
// a document with problems and no pull event (a truncated list with no
// complete item left).
void settle_status(InputInfo& info) {
  if (info.status == InputStatus::cut_short && info.lines == 0) {
    info.status = InputStatus::unreadable;
  } else if (info.status == InputStatus::read && info.skipped > 0 && info.events == 0 &&
             is_document_format(info.format)) {
    info.status = InputStatus::unreadable;
    info.problem = "the document is broken and no pull event could be read from it";
  }
}

// Whether any input reached the parsers: when none did, the run exits 2
// (README, "Exit codes"), whatever the report says.
bool any_input_read(const RunResult& r) {
  for (const InputInfo& in : r.inputs)
    if (in.status == InputStatus::read || in.status == InputStatus::cut_short) return true;
  return false;
}

int report_and_exit(const Options& opt, const RuleSet& rules, const RunResult& r, std::ostream& out,
                    const JsonAttemptSpool* spooled = nullptr) {
  if (opt.output == "json") {
    write_json_report(r, out, spooled);
  } else if (opt.output == "yaml") {
    write_yaml_report(r, out);
  } else if (opt.output == "wide") {
    write_wide_report(r, out);
  } else if (opt.output == "markdown") {
    write_markdown_report(r, out);
  } else {
    TextOptions t;
    t.width = opt.width;
    t.explain = opt.explain;
    t.verdict_only = opt.quiet;
    t.color = opt.color;
    write_text_report(r, rules, t, out);
  }
  out.flush();
  // The tally, not r.attempts: attempts that ended early may have left memory.
  return r.tally.failed + r.tally.backoff > 0 ? exit_failures : exit_ok;
}

// Whether any input gave a line: a run that read nothing (every input failed
// or was empty) does not replace the database (README "The database").
bool read_something(const RunResult& r) {
  for (const InputInfo& in : r.inputs)
    if ((in.status == InputStatus::read || in.status == InputStatus::cut_short) && in.lines > 0) return true;
  return false;
}

// The database of a run, unless --no-db: opened before reading (attempts
// that leave memory are written as they go), finished after analysis.
// A --db FILE that cannot be written is an error (exit 2, said before
// anything is read); the default location is a convenience: if it cannot be
// written, stderr says where and why and the run goes on without it.
class RunStore {
 public:
  explicit RunStore(const Options& opt)
      : path_(opt.db.empty() ? default_db_path() : opt.db), named_(!opt.db.empty()), on_(!opt.no_db) {}
  /// False (said on err) if a named database cannot be created or is not pullscan's.
  bool open(std::ostream& err) {
    std::string error;
    if (!on_ || writer_.open(path_, error)) return true;
    if (named_) {
      err << "pullscan: " << terminal_safe(path_) << ": " << terminal_safe(error) << '\n';
      return false;
    }
    err << "pullscan: " << terminal_safe(path_) << ": " << terminal_safe(error) << "; the report follows without a database (--db FILE to write it "
        << "elsewhere, --no-db not to try)\n";
    on_ = false;
    return true;
  }
  StoreWriter* writer() { return on_ ? &writer_ : nullptr; }
  /// False (said on err) if writing a named database failed.
  bool finish(const RunResult& r, const std::vector<int64_t>& attempt_of, bool ok_so_far, std::ostream& err) {
    if (!on_) return true;
    if (!read_something(r)) {
      writer_.discard();
      if (access(path_.c_str(), F_OK) == 0)
        err << "pullscan: kept the previous database " << terminal_safe(path_) << ": this run read nothing\n";
      else
        err << "pullscan: no database written to " << terminal_safe(path_) << ": this run read nothing\n";
      return true;
    }
    std::string error;
    if (!ok_so_far) error = writer_.error();
    else if (writer_.finish(r, attempt_of, error)) return true;
    writer_.discard();
    err << "pullscan: " << terminal_safe(path_) << ": cannot write the database: " << terminal_safe(error) << "; the previous one, if any, is kept\n";
    return !named_;
  }

 private:
  std::string path_;
  bool named_;
  bool on_;
  StoreWriter writer_;
};

// Attempts leave memory on the promise that lines come in time order per node.
void say_disorder(const Analysis& analysis, const RunResult& r, std::ostream& err) {
  const Event* e = analysis.disorder();
  if (!e) return;
  std::string path = e->where.input < r.inputs.size() ? r.inputs[e->where.input].path : "?";
  err << "pullscan: " << terminal_safe(path) << ":" << e->where.line << ": line from " << format_iso_ms(e->time_ns)
      << (e->node.empty() ? std::string() : " on " + terminal_safe(e->node))
      << " is older than attempts that already left memory (input not in time order); from here on every pull event "
         "was held, and attempts split at that point may be counted twice (--hold-events 0 holds all)\n";
}

int run_scan(const Options& opt, const RuleSet& rules, std::ostream& out, std::ostream& err) {
  Diagnostics diag(err);
  RunResult r;
  std::vector<InputClock> clocks;
  std::vector<std::string> paths = opt.paths;
  if (paths.empty()) {
    if (opt.stdin_is_terminal) {
      err << "pullscan: no input: give files, or pipe a journal in (journalctl -u containerd -u kubelet | pullscan)\n";
      return exit_error;
    }
    paths.push_back("-");
  }
  RunStore store(opt);
  if (!store.open(err)) return exit_error;
  const ScanOptions scan = with_rules(opt.scan, rules);
  Analysis analysis(opt.scan, rules, r, clocks, current_year(), store.writer());
  // JSON lists every attempt: those that leave memory wait in a temporary
  // file for the report (without one, JSON holds them all).
  std::optional<JsonAttemptSpool> spool;
  if (opt.output == "json") {
    spool.emplace();
    if (spool->ok()) analysis.spool_attempts_to(&*spool);
  }
  // One input read in time order (a journal, a log file) need not be held
  // whole: attempts that ended leave memory as it is read. Several inputs are
  // sorted by time together, and YAML is converted from the whole JSON, so
  // those hold all.
  const bool stream = paths.size() == 1 && container_kind(paths.front()) == ContainerKind::plain &&
                      (opt.output != "json" || spool->ok()) && opt.output != "yaml" && opt.hold_events > 0;
  auto after_block = [&] {
    if (stream) analysis.maybe_retire(opt.hold_events);
  };
  for (const std::string& path : paths) {
    ContainerKind kind = container_kind(path);
    if (kind != ContainerKind::plain) {
      // The bundle lists its members (and why one was not read) itself.
      scan_bundle(path, kind, scan, opt.bundle, diag, r.inputs, clocks, r.events);
      continue;
    }
    // The input is in r.inputs and clocks while it is read: retiring
    // completes times with them.
    r.inputs.emplace_back();
    r.inputs.back().path = path;
    clocks.emplace_back();
    const size_t at = r.inputs.size() - 1;
    InputInfo info = r.inputs[at];
    InputClock clock;
    auto sync_then_retire = [&] {
      std::string note = r.inputs[at].time_note;
      r.inputs[at] = info;
      r.inputs[at].time_note = note;
      clocks[at] = clock;
      after_block();
    };
    if (!scan_path(path, static_cast<uint32_t>(at), scan, diag, info, r.events, clock, sync_then_retire))
      info.format = "-";
    settle_status(info);
    info.time_note = r.inputs[at].time_note;
    r.inputs[at] = std::move(info);
    clocks[at] = std::move(clock);
  }
  diag.flush_summary();
  std::vector<int64_t> attempt_of = analysis.finish();
  say_disorder(analysis, r, err);
  bool stored = store.finish(r, attempt_of, analysis.store_ok(), err);
  int code = report_and_exit(opt, rules, r, out, spool ? &*spool : nullptr);
  if (!stored) return exit_error;
  return any_input_read(r) ? code : exit_error;
}

volatile int g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

// Follows one live stream (journalctl -f, kubectl's event watch): after each
// block of new lines the held pulls are analysed again and what is new is
// printed at once; then the attempts that ended a horizon ago leave memory
// (to the database), so a stream followed for days holds its open attempts,
// not its history. The full report and the database come at the end of input
// or on Ctrl-C. `r` and `clocks` may already hold inputs read before the
// stream (a snapshot).
int follow_stream(const Options& opt, const RuleSet& rules, BlockReader& reader, InputInfo info, RunResult& r,
                  std::vector<InputClock>& clocks, std::ostream& out, std::ostream& err) {
  ScanOptions scan = with_rules(opt.scan, rules);
  Diagnostics diag(err);
  // -q: no line per failure as it happens, only the final verdict.
  std::ostream discard(nullptr);  // no buffer: writes are dropped, so days of -q hold nothing
  std::ostream& live = opt.quiet ? discard : out;
  RunStore store(opt);
  if (!store.open(err)) return exit_error;
  const uint32_t index = static_cast<uint32_t>(r.inputs.size());
  r.inputs.push_back(info);
  clocks.emplace_back();
  InputClock clock;
  const int year = current_year();
  Analysis analysis(scan, rules, r, clocks, year, store.writer());
  std::map<uint64_t, int64_t> told;  // failed attempts printed: their first line's Event::id -> first seen
  std::map<std::pair<std::string, std::string>, int64_t> told_findings;
  auto sync = [&] {
    std::string note = r.inputs[index].time_note;
    r.inputs[index] = info;
    r.inputs[index].time_note = note;
    clocks[index] = clock;
  };
  size_t analysed_events = SIZE_MAX;
  auto tell = [&] {
    sync();
    if (r.events.size() == analysed_events) return;  // nothing new about pulls in this block
    analysis.analyse_held();
    std::map<std::pair<std::string, std::string>, std::pair<int64_t, std::set<std::string>>> held;
    for (const PullAttempt& a : r.attempts) {
      if (a.outcome != Outcome::failed && a.outcome != Outcome::backoff) continue;
      auto& h = held[{a.class_id, a.registry}];
      ++h.first;
      if (!a.node.empty()) h.second.insert(a.node);
      // Attempts are correlated anew after every block, and kubelet's line
      // naming the pod may come after containerd's failure: an attempt is
      // known by its line that was read first, whatever joined it since.
      uint64_t key = UINT64_MAX;
      for (uint32_t ev : a.events) key = std::min(key, r.events[ev].id);
      if (!told.emplace(key, a.first_ns).second) continue;
      // One line per attempt: names and the error come from the input, so
      // each is escaped whole (no escape sequence, no line of its own).
      live << fmt::format("{} {} {}{} {}: {} [{}] {}\n", a.first_ns ? format_iso_ms(a.first_ns) : "-",
                         a.node.empty() ? "-" : terminal_safe(a.node),
                         a.pod.empty() ? "" : terminal_safe(a.ns + "/" + a.pod) + " ",
                         a.image.empty() ? "-" : terminal_safe(a.image),
                         a.outcome == Outcome::backoff ? "in back-off" : "failed", a.class_id, a.rule_id,
                         terminal_safe(ellipsize(a.error, 160)));
    }
    for (const auto& [key, h] : held) {
      int64_t total = analysis.retired_failures(key.first, key.second) + h.first;
      int64_t& seen = told_findings[key];
      if (total <= seen) continue;
      std::vector<std::string> nodes;
      for (const std::string& n : h.second) nodes.push_back(terminal_safe(n));
      live << fmt::format("finding {} [{}] {}: {} on {}\n", seen ? "grew:" : "new:", key.first,
                         key.second.empty() ? "-" : terminal_safe(key.second),
                         total == 1 ? "1 attempt" : std::to_string(total) + " attempts",
                         nodes.empty() ? "-" : join(nodes, ", "));
      seen = total;
    }
    out.flush();
    if (opt.hold_events > 0 && (analysis.clocks_settled() || r.events.size() > 8 * opt.hold_events)) {
      analysis.retire();
      // An attempt that left memory is never printed again: forget it an hour on.
      int64_t forget = analysis.retired_before() - 4 * Analysis::kHorizonNs;
      for (auto it = told.begin(); it != told.end();) it = it->second && it->second < forget ? told.erase(it) : std::next(it);
    }
    analysed_events = r.events.size();
  };
  if (!r.events.empty()) tell();
  scan_input(reader, index, scan, diag, info, r.events, clock, tell);
  diag.flush_summary();
  sync();
  std::vector<int64_t> attempt_of = analysis.finish();
  say_disorder(analysis, r, err);
  live << "\n";
  bool stored = store.finish(r, attempt_of, analysis.store_ok(), err);
  int code = report_and_exit(opt, rules, r, out);
  return stored ? code : exit_error;
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;  // no SA_RESTART: a blocked read returns, and the loop sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int run_follow(const Options& opt, const RuleSet& rules, std::ostream& out, std::ostream& err) {
  if (opt.paths.size() > 1) {
    err << "pullscan: --follow reads one input (a pipe or a growing file)\n";
    return exit_error;
  }
  std::string path = opt.paths.empty() ? "-" : opt.paths.front();
  install_stop_handlers();
  ReadOptions read = opt.scan.read;
  read.follow = true;
  read.stop = &g_stop;
  std::string error;
  std::unique_ptr<BlockReader> reader = open_input(path, read, error);
  if (!reader) {
    Diagnostics diag(err);
    diag.input_unreadable(path, error);
    return exit_error;
  }
  RunResult r;
  std::vector<InputClock> clocks;
  InputInfo info;
  info.path = path;
  return follow_stream(opt, rules, *reader, info, r, clocks, out, err);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// kubectl pullscan: events and pod statuses of the chosen namespaces, then
// (--node-logs) the journals of the nodes where pulls failed, analysed as
// one run; --watch then follows the event stream.
int run_cluster(const Options& opt, const RuleSet& rules, std::ostream& out, std::ostream& err) {
  const ClusterOptions& c = opt.cluster;
  // kubectl would say the same, later and after a round trip; and `-n =shop`
  // is more likely a typo than a namespace.
  if (!c.ns.empty() && !is_dns1123_label(c.ns)) {
    err << "pullscan: cluster: --namespace '" << terminal_safe(mask_secrets(c.ns))
        << "' is not a namespace name (a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and "
           "ending with a letter or digit)\n";
    return exit_error;
  }
  const int64_t now = now_ns();
  std::optional<int64_t> since = parse_since(c.since, now);
  if (!c.since.empty() && !since) {
    err << "pullscan: --since: expected a duration like 30m, 2h, 3d or an RFC 3339 time, got '" << terminal_safe(mask_secrets(c.since)) << "'\n";
    return exit_error;
  }
  std::vector<std::string> problems;
  bool fatal = false;
  Diagnostics diag(err);
  RunResult r;
  std::vector<InputClock> clocks;
  const ScanOptions scan = with_rules(opt.scan, rules);
  // Each text is analysed as soon as kubectl has printed it, and let go: the
  // cluster stage holds one at a time (at most kKubectlStdoutCap).
  size_t texts_read = 0;
  const ClusterTextSink add_text = [&](ClusterText&& t) {
    InputInfo info;
    info.path = t.name;
    InputClock clock;
    // What the cluster returns is as of now: year-less journal lines are from before it.
    clock.collected_ns = now;
    clock.collected_from = "the time it was read from the cluster";
    std::unique_ptr<BlockReader> reader = open_memory(std::move(t.text), scan.read, 0);
    scan_input(*reader, static_cast<uint32_t>(r.inputs.size()), scan, diag, info, r.events, clock);
    r.inputs.push_back(std::move(info));
    clocks.push_back(std::move(clock));
    ++texts_read;
  };
  gather_objects(c, add_text, problems, fatal, /*events=*/!c.watch);
  if (!fatal && c.node_logs) {
    std::set<std::string> nodes;
    int64_t earliest = 0;
    for (const Event& e : r.events) {
      if (e.node.empty() || (e.kind != EventKind::pull_failed && e.kind != EventKind::back_off)) continue;
      nodes.insert(e.node);
      if (e.time_ns && (e.time_flags & time_has_zone) && (!earliest || e.time_ns < earliest)) earliest = e.time_ns;
    }
    if (nodes.empty()) {
      problems.push_back("--node-logs: no node has failed pulls in the events or pod statuses read, so no node logs were read");
    } else {
      constexpr size_t kMaxNodes = 20;
      std::vector<std::string> list(nodes.begin(), nodes.end());
      if (list.size() > kMaxNodes) {
        problems.push_back(fmt::format("--node-logs: {} nodes have failed pulls; reading the first {} (by name)", list.size(), kMaxNodes));
        list.resize(kMaxNodes);
      }
      // From --since, else a little before the first failure seen, else the last hour.
      int64_t from = since ? *since : earliest ? earliest - 5 * 60 * 1000000000LL : now - 3600 * 1000000000LL;
      gather_node_logs(c, list, from, add_text, problems);
    }
  }
  for (const std::string& p : problems) err << "pullscan: cluster: " << terminal_safe(p) << '\n';
  if (since) {
    // Events kept by the API for longer than asked about.
    std::vector<Event> kept;
    for (Event& e : r.events)
      if (!(e.time_ns && (e.time_flags & time_has_zone) && e.time_ns < *since)) kept.push_back(std::move(e));
    r.events = std::move(kept);
  }
  if (fatal) return exit_error;
  if (c.watch) {
    install_stop_handlers();
    KubectlWatch w = start_event_watch(c);
    if (w.pid < 0) {
      err << "pullscan: cluster: " << w.spawn_error << '\n';
      return exit_error;
    }
    ReadOptions read = scan.read;
    read.stop = &g_stop;
    std::unique_ptr<BlockReader> reader = open_follow_fd(w.out_fd, read);
    InputInfo info;
    info.path = "kubectl get events --watch" + std::string(c.all_namespaces ? " --all-namespaces" : c.ns.empty() ? "" : " --namespace=" + c.ns);
    // kubectl prints JSON objects, but in whatever pieces it flushes: the
    // first piece can be a lone "{", too little to sniff, so say what it is.
    Options watch_opt = opt;
    watch_opt.scan.format = "k8s-json";
    int code = follow_stream(watch_opt, rules, *reader, info, r, clocks, out, err);
    std::string problem = finish_event_watch(w, g_stop != 0);
    if (!problem.empty()) err << "pullscan: cluster: event watch ended: " << problem << '\n';
    return code;
  }
  if (texts_read == 0) return exit_error;
  RunStore store(opt);
  if (!store.open(err)) return exit_error;
  std::vector<int64_t> attempt_of = analyse(opt.scan, rules, clocks, r, current_year());
  if (!store.finish(r, attempt_of, true, err)) return exit_error;
  return report_and_exit(opt, rules, r, out);
}

// `pullscan version`: the text for a person, JSON or YAML (contract
// "pullscan.version/v1", fields added, never renamed) for a program.
int run_version(const Options& opt, std::ostream& out) {
  const BuildInfo info = build_info();
  if (opt.output == "json" || opt.output == "yaml") {
    const std::string json = fmt::format("{{\"schema\": \"pullscan.version/v1\", \"version\": \"{}\", \"commit\": \"{}\", "
                       "\"build_date\": \"{}\", \"rules_sha256\": \"{}\"}}\n",
                       info.version, info.commit, info.build_date, info.rules_sha256);
    std::string yaml;
    out << (opt.output == "json" || !json_to_yaml(json, yaml) ? json : yaml);
    return exit_ok;
  }
  out << fmt::format("pullscan {}\n  commit    {}\n  built     {}\n  rules     sha256:{}\n", info.version, info.commit,
                     info.build_date, info.rules_sha256);
  return exit_ok;
}

int run_explain(const Options& opt, const RuleSet& rules, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string text = opt.text;
  if (text.empty()) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    err << "pullscan: explain: no text (give it as an argument or on standard input)\n";
    return exit_error;
  }
  Diagnostics diag(err);
  RunResult r;
  InputInfo info;
  info.path = opt.text.empty() ? "-" : "(argument)";
  std::vector<InputClock> clocks(1);
  scan_text(text, 0, with_rules(opt.scan, rules), diag, info, r.events, clocks[0]);
  r.inputs.push_back(info);
  if (r.events.empty()) {
    // Not in any shape pullscan knows: classify the text as one bare error,
    // masked as every decoder masks what it reads.
    Event e;
    e.kind = EventKind::pull_failed;
    e.source = Source::pasted;
    e.where = {0, 1};
    e.message = mask_secrets(ellipsize(text, 16384));
    e.line = printable(ellipsize(e.message, 4096));
    r.events.push_back(std::move(e));
    r.inputs[0].events = 1;
  }
  analyse(opt.scan, rules, clocks, r, current_year());
  Options o = opt;
  o.explain = true;
  return report_and_exit(o, rules, r, out);
}

}  // namespace

int run(const Options& opt, std::istream& in, std::ostream& out, std::ostream& err) {
  try {
    if (opt.command == Command::version) return run_version(opt, out);
    if (opt.command == Command::formats) {
      for (const FormatDesc& f : formats()) out << fmt::format("{:<16} {}\n", f.name, f.description);
      return exit_ok;
    }
    if (opt.command == Command::sql) {
      std::string db = opt.db.empty() ? default_db_path() : opt.db;
      std::string error;
      const QueryFormat format = opt.output == "json" ? QueryFormat::json
                                 : opt.output == "csv"  ? QueryFormat::csv
                                                        : QueryFormat::text;
      if (!query_store(db, opt.sql, out, error, format)) {
        err << "pullscan: sql: " << terminal_safe(db) << ": " << terminal_safe(error) << '\n';
        return exit_error;
      }
      return exit_ok;
    }
    if (opt.command == Command::rules_check) {
      RuleSet rules = RuleSet::builtin();
      rules.add_directory(opt.check_dir);
      rules.compile();
      std::vector<RuleError> problems = rules.errors();
      if (problems.empty())
        for (const RuleError& e : rules.check_examples()) problems.push_back(e);
      for (const RuleError& e : problems) out << e.str() << '\n';
      if (problems.empty()) out << fmt::format("{}: {} rules, all examples classify as their class\n", opt.check_dir, rules.rules().size());
      return problems.empty() ? exit_ok : exit_failures;
    }
    if (opt.scan.format != "auto") {
      bool known = false;
      for (const FormatDesc& f : formats()) known |= f.name == opt.scan.format;
      if (!known) {
        err << "pullscan: --format: unknown format '" << terminal_safe(mask_secrets(opt.scan.format)) << "' (see `pullscan formats`)\n";
        return exit_error;
      }
    }
    RuleSet rules;
    if (!load_rules(opt, rules, err)) return exit_error;
    if (opt.command == Command::rules_list) {
      for (const auto& r : rules.rules())
        out << fmt::format("{:<44} {:<26} {:>3}  {}:{}\n", r->id, r->class_id, r->priority, r->file, r->line);
      return exit_ok;
    }
    if (opt.command == Command::explain) return run_explain(opt, rules, in, out, err);
    if (opt.command == Command::cluster) return run_cluster(opt, rules, out, err);
    if (opt.follow) return run_follow(opt, rules, out, err);
    return run_scan(opt, rules, out, err);
  } catch (const Fatal& f) {
    err << "pullscan: " << f.what() << '\n';
    return exit_error;
  } catch (const std::exception& e) {
    err << "pullscan: internal error: " << e.what() << '\n';
    return exit_error;
  }
}

}  // namespace pullscan
