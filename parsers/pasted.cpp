// Free text that is in no log envelope but still names a failed pull: rows
// of `kubectl describe pod` and `kubectl get events`, `kubectl get pods`
// status rows, docker CLI errors, and bare error chains copied out of
// tickets (formats.md §7.3 events, §5.2). People paste fragments; a fragment
// with one failed pull must still become one attempt.
#include <re2/re2.h>

#include "core/error_chain.h"
#include "core/image_ref.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"

namespace pullscan {
namespace {

// `  Warning  Failed     2s (x2 over 16s)  kubelet            Failed to pull image ...`
const RE2& describe_row() {
  static const RE2 re(
      R"(^\s*(Normal|Warning)\s+(\w+)\s+(<unknown>|<invalid>|\S+?)(?: \(x(\d+) over [^)]*\))?\s+([\w-]+(?:, [\w.-]+)?)\s\s+(.*)$)");
  return re;
}

// `90s  Warning  Failed  pod/web-1  Failed to pull image ...` (optionally NAMESPACE first)
const RE2& events_row() {
  static const RE2 re(R"(^\s*(?:([\w.-]+)\s+)?(\S+)\s+(Normal|Warning)\s+(\w+)\s+(?i:pod)/([\w.-]+)\s*(.*)$)");
  return re;
}

// `web-1   0/1   ImagePullBackOff   0   2m` from `kubectl get pods`
const RE2& pods_row() {
  static const RE2 re(
      R"(^\s*(?:([\w.-]+)\s+)?([\w.-]+)\s+\d+/\d+\s+(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|ImageInspectError)\s)");
  return re;
}

// A debug or info line of a logger (containerd's `fetch response received`
// with `response.status="429 ..."`) reports traffic, not a failed pull.
bool routine_log_line(std::string_view t) {
  for (std::string_view k : {" level=debug", " level=info", " level=trace", "\"level\":\"debug\"",
                             "\"level\":\"info\"", "DEBU[", "INFO[", "TRAC["})
    if (t.find(k) != std::string_view::npos) return true;
  return false;
}

bool ends_open(std::string_view msg) {
  msg = trim(msg);
  return msg.empty() || msg.back() == ':';
}

Event& emit(std::vector<Event>& out, const LineContext& ctx, EventKind kind, Source src) {
  out.push_back(make_event(ctx, kind, src));
  return out.back();
}

// A Warning event whose reason no decoder knows (FailedToRetrieveImagePullSecret,
// a policy controller's reason) but whose text is a pull error.
void warning_event(const std::string& type, const std::string& reason, const std::string& message,
                   const LineContext& ctx, std::vector<Event>& out) {
  if (type != "Warning" || message.empty() || message.rfind("Error: ", 0) == 0) return;  // state names only
  for (const Event& e : out)
    if (e.where.line == ctx.line_no && e.where.input == ctx.input) return;  // already decoded
  std::string text = reason + ": " + message;
  if (!is_pull_error_text(ctx, text)) return;
  out.push_back(make_event(ctx, EventKind::pull_failed, Source::event));
  out.back().reason = reason;
  set_message(out.back(), text);
}

bool numeric(std::string_view s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos; }

// Event tables in the other shapes kubectl has printed: `-o wide` (MESSAGE
// then FIRST SEEN, COUNT, NAME), the pre-1.5 tab form (LASTSEEN FIRSTSEEN
// COUNT NAME KIND SUBOBJECT TYPE REASON SOURCE MESSAGE). Columns are runs
// separated by a tab or two or more spaces.
// `open_ended`: the row's own message ends open (wrapped onto the next line).
bool generic_event_row(std::string_view text, const LineContext& ctx, std::vector<Event>& out, bool& open_ended) {
  std::vector<std::string_view> cols;
  // The old form is tab-separated (its messages hold double spaces).
  const bool tabs = text.find('\t') != std::string_view::npos;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == '\t' || (!tabs && text[i] == ' '))) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != '\t' &&
           !(!tabs && text[i] == ' ' && i + 1 < text.size() && text[i + 1] == ' '))
      ++i;
    if (i > start) cols.push_back(trim(text.substr(start, i - start)));
  }
  size_t type = cols.size();
  for (size_t k = 0; k < cols.size(); ++k)
    if (cols[k] == "Normal" || cols[k] == "Warning") {
      type = k;
      break;
    }
  if (type + 2 >= cols.size() || type == 0) return false;
  std::string_view reason = cols[type + 1];
  size_t msg = cols.size();
  for (size_t k = type + 2; k < cols.size(); ++k)
    for (std::string_view p : {"Failed to ", "Pulling image", "Back-off pulling", "Error: ", "Successfully pulled",
                               "Container image", "Error syncing pod", "Unable to retrieve"})
      if (cols[k].substr(0, p.size()) == p && msg == cols.size()) msg = k;
  if (msg == cols.size()) return false;
  size_t before = out.size();
  decode_event_message(reason, cols[msg], ctx, out);
  if (out.size() == before) return false;
  open_ended = ends_open(cols[msg]);
  std::string pod, node;
  int64_t count = 1;
  for (size_t k = 0; k < cols.size(); ++k) {
    std::string_view c = cols[k];
    if (c.size() > 4 && (c.substr(0, 4) == "pod/" || c.substr(0, 4) == "Pod/")) pod = std::string(c.substr(4));
    if (c == "Pod" && k > 0 && pod.empty()) pod = std::string(cols[k - 1]);
    if (c.substr(0, 9) == "{kubelet ") node = std::string(trim(between(c, "{kubelet ", "}")));
    if (c.substr(0, 9) == "kubelet, ") node = std::string(c.substr(9));
  }
  if (type >= 3 && numeric(cols[2])) count = *parse_uint(cols[2]);          // pre-1.5: COUNT third
  else if (msg + 2 < cols.size() && numeric(cols[msg + 2])) count = *parse_uint(cols[msg + 2]);  // -o wide
  for (size_t k = before; k < out.size(); ++k) {
    if (!cols.empty() && cols[0].size() < 8 && cols[0].front() >= '0' && cols[0].front() <= '9') out[k].age = cols[0];
    if (!pod.empty()) out[k].pod = pod;
    if (!node.empty()) out[k].node = node;
    out[k].count = static_cast<int32_t>(std::min<int64_t>(count, 100000));
  }
  return true;
}

// Options of `docker|podman|nerdctl run/create` and `pull` that take a value
// as the next word: skipping them finds the image among the arguments.
bool option_takes_value(std::string_view opt) {
  static constexpr std::string_view kValued[] = {
      "-e", "-p", "-v", "-w", "-u", "-h", "-m", "-l", "-n", "-a", "-c", "--name", "--env", "--publish",
      "--volume", "--network", "--net", "--entrypoint", "--platform", "--user", "--workdir", "--mount",
      "--label", "--restart", "--cpus", "--memory", "--hostname", "--add-host", "--device", "--gpus",
      "--runtime", "--env-file", "--log-driver", "--log-opt", "--security-opt", "--cap-add", "--cap-drop",
      "--ulimit", "--pull", "--shm-size", "--dns", "--ipc", "--pid", "--tmpfs", "--cidfile", "--link",
      "--expose", "--namespace", "--snapshotter", "--user-agent", "--creds", "--user", "--authfile",
      "--cert-dir", "--creds", "--os", "--arch", "--variant", "--hosts-dir", "--address", "--image-endpoint",
      "--runtime-endpoint", "--timeout", "--auth", "--username", "--password", "--config", "--context",
      "--kubeconfig", "--overrides", "--limits", "--requests", "--port", "--labels", "--annotations",
  };
  for (std::string_view v : kValued)
    if (opt == v) return true;
  return false;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < s.size() && w.size() < 64) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > b) w.push_back(s.substr(b, i - b));
  }
  return w;
}

// The command of a shell prompt line (`$ docker pull x`, `root@node:~# crictl
// pull x`, `PS C:\> docker pull x`), or empty when the line is no prompt.
std::string_view prompt_command(std::string_view line) {
  line = trim(line);
  for (std::string_view p : {"$ ", "# ", "> ", "% "}) {
    size_t at = line.find(p);
    // The prompt ends within its first words (`user@host:~/dir$ `).
    if (at != std::string_view::npos && at < 80 && line.substr(0, at).find(' ') == std::string_view::npos)
      return trim(line.substr(at + p.size()));
  }
  return {};
}

// The image a typed pull command names: `docker pull R`, `docker run ... R
// cmd`, `podman|nerdctl pull|run`, `ctr [-n ns] i pull R`, `crictl pull R`,
// `kubectl run NAME --image=R`.
std::string image_of_command(std::string_view command) {
  std::vector<std::string_view> w = words(command);
  size_t i = 0;
  while (i < w.size() && (w[i] == "sudo" || w[i] == "time" || w[i].find('=') != std::string_view::npos)) ++i;
  if (i >= w.size()) return {};
  std::string_view tool = w[i];
  if (size_t slash = tool.rfind('/'); slash != std::string_view::npos) tool.remove_prefix(slash + 1);
  ++i;
  if (tool == "kubectl") {
    for (; i < w.size(); ++i) {
      if (w[i].substr(0, 8) == "--image=") return std::string(w[i].substr(8));
      if (w[i] == "--image" && i + 1 < w.size()) return std::string(w[i + 1]);
    }
    return {};
  }
  if (tool != "docker" && tool != "podman" && tool != "nerdctl" && tool != "ctr" && tool != "crictl" &&
      tool != "skopeo")
    return {};
  // Global options before the verb (`ctr -n k8s.io images pull`, `docker --context x pull`).
  while (i < w.size() && w[i].front() == '-') i += (option_takes_value(w[i]) && i + 1 < w.size()) ? 2 : 1;
  if (i < w.size() && (w[i] == "image" || w[i] == "images" || w[i] == "i" || w[i] == "container")) ++i;
  if (i >= w.size()) return {};
  std::string_view verb = w[i++];
  bool copy = tool == "skopeo" && (verb == "copy" || verb == "inspect");
  if (verb != "pull" && verb != "run" && verb != "create" && !copy) return {};
  for (; i < w.size(); ++i) {
    std::string_view a = w[i];
    if (a.front() == '-') {
      if (a.find('=') == std::string_view::npos && option_takes_value(a)) ++i;
      continue;
    }
    if (copy && a.substr(0, 9) == "docker://") return std::string(a.substr(9));
    if (copy) continue;
    ImageRef ref;
    return parse_image_ref(a, ref) ? std::string(a) : std::string();
  }
  return {};
}

// The Kubernetes e2e framework's event dump: `INFO: At 2025-01-02 03:04:05
// +0000 UTC - event for web-1: {kubelet node-3} Failed: <message>`. It names
// the object, the reporting component and its node, the reason and the time.
const RE2& e2e_event_row() {
  static const RE2 re(
      R"(At (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ([+-]\d{4}) \w+ - event for ([\w.-]+): \{([\w-]+) ?([\w.-]*)\} (\w+): (.*)$)");
  return re;
}

// A CI job's summary of events: `* 2025-01-02T03:04:05Z 6x kubelet: <message>`
// (the count says how many times the event was recorded).
const RE2& summary_event_row() {
  static const RE2 re(R"(^\s*[*-]\s+(\d{4}-\d\d-\d\dT[\d:.]+Z)\s+(\d+)x\s+([\w-]+)(?:,\s*([\w.-]+))?:\s+(.*)$)");
  return re;
}

// Reasons as kubectl before 1.2 printed them: lowercase (`pulling`, `failed`).
std::string event_reason(std::string_view r) {
  std::string out(r);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// `kubectl describe` before 1.2 had no Type column: FirstSeen, LastSeen,
// Count, From (`{kubelet node-3}`), SubobjectPath, Reason, Message, tab
// separated.
bool old_describe_row(std::string_view text, const LineContext& ctx, std::vector<Event>& out, bool& open_ended) {
  if (text.find('\t') == std::string_view::npos || text.find('{') == std::string_view::npos) return false;
  std::vector<std::string_view> cols;
  for (size_t i = 0; i < text.size();) {
    size_t tab = text.find('\t', i);
    std::string_view c = trim(text.substr(i, tab == std::string_view::npos ? std::string_view::npos : tab - i));
    if (!c.empty()) cols.push_back(c);
    if (tab == std::string_view::npos) break;
    i = tab + 1;
  }
  size_t from = cols.size();
  for (size_t k = 0; k < cols.size(); ++k)
    if (cols[k].front() == '{' && cols[k].back() == '}') {
      from = k;
      break;
    }
  if (from < 2 || from + 2 >= cols.size()) return false;
  size_t reason = from + 1;
  if (cols[reason].find('{') != std::string_view::npos || cols[reason].substr(0, 5) == "spec.") ++reason;
  if (reason + 1 >= cols.size()) return false;
  size_t before = out.size();
  std::string message;
  for (size_t k = reason + 1; k < cols.size(); ++k) message += (k > reason + 1 ? " " : "") + std::string(cols[k]);
  std::string why = event_reason(cols[reason]);
  decode_event_message(why, message, ctx, out);
  if (out.size() == before) return false;
  std::string_view source = trim(cols[from].substr(1, cols[from].size() - 2));
  std::string node = source.find(' ') != std::string_view::npos ? std::string(trim(source.substr(source.find(' ')))) : "";
  for (size_t k = before; k < out.size(); ++k) {
    if (!node.empty()) out[k].node = node;
    if (from >= 3 && numeric(cols[from - 1]))
      out[k].count = static_cast<int32_t>(std::min<uint64_t>(*parse_uint(cols[from - 1]), 100000));
  }
  open_ended = ends_open(message);
  return true;
}

}  // namespace

std::string image_named_by_session(std::string_view line) {
  std::string_view t = trim(line);
  if (std::string_view cmd = prompt_command(t); !cmd.empty()) {
    if (std::string img = image_of_command(cmd); !img.empty()) return img;
  }
  // A command pasted without its prompt.
  if (std::string img = image_of_command(t); !img.empty()) return img;
  // The CLIs' own header lines: docker's `Unable to find image 'R' locally`
  // and `TAG: Pulling from REPO`, podman's `Trying to pull R...`, ctr's `R:
  // resolving`, compose's `Pulling svc (R)...`.
  for (std::string_view key : {"Unable to find image ", ": Pulling from ", "Trying to pull "})
    if (t.find(key) != std::string_view::npos) return image_in_message(t);
  // ctr's progress rows: `docker.io/library/redis:7:   resolved   |+++|`.
  if (std::vector<std::string_view> w = words(t); w.size() >= 2 && w[0].size() > 2 && w[0].back() == ':') {
    std::string_view cand = w[0].substr(0, w[0].size() - 1);
    bool status = w[1] == "resolving" || w[1] == "resolved" || w[1] == "waiting" || w[1] == "exists" ||
                  w[1] == "done" || w[1] == "downloading";
    bool content = false;  // a layer, manifest, config or index row, not the image
    for (std::string_view k : {"layer-", "manifest-", "config-", "index-", "sha256:"})
      content = content || cand.substr(0, k.size()) == k;
    ImageRef ref;
    if (status && !content && cand.find(':') != std::string_view::npos && parse_image_ref(cand, ref))
      return std::string(cand);
  }
  if (t.substr(0, 8) == "Pulling " && t.size() > 12 && t.substr(t.size() - 4) == ")...") {
    size_t open = t.find(" (");
    if (open != std::string_view::npos) return std::string(t.substr(open + 2, t.size() - 4 - open - 2));
  }
  return {};
}

// Leaves of pull error chains (formats.md §7.4) that are specific enough to
// stand alone in a paste.
bool has_error_leaf(std::string_view t) {
  static constexpr std::string_view leaves[] = {
      "x509: ", "no such host", "connection refused", "i/o timeout", "TLS handshake timeout", "toomanyrequests",
      "Too Many Requests", "pull rate limit", "401 Unauthorized", "403 Forbidden", "unauthorized: ", "denied: ",
      "manifest unknown", "pull access denied", "no space left on device", "gave HTTP response to HTTPS client",
      "no match for platform", "no matching manifest", "connection reset by peer", "unexpected EOF", "proxyconnect",
      "context deadline exceeded", "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull",
      "ImageInspectError", "pull QPS exceeded", "failed to copy: ", "unexpected status", "Internal Server Error",
      "Bad Gateway", "Service Unavailable", "Gateway Timeout", "name resolution", "network is unreachable",
      "no route to host", "authentication required", "no basic auth credentials", "failed to resolve reference",
      "failed to authorize", "certificate signed by unknown authority", "certificate has expired",
      "invalid reference format", "repository name must be lowercase", "failed to verify certificate",
      "schema 1", "signature", "imagePullSecret", "image pull secret", "not found: not found", ": not found",
      "insufficient_scope", "blob unknown", "BLOB_UNKNOWN", "MANIFEST_UNKNOWN", "NAME_UNKNOWN",
      "unexpected commit digest", "failed size validation", "failed to extract layer", "RegistryUnavailable",
      "SignatureValidationFailed", "FailedToRetrieveImagePullSecret", "Back-off pulling image",
      "Unable to retrieve pull secret", "Unable to retrieve some image pull secrets", "not found in repository",
      "Error syncing pod", "admission webhook", "prohibited by policy", "actively refused",
      "request canceled", "Failed to inspect image", "image pull failed for"};
  for (std::string_view l : leaves)
    if (t.find(l) != std::string_view::npos) return true;
  return false;
}

bool is_pull_error_text(const LineContext& ctx, std::string_view text) {
  if (ctx.is_pull_error && *ctx.is_pull_error) return (*ctx.is_pull_error)(text);
  return has_error_leaf(text);
}

bool begins_pasted_record(std::string_view line) {
  std::string_view t = trim(line);
  for (std::string_view p : {"Failed to pull image", "Failed to inspect image", "Error response from daemon",
                             "Back-off pulling image", "Warning ", "Normal ", "Error: ", "error: ", "Error ", "ctr: ",
                             "crictl ", "FATA[", "ERRO[", "WARN[", "INFO[", "docker: ", "$ ", "# ", "rpc error: "})
    if (t.substr(0, p.size()) == p) return true;
  if (t.size() > 6 && std::string_view("IWEF").find(t[0]) != std::string_view::npos && t[1] >= '0' && t[1] <= '9')
    return true;  // a klog header
  re2::StringPiece sp(t.data(), t.size());
  return RE2::PartialMatch(sp, pods_row()) || RE2::FullMatch(sp, events_row()) || RE2::FullMatch(sp, describe_row());
}

bool decode_pasted(std::string_view text, const LineContext& ctx, std::vector<Event>& out, bool& open_ended) {
  open_ended = false;
  re2::StringPiece sp(text.data(), text.size());
  std::string type, reason, count, from, message, ns, age, pod;
  size_t before = out.size();
  if (RE2::FullMatch(sp, describe_row(), &type, &reason, &age, &count, &from, &message)) {
    decode_event_message(reason, message, ctx, out);
    warning_event(type, reason, message, ctx, out);
    if (out.size() == before && (reason == "Failed" || reason == "BackOff") && ends_open(message) &&
        message.rfind("Error: ", 0) != 0) {
      Event& e = emit(out, ctx, reason == "BackOff" ? EventKind::back_off : EventKind::pull_failed, Source::event);
      e.reason = reason;
      set_message(e, message);
    }
    for (size_t i = before; i < out.size(); ++i) {
      if (age.front() != '<') out[i].age = age;
      if (auto n = parse_uint(count)) out[i].count = static_cast<int32_t>(*n);
      size_t comma = from.find(", ");
      if (comma != std::string::npos) out[i].node = from.substr(comma + 2);
    }
    open_ended = out.size() > before && ends_open(message);
    return out.size() > before;
  }
  // The e2e framework's dump and a CI summary: decode the message they carry,
  // then give its events the row's object, node, time and count.
  std::string when, zone, object, component, node_name, summary_count, message_text;
  if (RE2::PartialMatch(sp, e2e_event_row(), &when, &zone, &object, &component, &node_name, &reason,
                        &message_text) ||
      RE2::FullMatch(sp, summary_event_row(), &when, &summary_count, &component, &node_name, &message_text)) {
    if (!summary_count.empty()) {
      bool inner_open = false;
      decode_pasted(message_text, ctx, out, inner_open);
    } else {
      decode_event_message(reason, message_text, ctx, out);
      warning_event("Warning", reason, message_text, ctx, out);
    }
    bool has_zone = false;
    std::string stamp = when;
    if (!zone.empty()) {
      stamp[10] = 'T';
      stamp += zone.substr(0, 3) + ":" + zone.substr(3);
    }
    std::optional<int64_t> t = parse_iso8601(stamp, has_zone);
    for (size_t i = before; i < out.size(); ++i) {
      if (!summary_count.empty())
        if (auto n = parse_uint(summary_count)) out[i].count = static_cast<int32_t>(std::min<uint64_t>(*n, 100000));
      if (!object.empty() && out[i].pod.empty()) out[i].pod = object;
      if (!node_name.empty()) out[i].node = node_name;
      if (t && has_zone) {
        out[i].time_ns = *t;
        out[i].time_flags = time_has_date | time_has_year | time_has_zone;
      }
    }
    open_ended = out.size() > before && ends_open(message_text);
    return out.size() > before;
  }
  if (old_describe_row(text, ctx, out, open_ended)) return true;
  // Wide and old tables first: their extra columns would end up in the message.
  // (A Pulling row's event carries no message: the row's text decides.)
  if (generic_event_row(text, ctx, out, open_ended)) return true;
  if (RE2::FullMatch(sp, events_row(), &ns, &age, &type, &reason, &pod, &message)) {
    decode_event_message(reason, message, ctx, out);
    warning_event(type, reason, message, ctx, out);
    if (out.size() == before && (reason == "Failed" || reason == "BackOff") && ends_open(message)) {
      // The message wrapped onto the next lines (terminal width).
      Event& e = emit(out, ctx, reason == "BackOff" ? EventKind::back_off : EventKind::pull_failed, Source::event);
      e.reason = reason;
      set_message(e, message);
    }
    for (size_t i = before; i < out.size(); ++i) {
      out[i].pod = pod;
      if (!ns.empty()) out[i].ns = ns;
      if (!age.empty() && age.front() != '<') out[i].age = age;
    }
    open_ended = out.size() > before && ends_open(message);
    return out.size() > before;
  }
  if (RE2::PartialMatch(sp, pods_row(), &ns, &pod, &reason)) {
    Event& e = emit(out, ctx, reason == "ImagePullBackOff" ? EventKind::back_off : EventKind::pull_failed,
                    Source::pasted);
    e.reason = reason;
    e.pod = pod;
    e.ns = ns;
    return true;
  }
  // A PodSyncResult error (old FailedSync events, kubelet lines pasted bare).
  if (text.find("Error syncing pod, skipping: failed to \"") != std::string_view::npos) {
    decode_sync_error(text, ctx, out);
    if (out.size() > before) return true;
  }
  // Error chains anywhere in the line: the outermost wrapper that occurs
  // first keeps the most context (`Failed to inspect image "x": ... Error
  // response from daemon: ...` is an inspect failure, not a daemon error).
  struct Wrapper {
    std::string_view text;
    EventKind kind;
    Source source;
  };
  static constexpr Wrapper kWrappers[] = {
      {"Failed to pull image \"", EventKind::pull_failed, Source::pasted},
      {"Failed to inspect image \"", EventKind::pull_failed, Source::pasted},
      {"Container image \"", EventKind::pull_failed, Source::pasted},
      {"Back-off pulling image \"", EventKind::back_off, Source::pasted},
      {"Back-off pulling image \\\"", EventKind::back_off, Source::pasted},
      {"Error response from daemon: ", EventKind::pull_failed, Source::docker},
      {"rpc error: code = ", EventKind::pull_failed, Source::pasted},
      {"failed to pull and unpack image \"", EventKind::pull_failed, Source::pasted},
      {"failed to resolve reference \"", EventKind::pull_failed, Source::pasted},
      // A sentence that says a pull failed is a failed attempt even when no
      // rule knows its cause (it is then of class unknown, never nothing).
      {"Error while pulling image", EventKind::pull_failed, Source::pasted},
      {"Error pulling image", EventKind::pull_failed, Source::pasted},
      {"error pulling image", EventKind::pull_failed, Source::pasted},
      {"Failed pulling image", EventKind::pull_failed, Source::pasted},
      {"failed pulling image", EventKind::pull_failed, Source::pasted},
      {"Unable to pull image", EventKind::pull_failed, Source::pasted},
      {"unable to pull image", EventKind::pull_failed, Source::pasted},
      {"Could not pull image", EventKind::pull_failed, Source::pasted},
      {"could not pull image", EventKind::pull_failed, Source::pasted},
      {"Image pull failed", EventKind::pull_failed, Source::pasted},
      {"image pull failed", EventKind::pull_failed, Source::pasted},
      {"failed to pull image ", EventKind::pull_failed, Source::pasted},
      {"Failed to pull image ", EventKind::pull_failed, Source::pasted},
  };
  const Wrapper* first = nullptr;
  size_t at = std::string_view::npos;
  for (const Wrapper& w : kWrappers) {
    size_t p = text.find(w.text);
    if (p < at) {
      at = p;
      first = &w;
    }
  }
  // The daemon answers local operations in the same words (`docker tag`,
  // `run --pull=never`, `rm`, `inspect`): `No such image: R` after a failed
  // pull is a follow-on error of the command typed next, not another pull.
  if (first && first->source == Source::docker) {
    std::string_view answer = text.substr(at + first->text.size());
    for (std::string_view local : {"No such image", "No such container", "No such object", "Conflict.", "conflict:"})
      if (answer.starts_with(local)) {
        // What came before it on the line may still be the pull's own error.
        text = trim(text.substr(0, at));
        first = nullptr;
        break;
      }
  }
  if (first) {
    Event& e = emit(out, ctx, first->kind, first->source);
    set_message(e, text.substr(at));
    open_ended = first->kind == EventKind::pull_failed && ends_open(e.message);
    return true;
  }
  // The CLIs' last word on a pull that worked: docker's `Status: Downloaded
  // newer image for R` / `Image is up to date for R`, crictl's `Image is up
  // to date for sha256:...`, ctr's and nerdctl's `unpacking PLATFORM
  // sha256:...`, podman's and skopeo's `Writing manifest to image destination`.
  if (ctx.free_text) {
    std::string_view t = trim(text);
    bool unpacked = t.substr(0, 10) == "unpacking " && t.find(" sha256:") != std::string_view::npos;
    for (std::string_view done : {"Downloaded newer image for ", "Image is up to date for ",
                                  "Writing manifest to image destination"})
      unpacked = unpacked || t.find(done) != std::string_view::npos;
    if (unpacked) {
      Event& e = emit(out, ctx, EventKind::pull_succeeded, Source::pasted);
      std::string named = image_in_message(t);
      if (!named.empty()) e.image = normalize_image(named);
      return true;
    }
  }
  // In pasted text (never in a journal), a bare error leaf is a failed pull:
  // people paste just the part of the message they thought mattered.
  if (ctx.free_text && !routine_log_line(text) && is_pull_error_text(ctx, text)) {
    Event& e = emit(out, ctx, EventKind::pull_failed, Source::pasted);
    set_message(e, trim(text));
    open_ended = ends_open(e.message);
    return true;
  }
  return false;
}

}  // namespace pullscan
