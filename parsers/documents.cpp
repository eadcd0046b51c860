// Record-shaped inputs (formats.md §3, §4, §7.3): Kubernetes Event and Pod
// objects as `kubectl get ... -o json|yaml` writes them (single objects,
// Lists, `-w` streams of concatenated objects, `--output-watch-events`
// wrappers, events.k8s.io/v1), and journalctl's JSON modes. Kubernetes
// objects become events here; journal entries are handed back so their
// MESSAGE goes through the same program decoders as a short-mode line.
// YAML is converted to JSON text first, so one decoder serves both.
#include <simdjson.h>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>

#include "core/image_ref.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"

namespace pullscan {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string_view str(element e, const char* key) {
  std::string_view v;
  if (e.is_object() && !e[key].get(v)) return v;
  return {};
}

std::string_view str_path(element e, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!e.is_object()) return {};
    element next;
    if (e[k].get(next)) return {};
    e = next;
  }
  std::string_view v;
  if (!e.get(v)) return v;
  return {};
}

int64_t int_path(element e, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!e.is_object()) return 0;
    element next;
    if (e[k].get(next)) return 0;
    e = next;
  }
  int64_t v = 0;
  if (!e.get(v)) return v;
  return 0;
}

int64_t when(std::string_view iso) {
  bool zone = false;
  auto t = parse_iso8601(iso, zone);
  return t && zone ? *t : 0;
}

// One core/v1 or events.k8s.io/v1 Event about a pod.
void decode_event(element ev, const LineContext& ctx, std::vector<Event>& out, DocumentState& state) {
  element regarding;
  if (ev["involvedObject"].get(regarding) && ev["regarding"].get(regarding)) return;
  std::string_view kind = str(regarding, "kind");
  if (!kind.empty() && kind != "Pod") return;
  std::string_view reason = str(ev, "reason");
  std::string_view message = str(ev, "message");
  if (message.empty()) message = str(ev, "note");
  if (reason.empty() || message.empty()) return;
  int64_t count = int_path(ev, {"count"});
  if (!count) count = int_path(ev, {"deprecatedCount"});
  if (!count) count = int_path(ev, {"series", "count"});
  if (count <= 0) count = 1;
  std::string_view node = str_path(ev, {"source", "host"});
  if (node.empty()) node = str(ev, "reportingInstance");
  if (node.empty()) node = str_path(ev, {"deprecatedSource", "host"});
  std::string_view t = str_path(ev, {"series", "lastObservedTime"});
  if (t.empty()) t = str(ev, "lastTimestamp");
  if (t.empty()) t = str(ev, "deprecatedLastTimestamp");
  if (t.empty()) t = str(ev, "eventTime");
  if (t.empty()) t = str(ev, "firstTimestamp");
  if (t.empty()) t = str_path(ev, {"metadata", "creationTimestamp"});
  std::string_view first = str(ev, "firstTimestamp");
  if (first.empty()) first = str(ev, "deprecatedFirstTimestamp");
  if (first.empty()) first = str(ev, "eventTime");
  size_t before = out.size();
  decode_event_message(reason, message, ctx, out);
  if (out.size() == before) return;  // not about a pull: nothing to remember
  // A watch stream re-sends an event each time its count grows: only the
  // growth is new. Events live an hour in the API (--event-ttl), so what was
  // last seen three hours before the newest is forgotten.
  std::string uid(str_path(ev, {"metadata", "uid"}));
  if (uid.empty()) uid = std::string(str_path(ev, {"metadata", "namespace"})) + "/" + std::string(str_path(ev, {"metadata", "name"}));
  const int64_t seen_at = when(t);
  state.newest_event_ns = std::max(state.newest_event_ns, seen_at);
  auto& [seen, last_seen] = state.event_counts[uid];
  if (uid != "/" && count <= seen) {
    out.resize(before);
    return;
  }
  int64_t fresh = uid != "/" ? count - seen : count;
  seen = std::max(seen, count);
  last_seen = std::max(last_seen, seen_at);
  if (state.event_counts.size() > 4096) {
    constexpr int64_t kForget = 3LL * 3600 * 1000000000LL;
    std::erase_if(state.event_counts, [&](const auto& kv) {
      return kv.second.second && kv.second.second < state.newest_event_ns - kForget;
    });
  }
  for (size_t i = before; i < out.size(); ++i) {
    Event& e = out[i];
    if (uid != "/") e.object_uid = uid;
    e.ns = std::string(str(regarding, "namespace"));
    e.pod = std::string(str(regarding, "name"));
    std::string_view fp = str(regarding, "fieldPath");
    e.container = std::string(between(fp, "{", "}"));
    if (!node.empty()) e.node = std::string(node);
    e.count = static_cast<int32_t>(std::min<int64_t>(fresh, 100000));
    if (int64_t ns = when(t)) {
      e.time_ns = ns;
      e.time_flags = time_has_date | time_has_year | time_has_zone;
      // All repeats are new only when the count is the whole story (not a watch update).
      if (int64_t f = when(first); f && f < ns && fresh == count) e.first_ns = f;
    }
  }
}

// containerStatuses[].state.waiting of one Pod.
void decode_pod(element pod, const LineContext& ctx, std::vector<Event>& out) {
  std::string_view ns = str_path(pod, {"metadata", "namespace"});
  std::string_view name = str_path(pod, {"metadata", "name"});
  std::string_view node = str_path(pod, {"spec", "nodeName"});
  element status;
  if (pod["status"].get(status)) return;
  for (const char* list : {"initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"}) {
    simdjson::dom::array statuses;
    if (status[list].get(statuses)) continue;
    for (element cs : statuses) {
      std::string_view reason = str_path(cs, {"state", "waiting", "reason"});
      std::string_view message = str_path(cs, {"state", "waiting", "message"});
      bool backoff = reason == "ImagePullBackOff";
      if (!backoff && reason != "ErrImagePull" && reason != "InvalidImageName" && reason != "ErrImageNeverPull" &&
          reason != "ImageInspectError" && reason != "RegistryUnavailable" && reason != "SignatureValidationFailed")
        continue;
      out.push_back(make_event(ctx, backoff ? EventKind::back_off : EventKind::pull_failed, Source::event));
      Event& e = out.back();
      // The pod's status is another view of its latest attempt, not one more
      // attempt: a channel of its own lets it join the event that reported it.
      e.channel = 1;
      e.reason = std::string(reason);
      e.ns = std::string(ns);
      e.pod = std::string(name);
      e.container = std::string(str(cs, "name"));
      if (!node.empty()) e.node = std::string(node);
      set_message(e, message);
      std::string_view image = str(cs, "image");
      if (!image.empty()) e.image = normalize_image(image);
    }
  }
}

// One journalctl -o json entry.
void decode_journal_entry(element entry, std::vector<JournalEntry>& entries, DocumentState& state) {
  JournalEntry j;
  j.host = std::string(str(entry, "_HOSTNAME"));
  j.ident = std::string(str(entry, "SYSLOG_IDENTIFIER"));
  if (j.ident.empty()) j.ident = std::string(str(entry, "_SYSTEMD_UNIT"));
  std::string_view us = str(entry, "__REALTIME_TIMESTAMP");
  if (auto v = parse_uint(us); v && *v < 7258118400000000LL) j.time_ns = *v * 1000;  // before 2200
  element msg;
  if (entry["MESSAGE"].get(msg)) return;
  std::string_view text;
  simdjson::dom::array bytes;
  if (!msg.get(text)) {
    j.message = std::string(text);
  } else if (!msg.get(bytes)) {
    // Not valid UTF-8 (or a repeated field): an array of byte values.
    for (element b : bytes) {
      int64_t v = 0;
      if (!b.get(v) && v >= 0 && v < 256) j.message.push_back(static_cast<char>(v));
    }
    ++state.byte_messages;
  } else if (msg.is_null()) {
    ++state.null_messages;
    return;
  } else {
    return;
  }
  entries.push_back(std::move(j));
}

void decode_object(element obj, const LineContext& ctx, std::vector<Event>& out, std::vector<JournalEntry>& entries,
                   DocumentState& state, int depth) {
  if (depth > 4 || !obj.is_object()) return;
  element dummy;
  if (!obj["MESSAGE"].get(dummy) || !obj["__REALTIME_TIMESTAMP"].get(dummy)) {
    decode_journal_entry(obj, entries, state);
    return;
  }
  std::string_view kind = str(obj, "kind");
  element object;
  // --output-watch-events: {"type":"ADDED","object":{...}}
  if (kind.empty() && !obj["object"].get(object)) return decode_object(object, ctx, out, entries, state, depth + 1);
  simdjson::dom::array items;
  if (!obj["items"].get(items)) {
    for (element item : items) decode_object(item, ctx, out, entries, state, depth + 1);
    return;
  }
  if (kind == "Event" || !obj["involvedObject"].get(dummy) || !obj["regarding"].get(dummy))
    decode_event(obj, ctx, out, state);
  else if (kind == "Pod")
    decode_pod(obj, ctx, out);
}

// YAML node → JSON text (scalars stay strings except plain numbers, bools, null).
// Aliases can expand exponentially ("billion laughs"): the output has a budget.
constexpr size_t kYamlJsonBudget = 64u << 20;

void yaml_to_json(const YAML::Node& n, std::string& out, int depth) {
  if (depth > 64 || out.size() > kYamlJsonBudget) {
    out += "null";
    return;
  }
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      out += '{';
      bool first = true;
      for (auto kv : n) {
        if (!first) out += ',';
        first = false;
        out += '"';
        json_escape(kv.first.Scalar(), out);
        out += "\":";
        yaml_to_json(kv.second, out, depth + 1);
      }
      out += '}';
      break;
    }
    case YAML::NodeType::Sequence: {
      out += '[';
      for (size_t i = 0; i < n.size(); ++i) {
        if (i) out += ',';
        yaml_to_json(n[i], out, depth + 1);
      }
      out += ']';
      break;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      bool number = !s.empty() && s.size() < 18 && s.find_first_not_of("0123456789") == std::string::npos &&
                    n.Tag() != "!";
      if (number) out += s;
      else if (n.Tag() != "!" && (s == "true" || s == "false")) out += s;
      else {
        out += '"';
        json_escape(s, out);
        out += '"';
      }
      break;
    }
    default:
      out += "null";
  }
}

// A value that opens a non-empty flow collection: `key: {a`, `- [x`.
bool has_flow_collection(std::string_view yaml) {
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t nl = yaml.find('\n', pos);
    std::string_view line = yaml.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? yaml.size() : nl + 1;
    std::string_view v = trim(line);
    while (v.substr(0, 2) == "- ") v = trim(v.substr(2));
    size_t colon = v.find(": ");
    if (colon != std::string_view::npos && v.front() != '"' && v.front() != '\'') v = trim(v.substr(colon + 2));
    if (v.size() >= 2 && (v[0] == '{' || v[0] == '[') && v[1] != '}' && v[1] != ']') return true;
    if (v.size() == 1 && (v[0] == '{' || v[0] == '[')) return true;
  }
  return false;
}

// yaml-cpp 0.7 can loop forever or exhaust memory on some malformed input
// (fuzz_documents found both). It runs in a child process with a time limit,
// and hands back one JSON document per line; a child that does not finish
// costs a diagnostic, never the run.
bool yaml_to_json_isolated(std::string_view yaml, std::string& json_docs, std::string& error) {
  int fds[2];
  if (pipe(fds) != 0) {
    error = "cannot start the YAML reader";
    return false;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    error = "cannot start the YAML reader";
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    // The alarm must kill: a host program (libFuzzer) may have its own SIGALRM handler.
    signal(SIGALRM, SIG_DFL);
    // kubectl's YAML parses at well over 1 MiB/s; allow that plus slack.
    alarm(static_cast<unsigned>(std::min<size_t>(60, 2 + yaml.size() / (1u << 20))));
    std::string out;
    int code = 0;
    try {
      for (const YAML::Node& d : YAML::LoadAll(std::string(yaml))) {
        yaml_to_json(d, out, 0);
        out.push_back('\n');
        if (out.size() > kYamlJsonBudget) {
          out = "YAML expands to more than 64 MiB (aliases?)";
          code = 3;
          break;
        }
      }
    } catch (const YAML::Exception& e) {
      out = "YAML: " + e.msg + (e.mark.line >= 0 ? " at line " + std::to_string(e.mark.line + 1) : "");
      code = 2;
    } catch (...) {
      out = "YAML: cannot be read";
      code = 2;
    }
    for (size_t off = 0; off < out.size();) {
      ssize_t w = write(fds[1], out.data() + off, out.size() - off);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    _exit(code);
  }
  close(fds[1]);
  std::string got;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (got.size() < kYamlJsonBudget + 1024) got.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    json_docs = std::move(got);
    return true;
  }
  error = WIFEXITED(status) ? got : "the YAML reader gave up (it took too long or failed); not read";
  return false;
}

}  // namespace

bool decode_json_document(std::string_view json, const LineContext& ctx, std::vector<Event>& out,
                          std::vector<JournalEntry>& entries, DocumentState& state) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  element doc;
  if (parser.parse(padded).get(doc)) return false;
  simdjson::dom::array top;
  if (!doc.get(top)) {
    for (element item : top) decode_object(item, ctx, out, entries, state, 1);
    return true;
  }
  if (!doc.is_object()) return false;
  decode_object(doc, ctx, out, entries, state, 0);
  return true;
}

bool decode_yaml_documents(std::string_view yaml, const LineContext& ctx, std::vector<Event>& out,
                           std::vector<JournalEntry>& entries, DocumentState& state, std::string& error) {
  // kubectl writes block-style YAML; a flow collection (`key: {a: b}`, a
  // document that is JSON) is not kubectl's, and yaml-cpp 0.7 can loop
  // forever on malformed flow input (found by fuzz_documents). JSON goes to
  // the JSON reader; other flow style is refused.
  std::string_view t = trim(yaml);
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) {
    if (decode_json_document(yaml, ctx, out, entries, state)) return true;
    error = "not valid JSON or block-style YAML";
    return false;
  }
  if (has_flow_collection(yaml)) {
    error = "flow-style YAML ({...} or [...] values) is not kubectl's output; not read";
    return false;
  }
  std::string json_docs;
  if (!yaml_to_json_isolated(yaml, json_docs, error)) return false;
  size_t pos = 0;
  while (pos < json_docs.size()) {
    size_t nl = json_docs.find('\n', pos);
    std::string_view doc = std::string_view(json_docs).substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? json_docs.size() : nl + 1;
    if (!doc.empty()) decode_json_document(doc, ctx, out, entries, state);
  }
  return true;
}

}  // namespace pullscan
