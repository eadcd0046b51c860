// kubelet's klog lines about pulls (formats.md §2.1, §2.4, §7.3 K1-K7): the
// structured forms of 1.21+ (`"msg" key="value" ...`), the unstructured forms
// of 1.20 and of HandleError, and kubelet's own log of the events it records.
// The PodSyncResult error inside `Error syncing pod` is quoted twice, so its
// runtime message needs a second unquote.
#include <simdjson.h>

#include "core/error_chain.h"
#include "core/image_ref.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"

namespace pullscan {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

struct KlogHeader {
  char severity = 'I';
  int64_t naive_ns = 0;
  std::string_view body;
};

// `Lmmdd hh:mm:ss.uuuuuu threadid file:line] body`
bool parse_klog_header(std::string_view s, KlogHeader& h) {
  if (s.size() < 30) return false;
  if (s[0] != 'I' && s[0] != 'W' && s[0] != 'E' && s[0] != 'F') return false;
  for (int i : {1, 2, 3, 4, 6, 7, 9, 10, 12, 13})
    if (!digit(s[i])) return false;
  if (s[5] != ' ' || s[8] != ':' || s[11] != ':' || s[14] != '.') return false;
  unsigned mon = unsigned((s[1] - '0') * 10 + (s[2] - '0'));
  unsigned day = unsigned((s[3] - '0') * 10 + (s[4] - '0'));
  if (mon < 1 || mon > 12 || day < 1 || day > 31) return false;
  unsigned hh = unsigned((s[6] - '0') * 10 + (s[7] - '0'));
  unsigned mm = unsigned((s[9] - '0') * 10 + (s[10] - '0'));
  unsigned ss = unsigned((s[12] - '0') * 10 + (s[13] - '0'));
  size_t i = 15;
  int64_t frac = 0, scale = 100000000;
  while (i < s.size() && digit(s[i])) {
    frac += (s[i] - '0') * scale;
    scale /= 10;
    ++i;
  }
  size_t close = s.find("] ", i);
  if (close == std::string_view::npos || close > i + 80) return false;
  h.severity = s[0];
  h.naive_ns = civil_to_ns(kNaiveYear, mon, day, hh, mm, ss, frac);
  h.body = s.substr(close + 2);
  return true;
}

// klog structured key/value pairs after the quoted message.
struct KlogFields {
  std::string msg;
  std::vector<std::pair<std::string_view, std::string>> kv;
  std::string_view open_key;  // a `key=<` multi-line value starts at the end of the line
  const std::string* get(std::string_view key) const {
    for (const auto& [k, v] : kv)
      if (k == key) return &v;
    return nullptr;
  }
};

void parse_kv(std::string_view s, size_t i, KlogFields& f) {
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) return;
    std::string_view key = s.substr(i, eq - i);
    if (key.find(' ') != std::string_view::npos) return;
    size_t v = eq + 1;
    std::string value;
    if (v < s.size() && s[v] == '"') {
      size_t p = v;
      if (!go_unquote_at(s, p, value)) {
        // A value cut short (cropped paste): keep what is there.
        value.assign(s.substr(v + 1));
        f.kv.emplace_back(key, std::move(value));
        return;
      }
      i = p;
    } else if (v < s.size() && s[v] == '<' && trim(s.substr(v + 1)).empty()) {
      f.open_key = key;
      return;
    } else {
      size_t end = s.find(' ', v);
      if (end == std::string_view::npos) end = s.size();
      value.assign(s.substr(v, end - v));
      i = end;
    }
    f.kv.emplace_back(key, std::move(value));
  }
}

bool parse_structured(std::string_view body, KlogFields& f) {
  if (body.empty() || body[0] != '"') return false;
  size_t p = 0;
  if (!go_unquote_at(body, p, f.msg)) return false;
  parse_kv(body, p, f);
  return true;
}

void apply_time(Event& e, const LineContext& ctx, int64_t klog_naive) {
  // An exact envelope time (journal ISO) beats klog's year-less local time;
  // otherwise klog's microseconds beat journal short's seconds.
  if ((ctx.env_time_flags & time_has_zone) || klog_naive == 0) return;
  e.time_ns = klog_naive;
  e.time_flags = time_has_date;
}

void split_pod(std::string_view ns_name, Event& e) {
  size_t slash = ns_name.find('/');
  if (slash == std::string_view::npos) {
    e.pod = std::string(ns_name);
  } else {
    e.ns = std::string(ns_name.substr(0, slash));
    e.pod = std::string(ns_name.substr(slash + 1));
  }
}

// `name_namespace(uid)` as format.Pod prints it.
void split_format_pod(std::string_view s, Event& e) {
  size_t paren = s.find('(');
  std::string_view nn = s.substr(0, paren);
  size_t us = nn.rfind('_');
  if (us == std::string_view::npos) return;
  e.pod = std::string(nn.substr(0, us));
  e.ns = std::string(nn.substr(us + 1));
}

bool is_failure_reason(std::string_view r) {
  return r == "ErrImagePull" || r == "RegistryUnavailable" || r == "SignatureValidationFailed" ||
         r == "InvalidImageName" || r == "ErrImageNeverPull" || r == "ImageInspectError";
}

// A sandbox the runtime could not create because it could not pull the
// sandbox (pause) image: containerd's CRI pulls it inside RunPodSandbox, with
// no `PullImage` line, and kubelet reports it four times (formats.md §2.4):
// `RunPodSandbox from runtime service failed` (channel 0), the sync error's
// CreatePodSandboxError (1), `CreatePodSandbox for pod failed` (2) and
// `Failed to create sandbox for pod` (3).
void emit_sandbox_failure(std::string_view err, uint8_t channel, const LineContext& ctx, int64_t naive,
                          std::string_view pod_ns_name, std::vector<Event>& out) {
  std::string_view image = between(err, "failed to get sandbox image \"", "\"");
  if (image.empty() && err.find("failed to get sandbox image \\\"") != std::string_view::npos)
    image = between(err, "failed to get sandbox image \\\"", "\\\"");
  if (image.empty()) return;  // a sandbox that failed for another reason (CNI, cgroups...): no pull
  Event e = make_event(ctx, EventKind::pull_failed, Source::kubelet);
  e.channel = channel;
  apply_time(e, ctx, naive);
  split_pod(pod_ns_name, e);
  e.container = "(sandbox)";
  e.image = normalize_image(image);
  set_message(e, err);
  out.push_back(std::move(e));
}

// One `failed to "StartContainer" for "c" with Reason: "msg"` result of a PodSyncResult error.
void emit_sync_results(std::string_view err, const LineContext& ctx, int64_t naive, std::string_view pod_ns_name,
                       std::vector<Event>& out) {
  size_t pos = 0;
  while ((pos = err.find("failed to \"", pos)) != std::string_view::npos) {
    std::string_view rest = err.substr(pos + 11);
    pos += 11;
    size_t q = rest.find('"');
    if (q == std::string_view::npos) return;
    std::string_view action = rest.substr(0, q);
    if (action == "CreatePodSandbox") {
      std::string_view with = between(rest, "\" with ", ": ");
      if (with == "CreatePodSandboxError") emit_sandbox_failure(rest, 1, ctx, naive, pod_ns_name, out);
      continue;
    }
    if (action != "StartContainer") continue;
    std::string_view container = between(rest, " for \"", "\" with ");
    size_t with = rest.find("\" with ");
    if (with == std::string_view::npos) return;
    std::string_view after = rest.substr(with + 7);
    size_t colon = after.find(": ");
    if (colon == std::string_view::npos) return;
    std::string_view reason = after.substr(0, colon);
    std::string msg;
    size_t p = colon + 2;
    if (!go_unquote_at(after, p, msg)) msg = std::string(after.substr(colon + 2));
    EventKind kind;
    if (reason == "ImagePullBackOff") kind = EventKind::back_off;
    else if (is_failure_reason(reason)) kind = EventKind::pull_failed;
    else continue;
    Event e = make_event(ctx, kind, Source::kubelet);
    e.channel = 1;
    apply_time(e, ctx, naive);
    e.reason = std::string(reason);
    e.container = std::string(container);
    split_pod(pod_ns_name, e);
    set_message(e, msg);
    out.push_back(std::move(e));
  }
}

// `container &Container{Name:c,Image:img,...} start failed in pod name_ns(uid): Reason: msg` (<= 1.30, and the
// `err` of 1.31's "Unhandled Error"), or `init container c start failed in pod ...` (1.34, no dump: the image
// comes from the message).
void emit_start_failed(std::string_view text, const LineContext& ctx, int64_t naive, std::vector<Event>& out) {
  size_t sf = text.find(" start failed in pod ");
  if (sf == std::string_view::npos) return;
  std::string_view before = text.substr(0, sf);
  std::string_view after = text.substr(sf + 21);
  size_t colon = after.find("): ");
  if (colon == std::string_view::npos) return;
  std::string_view reason_msg = after.substr(colon + 3);
  size_t rc = reason_msg.find(": ");
  std::string_view reason = reason_msg.substr(0, rc);
  if (!is_failure_reason(reason) && reason != "ImagePullBackOff") return;
  Event e = make_event(ctx, reason == "ImagePullBackOff" ? EventKind::back_off : EventKind::pull_failed,
                       Source::kubelet);
  e.channel = 2;
  apply_time(e, ctx, naive);
  e.reason = std::string(reason);
  split_format_pod(after.substr(0, colon + 1), e);
  set_message(e, rc == std::string_view::npos ? std::string_view() : reason_msg.substr(rc + 2));
  if (before.find("&Container{") != std::string_view::npos) {
    e.container = std::string(between(text, "&Container{Name:", ","));
    std::string_view img = between(text, ",Image:", ",");
    if (!img.empty()) e.image = normalize_image(img);
  } else {
    e.container = std::string(before.substr(before.rfind(' ') + 1));
    std::string img = image_in_message(e.message);
    if (!img.empty()) e.image = normalize_image(img);
  }
  out.push_back(std::move(e));
}

// kubelet's log of an event it records (-v=3) is another view of the Event
// object an events list holds: channels of its own (record.h).
void logged_by_kubelet(Event& e) { e.channel = e.channel == 2 ? 4 : 3; }

void handle_structured(const KlogFields& f, const LineContext& ctx, int64_t naive, std::vector<Event>& out) {
  const std::string& m = f.msg;
  // remote_image.go's line (channel 0) and, for pulls without credentials,
  // kuberuntime_image.go's (channel 3, 1.21+): two views of one failure.
  if (m == "PullImage from image service failed" || m == "Failed to pull image") {
    Event e = make_event(ctx, EventKind::pull_failed, Source::kubelet);
    if (m[0] == 'F') e.channel = 3;
    apply_time(e, ctx, naive);
    if (const std::string* err = f.get("err")) set_message(e, *err);
    if (const std::string* img = f.get("image")) e.image = normalize_image(*img);
    out.push_back(std::move(e));
  } else if (m == "RunPodSandbox from runtime service failed" || m == "CreatePodSandbox for pod failed" ||
             m == "Failed to create sandbox for pod") {
    const std::string* err = f.get("err");
    const std::string* pod = f.get("pod");
    const uint8_t channel = m[0] == 'R' ? 0 : m[0] == 'C' ? 2 : 3;
    if (err) emit_sandbox_failure(*err, channel, ctx, naive, pod ? std::string_view(*pod) : std::string_view(), out);
  } else if (m == "Error syncing pod, skipping") {
    const std::string* err = f.get("err");
    const std::string* pod = f.get("pod");
    if (err) emit_sync_results(*err, ctx, naive, pod ? std::string_view(*pod) : std::string_view(), out);
  } else if (m == "Event occurred") {
    const std::string* reason = f.get("reason");
    const std::string* message = f.get("message");
    const std::string* object = f.get("object");
    const std::string* kind = f.get("kind");
    if (!reason || !message || (kind && *kind != "Pod")) return;
    const std::string* fp = f.get("fieldPath");
    size_t before = out.size();
    decode_event_message(*reason, *message, ctx, out);
    for (size_t i = before; i < out.size(); ++i) {
      Event& e = out[i];
      apply_time(e, ctx, naive);
      logged_by_kubelet(e);
      if (object) split_pod(*object, e);
      if (fp) e.container = std::string(between(*fp, "{", "}"));
    }
  } else if (m == "Unhandled Error") {
    if (const std::string* err = f.get("err")) emit_start_failed(*err, ctx, naive, out);
  } else if (m == "Container start failed in pod") {
    const std::string* err = f.get("err");
    if (!err || *err != "ImagePullBackOff") return;
    Event e = make_event(ctx, EventKind::back_off, Source::kubelet);
    apply_time(e, ctx, naive);
    e.reason = *err;
    if (const std::string* pod = f.get("pod")) split_pod(*pod, e);
    if (const std::string* cm = f.get("containerMessage")) set_message(e, *cm);
    if (const std::string* c = f.get("container")) {
      std::string_view img = between(*c, ",Image:", ",");
      if (!img.empty()) e.image = normalize_image(img);
      e.container = std::string(between(*c, "&Container{Name:", ","));
    }
    out.push_back(std::move(e));
  }
}

void handle_unstructured(std::string_view body, const LineContext& ctx, int64_t naive, std::vector<Event>& out) {
  if (body.rfind("PullImage \"", 0) == 0 || body.rfind("Pull image \"", 0) == 0) {
    // <= 1.20: `PullImage "x" from image service failed: err` (remote_image.go)
    // and `Pull image "x" failed: err` (kuberuntime_image.go, channel 3).
    const bool runtime_manager = body[4] == ' ';
    size_t p = runtime_manager ? 11 : 10;
    std::string image;
    if (!go_unquote_at(body, p, image)) return;
    std::string_view rest = body.substr(p);
    std::string_view tail = runtime_manager ? " failed: " : " from image service failed: ";
    if (rest.rfind(tail, 0) != 0) return;
    Event e = make_event(ctx, EventKind::pull_failed, Source::kubelet);
    if (runtime_manager) e.channel = 3;
    apply_time(e, ctx, naive);
    set_message(e, rest.substr(tail.size()));
    e.image = normalize_image(image);
    out.push_back(std::move(e));
  } else if (body.rfind("Error syncing pod ", 0) == 0) {
    // <= 1.20: Error syncing pod UID ("name_ns(uid)"), skipping: failed to ...
    std::string_view fp = between(body, "(\"", "\")");
    Event probe;
    split_format_pod(fp, probe);
    std::string ns_name = probe.ns.empty() ? probe.pod : probe.ns + "/" + probe.pod;
    size_t sk = body.find("skipping: ");
    if (sk != std::string_view::npos) emit_sync_results(body.substr(sk + 10), ctx, naive, ns_name, out);
  } else if (body.find(" start failed in pod ") != std::string_view::npos) {
    emit_start_failed(body, ctx, naive, out);
  } else if (body.rfind("Event(v1.ObjectReference{", 0) == 0 || body.rfind("Event(api.ObjectReference{", 0) == 0) {
    // 1.20: Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"n", ...}): type: 'Normal' reason: 'Pulling' msg
    if (between(body, "Kind:\"", "\"") != "Pod") return;
    std::string_view reason = between(body, "reason: '", "'");
    size_t r = body.find("reason: '");
    if (reason.empty() || r == std::string_view::npos) return;
    std::string_view message = body.substr(r + 9 + reason.size() + 2);
    size_t before = out.size();
    decode_event_message(reason, message, ctx, out);
    for (size_t i = before; i < out.size(); ++i) {
      Event& e = out[i];
      apply_time(e, ctx, naive);
      logged_by_kubelet(e);
      e.ns = std::string(between(body, "Namespace:\"", "\""));
      e.pod = std::string(between(body, "Name:\"", "\""));
      e.container = std::string(between(body, "FieldPath:\"spec.containers{", "}"));
    }
  }
}

}  // namespace

void decode_event_message(std::string_view reason, std::string_view message, const LineContext& ctx,
                          std::vector<Event>& out) {
  std::string_view msg = message;
  if (msg.rfind("(combined from similar events): ", 0) == 0) msg.remove_prefix(32);
  auto emit = [&](EventKind kind) -> Event& {
    out.push_back(make_event(ctx, kind, Source::event));
    out.back().reason = std::string(reason);
    return out.back();
  };
  if (reason == "Pulling") {
    std::string_view img = between(msg, "ulling image \"", "\"");
    if (!img.empty()) emit(EventKind::pull_started).image = normalize_image(img);
  } else if (reason == "Pulled") {
    std::string_view img = between(msg, "Successfully pulled image \"", "\"");
    if (img.empty()) return;  // "already present on machine": no pull happened
    Event& e = emit(EventKind::pull_succeeded);
    e.image = normalize_image(img);
    size_t in = msg.find("\" in ");
    if (in != std::string_view::npos) {
      std::string_view d = msg.substr(in + 5);
      d = d.substr(0, d.find_first_of(" ("));
      if (!d.empty() && d.back() == '.') d.remove_suffix(1);
      if (auto ms = parse_go_duration_ms(d)) e.duration_ms = *ms;
    }
    // 1.26+: "in 4.123s (4.321s including waiting)": the queue behind serialized pulls.
    std::string_view waiting = between(msg, " (", " including waiting)");
    if (auto ms = parse_go_duration_ms(waiting)) e.waiting_ms = *ms;
    std::string_view size = between(msg, "Image size: ", " bytes");
    if (auto n = parse_uint(size)) e.bytes = *n;
  } else if (reason == "Failed" || reason == "InspectFailed" || reason == "ErrImageNeverPull") {
    if (msg.rfind("Error: ", 0) == 0) {
      std::string_view state = msg.substr(7);
      if (state == "ImagePullBackOff") {
        // The same back-offs as the BackOff event beside it: a channel of its own.
        Event& e = emit(EventKind::back_off);
        e.message = std::string(msg);
        e.channel = 2;
      } else if (state == "InvalidImageName" || state == "ErrImageNeverPull" || state == "ImageInspectError") {
        // The same failure as the InspectFailed / ErrImageNeverPull event
        // beside it, which names the image: a channel of its own.
        Event& e = emit(EventKind::pull_failed);
        e.reason = std::string(state);
        e.message = std::string(msg);
        e.channel = 2;
      }
      // "Error: ErrImagePull" only repeats the failure the Failed event already gave.
      return;
    }
    if (msg.rfind("Failed to pull image \"", 0) == 0 || msg.rfind("Failed to inspect image \"", 0) == 0 ||
        msg.rfind("Failed to apply default image tag \"", 0) == 0 || reason == "ErrImageNeverPull") {
      Event& e = emit(EventKind::pull_failed);
      set_message(e, msg);
      std::string_view img = between(msg, "image \"", "\"");
      if (msg.rfind("Failed to apply default image tag \"", 0) == 0) img = between(msg, "tag \"", "\"");
      if (reason == "ErrImageNeverPull") img = between(msg, "Container image \"", "\"");
      if (!img.empty()) e.image = normalize_image(img);
    }
  } else if (reason == "BackOff") {
    std::string_view img = between(msg, "Back-off pulling image \"", "\"");
    if (img.empty()) return;  // container restart back-off, not a pull
    Event& e = emit(EventKind::back_off);
    set_message(e, msg);
    e.image = normalize_image(img);
  } else if (reason == "FailedSync" || msg.rfind("Error syncing pod, skipping: ", 0) == 0) {
    decode_sync_error(msg, ctx, out);
  } else if (reason == "FailedCreatePodSandBox") {
    if (msg.find("failed to get sandbox image") == std::string_view::npos &&
        msg.find("failed to pull image") == std::string_view::npos)
      return;
    Event& e = emit(EventKind::pull_failed);
    set_message(e, msg);
    e.container = "(sandbox)";
  }
}

namespace {

// The klog messages handled below; everything else is rejected before any
// value is unquoted.
bool interesting_body(std::string_view body) {
  if (!body.empty() && body.front() == '"') {
    std::string_view msg = body.substr(1);
    for (std::string_view p : {"PullImage from image service failed\"", "Error syncing pod, skipping\"",
                               "Event occurred\"", "Unhandled Error\"", "Container start failed in pod\"",
                               "Failed to pull image\"", "RunPodSandbox from runtime service failed\"",
                               "CreatePodSandbox for pod failed\"", "Failed to create sandbox for pod\""})
      if (!msg.empty() && msg[0] == p[0] && msg.substr(0, p.size()) == p) return true;
    return false;
  }
  return body.substr(0, 11) == "PullImage \"" || body.substr(0, 12) == "Pull image \"" ||
         body.substr(0, 18) == "Error syncing pod " || body.substr(0, 25) == "Event(v1.ObjectReference{" ||
         body.substr(0, 26) == "Event(api.ObjectReference{" || body.find(" start failed in pod ") != std::string_view::npos;
}

}  // namespace

bool decode_kubelet_json(std::string_view payload, const LineContext& ctx, std::vector<Event>& out) {
  if (payload.find("\"caller\"") == std::string_view::npos || payload.find("\"ts\"") == std::string_view::npos)
    return false;
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(payload);
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(padded).get(doc) || doc.get(obj)) return false;
  KlogFields f;
  double ts_ms = 0;
  for (auto field : obj) {
    std::string_view key = field.key;
    std::string_view s;
    if (key == "ts") {
      if (field.value.get(ts_ms)) {
        int64_t i = 0;
        if (!field.value.get(i)) ts_ms = static_cast<double>(i);
      }
    } else if (key == "msg") {
      if (!field.value.get(s)) f.msg = std::string(s);
    } else if (!field.value.get(s)) {
      f.kv.emplace_back(key, std::string(s));
    } else if (field.value.is_object()) {
      // KObj/KRef: {"name":"web-1","namespace":"default"}
      std::string_view name, ns;
      simdjson::dom::element v = field.value;
      if (!v["name"].get(name)) {
        if (!v["namespace"].get(ns) && !ns.empty()) f.kv.emplace_back(key, std::string(ns) + "/" + std::string(name));
        else f.kv.emplace_back(key, std::string(name));
      }
    }
  }
  if (f.msg.empty()) return false;
  size_t before = out.size();
  handle_structured(f, ctx, 0, out);
  if (ts_ms > 0 && ts_ms < 7258118400000.0)  // before 2200: int64 ns range
    for (size_t i = before; i < out.size(); ++i) {
      out[i].time_ns = static_cast<int64_t>(ts_ms * 1e6);
      out[i].time_flags = time_has_date | time_has_year | time_has_zone;
    }
  return true;
}

void decode_sync_error(std::string_view text, const LineContext& ctx, std::vector<Event>& out) {
  size_t sk = text.find("skipping: ");
  emit_sync_results(sk == std::string_view::npos ? text : text.substr(sk + 10), ctx, 0, {}, out);
}

bool decode_kubelet(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                    std::string& continuation) {
  KlogHeader h;
  if (!parse_klog_header(payload, h)) return false;
  // In a paste, a klog line about something else may still hold an error
  // leaf (a pull-secret warning): let the free-text reader have it.
  if (!interesting_body(h.body)) return !ctx.free_text;
  KlogFields f;
  if (parse_structured(h.body, f)) {
    if (!f.open_key.empty()) {
      continuation.assign(payload);
      return true;
    }
    handle_structured(f, ctx, h.naive_ns, out);
  } else {
    handle_unstructured(h.body, ctx, h.naive_ns, out);
  }
  return true;
}

void finish_kubelet_multiline(const std::string& pending, const std::string& body, std::string_view tail,
                              const LineContext& ctx, std::vector<Event>& out) {
  KlogHeader h;
  if (!parse_klog_header(pending, h)) return;
  KlogFields f;
  if (!parse_structured(h.body, f) || f.open_key.empty()) return;
  f.kv.emplace_back(f.open_key, body);
  f.open_key = {};
  parse_kv(tail, 0, f);
  handle_structured(f, ctx, h.naive_ns, out);
}

}  // namespace pullscan
