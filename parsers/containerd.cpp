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
  // Docker Hub's rate-limit headers on `fetch response received` (debug).
  std::string rl_remaining, rl_limit, rl_source, url, status;
  std::string method;  // request.method of `do request`
};

// Skips a Go-quoted value starting at s[i] == '"'; returns the index after it.
size_t skip_quoted(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  return i < s.size() ? i + 1 : s.size();
}

// Tokenises logfmt as logrus writes it: key=bare or key="go quoted".
bool parse_logrus_text(std::string_view s, LogrusLine& out) {
  if (!is_logrus_text(s)) return false;
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
    else if (key == "response.header.ratelimit-remaining") target = &out.rl_remaining;
    else if (key == "response.header.ratelimit-limit") target = &out.rl_limit;
    else if (key == "response.header.docker-ratelimit-source") target = &out.rl_source;
    else if (key == "url") target = &out.url;
    else if (key == "response.status") target = &out.status;
    else if (key == "request.method") target = &out.method;
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
  return !out.time.empty() || !out.level.empty();
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
  if (m == "fetch response received" && !l.rl_remaining.empty()) {
    // `99;w=21600`: pulls left, and the window in seconds.
    auto count_window = [](const std::string& v, int32_t& count, int32_t& window) {
      size_t semi = v.find(';');
      if (auto n = parse_uint(v.substr(0, semi))) count = static_cast<int32_t>(std::min<int64_t>(*n, 1 << 30));
      size_t w = v.find("w=");
      if (w != std::string::npos)
        if (auto s = parse_uint(v.substr(w + 2))) window = static_cast<int32_t>(std::min<int64_t>(*s, 1 << 30));
    };
    Event& e = emit(EventKind::registry_response);
    count_window(l.rl_remaining, e.ratelimit_remaining, e.ratelimit_window_s);
    count_window(l.rl_limit, e.ratelimit_limit, e.ratelimit_window_s);
    e.ratelimit_source = l.rl_source;
    e.message = l.status;
    e.host = l.host;
    std::string_view u = l.url;
    if (size_t p = u.find("://"); p != std::string_view::npos) e.host = std::string(u.substr(p + 3, u.find('/', p + 3) - p - 3));
    return;
  }
  // A manifest request: Docker Hub charges a pull for each GET, not for HEADs.
  if (m == "do request" && (l.method == "GET" || l.method == "HEAD") && l.url.find("/manifests/") != std::string::npos) {
    Event& e = emit(EventKind::registry_request);
    e.reason = l.method;
    e.host = l.host;
    std::string_view u = l.url;
    if (size_t p = u.find("://"); p != std::string_view::npos) e.host = std::string(u.substr(p + 3, u.find('/', p + 3) - p - 3));
    e.message = redact(l.url);
    return;
  }
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
  // The unpacker's `apply failure, attempting cleanup` (level info): a layer
  // of the pull in progress could not be extracted, and the error is why
  // (`no space left on device`, an I/O error). When the pull ends, `PullImage
  // ... failed` repeats it, but a journal cut before that line, or ctr's
  // output, has only this one. It names no image: correlation gives it the
  // pull in progress that containerd's view began (Correlator::add).
  if (m == "apply failure, attempting cleanup" && !l.error.empty()) {
    Event& e = emit(EventKind::pull_failed);
    set_message(e, l.error);
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
  // CRI-O (formats.md §5.1): the same logrus envelope, its own wording.
  auto crio = [&](EventKind kind) -> Event& {
    Event& e = emit(kind);
    e.source = Source::crio;
    return e;
  };
  if (m.rfind("Pulling image: ", 0) == 0) {
    crio(EventKind::pull_started).image = normalize_image(trim(std::string_view(m).substr(15)));
    return;
  }
  if (m.rfind("Pulled image: ", 0) == 0) {
    // CRI-O names the digest reference (name@sha256:...); correlation joins
    // it to the tag that was pulled by repository.
    crio(EventKind::pull_succeeded).image = normalize_image(trim(std::string_view(m).substr(14)));
    return;
  }
  if (m.rfind("Error pulling image ", 0) == 0 || m.rfind("Error preparing image ", 0) == 0) {
    std::string_view rest = std::string_view(m).substr(m.find(" image ") + 7);
    size_t colon = rest.find(": ");
    Event& e = crio(EventKind::pull_failed);
    set_message(e, colon == std::string_view::npos ? rest : rest.substr(colon + 2));
    e.image = normalize_image(rest.substr(0, colon));
    return;
  }
  if (m.rfind("Timed out on waiting up to ", 0) == 0 && m.find("image pull progress") != std::string::npos) {
    Event& e = crio(EventKind::pull_stalled);
    e.message = m;
    return;
  }
  // dockerd (formats.md §5.2): the API handler's error is what `docker pull` prints.
  auto docker = [&](EventKind kind, std::string_view text) {
    Event& e = emit(kind);
    e.source = Source::docker;
    set_message(e, text);
  };
  if (m.rfind("Handler for POST ", 0) == 0 && m.find("/images/create returned error: ") != std::string::npos) {
    docker(EventKind::pull_failed, std::string_view(m).substr(m.find("returned error: ") + 16));
    return;
  }
  if (m.rfind("Not continuing with pull after error: ", 0) == 0) {
    docker(EventKind::pull_failed, std::string_view(m).substr(38));
    return;
  }
  if (m.rfind("Attempting next endpoint for pull after error: ", 0) == 0) {
    docker(EventKind::host_failed, std::string_view(m).substr(47));
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
  if (starts_with_lit(msg, "fetch response received"))
    return payload.find("ratelimit-remaining") != std::string_view::npos;
  if (starts_with_lit(msg, "do request")) return payload.find("/manifests/") != std::string_view::npos;
  for (std::string_view p : {"PullImage ", "Pulled image ", "stop pulling image ", "cancel pulling image ",
                             "trying next host", "fetch failed", "apply failure, attempting cleanup", "RunPodSandbox for ", "failed to decode ",
                             "Pulling image: ", "Pulled image: ", "Error pulling image ", "Error preparing image ",
                             "Timed out on waiting up to ", "Handler for POST ", "Not continuing with pull",
                             "Attempting next endpoint for pull", "fetch response received"})
    // First byte first: most candidate lines are other Image* chatter.
    if (!msg.empty() && msg[0] == p[0] && msg.substr(0, p.size()) == p) return true;
  return false;
}

// Strips ANSI SGR sequences (`\x1b[31m`), which a TTY-mode logger adds.
std::string strip_ansi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t e = i + 2;
      while (e < s.size() && ((s[e] >= '0' && s[e] <= '9') || s[e] == ';')) ++e;
      i = e;  // skips the final letter too
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

bool decode_containerd_tty(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                           std::vector<TimeSample>& samples) {
  std::string plain = payload.find('\x1b') != std::string_view::npos ? strip_ansi(payload) : std::string(payload);
  static constexpr std::pair<std::string_view, std::string_view> levels[] = {
      {"ERRO[", "error"}, {"WARN[", "warning"}, {"INFO[", "info"}, {"DEBU[", "debug"},
      {"TRAC[", "trace"}, {"FATA[", "fatal"}, {"PANI[", "panic"}};
  std::string_view level;
  for (const auto& [tag, name] : levels)
    if (std::string_view(plain).substr(0, 5) == tag) level = name;
  size_t close = plain.find(']');
  if (level.empty() || close == std::string::npos) return false;
  std::string_view time = std::string_view(plain).substr(5, close - 5);
  std::string_view rest = trim(std::string_view(plain).substr(close + 1));
  // The message is padded to 44 columns, then come the key=value fields.
  size_t fields = rest.find("  ");
  std::string_view msg = trim(rest.substr(0, fields));
  std::string_view kv = fields == std::string_view::npos ? std::string_view() : trim(rest.substr(fields));
  std::string line = "time=\"" + std::string(time) + "\" level=" + std::string(level) + " msg=\"";
  for (char c : msg) {
    if (c == '"' || c == '\\') line.push_back('\\');
    line.push_back(c);
  }
  line += "\" ";
  line += kv;
  return decode_containerd_text(line, ctx, out, samples);
}

bool is_logrus_text(std::string_view payload) {
  // A pasted line whose time= the user cut off still starts with level=.
  return starts_with_lit(payload, "time=\"") ||
         (starts_with_lit(payload, "level=") && payload.find(" msg=") != std::string_view::npos);
}

bool decode_containerd_text(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                            std::vector<TimeSample>& samples) {
  if (!is_logrus_text(payload)) return false;
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
    if (field.value().get_string().get(value)) continue;
    if (key == "msg") l.msg = value;
    else if (key == "error") l.error = value;
    else if (key == "host") l.host = value;
    else if (key == "response.header.ratelimit-remaining") l.rl_remaining = value;
    else if (key == "response.header.ratelimit-limit") l.rl_limit = value;
    else if (key == "response.header.docker-ratelimit-source") l.rl_source = value;
    else if (key == "url") l.url = value;
    else if (key == "response.status") l.status = value;
    else if (key == "request.method") l.method = value;
    else if (key == "time") time_text = value;
    else if (key == "level") level = value;
  }
  if (l.msg.empty() || time_text.empty()) return false;
  l.time = time_text;
  l.level = level;
  dispatch(l, ctx, out, samples);
  return true;
}

}  // namespace pullscan
