// Cluster stage (`kubectl pullscan`): the live cluster as an input. It runs
// the user's own kubectl as a subprocess (argv, never a shell), so every
// kubeconfig, context, auth plugin and proxy works as it does for kubectl,
// and hands back what kubectl printed (events, pod statuses, node journals)
// as texts for the parsers. kubectl's failures become one plain line each.
// Neither kubectl nor the API server behind it is trusted: what they print is
// bounded (kKubectlStdoutCap, kKubectlStderrHead/Tail), every call is bounded
// in time, a signal that ends pullscan ends its kubectl too, node names from
// event data must be DNS-1123 names before they go into a request path, and
// kubectl's error text is masked and control-escaped before it is echoed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// The most of one kubectl call's stdout that is read. A list or journal
/// larger than this is cut here (kubectl is stopped) and said so; the part
/// read is still analysed. Texts are analysed one at a time, so this also
/// bounds what the cluster stage holds.
inline constexpr size_t kKubectlStdoutCap = size_t{256} << 20;
/// Of kubectl's stderr, its start and its end are kept (kubectl's verdict is
/// its last line; klog lines may come before it); the middle is counted only.
inline constexpr size_t kKubectlStderrHead = size_t{16} << 10;
inline constexpr size_t kKubectlStderrTail = size_t{4} << 10;
/// The longest piece of kubectl's stderr echoed in a diagnostic line.
inline constexpr size_t kKubectlEchoBytes = 600;
/// kubectl's --request-timeout when the user gives none (a watch gets none:
/// it would end the watch).
inline constexpr const char* kDefaultRequestTimeout = "60s";
/// pullscan's own limit on one kubectl call, when --kubectl-timeout is not
/// given: kubectl is stopped after this long even if it trickles data.
inline constexpr const char* kDefaultKubectlTimeout = "5m";

/// What the user asked of the cluster.
struct ClusterOptions {
  std::string kubectl = "kubectl";  // --kubectl or $KUBECTL
  std::string context, kubeconfig, ns, request_timeout;
  std::string kubectl_timeout;      // --kubectl-timeout: pullscan's limit per kubectl call ("" = kDefaultKubectlTimeout, "0" = none)
  bool all_namespaces = false;
  bool node_logs = false;           // also read the affected nodes' containerd and kubelet journals
  std::string since;                // "2h", "30m", "3d" or RFC 3339; bounds node logs and events
  bool watch = false;
};

/// One text kubectl printed, named for the inputs section.
struct ClusterText {
  std::string name;  // "kubectl get events -n shop", "node-a: containerd and kubelet journal"
  std::string text;
  std::string format;  // forced parser format, or "auto"
};

/// What a failed kubectl call means.
enum class KubectlFailure { none, not_started, unauthorized, unreachable, timeout, forbidden, not_found,
                            method_not_allowed, other };

/// What one kubectl call may take.
struct KubectlLimits {
  size_t stdout_cap = kKubectlStdoutCap;
  int64_t wall_ms = 0;  // stop kubectl after this long; 0 = no limit
};

/// A finished kubectl run.
struct KubectlResult {
  KubectlFailure failure = KubectlFailure::none;
  int exit_code = 0;
  std::string out;   // at most KubectlLimits::stdout_cap bytes
  std::string err;   // its start and end (kKubectlStderrHead/Tail), a marker line between
  std::string problem;  // the line kubectl's stderr boils down to, masked and escaped (kubectl_echo)
  bool stdout_cut = false;  // stdout reached the cap: kubectl was stopped, `out` is its start
  bool timed_out = false;   // the wall-clock limit stopped kubectl (failure is timeout)
};

/// Runs kubectl with args, capturing stdout and stderr within limits. kubectl
/// runs in a process group of its own, which is killed when a limit is hit or
/// when SIGINT, SIGTERM, SIGHUP or SIGQUIT reaches pullscan meanwhile (the
/// signal then takes its course as before).
KubectlResult run_kubectl(const std::string& kubectl, const std::vector<std::string>& args,
                          const KubectlLimits& limits = {});

/// kubectl's text as it may be echoed in a diagnostic line: secrets masked
/// (mask_secrets), control characters escaped (terminal_safe: \xNN, newlines
/// too, so it stays one line), cut to kKubectlEchoBytes.
std::string kubectl_echo(std::string_view text);

/// A duration like 90s, 5m, 1h as milliseconds; 0 for "0" (no limit); nullopt if malformed.
std::optional<int64_t> parse_kubectl_timeout(const std::string& text);

/// True if name is a DNS-1123 subdomain, as Kubernetes requires of node
/// names: lowercase letters, digits, '-' and '.', at most 253 bytes, labels
/// of 1 to 63 that start and end with a letter or digit.
bool is_dns1123_subdomain(std::string_view name);

/// True if name is a DNS-1123 label, as Kubernetes requires of namespace
/// names: 1 to 63 lowercase letters, digits and '-', starting and ending with
/// a letter or digit.
bool is_dns1123_label(std::string_view name);

/// name as one URL path segment: every byte but A-Z a-z 0-9 - . _ ~ percent-escaped.
std::string percent_escape_segment(std::string_view name);

/// The node log query path for node (escaped as one path segment) since an
/// RFC 3339 time: /api/v1/nodes/NODE/proxy/logs/?query=containerd&query=kubelet&sinceTime=SINCE.
std::string node_log_path(std::string_view node, std::string_view since);

/// Reads kubectl's stderr: the kind of failure and its one telling line.
KubectlFailure classify_kubectl_error(const std::string& err, std::string& line);

/// The flags every call but the watch shares: --kubeconfig, --context,
/// --request-timeout (kDefaultRequestTimeout unless given).
std::vector<std::string> kubectl_base_args(const ClusterOptions& opt);

/// The namespace flags: -A, -n NS, or none (the context's namespace).
std::vector<std::string> kubectl_scope_args(const ClusterOptions& opt);

/// --since as a UTC time in ns, relative to now_ns; nullopt if malformed.
std::optional<int64_t> parse_since(const std::string& since, int64_t now_ns);

/// Takes each text as soon as kubectl has printed it, so that only one is
/// held at a time (the caller analyses it and lets it go).
using ClusterTextSink = std::function<void(ClusterText&&)>;

/// Reads events (core/v1, or events.k8s.io/v1 when the core API will not
/// list them) and pods of the chosen namespaces. Hands each text read to
/// `take` and appends one line per problem; `fatal` is set when the cluster
/// cannot be used at all (not logged in, unreachable, no kubectl, a call
/// stopped by the time limit), so nothing more is tried.
/// `events` false reads pods only (--watch reads events from the watch).
void gather_objects(const ClusterOptions& opt, const ClusterTextSink& take, std::vector<std::string>& problems,
                    bool& fatal, bool events = true);

/// Reads containerd and kubelet journals of `nodes` through the kubelet's
/// node log query (node_log_path), saying plainly when a node does not
/// enable it. A name that is not a DNS-1123 subdomain came from event data,
/// not from a node: it gets one problem line and is not asked for.
void gather_node_logs(const ClusterOptions& opt, const std::vector<std::string>& nodes, int64_t since_ns,
                      const ClusterTextSink& take, std::vector<std::string>& problems);

/// A running `kubectl get events -o json --watch`: its stdout to read, and
/// its stderr collected for when it ends.
struct KubectlWatch {
  int pid = -1;
  int out_fd = -1;
  int err_fd = -1;  // a temporary file
  std::string spawn_error;
};

/// Starts the watch; pid -1 and spawn_error set on failure.
KubectlWatch start_event_watch(const ClusterOptions& opt);

/// Stops (if still running) and reaps the watch; returns its failure line, or "".
std::string finish_event_watch(KubectlWatch& w, bool kill_it);

}  // namespace pullscan
