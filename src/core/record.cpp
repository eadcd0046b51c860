// Serialised names of the record enums: one spelling shared by code, JSON,
// SQL and golden files; and the pull-time statistics the tally keeps.
#include "core/record.h"

#include <algorithm>
#include <cmath>

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

namespace {

// 1% wide log-scale buckets: bucket b holds (1.01^(b-1), 1.01^b] ms.
constexpr double kBucketBase = 1.01;
int32_t bucket_of(int64_t ms) {
  if (ms <= 1) return 0;
  return static_cast<int32_t>(std::ceil(std::log(static_cast<double>(ms)) / std::log(kBucketBase)));
}
int64_t bucket_top(int32_t b) { return b <= 0 ? 1 : static_cast<int64_t>(std::ceil(std::pow(kBucketBase, b))); }

}  // namespace

void DurationStats::add(int64_t ms) {
  ++count;
  max_ms = std::max(max_ms, ms);
  if (buckets.empty() && exact.size() < kExactLimit) {
    exact.push_back(ms);
    return;
  }
  for (int64_t v : exact) ++buckets[bucket_of(v)];
  exact.clear();
  exact.shrink_to_fit();
  ++buckets[bucket_of(ms)];
}

int64_t DurationStats::quantile(double p) const {
  if (count == 0) return -1;
  size_t rank = std::min(static_cast<size_t>(count - 1), static_cast<size_t>(p * static_cast<double>(count - 1) + 0.5));
  if (buckets.empty()) {
    std::vector<int64_t> sorted = exact;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank), sorted.end());
    return sorted[rank];
  }
  int64_t seen = 0;
  for (const auto& [b, n] : buckets) {
    seen += n;
    if (static_cast<size_t>(seen) > rank) return std::min(bucket_top(b), max_ms);
  }
  return max_ms;
}

std::string_view to_string(HostRole r) {
  switch (r) {
    case HostRole::registry: return "registry";
    case HostRole::mirror: return "mirror";
    case HostRole::redirect: return "redirect";
    case HostRole::blob_storage: return "blob_storage";
    case HostRole::token_service: return "token_service";
    case HostRole::other: return "other";
  }
  return "other";
}

HostRole host_role_from(std::string_view name) {
  for (HostRole r : {HostRole::mirror, HostRole::redirect, HostRole::blob_storage, HostRole::token_service,
                     HostRole::other})
    if (to_string(r) == name) return r;
  return HostRole::registry;
}

}  // namespace pullscan
