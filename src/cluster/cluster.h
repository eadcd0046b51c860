// Cluster stage (`kubectl pullscan`): the live cluster as an input. It runs
// the user's own kubectl as a subprocess (argv, never a shell), so every
// kubeconfig, context, auth plugin and proxy works as it does for kubectl,
// and hands back what kubectl printed (events, pod statuses, node journals)
// as texts for the parsers. kubectl's failures become one plain line each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pullscan {

/// What the user asked of the cluster.
struct ClusterOptions {
  std::string kubectl = "kubectl";  // --kubectl or $KUBECTL
  std::string context, kubeconfig, ns, request_timeout;
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

/// A finished kubectl run.
struct KubectlResult {
  KubectlFailure failure = KubectlFailure::none;
  int exit_code = 0;
  std::string out, err;
  std::string problem;  // the line kubectl's stderr boils down to
};

/// Runs kubectl with args, capturing stdout and stderr.
KubectlResult run_kubectl(const std::string& kubectl, const std::vector<std::string>& args);

/// Reads kubectl's stderr: the kind of failure and its one telling line.
KubectlFailure classify_kubectl_error(const std::string& err, std::string& line);

/// The flags every call shares: --context, --kubeconfig, --request-timeout.
std::vector<std::string> kubectl_base_args(const ClusterOptions& opt);

/// The namespace flags: -A, -n NS, or none (the context's namespace).
std::vector<std::string> kubectl_scope_args(const ClusterOptions& opt);

/// --since as a UTC time in ns, relative to now_ns; nullopt if malformed.
std::optional<int64_t> parse_since(const std::string& since, int64_t now_ns);

/// Reads events (core/v1, or events.k8s.io/v1 when the core API will not
/// list them) and pods of the chosen namespaces. Appends the texts read and
/// one line per problem; `fatal` is set when the cluster cannot be used at
/// all (not logged in, unreachable, no kubectl), so nothing more is tried.
/// `events` false reads pods only (--watch reads events from the watch).
void gather_objects(const ClusterOptions& opt, std::vector<ClusterText>& texts, std::vector<std::string>& problems,
                    bool& fatal, bool events = true);

/// Reads containerd and kubelet journals of `nodes` through the kubelet's
/// node log query (/api/v1/nodes/NODE/proxy/logs/?query=...&sinceTime=...),
/// saying plainly when a node does not enable it.
void gather_node_logs(const ClusterOptions& opt, const std::vector<std::string>& nodes, int64_t since_ns,
                      std::vector<ClusterText>& texts, std::vector<std::string>& problems);

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
