// Serialised names of the record enums: one spelling shared by code, JSON,
// SQL and golden files.
#include "core/record.h"

namespace pullscan {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::pull_started: return "pull_started";
    case EventKind::pull_succeeded: return "pull_succeeded";
    case EventKind::pull_failed: return "pull_failed";
    case EventKind::back_off: return "back_off";
    case EventKind::host_failed: return "host_failed";
    case EventKind::pull_stats: return "pull_stats";
    case EventKind::pull_stalled: return "pull_stalled";
    case EventKind::config_error: return "config_error";
    case EventKind::registry_response: return "registry_response";
    case EventKind::registry_request: return "registry_request";
  }
  return "?";
}

std::string_view to_string(Source s) {
  switch (s) {
    case Source::containerd: return "containerd";
    case Source::kubelet: return "kubelet";
    case Source::event: return "event";
    case Source::pasted: return "pasted";
    case Source::crio: return "crio";
    case Source::docker: return "docker";
  }
  return "?";
}

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::failed: return "failed";
    case Outcome::succeeded: return "succeeded";
    case Outcome::backoff: return "backoff";
    case Outcome::unknown: return "unknown";
  }
  return "?";
}

}  // namespace pullscan
