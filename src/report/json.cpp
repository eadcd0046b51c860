// The JSON reporter. Its shape is a contract (README "JSON output"): schema
// "pullscan.report/v1"; inputs, summary, attempts, findings. Times are ISO
// 8601 UTC with milliseconds, or null when no line gave one.
#include <algorithm>
#include <cstdio>
#include <map>

#include "core/text.h"
#include "core/timeutil.h"
#include "report/report.h"

namespace pullscan {
namespace {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  void str(std::string_view s) {
    out_ += '"';
    json_escape(s, out_);
    out_ += '"';
  }
  void key(std::string_view k) {
    comma();
    str(k);
    out_ += ": ";
    fresh_ = true;
  }
  void value_str(std::string_view s) {
    comma();
    str(s);
  }
  void value_int(int64_t v) {
    comma();
    out_ += std::to_string(v);
  }
  void value_raw(std::string_view v) {
    comma();
    out_ += v;
  }
  void time(int64_t ns) {
    if (ns) value_str(format_iso_ms(ns));
    else value_raw("null");
  }
  void opt_int(int64_t v, bool present) {
    if (present) value_int(v);
    else value_raw("null");
  }
  void open(char c) {
    comma();
    out_ += c;
    fresh_ = true;
  }
  void close(char c) {
    out_ += c;
    fresh_ = false;
  }
  void str_list(const std::vector<std::string>& items) {
    open('[');
    for (const std::string& s : items) value_str(s);
    close(']');
  }

 private:
  void comma() {
    if (!fresh_) out_ += ", ";
    fresh_ = false;
  }
  std::string& out_;
  bool fresh_ = true;
};

// An attempt's object up to its last key, "finding", which is known only
// once every attempt has been folded into the findings.
void write_attempt_fields(JsonWriter& w, const PullAttempt& a, const std::vector<Event>& events) {
  w.open('{');
  w.key("id"); w.value_int(a.id);
  w.key("image"); w.value_str(a.image);
  w.key("registry"); w.value_str(a.registry);
  if (!a.host.empty()) {
    w.key("host"); w.value_str(a.host);
    w.key("host_role"); w.value_str(to_string(a.host_role));
  }
  w.key("node"); w.value_str(a.node);
  w.key("namespace"); w.value_str(a.ns);
  w.key("pod"); w.value_str(a.pod);
  w.key("container"); w.value_str(a.container);
  w.key("outcome"); w.value_str(to_string(a.outcome));
  w.key("class"); w.value_str(a.class_id);
  w.key("rule"); w.value_str(a.rule_id);
  w.key("error"); w.value_str(a.error);
  w.key("first_seen"); w.time(a.first_ns);
  w.key("last_seen"); w.time(a.last_ns);
  if (!a.age.empty()) { w.key("age"); w.value_str(a.age); }
  w.key("duration_ms"); w.opt_int(a.duration_ms, a.duration_ms >= 0);
  w.key("bytes"); w.opt_int(a.bytes, a.bytes >= 0);
  if (a.waiting_ms >= 0) { w.key("waiting_ms"); w.value_int(a.waiting_ms); }
  w.key("backoffs"); w.value_int(a.backoffs);
  w.key("sources");
  w.open('[');
  for (unsigned s = 0; s < 6; ++s)
    if (a.sources & (1u << s)) w.value_str(to_string(static_cast<Source>(s)));
  w.close(']');
  w.key("evidence");
  w.open('[');
  // The deciding line first, then the rest in input order.
  std::vector<uint32_t> order;
  if (a.evidence >= 0) order.push_back(static_cast<uint32_t>(a.evidence));
  for (uint32_t ev : a.events)
    if (static_cast<int64_t>(ev) != a.evidence) order.push_back(ev);
  for (uint32_t ev : order) {
    const Event& e = events[ev];
    w.open('{');
    w.key("input"); w.value_int(e.where.input);
    w.key("line"); w.value_int(static_cast<int64_t>(e.where.line));
    w.key("source"); w.value_str(to_string(e.source));
    w.key("kind"); w.value_str(to_string(e.kind));
    w.close('}');
  }
  w.close(']');
  if (!a.tries.empty()) {
    w.key("tries");
    w.open('[');
    for (const HostTry& t : a.tries) {
      w.open('{');
      w.key("host"); w.value_str(t.host);
      w.key("error"); w.value_str(t.error);
      w.close('}');
    }
    w.close(']');
  }
  if (a.cause_id) {
    w.key("cause_from_attempt");
    w.value_int(a.cause_id);
  }
}

}  // namespace

JsonAttemptSpool::JsonAttemptSpool() : file_(std::tmpfile()) {}

JsonAttemptSpool::~JsonAttemptSpool() {
  if (file_) std::fclose(file_);
}

bool JsonAttemptSpool::add(const PullAttempt& a, const std::vector<Event>& events) {
  if (!file_) return false;
  std::string body;
  JsonWriter w(body);
  write_attempt_fields(w, a, events);
  // One record: the object so far, then the (class, registry) that names its
  // finding, or nothing for an outcome that belongs to none.
  const bool in_finding = a.outcome == Outcome::failed || a.outcome == Outcome::backoff;
  std::string key = in_finding ? a.class_id + '\0' + a.registry : std::string();
  uint64_t sizes[2] = {body.size(), in_finding ? key.size() + 1 : 0};
  bool ok = std::fwrite(sizes, sizeof sizes, 1, file_) == 1 && std::fwrite(body.data(), 1, body.size(), file_) == body.size() &&
            std::fwrite(key.data(), 1, key.size(), file_) == key.size();
  if (ok) ++count_;
  return ok;
}

template <typename Each>
bool JsonAttemptSpool::replay(Each each) const {
  if (!file_ || std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) return false;
  std::string body, key;
  for (size_t i = 0; i < count_; ++i) {
    uint64_t sizes[2];
    if (std::fread(sizes, sizeof sizes, 1, file_) != 1) return false;
    body.resize(sizes[0]);
    key.resize(sizes[1] ? sizes[1] - 1 : 0);
    if (std::fread(body.data(), 1, body.size(), file_) != body.size() || std::fread(key.data(), 1, key.size(), file_) != key.size())
      return false;
    each(body, sizes[1] != 0, key);
  }
  return true;
}

void write_json_report(const RunResult& r, std::ostream& os, const JsonAttemptSpool* spooled) {
  std::string out;
  JsonWriter w(out);
  w.open('{');
  w.key("schema");
  w.value_str("pullscan.report/v1");
  w.key("inputs");
  w.open('[');
  for (const InputInfo& in : r.inputs) {
    w.open('{');
    w.key("path"); w.value_str(in.path);
    w.key("format"); w.value_str(in.format);
    w.key("lines"); w.value_int(static_cast<int64_t>(in.lines));
    w.key("events"); w.value_int(static_cast<int64_t>(in.events));
    w.key("skipped"); w.value_int(static_cast<int64_t>(in.skipped));
    if (!in.time_note.empty()) { w.key("time_note"); w.value_str(in.time_note); }
    // Said only when not plainly read (skipped members carry skip_reason).
    if (in.status == InputStatus::unreadable || in.status == InputStatus::cut_short) {
      w.key("status"); w.value_str(to_string(in.status));
      if (!in.problem.empty()) { w.key("problem"); w.value_str(in.problem); }
    }
    if (!in.bundle.empty()) {
      w.key("bundle"); w.value_str(in.bundle);
      if (!in.layout.empty()) { w.key("layout"); w.value_str(in.layout); }
      if (!in.node.empty()) { w.key("node"); w.value_str(in.node); }
      if (!in.read_as.empty()) { w.key("read_as"); w.value_str(in.read_as); }
      if (!in.skip_reason.empty()) { w.key("skip_reason"); w.value_str(in.skip_reason); }
      if (in.more_skipped) { w.key("more_skipped"); w.value_int(static_cast<int64_t>(in.more_skipped)); }
    }
    w.close('}');
  }
  w.close(']');
  const AttemptTally& t = r.tally;
  // Attempts in the spool are listed below, not only in the database.
  const uint64_t only_in_database = t.attempts_left_memory - std::min<uint64_t>(t.attempts_left_memory, spooled ? spooled->size() : 0);
  w.key("summary");
  w.open('{');
  w.key("attempts"); w.value_int(t.attempts);
  w.key("failed"); w.value_int(t.failed);
  w.key("succeeded"); w.value_int(t.succeeded);
  w.key("backoff"); w.value_int(t.backoff);
  w.key("unknown"); w.value_int(t.unknown);
  w.key("by_class");
  w.open('{');
  for (const auto& [cls, n] : t.by_class) { w.key(cls); w.value_int(n); }
  w.close('}');
  w.key("findings"); w.value_int(static_cast<int64_t>(r.findings.size()));
  // Attempts that ended long before the end of a long input left memory for
  // the database: counted above, listed only there.
  if (only_in_database) { w.key("attempts_only_in_database"); w.value_int(static_cast<int64_t>(only_in_database)); }
  w.close('}');
  w.key("attempts");
  w.open('[');
  if (spooled && spooled->size()) {
    // The attempts that left memory first: their ids come before the held ones'.
    std::map<std::string, int64_t> finding_of;
    for (size_t i = 0; i < r.findings.size(); ++i)
      finding_of[r.findings[i].class_id + '\0' + r.findings[i].registry] = static_cast<int64_t>(i);
    spooled->replay([&](const std::string& body, bool in_finding, const std::string& key) {
      if (out.size() > (1 << 16)) {
        os << out;
        out.clear();
      }
      auto it = in_finding ? finding_of.find(key) : finding_of.end();
      const int64_t finding = it != finding_of.end() ? it->second : -1;
      w.value_raw(body);
      w.key("finding");
      w.opt_int(finding + 1, finding >= 0);
      w.close('}');
    });
  }
  for (const PullAttempt& a : r.attempts) {
    // Stream as we go: a report of a large journal need not sit in memory whole.
    if (out.size() > (1 << 16)) {
      os << out;
      out.clear();
    }
    write_attempt_fields(w, a, r.events);
    w.key("finding");
    w.opt_int(a.finding + 1, a.finding >= 0);
    w.close('}');
  }
  w.close(']');
  w.key("rate_limits");
  w.open('[');
  for (const RateLimitAccount& a : r.rate_limits) {
    w.open('{');
    w.key("source"); w.value_str(a.source);
    w.key("nodes"); w.str_list(a.nodes);
    w.key("responses"); w.value_int(a.responses);
    w.key("too_many_requests"); w.value_int(a.too_many);
    w.key("limit"); w.opt_int(a.limit, a.limit >= 0);
    w.key("window_s"); w.opt_int(a.window_s, a.window_s >= 0);
    w.key("remaining_first"); w.opt_int(a.first_remaining, a.first_remaining >= 0);
    w.key("remaining_min"); w.opt_int(a.min_remaining, a.min_remaining >= 0);
    w.key("first_seen"); w.time(a.first_ns);
    w.key("last_seen"); w.time(a.last_ns);
    w.key("manifest_gets"); w.opt_int(a.manifest_gets, a.manifest_gets >= 0);
    w.key("manifest_heads"); w.opt_int(a.manifest_heads, a.manifest_heads >= 0);
    w.key("charged"); w.value_int(a.charged);
    w.close('}');
  }
  w.close(']');
  // Pulls that worked only after mirrors failed, and registry configs containerd refused.
  w.key("mirrors");
  w.open('{');
  w.key("fallbacks");
  w.open('[');
  for (const auto& [pull, failed] : t.fallbacks) {
    w.open('{');
    w.key("image"); w.value_str(pull.first);
    w.key("node"); w.value_str(pull.second);
    w.key("failed");
    w.open('[');
    for (const HostTry& h : failed) {
      w.open('{');
      w.key("host"); w.value_str(h.host);
      w.key("answer"); w.value_str(h.error);
      w.close('}');
    }
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.key("refused_configs");
  w.open('[');
  for (const auto& [node, what] : t.config_errors) {
    w.open('{');
    w.key("node"); w.value_str(node);
    w.key("error"); w.value_str(what);
    w.close('}');
  }
  w.close(']');
  w.close('}');
  // Pull times of successful pulls, per image and per registry; the slowest; the stalls.
  w.key("pull_times");
  w.open('{');
  auto stats = [&](const DurationStats& d) {
    w.key("pulls"); w.value_int(d.count);
    w.key("p50_ms"); w.value_int(d.quantile(0.5));
    w.key("p95_ms"); w.value_int(d.quantile(0.95));
    w.key("max_ms"); w.value_int(d.max_ms);
  };
  w.key("images");
  w.open('[');
  for (const auto& [image, d] : t.durations) {
    w.open('{');
    w.key("image"); w.value_str(image);
    stats(d);
    w.close('}');
  }
  w.close(']');
  w.key("registries");
  w.open('[');
  for (const auto& [registry, d] : t.registry_durations) {
    w.open('{');
    w.key("registry"); w.value_str(registry);
    stats(d);
    auto images = t.registry_images.find(registry);
    w.key("images"); w.value_int(images == t.registry_images.end() ? 0 : static_cast<int64_t>(images->second.size()));
    auto v = t.registry_volume.find(registry);
    bool volume = v != t.registry_volume.end() && v->second.second > 0;
    w.key("bytes"); w.opt_int(volume ? v->second.first : 0, volume);
    w.key("bytes_per_second"); w.opt_int(volume ? v->second.first * 1000 / v->second.second : 0, volume);
    w.close('}');
  }
  w.close(']');
  w.key("slowest");
  w.open('[');
  for (const SlowPull& p : t.slowest) {
    w.open('{');
    w.key("attempt"); w.value_int(p.id);
    w.key("image"); w.value_str(p.image);
    w.key("node"); w.value_str(p.node);
    w.key("duration_ms"); w.value_int(p.duration_ms);
    w.key("bytes"); w.opt_int(p.bytes, p.bytes >= 0);
    w.key("waiting_ms"); w.opt_int(p.waiting_ms, p.waiting_ms >= 0);
    w.close('}');
  }
  w.close(']');
  w.key("stalled");
  w.open('[');
  for (const auto& [image, nodes] : t.stalled) {
    w.open('{');
    w.key("image"); w.value_str(image);
    w.key("pulls"); w.value_int(t.stalled_pulls.at(image));
    w.key("nodes"); w.str_list(std::vector<std::string>(nodes.begin(), nodes.end()));
    w.close('}');
  }
  w.close(']');
  w.close('}');
  w.key("findings");
  w.open('[');
  for (size_t i = 0; i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    w.open('{');
    w.key("id"); w.value_int(static_cast<int64_t>(i + 1));
    w.key("class"); w.value_str(f.class_id);
    w.key("rule"); w.value_str(f.rule_id);
    w.key("title"); w.value_str(f.title);
    w.key("registry"); w.value_str(f.registry);
    if (!f.host.empty()) {
      w.key("host"); w.value_str(f.host);
      w.key("host_role"); w.value_str(to_string(f.host_role));
    }
    w.key("images"); w.str_list(f.images);
    w.key("attempts"); w.value_int(f.attempts);
    w.key("nodes"); w.str_list(f.nodes);
    w.key("namespaces"); w.str_list(f.namespaces);
    w.key("pods"); w.str_list(f.pods);
    w.key("first_seen"); w.time(f.first_ns);
    w.key("last_seen"); w.time(f.last_ns);
    if (!f.age.empty()) { w.key("age"); w.value_str(f.age); }
    w.key("scope"); w.value_str(f.scope);
    w.key("recovered"); w.value_raw(f.recovered ? "true" : "false");
    w.key("recovered_after_ms"); w.opt_int(f.recovered_after_ns / 1000000, f.recovered_after_ns >= 0);
    w.key("peak_per_minute"); w.value_int(static_cast<int64_t>(f.peak_per_minute));
    w.key("explanation"); w.value_str(f.explanation);
    w.key("fix"); w.str_list(f.fix);
    w.key("notes"); w.str_list(f.notes);
    if (f.names_capped) { w.key("names_capped"); w.value_raw("true"); }
    if (f.evidence) {
      const Event& e = *f.evidence;
      w.key("evidence");
      w.open('{');
      w.key("input"); w.value_int(e.where.input);
      w.key("line"); w.value_int(static_cast<int64_t>(e.where.line));
      w.key("text"); w.value_str(e.line);
      w.close('}');
    }
    w.key("attempt_ids");
    w.open('[');
    for (uint32_t id : f.attempt_ids) w.value_int(id);
    w.close(']');
    w.close('}');
  }
  w.close(']');
  w.close('}');
  out += '\n';
  os << out;
}

}  // namespace pullscan
