// Correlation: folds Events into PullAttempts, one per real pull. A failure
// that containerd, kubelet (three different lines) and an Event all report is
// one attempt; the same line twice is two. Attempts are counted by pull
// starts and failures, never by lines, and an event that stands for N repeats
// (`count`, `(x4 over 2m)`) stands for N attempts. Back-off notices are not
// pulls: they fold into the latest attempt of the same image and node.
//
// The Correlator folds events in time order. A long or followed input is
// correlated over the events still held (cli/analysis.h): attempts quiet for
// longer than every window here have left, and nothing would join them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/record.h"

namespace pullscan {

/// Windows of the join, in nanoseconds.
struct CorrelateOptions {
  int64_t start_window_ns = 15LL * 1000000000;  // kubelet Pulling vs containerd PullImage
  int64_t end_window_ns = 60LL * 1000000000;    // containerd failed vs kubelet's reports of it
};

/// Builds attempts from events fed in time order.
class Correlator {
 public:
  Correlator(const std::vector<Event>& events, std::vector<PullAttempt>& attempts, CorrelateOptions opt = {});
  /// Folds events[index] into an attempt (new or existing).
  void add(uint32_t index);
  /// Sets outcomes, registries and spans of every attempt.
  void finish();

 private:
  int64_t find_open_for_start(const Event& e, uint32_t channel) const;
  int64_t find_for_outcome(const Event& e, uint32_t channel) const;
  int64_t find_latest(const Event& e, bool same_source = false) const;
  int64_t find_for_host(const Event& e) const;
  uint32_t open_attempt(const Event& e);
  void attach(uint32_t attempt, uint32_t index, const Event& e, bool identity = true);

  const std::vector<Event>& events_;
  std::vector<PullAttempt>& attempts_;
  CorrelateOptions opt_;
  // Per attempt: which channels reported a start / an outcome.
  std::vector<uint32_t> started_by_, ended_by_;
  std::vector<int64_t> ended_at_;
  std::map<std::string, std::vector<uint32_t>> by_key_;  // node|image -> attempts, oldest first
};

/// Sorts events by time (unknown times keep input order), correlates them all
/// and numbers the attempts in report order from first_id. attempt_of gets,
/// per event, the index of its attempt (-1 none).
void correlate(const std::vector<Event>& events, std::vector<PullAttempt>& attempts,
               std::vector<int64_t>& attempt_of, uint32_t first_id = 1);

}  // namespace pullscan
