// containerd's CRI and resolver lines (formats.md §1.2, §1.3, §7.3 C1-C13),
// from logrus text (`time="..." level=info msg="..." key=value`) and logrus
// JSON. The message decides what the line means; the `error` and `host`
// fields carry the detail. containerd's pull lines carry no pod identity, so
// the join with kubelet happens later, on node and image.
#include <simdjson.h>

#include "core/image_ref.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"

namespace pullscan {
namespace {

struct LogrusLine {
  std::string_view time;
  std::string_view level;
  std::string msg, error, host;
};

// Skips a Go-quoted value starting at s[i] == '"'; returns the index after it.
size_t skip_quoted(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  return i < s.size() ? i + 1 : s.size();
}

// Tokenises logfmt as logrus writes it: key=bare or key="go quoted".
bool parse_logrus_text(std::string_view s, LogrusLine& out) {
  if (s.substr(0, 6) != "time=\"") return false;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string_view key = s.substr(i, eq - i);
    size_t v = eq + 1;
    std::string_view raw_value;
    std::string* target = nullptr;
    if (key == "msg") target = &out.msg;
    else if (key == "error") target = &out.error;
    else if (key == "host") target = &out.host;
    if (v < s.size() && s[v] == '"') {
      size_t end = skip_quoted(s, v);
      if (target) {
        size_t p = v;
        if (!go_unquote_at(s, p, *target)) target->assign(s.substr(v + 1, end >= v + 2 ? end - v - 2 : 0));
      }
      raw_value = s.substr(v + 1, end >= v + 2 ? end - v - 2 : 0);
      i = end;
    } else {
      size_t end = s.find(' ', v);
      if (end == std::string_view::npos) end = s.size();
      raw_value = s.substr(v, end - v);
      if (target) target->assign(raw_value);
      i = end;
    }
    if (key == "time") out.time = raw_value;
    else if (key == "level") out.level = raw_value;
  }
  return !out.time.empty();
}

void set_time(Event& e, std::string_view time_text, const LineContext& ctx, std::vector<TimeSample>& samples) {
  bool has_zone = false;
  auto t = parse_iso8601(time_text, has_zone);
  if (!t || !has_zone) return;
  e.time_ns = *t;
  e.time_flags = time_has_date | time_has_year | time_has_zone;
  if (ctx.env_time_flags == time_has_date) samples.push_back({ctx.env_time_ns, *t});
}

// `PullImage "img"...` and friends: C1-C6, C7/C8, C11, C13.
void dispatch(const LogrusLine& l, const LineContext& ctx, std::vector<Event>& out, std::vector<TimeSample>& samples) {
  const std::string& m = l.msg;
  auto emit = [&](EventKind kind) -> Event& {
    out.push_back(make_event(ctx, kind, Source::containerd));
    set_time(out.back(), l.time, ctx, samples);
    return out.back();
  };
  if (m.rfind("PullImage \"", 0) == 0) {
    size_t p = 10;
    std::string image;
    if (!go_unquote_at(m, p, image)) return;
    std::string_view rest = std::string_view(m).substr(p);
    if (rest.empty()) {
      emit(EventKind::pull_started).image = normalize_image(image);
    } else if (rest == " failed") {
      Event& e = emit(EventKind::pull_failed);
      set_message(e, l.error);
      e.image = normalize_image(image);
    } else if (rest.rfind(" returns image reference", 0) == 0) {
      emit(EventKind::pull_succeeded).image = normalize_image(image);
    }
    return;
  }
  if (m.rfind("Pulled image \"", 0) == 0) {
    // 1.7+: Pulled image "x" with image id "...", repo tag "...", repo digest "...", size "N" in 1.2s
    size_t p = 13;
    std::string image;
    if (!go_unquote_at(m, p, image)) return;
    Event& e = emit(EventKind::pull_stats);
    e.image = normalize_image(image);
    std::string_view size = between(m, ", size \"", "\"");
    if (auto n = parse_uint(size)) e.bytes = *n;
    size_t in = m.rfind("\" in ");
    if (in != std::string::npos)
      if (auto d = parse_go_duration_ms(std::string_view(m).substr(in + 5))) e.duration_ms = *d;
    return;
  }
  if (m.rfind("stop pulling image ", 0) == 0) {
    std::string_view rest = std::string_view(m).substr(19);
    size_t colon = rest.find(": active requests=");
    if (colon == std::string_view::npos) return;
    Event& e = emit(EventKind::pull_stats);
    e.image = normalize_image(rest.substr(0, colon));
    size_t br = rest.find("bytes read=");
    if (br != std::string_view::npos)
      if (auto n = parse_uint(trim(rest.substr(br + 11)))) e.bytes = *n;
    return;
  }
  if (m.rfind("cancel pulling image ", 0) == 0) {
    std::string_view rest = std::string_view(m).substr(21);
    size_t because = rest.find(" because of no progress in ");
    if (because == std::string_view::npos) return;
    Event& e = emit(EventKind::pull_stalled);
    e.image = normalize_image(rest.substr(0, because));
    e.message = m;
    if (auto d = parse_go_duration_ms(rest.substr(because + 27))) e.duration_ms = *d;
    return;
  }
  if (m.rfind("trying next host", 0) == 0 || m.rfind("fetch failed", 0) == 0) {
    Event& e = emit(EventKind::host_failed);
    e.host = l.host;
    if (!l.error.empty()) e.message = redact(l.error);
    else if (m.find("StatusNotFound") != std::string::npos) e.message = "404 Not Found";
    else if (size_t a = m.find("after status: "); a != std::string::npos) e.message = m.substr(a + 14);
    return;
  }
  if (m.rfind("RunPodSandbox for ", 0) == 0 && !l.error.empty() &&
      l.error.find("failed to pull") != std::string::npos) {
    Event& e = emit(EventKind::pull_failed);
    set_message(e, l.error);
    e.pod = std::string(between(m, "{Name:", ","));
    e.ns = std::string(between(m, ",Namespace:", ","));
    std::string_view sandbox = between(l.error, "failed to get sandbox image \"", "\"");
    if (!sandbox.empty()) e.image = normalize_image(sandbox);
    e.container = "(sandbox)";
    return;
  }
  if (m.rfind("failed to decode ", 0) == 0 && m.find("hosts.toml") != std::string::npos) {
    Event& e = emit(EventKind::config_error);
    e.message = redact(m + ": " + l.error);
    return;
  }
}

// The messages dispatch() acts on. Most candidate lines are other Image*
// chatter (ImageCreate event, ImageFsInfo...); they are rejected here without
// unquoting a single field.
bool interesting_message(std::string_view payload) {
  size_t m = payload.find(" msg=");
  if (m == std::string_view::npos) return false;
  std::string_view msg = payload.substr(m + 5);
  if (!msg.empty() && msg.front() == '"') msg.remove_prefix(1);
  for (std::string_view p : {"PullImage ", "Pulled image ", "stop pulling image ", "cancel pulling image ",
                             "trying next host", "fetch failed", "RunPodSandbox for ", "failed to decode "})
    if (msg.substr(0, p.size()) == p) return true;
  return false;
}

}  // namespace

bool decode_containerd_text(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                            std::vector<TimeSample>& samples) {
  if (payload.substr(0, 6) != "time=\"") return false;
  if (!interesting_message(payload)) return true;
  LogrusLine l;
  if (!parse_logrus_text(payload, l)) return false;
  dispatch(l, ctx, out, samples);
  return true;
}

bool decode_containerd_json(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                            std::vector<TimeSample>& samples) {
  if (payload.empty() || payload.front() != '{' || payload.find("\"msg\"") == std::string_view::npos) return false;
  // simdjson needs padding past the end; copy the (rare) candidate line.
  thread_local simdjson::ondemand::parser parser;
  simdjson::padded_string padded(payload);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  LogrusLine l;
  std::string time_text, level;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    std::string_view value;
    if (key != "msg" && key != "error" && key != "host" && key != "time" && key != "level") continue;
    if (field.value().get_string().get(value)) continue;
    if (key == "msg") l.msg = value;
    else if (key == "error") l.error = value;
    else if (key == "host") l.host = value;
    else if (key == "time") time_text = value;
    else level = value;
  }
  if (l.msg.empty() || time_text.empty()) return false;
  l.time = time_text;
  l.level = level;
  dispatch(l, ctx, out, samples);
  return true;
}

}  // namespace pullscan
