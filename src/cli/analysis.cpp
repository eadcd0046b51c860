// Held versus retired: the held events are analysed again as a whole (the
// batch passes: correlate sorts them by time, classify looks back among
// them), so a run that never retires anything is exactly the batch pipeline.
// Retiring moves whole attempts out, oldest first, and the passes then look
// back into the cause history instead of the attempts that left.
#include "cli/analysis.h"

#include <malloc.h>

#include <algorithm>

#include "correlate/correlate.h"
#include "report/report.h"
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
  size_t first_new = numbered_ <= r_.events.size() ? numbered_ : 0;
  number_new_events();
  resolve_times(scan_, r_.inputs, clocks_, r_.events, now_year_);
  for (size_t i = first_new; i < r_.events.size(); ++i) {
    const Event& e = r_.events[i];
    if (!(e.time_flags & time_has_zone) || !e.time_ns) continue;
    newest_ns_ = std::max(newest_ns_, e.time_ns);
    int64_t& newest = newest_by_node_[e.node];
    newest = std::max(newest, e.time_ns);
    // A line from before what already left memory for its node: the input
    // is not in time order after all. Hold everything from here on.
    auto retired = retired_before_by_node_.find(e.node);
    if (!disordered_ && retired != retired_before_by_node_.end() && e.time_ns < retired->second) {
      disordered_ = true;
      disorder_ = e;
    }
  }
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
  // Without a settled clock, wait a while for one; then go on with what is
  // known (flags, mtime, this year). A containerd timestamp that shows up
  // later can then no longer change the year of what already left.
  if (!clocks_settled() && r_.events.size() < 8 * hold) return;
  analyse_held();
  retire();
  // Each check re-analyses everything still held, so the next one waits until
  // half as many new events came as are held now: every event is analysed
  // about three times at most whatever the density of pulls (a fixed step
  // re-analysed a dense journal's whole horizon every few thousand events),
  // and what is held stays within 1.5 times the events of the attempts in
  // progress.
  next_check_ = r_.events.size() + std::max(hold / 2, r_.events.size() / 2);
}

const Event* Analysis::evidence_of(const PullAttempt& a) const {
  if (a.evidence >= 0) return &r_.events[static_cast<size_t>(a.evidence)];
  if (a.cause_id && a.cause_from < 0) {
    const PastCause* past = history_.find(a);
    if (past && past->attempt_id == a.cause_id && past->evidence) return &*past->evidence;
  }
  return nullptr;
}

int64_t Analysis::cutoff_for(const std::string& node) const {
  auto it = newest_by_node_.find(node);
  int64_t newest = it != newest_by_node_.end() ? it->second : newest_ns_;
  return newest ? newest - kHorizonNs : 0;
}

void Analysis::retire() {
  if (!newest_ns_ || disordered_ || attempt_of_.size() != r_.events.size()) return;  // not just analysed
  // An attempt leaves once its node's newest line is a horizon past it: per
  // node, so journals of several nodes one after the other are still in order.
  std::vector<char> leaving(r_.attempts.size(), 0);
  for (size_t i = 0; i < r_.attempts.size(); ++i) {
    const PullAttempt& a = r_.attempts[i];
    int64_t cutoff = cutoff_for(a.node);
    // A pull begun and not ended yet may still end: a runtime logs nothing
    // while a big image downloads. It waits as long as the join does.
    const int64_t until = a.outcome == Outcome::unknown ? cutoff - kOpenPullNs : cutoff;
    leaving[i] = a.first_ns && a.last_ns && cutoff && a.last_ns < until;
  }
  // Attempts that share an event (one event counted for N pulls) leave
  // together, and a back-off leaves no earlier than the attempt whose cause
  // it took: otherwise the event or the link would be split across the two.
  std::vector<std::vector<uint32_t>> owners(r_.events.size());
  for (size_t i = 0; i < r_.attempts.size(); ++i)
    for (uint32_t ev : r_.attempts[i].events) owners[ev].push_back(static_cast<uint32_t>(i));
  for (bool changed = true; changed;) {
    changed = false;
    for (const std::vector<uint32_t>& own : owners) {
      if (own.size() < 2) continue;
      bool all = std::all_of(own.begin(), own.end(), [&](uint32_t a) { return leaving[a] != 0; });
      if (all) continue;
      for (uint32_t a : own) {
        changed |= leaving[a] != 0;
        leaving[a] = 0;
      }
    }
    for (size_t i = 0; i < r_.attempts.size(); ++i) {
      int64_t cause = r_.attempts[i].cause_from;
      if (leaving[i] && cause >= 0 && !leaving[static_cast<size_t>(cause)]) {
        leaving[i] = 0;
        changed = true;
      }
    }
  }
  std::vector<char> event_leaving(r_.events.size(), 0);
  std::vector<uint32_t> loose;  // events of no attempt that no attempt will take
  for (size_t i = 0; i < r_.events.size(); ++i) {
    const Event& e = r_.events[i];
    if (!owners[i].empty()) {
      event_leaving[i] = leaving[owners[i].front()];
    } else if (e.time_ns && (e.time_flags & time_has_zone) && e.time_ns < cutoff_for(e.node)) {
      event_leaving[i] = 1;
      loose.push_back(static_cast<uint32_t>(i));
    }
  }
  size_t n_leaving = static_cast<size_t>(std::count(leaving.begin(), leaving.end(), 1));
  if (n_leaving == 0 && loose.empty()) return;
  // Final ids, in report order, for the attempts that leave.
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
    if (store_ && store_ok_) store_ok_ = store_->add_attempt(a);
    if (spool_) spool_->add(a, r_.events);
  }
  // Each event once, with the attempt the batch database would give it.
  for (size_t i = 0; i < r_.events.size() && store_ && store_ok_; ++i)
    if (event_leaving[i] && !owners[i].empty())
      store_ok_ = store_->add_event(r_.events[i], final_id[static_cast<size_t>(attempt_of_[i])]);
  std::stable_sort(loose.begin(), loose.end(),
                   [&](uint32_t x, uint32_t y) { return r_.events[x].time_ns < r_.events[y].time_ns; });
  for (uint32_t i : loose) {
    const Event& e = r_.events[i];
    limits_.add(e);
    tally_event(tally_, e);
    if (store_ && store_ok_) store_ok_ = store_->add_event(e, 0);
  }
  tally_.attempts_left_memory += n_leaving;
  for (const auto& [node, newest] : newest_by_node_) retired_before_by_node_[node] = newest - kHorizonNs;
  retired_before_ = newest_ns_ - kHorizonNs;
  // Held back-offs start after their node's cutoff; causes older than that by
  // more than the cause memory cannot be taken any more.
  history_.forget_before([&](const std::string& node) { return cutoff_for(node) - kCauseMemoryNs; });
  std::vector<Event> kept;
  // Room for what comes before the next check (half as many again, see
  // maybe_retire, plus the block or piece that crosses it): growing a vector
  // of events moves them all and holds old and new at once, the largest
  // single step of the peak.
  const size_t n_kept = r_.events.size() - static_cast<size_t>(std::count(event_leaving.begin(), event_leaving.end(), 1));
  kept.reserve(n_kept + n_kept / 2 + 16384);
  for (size_t i = 0; i < r_.events.size(); ++i)
    if (!event_leaving[i]) kept.push_back(std::move(r_.events[i]));
  r_.events = std::move(kept);
  numbered_ = r_.events.size();
  r_.attempts.clear();
  attempt_of_.clear();
  // The events that left were allocated by the scanning threads, in their
  // own malloc arenas, between events that stay: without this their pages
  // stay resident and the peak follows the input, not the pulls in progress.
  malloc_trim(0);
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
  r_.findings = findings_.build(rules_, r_.rate_limits, r_.tally);
  link_findings(r_);
  return attempt_of_;
}

}  // namespace pullscan
