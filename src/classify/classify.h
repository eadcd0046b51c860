// Classification and findings. Each attempt gets one class of the taxonomy,
// the id of the rule that decided it, the evidence line, its root-cause text
// and the values its fixes need (registry, image, node, pod...). Back-offs
// with no cause in view inherit the cause of the last real failure of the
// same image on the same node or pod. Findings group failed attempts by class
// and registry, most attempts first, with the fix filled in for them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "classify/rule_set.h"
#include "core/join_windows.h"
#include "core/record.h"

namespace pullscan {

/// The last real failure of an image on a node, a pod, or anywhere, kept
/// after its attempt left memory, so a later back-off can still inherit it.
struct PastCause {
  uint32_t attempt_id = 0;
  int64_t first_ns = 0, last_ns = 0;
  std::string image, node, ns, pod, class_id, rule_id, error;
  std::vector<std::pair<std::string, std::string>> vars;
  std::vector<std::string> notes;
  std::optional<Event> evidence;
};

/// A back-off takes its cause from a failure at most this long before it:
/// kubelet retries at least every 5 minutes, so an older failure is another
/// episode, and a long journal need not remember every pod it ever saw.
constexpr int64_t kCauseMemoryNs = windows::kCauseMemoryNs;

/// Past causes by place, each kept for kCauseMemoryNs: its size is the
/// (place, image) pairs that failed in that span, not the journal's.
class CauseHistory {
 public:
  /// Remembers a classified failed attempt (call in time order); evidence may be null.
  void remember(const PullAttempt& a, const Event* evidence);
  /// The latest failure a back-off attempt can take its cause from, or null.
  const PastCause* find(const PullAttempt& backoff) const;
  /// Forgets causes that ended before before(node) of their node.
  void forget_before(const std::function<int64_t(const std::string&)>& before);

 private:
  using Entry = std::shared_ptr<const PastCause>;  // one cause, found by node, pod and image
  static bool later(const PastCause& x, const PastCause& y);  // x after y in report order
  std::map<std::string, Entry> by_node_, by_pod_, by_image_;
};

/// Classifies every attempt of r (needs r.events and r.attempts). A back-off
/// with no failure before it among r.attempts looks in `history`, if given.
void classify(const RuleSet& rules, RunResult& r, const CauseHistory* history = nullptr);

/// Docker Hub's rate-limit headers (containerd debug logs) per source
/// address, folded one event at a time (in time order).
class RateLimitTally {
 public:
  void add(const Event& e);
  std::vector<RateLimitAccount> accounts() const;

 private:
  std::map<std::string, RateLimitAccount> by_source_;
  std::map<std::string, std::set<std::string>> nodes_;
  std::map<std::string, std::string> source_of_node_;
  std::set<std::string> hub_hosts_;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> requests_;  // (node, host) -> GETs, HEADs
};

/// Folds one classified attempt, and one event, into the run's tally.
void tally_attempt(AttemptTally& t, const PullAttempt& a);
void tally_event(AttemptTally& t, const Event& e);

/// Names a finding lists per kind (images, nodes, namespaces, pods).
constexpr size_t kFindingNameCap = 1000;

/// Groups classified failures into findings, one attempt at a time; the
/// state per finding is sets of names and per-minute counts, not attempts.
class FindingsBuilder {
 public:
  /// Keeps at most id_cap attempt ids per finding.
  explicit FindingsBuilder(size_t id_cap = SIZE_MAX) : id_cap_(id_cap) {}
  /// Folds an attempt (any outcome: successes tell which failures recovered).
  /// `evidence` is the line that decided its class, if known.
  void add(const PullAttempt& a, const Event* evidence);
  /// Failed attempts so far with this class and registry.
  int64_t attempts_of(const std::string& class_id, const std::string& registry) const;
  /// The findings, most severe first: persistent before recovered, then most
  /// attempts. `tally` (over the whole run) gives the nodes in the run and the
  /// registry configs containerd refused.
  std::vector<Finding> build(const RuleSet& rules, const std::vector<RateLimitAccount>& rate_limits,
                             const AttemptTally& tally) const;

 private:
  struct PairState {  // one failing (image, node) pair of a finding
    bool seen = false;  // a failure without a time makes first_fail 0: then no recovery time
    int64_t first_fail = 0, last_fail = 0;
    std::vector<std::pair<int64_t, int64_t>> healed;  // (first_ns, last_ns) of successes after last_fail, best first
  };
  struct Group {
    Finding f;
    std::set<std::string> images, nodes, namespaces, pods;
    std::map<std::string, int> rule_votes;
    std::map<int64_t, int> per_minute;  // failed attempts per minute, the last 120 minutes
    int peak_before = 0;                // the busiest minute before those
    std::map<std::pair<std::string, std::string>, PairState> pairs;
    PullAttempt rep;  // the attempt that speaks for the group (events cleared)
    bool have_rep = false;
  };
  size_t id_cap_;
  std::map<std::pair<std::string, std::string>, Group> groups_;
};

/// Sets PullAttempt::finding of r's attempts from r.findings (class and registry).
void link_findings(RunResult& r);

/// The text rules run against for one event: its message, with the kubelet
/// reason in front when the message does not already say it.
std::string rule_text(const Event& e);

/// Title, explanation and fixes for an attempt's verdict (rule overrides class).
struct Advice {
  std::string title, explanation;
  std::vector<std::string> fix;
};
/// Advice for a class/rule pair, placeholders filled from vars.
Advice advice_for(const RuleSet& rules, const std::string& class_id, const std::string& rule_id,
                  const std::vector<std::pair<std::string, std::string>>& vars);

}  // namespace pullscan
