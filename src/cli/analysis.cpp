// Held versus retired: the held events are analysed again as a whole (the
// batch passes: correlate sorts them by time, classify looks back among
// them), so a run that never retires anything is exactly the batch pipeline.
// Retiring moves whole attempts out, oldest first, and the passes then look
// back into the cause history instead of the attempts that left.
#include "cli/analysis.h"

#include <algorithm>

#include "correlate/correlate.h"
#include "store/store.h"

namespace pullscan {

Analysis::Analysis(const ScanOptions& scan, const RuleSet& rules, RunResult& r, std::vector<InputClock>& clocks,
                   int now_year, StoreWriter* store)
    : scan_(scan), rules_(rules), r_(r), clocks_(clocks), now_year_(now_year), store_(store) {}

void Analysis::number_new_events() {
  if (numbered_ > r_.events.size()) numbered_ = 0;  // defensive: the vector was replaced
  for (size_t i = numbered_; i < r_.events.size(); ++i) r_.events[i].id = next_event_id_++;
  numbered_ = r_.events.size();
}

void Analysis::analyse_held() {
  number_new_events();
  resolve_times(scan_, r_.inputs, clocks_, r_.events, now_year_);
  for (const Event& e : r_.events)
    if ((e.time_flags & time_has_zone) && e.time_ns > newest_ns_) newest_ns_ = e.time_ns;
  correlate(r_.events, r_.attempts, attempt_of_, next_attempt_id_);
  classify(rules_, r_, &history_);
}

bool Analysis::clocks_settled() const {
  // A naive time gets its year and zone from the input's first containerd
  // timestamp: until one is seen, retiring could fix a wrong year for good.
  if (scan_.year && scan_.utc_offset_s) return true;
  for (const Event& e : r_.events) {
    if (!e.time_ns || (e.time_flags & time_has_zone)) continue;
    if (e.where.input >= clocks_.size()) return false;
    const InputClock& c = clocks_[e.where.input];
    if (c.samples.empty() && !(c.saw_exact_year && scan_.utc_offset_s)) return false;
  }
  return true;
}

void Analysis::maybe_retire(size_t hold) {
  if (r_.events.size() <= std::max(hold, next_check_)) return;
  next_check_ = r_.events.size() + hold / 2;
  // Without a settled clock, wait a while for one; then go on with what
  // resolve_times would choose at the end anyway (flags, mtime, this year).
  if (!clocks_settled() && r_.events.size() < 8 * hold) return;
  analyse_held();
  retire();
  next_check_ = r_.events.size() + hold / 2;
}

const Event* Analysis::evidence_of(const PullAttempt& a) const {
  if (a.evidence >= 0) return &r_.events[static_cast<size_t>(a.evidence)];
  if (a.cause_id && a.cause_from < 0) {
    const PastCause* past = history_.find(a);
    if (past && past->attempt_id == a.cause_id && past->evidence) return &*past->evidence;
  }
  return nullptr;
}

void Analysis::retire() {
  if (!newest_ns_ || attempt_of_.size() != r_.events.size()) return;  // not just analysed
  const int64_t cutoff = newest_ns_ - kHorizonNs;
  std::vector<char> leaving(r_.attempts.size(), 0);
  size_t n_leaving = 0;
  for (size_t i = 0; i < r_.attempts.size(); ++i) {
    const PullAttempt& a = r_.attempts[i];
    if (a.first_ns && a.last_ns && a.last_ns < cutoff) {
      leaving[i] = 1;
      ++n_leaving;
    }
  }
  std::vector<char> event_leaving(r_.events.size(), 0);
  std::vector<uint32_t> loose;  // events of no attempt that no attempt will take
  for (size_t i = 0; i < r_.events.size(); ++i) {
    int64_t ai = attempt_of_[i];
    if (ai >= 0 ? leaving[static_cast<size_t>(ai)] != 0
                : (r_.events[i].time_ns && (r_.events[i].time_flags & time_has_zone) && r_.events[i].time_ns < cutoff)) {
      event_leaving[i] = 1;
      if (ai < 0) loose.push_back(static_cast<uint32_t>(i));
    }
  }
  if (n_leaving == 0 && loose.empty()) return;
  // Final ids, in report order, for the attempts that leave; back-off causes
  // among them follow.
  std::vector<uint32_t> final_id(r_.attempts.size(), 0);
  for (size_t i = 0; i < r_.attempts.size(); ++i)
    if (leaving[i]) final_id[i] = next_attempt_id_++;
  for (size_t i = 0; i < r_.attempts.size(); ++i) {
    if (!leaving[i]) continue;
    PullAttempt& a = r_.attempts[i];
    a.id = final_id[i];
    if (a.cause_from >= 0) a.cause_id = final_id[static_cast<size_t>(a.cause_from)];
  }
  for (size_t i = 0; i < r_.attempts.size(); ++i) {
    if (!leaving[i]) continue;
    const PullAttempt& a = r_.attempts[i];
    const Event* evidence = evidence_of(a);
    tally_attempt(tally_, a);
    findings_.add(a, evidence);
    history_.remember(a, evidence);
    if (store_ && store_ok_) {
      store_ok_ = store_->add_attempt(a);
      for (uint32_t ev : a.events)
        if (store_ok_) store_ok_ = store_->add_event(r_.events[ev], a.id);
    }
  }
  std::stable_sort(loose.begin(), loose.end(),
                   [&](uint32_t x, uint32_t y) { return r_.events[x].time_ns < r_.events[y].time_ns; });
  for (uint32_t i : loose) {
    const Event& e = r_.events[i];
    limits_.add(e);
    tally_event(tally_, e);
    if (store_ && store_ok_) store_ok_ = store_->add_event(e, 0);
  }
  tally_.attempts_left_memory += n_leaving;
  retired_before_ = cutoff;
  // Held back-offs start after the cutoff; causes older than that by more
  // than the cause memory cannot be taken any more.
  history_.forget_before(cutoff - kCauseMemoryNs);
  std::vector<Event> kept;
  kept.reserve(r_.events.size() - std::count(event_leaving.begin(), event_leaving.end(), 1));
  for (size_t i = 0; i < r_.events.size(); ++i)
    if (!event_leaving[i]) kept.push_back(std::move(r_.events[i]));
  r_.events = std::move(kept);
  numbered_ = r_.events.size();
  r_.attempts.clear();
  attempt_of_.clear();
}

std::vector<int64_t> Analysis::finish() {
  analyse_held();
  std::vector<const Event*> by_time;
  for (const Event& e : r_.events) by_time.push_back(&e);
  std::stable_sort(by_time.begin(), by_time.end(), [](const Event* a, const Event* b) { return a->time_ns < b->time_ns; });
  for (const Event* e : by_time) {
    limits_.add(*e);
    tally_event(tally_, *e);
  }
  for (const PullAttempt& a : r_.attempts) {
    tally_attempt(tally_, a);
    findings_.add(a, evidence_of(a));
  }
  r_.tally = tally_;
  r_.rate_limits = limits_.accounts();
  r_.findings = findings_.build(rules_, r_.rate_limits, r_.tally.nodes.size());
  link_findings(r_);
  return attempt_of_;
}

}  // namespace pullscan
