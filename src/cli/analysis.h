// The analysis passes after reading (complete times, correlate, classify,
// tally, findings) over a set of events that may keep growing: a whole
// bundle, a long journal, a followed stream. Only the events of attempts that
// can still change are held. When the stream has moved a horizon past an
// attempt, that attempt and its events leave memory: they are written to the
// database and folded into the tally, the findings builder and the cause
// history, whose size depends on names (images, nodes, classes), not on
// pulls. The report then reads the same tallies whether anything left
// memory or not.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "classify/classify.h"
#include "core/join_windows.h"
#include "core/record.h"
#include "parsers/parser.h"

namespace pullscan {

class StoreWriter;
class JsonAttemptSpool;

class Analysis {
 public:
  /// An attempt leaves memory once the newest line is this far past its last
  /// line: beyond every join window (10 min) and kubelet's 5 min back-off cap.
  static constexpr int64_t kHorizonNs = windows::kHorizonNs;
  /// A pull with no outcome yet stays this much longer: the correlator still
  /// joins a runtime's end to the pull it began two hours before.
  static constexpr int64_t kOpenPullNs = windows::kOpenPullNs;

  /// `r` and `clocks` are the run's, filled by the scanners as they read;
  /// `store` (may be null) receives the attempts that leave memory.
  Analysis(const ScanOptions& scan, const RuleSet& rules, RunResult& r, std::vector<InputClock>& clocks, int now_year,
           StoreWriter* store);

  /// Attempts that leave memory are also written to `spool`, for --output json.
  void spool_attempts_to(JsonAttemptSpool* spool) { spool_ = spool; }

  /// Completes times, correlates and classifies everything held, so that
  /// r.attempts shows the held attempts (what --follow prints from).
  void analyse_held();

  /// Once more than `hold` events are held (and then every hold/2 more), lets
  /// the attempts that ended a horizon ago leave memory. Call between blocks
  /// of a single input read in time order.
  void maybe_retire(size_t hold);

  /// After analyse_held(): lets the attempts that ended a horizon before the
  /// newest line leave memory, with the events no attempt will take.
  void retire();

  /// The last pass: analyses what is held and completes r.tally,
  /// r.rate_limits and r.findings. Returns, per held event, its attempt
  /// index in r.attempts (-1 none), for the database.
  std::vector<int64_t> finish();

  /// Failed attempts that already left memory, per class and registry.
  int64_t retired_failures(const std::string& class_id, const std::string& registry) const {
    return findings_.attempts_of(class_id, registry);
  }
  /// Attempts whose last line is before this left memory (0: none yet).
  int64_t retired_before() const { return retired_before_; }
  /// False once writing to the database failed.
  bool store_ok() const { return store_ok_; }
  /// Whether every held naive time has the year and zone it will end with.
  bool clocks_settled() const;
  /// The first line found older than what already left memory for its node,
  /// after which everything is held; null if the input was in order.
  const Event* disorder() const { return disordered_ ? &*disorder_ : nullptr; }

 private:
  int64_t cutoff_for(const std::string& node) const;
  void number_new_events();
  const Event* evidence_of(const PullAttempt& a) const;

  const ScanOptions& scan_;
  const RuleSet& rules_;
  RunResult& r_;
  std::vector<InputClock>& clocks_;
  int now_year_;
  StoreWriter* store_;
  bool store_ok_ = true;
  JsonAttemptSpool* spool_ = nullptr;
  uint64_t next_event_id_ = 1;
  size_t numbered_ = 0;  // r.events[0, numbered_) have ids
  uint32_t next_attempt_id_ = 1;
  size_t next_check_ = 0;
  int64_t newest_ns_ = 0, retired_before_ = 0;
  std::map<std::string, int64_t> newest_by_node_, retired_before_by_node_;
  bool disordered_ = false;
  std::optional<Event> disorder_;
  std::vector<int64_t> attempt_of_;
  AttemptTally tally_;
  RateLimitTally limits_;
  FindingsBuilder findings_{100000};  // ids per finding: 400 KB at most
  CauseHistory history_;
};

}  // namespace pullscan
