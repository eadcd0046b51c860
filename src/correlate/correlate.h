// Correlation: folds Events into PullAttempts, one per real pull. A failure
// that containerd, kubelet (three different lines) and an Event all report is
// one attempt; the same line twice is two. Attempts are counted by pull
// starts and failures, never by lines, and an event that stands for N repeats
// (`count`, `(x4 over 2m)`) stands for N attempts. Back-off notices are not
// pulls: they fold into the latest attempt of the same image and node, once
// every pull of the batch is in place.
//
// The Correlator folds events in time order. A long or followed input is
// correlated over the events still held (cli/analysis.h): attempts quiet for
// longer than every window here have left, and nothing would join them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/join_windows.h"
#include "core/record.h"

namespace pullscan {

/// Windows of the join, in nanoseconds.
struct CorrelateOptions {
  int64_t start_window_ns = windows::kStartWindowNs;  // kubelet Pulling vs containerd PullImage
  int64_t end_window_ns = windows::kEndWindowNs;      // containerd failed vs kubelet's reports of it
};

/// Builds attempts from events fed in time order.
class Correlator {
 public:
  Correlator(const std::vector<Event>& events, std::vector<PullAttempt>& attempts, CorrelateOptions opt = {});
  /// Folds events[index] into an attempt (new or existing); events counted
  /// over a span and back-off notices wait for finish().
  void add(uint32_t index);
  /// Folds the events counted over a span (their repeats join the pulls
  /// other views saw in the span). Call once every line that has a time of
  /// its own is added; finish() calls it too.
  void settle_spans();
  /// Folds the span events, then the back-off notices, then sets outcomes,
  /// registries and spans of every attempt.
  void finish();

 private:
  int64_t find_open_for_start(const Event& e, uint32_t channel) const;
  int64_t find_for_outcome(const Event& e, uint32_t channel) const;
  int64_t find_latest(const Event& e) const;
  int64_t find_in_progress(const Event& e) const;  // the latest pull e's view began and has not ended
  int64_t find_for_backoff(const Event& e, uint64_t seq) const;
  static bool stands_for_a_span(const Event& e);
  /// A waiting state kubelet records beside the failure that names the image
  /// (`Error: InvalidImageName`), naming neither image nor pod.
  static bool is_state_echo(const Event& e);
  void join_repeats(uint32_t index, std::vector<uint32_t>* opened, std::vector<uint32_t>* joined);
  void join_span(uint32_t index);
  void place(uint32_t attempt, int64_t t);
  void fold_backoff(uint32_t index, uint64_t seq);
  int64_t find_for_host(const Event& e) const;
  const std::string& node_of(const Event& e) const;  // e's node, under the name the run knows it by
  bool same_node(const Event& e, const PullAttempt& a) const;  // e names no node, or a's
  uint32_t open_attempt(const Event& e);
  void index_attempt(uint32_t attempt);  // under its node|image and its image
  const std::vector<uint32_t>* candidates(const Event& e) const;  // same node (any, if e names none) and image
  void attach(uint32_t attempt, uint32_t index, const Event& e, bool identity = true);

  const std::vector<Event>& events_;
  std::vector<PullAttempt>& attempts_;
  CorrelateOptions opt_;
  // Per attempt: which channels reported a start / an outcome.
  std::vector<uint32_t> started_by_, ended_by_;
  std::vector<int64_t> ended_at_;
  std::vector<uint64_t> opened_at_;  // the add() call that opened each attempt
  std::vector<std::array<int32_t, 32>> backoffs_by_channel_;  // back-off notices per channel_of() bit
  uint64_t seq_ = 0;                 // add() calls so far
  std::vector<uint32_t> deferred_spans_;                          // events counted over a span
  std::vector<std::pair<uint32_t, uint64_t>> deferred_backoffs_;  // event index, its add() call
  std::map<std::string, std::string> node_alias_;          // short hostname -> the node name the run also has
  std::map<std::string, std::vector<uint32_t>> by_key_;    // node|image -> attempts, oldest first
  std::map<std::string, std::vector<uint32_t>> by_image_;  // image -> attempts on any node, oldest first
};

/// Sorts events by time (unknown times keep input order), correlates them all
/// and numbers the attempts in report order from first_id. attempt_of gets,
/// per event, the index of its attempt (-1 none).
void correlate(const std::vector<Event>& events, std::vector<PullAttempt>& attempts,
               std::vector<int64_t>& attempt_of, uint32_t first_id = 1);

}  // namespace pullscan
