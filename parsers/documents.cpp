// Record-shaped inputs (formats.md §3, §4, §7.3): Kubernetes Event and Pod
// objects as `kubectl get ... -o json|yaml` writes them (single objects,
// Lists, `-w` streams of concatenated objects, `--output-watch-events`
// wrappers, events.k8s.io/v1), and journalctl's JSON modes. Kubernetes
// objects become events here; journal entries are handed back so their
// MESSAGE goes through the same program decoders as a short-mode line.
// YAML is converted to JSON text first, so one decoder serves both. Large
// JSON lists are read item by item by JsonDocumentReader (documents.h).
#include "parsers/documents.h"

#include <fmt/format.h>
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

// The kind of the items of a list of `list_kind`: the API server's PodList
// and EventList leave `kind` out of their items (kubectl's List keeps it).
std::string_view item_kind_of(std::string_view list_kind) {
  if (list_kind.size() > 4 && list_kind.substr(list_kind.size() - 4) == "List") return list_kind.substr(0, list_kind.size() - 4);
  return {};
}

// An object without `kind` that carries container statuses is a Pod.
bool has_container_statuses(element obj) {
  element status, dummy;
  if (obj["status"].get(status) || !status.is_object()) return false;
  return !status["containerStatuses"].get(dummy) || !status["initContainerStatuses"].get(dummy);
}

// `list_kind` is the kind of the list `obj` is an item of, or empty.
void decode_object(element obj, const LineContext& ctx, std::vector<Event>& out, std::vector<JournalEntry>& entries,
                   DocumentState& state, int depth, std::string_view list_kind = {}) {
  if (depth > 4 || !obj.is_object()) return;
  element dummy;
  if (!obj["MESSAGE"].get(dummy) || !obj["__REALTIME_TIMESTAMP"].get(dummy)) {
    decode_journal_entry(obj, entries, state);
    return;
  }
  std::string_view own_kind = str(obj, "kind");
  element object;
  // --output-watch-events: {"type":"ADDED","object":{...}}
  if (own_kind.empty() && !obj["object"].get(object)) return decode_object(object, ctx, out, entries, state, depth + 1);
  simdjson::dom::array items;
  if (!obj["items"].get(items)) {
    for (element item : items) decode_object(item, ctx, out, entries, state, depth + 1, own_kind);
    return;
  }
  std::string_view kind = own_kind.empty() ? item_kind_of(list_kind) : own_kind;
  if (kind == "Event" || !obj["involvedObject"].get(dummy) || !obj["regarding"].get(dummy))
    decode_event(obj, ctx, out, state);
  else if (kind == "Pod" || (kind.empty() && has_container_statuses(obj)))
    decode_pod(obj, ctx, out);
}

// simdjson refuses a whole document for one integer beyond 64 bits (or a
// number beyond a double) and for nesting deeper than 1024; Kubernetes objects
// may hold both in fields pullscan never reads (annotations, CRD-like
// payloads). Such a text is tamed and parsed again: numbers that may not fit
// become strings, and containers nested deeper than kTameDepth become null.
constexpr int kTameDepth = 64;
constexpr size_t kSafeNumberChars = 18;  // any 18-character integer fits in int64

std::string tame_json(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 64);
  int64_t depth = 0, skip_above = -1;  // skip_above >= 0: inside a pruned container
  bool in_string = false, escape = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool keep = skip_above < 0;
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      if (keep) out.push_back(c);
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (keep && depth > kTameDepth) {
        skip_above = depth - 1;
        out += "null";
        continue;
      }
    } else if (c == '}' || c == ']') {
      --depth;
      if (!keep) {
        if (depth == skip_above) skip_above = -1;
        continue;
      }
    } else if (keep && (c == '-' || (c >= '0' && c <= '9'))) {
      size_t end = i;
      while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) != std::string_view::npos) ++end;
      std::string_view number = text.substr(i, end - i);
      bool quote = number.size() > kSafeNumberChars || number.find_first_of("eE") != std::string_view::npos;
      if (quote) out.push_back('"');
      out += number;
      if (quote) out.push_back('"');
      i = end - 1;
      continue;
    }
    if (keep) out.push_back(c);
  }
  return out;
}

// Parses `text`, taming it once if simdjson refuses its numbers or depth.
simdjson::error_code parse_json(std::string_view text, element& doc) {
  thread_local simdjson::dom::parser parser;
  simdjson::error_code err;
  {
    simdjson::padded_string padded(text);
    err = parser.parse(padded).get(doc);
  }
  if (err != simdjson::NUMBER_ERROR && err != simdjson::DEPTH_ERROR) return err;
  simdjson::padded_string tamed(tame_json(text));
  return parser.parse(tamed).get(doc);
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

// Where a node can start on a line of block YAML (after the indentation, `- `,
// `? `, a plain or quoted `key:`, and node properties `&anchor` / `!tag`), a
// non-empty flow collection (`key: {a`, `- [x`, `"k": &a [`) is not kubectl's,
// and yaml-cpp 0.7's scanner can loop forever on malformed flow input
// (yaml-cpp issue #499; fuzz_documents found it).
bool has_flow_collection(std::string_view yaml) {
  size_t pos = 0;
  while (pos < yaml.size()) {
    size_t nl = yaml.find('\n', pos);
    std::string_view line = yaml.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? yaml.size() : nl + 1;
    std::string_view v = trim(line);
    for (int step = 0; step < 64 && !v.empty(); ++step) {
      if (v[0] == '{' || v[0] == '[') {
        if (v.size() == 1 || (v[1] != '}' && v[1] != ']')) return true;
        break;
      }
      if ((v[0] == '-' || v[0] == '?' || v[0] == ':') && (v.size() == 1 || v[1] == ' ' || v[1] == '\t')) {
        v = trim(v.substr(1));
        continue;
      }
      if (v[0] == '&' || v[0] == '!') {
        size_t space = v.find_first_of(" \t");
        if (space == std::string_view::npos) break;
        v = trim(v.substr(space));
        continue;
      }
      if (v[0] == '"' || v[0] == '\'') {
        // A quoted key: its value starts after the closing quote and `:`.
        size_t close = 1;
        while (close < v.size()) {
          if (v[0] == '"' && v[close] == '\\') close += 2;
          else if (v[0] == '\'' && v.substr(close, 2) == "''") close += 2;
          else if (v[close] == v[0]) break;
          else ++close;
        }
        if (close >= v.size()) break;
        std::string_view rest = trim(v.substr(close + 1));
        if (rest.empty() || rest[0] != ':' || (rest.size() > 1 && rest[1] != ' ' && rest[1] != '\t')) break;
        v = trim(rest.substr(1));
        continue;
      }
      size_t colon = v.find(": ");
      if (colon == std::string_view::npos) break;
      v = trim(v.substr(colon + 2));
    }
  }
  return false;
}

// The documents of a YAML stream, each starting at its `---` line (or after a
// `...` line). yaml-cpp 0.7's LoadAll loops forever, allocating, when a
// stray token follows a document (`"a",`: yaml-cpp issue #1040, found by
// fuzz_documents); Load reads one document and stops, so each is loaded alone.
std::vector<std::pair<std::string_view, int>> split_yaml_documents(std::string_view yaml) {
  std::vector<std::pair<std::string_view, int>> docs;  // text, line offset
  size_t start = 0, pos = 0;
  int line = 0, start_line = 0;
  bool content = false;  // the current document has more than directives, comments and blanks
  while (pos < yaml.size()) {
    size_t nl = yaml.find('\n', pos);
    size_t end = nl == std::string_view::npos ? yaml.size() : nl + 1;
    std::string_view l = yaml.substr(pos, end - pos);
    bool marker = l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r');
    if (marker && content) {
      docs.emplace_back(yaml.substr(start, pos - start), start_line);
      start = pos;
      start_line = line;
      content = false;
    }
    std::string_view t = trim(l);
    if (!t.empty() && t[0] != '#' && t[0] != '%') content = true;
    pos = end;
    ++line;
    if (l.substr(0, 3) == "..." && trim(l.substr(3)).empty()) {
      docs.emplace_back(yaml.substr(start, pos - start), start_line);
      start = pos;
      start_line = line;
      content = false;
    }
  }
  if (start < yaml.size()) docs.emplace_back(yaml.substr(start), start_line);
  return docs;
}

// What yaml_to_json_lines writes before a line that is an error, not a
// document (a JSON document never starts with it).
constexpr char kYamlErrorMark = '!';

// YAML text → one JSON document per line; a document yaml-cpp refuses
// becomes an error line (kYamlErrorMark, then the message) and the others
// are kept. False if the expansion budget ran out (aliases).
bool yaml_to_json_lines(std::string_view yaml, std::string& out) {
  for (auto [doc, line_offset] : split_yaml_documents(yaml)) {
    try {
      YAML::Node node = YAML::Load(std::string(doc));
      size_t before = out.size();
      yaml_to_json(node, out, 0);
      if (out.size() > kYamlJsonBudget) {
        out.resize(before);
        out += kYamlErrorMark;
        out += "YAML expands to more than 64 MiB (aliases?)\n";
        return false;
      }
      out.push_back('\n');
    } catch (const YAML::Exception& e) {
      out += kYamlErrorMark;
      out += "YAML: " + e.msg +
             (e.mark.line >= 0 ? " at line " + std::to_string(e.mark.line + 1 + line_offset) : std::string()) + "\n";
    } catch (...) {
      out += kYamlErrorMark;
      out += "YAML: cannot be read\n";
    }
  }
  return true;
}

// The real program reads YAML in a child process with a time limit: a
// yaml-cpp defect not yet ruled out by the checks above (a hang, a crash)
// costs a diagnostic, never the run. The fuzz target reads in process
// (YamlReader::in_process) so that such a defect is found, not hidden.
bool yaml_to_json_isolated(std::string_view yaml, std::string& json_lines, std::string& error) {
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
    yaml_to_json_lines(yaml, out);
    for (size_t off = 0; off < out.size();) {
      ssize_t w = write(fds[1], out.data() + off, out.size() - off);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    _exit(0);
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
    json_lines = std::move(got);
    return true;
  }
  error = "the YAML reader gave up (it took too long or failed); not read";
  return false;
}

// Decodes `text` as one item of a list of `list_kind` (or, with an empty
// list_kind, as a document on its own). False if it is not JSON.
bool decode_json_item(std::string_view text, std::string_view list_kind, const LineContext& ctx,
                      std::vector<Event>& out, std::vector<JournalEntry>& entries, DocumentState& state) {
  element item;
  if (parse_json(text, item)) return false;
  decode_object(item, ctx, out, entries, state, 1, list_kind);
  return true;
}

}  // namespace

bool decode_json_document(std::string_view json, const LineContext& ctx, std::vector<Event>& out,
                          std::vector<JournalEntry>& entries, DocumentState& state) {
  element doc;
  if (parse_json(json, doc)) return false;
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
                           std::vector<JournalEntry>& entries, DocumentState& state, std::string& error,
                           YamlReader reader) {
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
  std::string json_lines;
  if (reader == YamlReader::in_process) yaml_to_json_lines(yaml, json_lines);
  else if (!yaml_to_json_isolated(yaml, json_lines, error)) return false;
  size_t pos = 0;
  while (pos < json_lines.size()) {
    size_t nl = json_lines.find('\n', pos);
    std::string_view doc = std::string_view(json_lines).substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? json_lines.size() : nl + 1;
    if (!doc.empty() && doc.front() == kYamlErrorMark) {
      if (error.empty()) error = std::string(doc.substr(1));  // the first refused document
    } else if (!doc.empty()) {
      decode_json_document(doc, ctx, out, entries, state);
    }
  }
  return error.empty();
}

JsonDocumentReader::JsonDocumentReader(std::vector<Event>& out, DocumentState& state, MakeContext make_context,
                                       AfterDecode after, size_t whole_value_bytes)
    : out_(out),
      state_(state),
      make_context_(std::move(make_context)),
      after_(std::move(after)),
      whole_value_bytes_(whole_value_bytes) {}

bool JsonDocumentReader::feed_line(std::string_view line, uint64_t line_no) {
  if (!in_value()) {
    std::string_view t = trim(line);
    if (!t.empty() && t.front() == '\x1e') t = trim(t.substr(1));  // json-seq record separator
    if (t.empty()) return true;
    if (t.front() != '{' && t.front() != '[') return false;
  }
  consume(line, line_no);
  consume("\n", line_no);
  return true;
}

bool JsonDocumentReader::feed_piece(std::string_view piece, uint64_t line_no, bool first_piece) {
  if (first_piece && !in_value()) {
    std::string_view t = trim(piece);
    if (!t.empty() && t.front() == '\x1e') t = trim(t.substr(1));
    if (t.empty() || (t.front() != '{' && t.front() != '[')) return false;
  }
  consume(piece, line_no);
  return true;
}

void JsonDocumentReader::start_value(uint64_t line_no) {
  value_line_ = line_no;
  whole_ = true;
  value_.clear();
  envelope_.clear();
  envelope_overflow_ = false;
  expect_key_ = capturing_key_ = capturing_kind_ = false;
  key_.clear();
  value_key_.clear();
  list_kind_.clear();
  items_depth_ = 0;
  item_open_ = false;
  item_overflow_ = false;
  item_.clear();
  pending_.clear();
  items_read_ = 0;
  items_started_ = 0;
}

// The scan: container depth outside strings finds where values and items
// end; at depth 1 of a top-level object, the keys `items` (the array whose
// elements are items) and `kind` (the list's kind) are noted. Bytes are
// copied in spans, a span ending wherever their destination changes.
void JsonDocumentReader::consume(std::string_view text, uint64_t line_no) {
  size_t span = 0;  // first byte not yet copied
  auto flush = [&](size_t upto) {
    if (upto > span) copy_span(text.substr(span, upto - span));
    span = upto;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string_) {
      if (!capturing_key_ && !capturing_kind_ && !escape_) {
        // Most bytes are inside strings: skip to the next quote or backslash.
        while (i < text.size() && text[i] != '"' && text[i] != '\\') ++i;
        if (i == text.size()) break;
        c = text[i];
      }
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (capturing_key_) expect_key_ = false;
        capturing_key_ = capturing_kind_ = false;
        continue;
      }
      if (capturing_key_ && key_.size() < 16) key_.push_back(c);
      if (capturing_kind_ && list_kind_.size() < 64) list_kind_.push_back(c);
      continue;
    }
    if (depth_ == 0) {
      // Between values: whitespace, json-seq separators, stray text.
      if (c != '{' && c != '[') continue;
      start_value(line_no);
      span = i;
      depth_ = 1;
      if (c == '[') items_depth_ = 1;
      else expect_key_ = true;
      continue;
    }
    const bool top_object = depth_ == 1 && items_depth_ != 1;
    switch (c) {
      case '"':
        in_string_ = true;
        if (top_object && expect_key_) {
          capturing_key_ = true;
          key_.clear();
        } else if (top_object && value_key_ == "kind") {
          capturing_kind_ = true;
          list_kind_.clear();
        }
        break;
      case ':':
        if (top_object) value_key_ = key_;
        break;
      case ',':
        if (top_object) {
          expect_key_ = true;
          value_key_.clear();
        }
        break;
      case '{':
      case '[':
        if (depth_ == items_depth_ && !item_open_ && c == '{') {
          flush(i);
          item_open_ = true;
          item_line_ = line_no;
          item_begin_ = value_.size();
          ++items_started_;
        }
        ++depth_;
        if (depth_ == 2 && c == '[' && items_depth_ == 0 && value_key_ == "items") items_depth_ = 2;
        break;
      case '}':
      case ']':
        --depth_;
        if (item_open_ && depth_ == items_depth_) {
          flush(i + 1);
          item_ended();
        } else if (depth_ == 0) {
          flush(i + 1);
          end_value();
        }
        break;
      default:
        break;
    }
  }
  if (depth_ > 0) flush(text.size());
}

void JsonDocumentReader::copy_span(std::string_view span) {
  if (whole_) {
    if (value_.size() + span.size() <= whole_value_bytes_) {
      value_.append(span);
      return;
    }
    leave_whole_mode();
  }
  if (item_open_) {
    if (item_overflow_) return;
    if (item_.size() + span.size() <= kMaxItemBytes) {
      item_.append(span);
    } else {
      item_overflow_ = true;
      std::string().swap(item_);
    }
  } else if (items_started_ == 0 && !envelope_overflow_) {
    // No item yet: this may be one large object, read whole at its end.
    if (envelope_.size() + span.size() <= kMaxItemBytes) {
      envelope_.append(span);
    } else {
      envelope_overflow_ = true;
      std::string().swap(envelope_);
    }
  }
}

// The value outgrew kWholeValueBytes: its complete items are decoded now, and
// from here on it is read item by item.
void JsonDocumentReader::leave_whole_mode() {
  whole_ = false;
  for (const PendingItem& p : pending_) decode_item(std::string_view(value_).substr(p.begin, p.end - p.begin), p.line);
  pending_.clear();
  if (item_open_) item_.assign(value_, item_begin_);
  else if (items_started_ == 0) envelope_ = value_;
  std::string().swap(value_);
}

void JsonDocumentReader::item_ended() {
  item_open_ = false;
  if (whole_) {
    pending_.push_back({item_begin_, value_.size(), item_line_});
    return;
  }
  if (item_overflow_) {
    problem(item_line_, fmt::format("a list item larger than {} MiB; skipped", kMaxItemBytes >> 20));
    ++items_read_;
  } else {
    decode_item(item_, item_line_);
  }
  item_.clear();
  item_overflow_ = false;
}

void JsonDocumentReader::end_value() {
  in_string_ = escape_ = false;
  if (whole_) {
    // The value's text as evidence ends with its line's newline, as it always has.
    value_.push_back('\n');
    decode_whole(value_, value_line_);
  } else if (items_started_ == 0) {
    if (envelope_overflow_)
      problem(value_line_, fmt::format("a JSON value larger than {} MiB; not read", kMaxItemBytes >> 20));
    else
      decode_whole(envelope_, value_line_);
  }
  if (value_.capacity() > whole_value_bytes_) std::string().swap(value_);
  std::string().swap(envelope_);
  std::string().swap(item_);
  pending_.clear();
}

void JsonDocumentReader::decode_item(std::string_view text, uint64_t line) {
  LineContext ctx = make_context_(text.size() < 4096 ? text : std::string_view(), line);
  std::vector<JournalEntry> entries;
  size_t before = out_.size();
  ++items_read_;
  if (!decode_json_item(text, list_kind_, ctx, out_, entries, state_)) {
    problem(line, "a list item that is not valid JSON; skipped (the rest of the list is read)");
    return;
  }
  after_(before, entries, line);
}

// A value read whole, as every small document is. If it is not JSON as a
// whole but is a list, its items are read one by one: only broken ones are lost.
void JsonDocumentReader::decode_whole(std::string_view text, uint64_t line) {
  LineContext ctx = make_context_(text.size() < 4096 ? text : std::string_view(), line);
  std::vector<JournalEntry> entries;
  size_t before = out_.size();
  if (decode_json_document(text, ctx, out_, entries, state_)) {
    after_(before, entries, line);
    return;
  }
  if (pending_.empty()) {
    problem(line, "not valid JSON");
    return;
  }
  size_t problems_before = problems_.size() + problems_dropped_;
  for (const PendingItem& p : pending_) decode_item(text.substr(p.begin, p.end - p.begin), p.line);
  if (problems_.size() + problems_dropped_ == problems_before)
    problem(line, "not valid JSON around its list items; the items were read one by one");
}

void JsonDocumentReader::finish() {
  if (!in_value()) return;
  if (whole_)
    for (const PendingItem& p : pending_) decode_item(std::string_view(value_).substr(p.begin, p.end - p.begin), p.line);
  if (items_read_ > 0)
    problem(value_line_, fmt::format("the input ends inside this JSON list (cut short?); its {} complete items "
                                     "were read, the rest is lost",
                                     items_read_));
  else
    problem(value_line_, "the input ends inside a JSON value (cut short?)");
  depth_ = 0;
  in_string_ = escape_ = false;
  std::string().swap(value_);
  std::string().swap(envelope_);
  std::string().swap(item_);
  pending_.clear();
}

void JsonDocumentReader::problem(uint64_t line, std::string what) {
  if (problems_.size() < kMaxProblems) problems_.push_back({line, std::move(what)});
  else ++problems_dropped_;
}

std::vector<DocumentProblem> JsonDocumentReader::problems() const {
  std::vector<DocumentProblem> all = problems_;
  if (problems_dropped_)
    all.push_back({0, fmt::format("{} more JSON values or list items could not be read", problems_dropped_)});
  return all;
}

}  // namespace pullscan
