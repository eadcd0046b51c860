// Join rules, in the order a pull leaves its lines:
//  - a start joins an open attempt of the same node and image with no start
//    from the same channel, begun within the start window (oldest first); a
//    runtime's start with none there takes the oldest pull only kubelet and
//    its events have seen (kubelet records Pulling when it queues a pull);
//  - an outcome joins an attempt of that node and image (or pod, when the
//    line names no image) with no outcome from the same channel, open or
//    ended within the end window: one its own view began, else one another
//    view just ended, else the most recent; otherwise it is a new attempt;
//  - per-host tries and stats join the pull their view began (and image);
//  - an event counted over a span joins the pulls the logs saw in the span
//    once they are all in place; the rest are pulls only it saw;
//  - back-off notices fold into the latest attempt once every pull of the
//    batch is in place, or open a back-off-only one.
// A view is one log: containerd's, kubelet's, the API's events, the pods'
// status, kubelet's own log of its events. Kubernetes events carry whole
// seconds, so an event sorts up to a second before the containerd lines of
// the pull it reports; the joins allow that. A node's short hostname is the
// node name of the run that starts with it.
#include "correlate/correlate.h"

#include <algorithm>
#include <bit>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/image_ref.h"

namespace pullscan {
namespace {

// One bit per line kind of a source (Event::channel < kChannelsPerSource).
constexpr unsigned kChannelsPerSource = 5;
uint32_t channel_of(const Event& e) {
  return 1u << (static_cast<unsigned>(e.source) * kChannelsPerSource + std::min<unsigned>(e.channel, kChannelsPerSource - 1));
}

std::string key_of(std::string_view node, std::string_view image) {
  std::string k(node);
  k.push_back('|');
  k.append(image);
  return k;
}

bool near(int64_t a, int64_t b, int64_t window) {
  if (a == 0 || b == 0) return true;  // pasted text without times: order is all we have
  return (a > b ? a - b : b - a) <= window;
}

bool is_outcome(EventKind k) { return k == EventKind::pull_failed || k == EventKind::pull_succeeded; }

// The channels written by the same log as e's, in the bits channel_of()
// uses: one log does not report one pull's end twice. Every line of a
// program's log is one view; Kubernetes events come as the API's objects
// (channels 0, 2), the pods' status (1) and kubelet's own log of the events
// it records (3, 4).
uint32_t view_channels(const Event& e) {
  uint32_t mask = (1u << kChannelsPerSource) - 1;
  if (e.source == Source::event) mask = e.channel == 1 ? 0b00010u : e.channel >= 3 ? 0b11000u : 0b00101u;
  return mask << (static_cast<unsigned>(e.source) * kChannelsPerSource);
}

// The windows are shared with the streaming analysis (core/join_windows.h).
using windows::kClockGrainNs;
using windows::kLongPullNs;
using windows::kLongQueueNs;

// Unknown on either side is no objection: `kubectl get events -n shop` rows
// name the pod without its namespace, describe rows no node at all.
bool same_pod(const Event& e, const PullAttempt& a) {
  return e.pod.empty() || a.pod.empty() || (a.pod == e.pod && (a.ns.empty() || e.ns.empty() || a.ns == e.ns));
}

}  // namespace

Correlator::Correlator(const std::vector<Event>& events, std::vector<PullAttempt>& attempts, CorrelateOptions opt)
    : events_(events), attempts_(attempts), opt_(opt) {
  // Kubernetes names a node by its node name, often the host's FQDN
  // (ip-10-0-1-23.eu-west-1.compute.internal); journald prints the short
  // hostname (ip-10-0-1-23). A short name that exactly one longer name of
  // the run starts with (and a dot) is that node.
  std::set<std::string_view> names;
  for (const Event& e : events_)
    if (!e.node.empty()) names.insert(e.node);
  for (std::string_view n : names) {
    if (n.find('.') != std::string_view::npos) continue;
    const std::string prefix = std::string(n) + '.';
    auto it = names.lower_bound(prefix);
    if (it == names.end() || it->substr(0, prefix.size()) != prefix) continue;
    auto next = std::next(it);
    if (next != names.end() && next->substr(0, prefix.size()) == prefix) continue;  // ambiguous
    node_alias_.emplace(std::string(n), std::string(*it));
  }
}

const std::string& Correlator::node_of(const Event& e) const {
  if (node_alias_.empty() || e.node.empty()) return e.node;
  auto it = node_alias_.find(e.node);
  return it == node_alias_.end() ? e.node : it->second;
}

bool Correlator::same_node(const Event& e, const PullAttempt& a) const {
  const std::string& node = node_of(e);
  return node.empty() || a.node == node;
}

uint32_t Correlator::open_attempt(const Event& e) {
  PullAttempt a;
  a.node = node_of(e);
  a.image = e.image;
  a.first_ns = a.last_ns = e.time_ns;
  attempts_.push_back(std::move(a));
  opened_at_.push_back(seq_);
  backoffs_by_channel_.emplace_back();
  started_by_.push_back(0);
  ended_by_.push_back(0);
  ended_at_.push_back(0);
  uint32_t idx = static_cast<uint32_t>(attempts_.size() - 1);
  index_attempt(idx);
  return idx;
}

void Correlator::index_attempt(uint32_t ai) {
  const PullAttempt& a = attempts_[ai];
  by_key_[key_of(a.node, a.image)].push_back(ai);
  if (!a.image.empty()) by_image_[a.image].push_back(ai);
}

const std::vector<uint32_t>* Correlator::candidates(const Event& e) const {
  const std::string& node = node_of(e);
  const auto& map = node.empty() ? by_image_ : by_key_;
  auto it = map.find(node.empty() ? e.image : key_of(node, e.image));
  return it == map.end() ? nullptr : &it->second;
}

void Correlator::attach(uint32_t ai, uint32_t index, const Event& e, bool identity) {
  PullAttempt& a = attempts_[ai];
  a.events.push_back(index);
  a.sources |= source_bit(e.source);
  // An event counted over a span says when the repeats began and ended, not
  // when this one pull did (join_span() places the pulls only it saw).
  if (e.time_ns && !(stands_for_a_span(e) && a.first_ns)) {
    if (!a.first_ns || e.time_ns < a.first_ns) a.first_ns = e.time_ns;
    if (e.time_ns > a.last_ns) a.last_ns = e.time_ns;
  }
  if (identity && a.pod.empty() && !e.pod.empty()) {
    a.pod = e.pod;
    a.ns = e.ns;
  }
  if (a.container.empty() && !e.container.empty()) a.container = e.container;
  if (a.age.empty() && !e.age.empty()) a.age = e.age;
  const std::string& node = node_of(e);
  const bool named = (a.node.empty() && !node.empty()) || (a.image.empty() && !e.image.empty());
  if (a.node.empty() && !node.empty()) a.node = node;
  if (a.image.empty() && !e.image.empty()) a.image = e.image;
  if (named) index_attempt(ai);
}

int64_t Correlator::find_open_for_start(const Event& e, uint32_t channel) const {
  const std::vector<uint32_t>* same = candidates(e);
  if (!same) return -1;
  // "Pulling" counted N times between firstTimestamp and lastTimestamp: the
  // starts of the N pulls in that span, ended or not, earliest first.
  if (e.first_ns && e.count > 1 && e.time_ns) {
    for (uint32_t i : *same) {
      const PullAttempt& a = attempts_[i];
      if ((started_by_[i] & channel) || !a.first_ns || !same_pod(e, a)) continue;
      if (a.first_ns >= e.first_ns - opt_.start_window_ns && a.first_ns <= e.time_ns + opt_.start_window_ns) return i;
    }
  }
  // Ended already: by this view, so this is the next pull; by another view,
  // still this pull when that end is not before this start (events keep
  // whole seconds: an event at 12:05:40 for containerd's 12:05:40.7), or
  // when this line has no time at all (a describe row, a snapshot).
  // Events sorted by their whole-second time can list a pull's Failed
  // before its Pulling: that second's end is still this pull's.
  auto still_open = [&](uint32_t i) {
    if (!ended_by_[i]) return true;
    if (ended_by_[i] & view_channels(e)) return e.source == Source::event && e.time_ns && ended_at_[i] == e.time_ns;
    return !e.time_ns || (ended_at_[i] && ended_at_[i] >= e.time_ns - kClockGrainNs);
  };
  // Several open pulls of one image on one node (pods started together)
  // are taken in the order they began.
  for (uint32_t i : *same) {
    const PullAttempt& a = attempts_[i];
    if ((started_by_[i] & channel) || !same_pod(e, a) || !still_open(i)) continue;
    if (near(a.first_ns, e.time_ns, opt_.start_window_ns)) return i;
  }
  // kubelet records Pulling when it queues a pull; with serialized pulls
  // (its default) the runtime starts it when the pulls before it are done,
  // as `Pulled ... (Y including waiting)` says: the oldest pull only kubelet
  // and its events have seen is the one the runtime starts now.
  constexpr uint8_t runtimes = 1u << static_cast<unsigned>(Source::containerd) | 1u << static_cast<unsigned>(Source::crio);
  if (!(source_bit(e.source) & runtimes)) return -1;
  for (uint32_t i : *same) {
    const PullAttempt& a = attempts_[i];
    if ((a.sources & (runtimes | source_bit(Source::docker))) || !still_open(i)) continue;
    if (a.first_ns && e.time_ns && (a.first_ns > e.time_ns || e.time_ns - a.first_ns > kLongQueueNs)) continue;
    return i;
  }
  return -1;
}

bool Correlator::is_state_echo(const Event& e) {
  return e.kind == EventKind::pull_failed && e.image.empty() &&
         (e.reason == "InvalidImageName" || e.reason == "ErrImageNeverPull" || e.reason == "ImageInspectError");
}

int64_t Correlator::find_for_outcome(const Event& e, uint32_t channel) const {
  auto usable = [&](uint32_t i) {
    const PullAttempt& a = attempts_[i];
    if (ended_by_[i] & channel) return false;
    if (!same_pod(e, a)) return false;
    // A failure seen at T is not that of a pull that began after T.
    if (a.first_ns && e.time_ns && a.first_ns > e.time_ns + kClockGrainNs) return false;
    if (!e.image.empty() && !a.image.empty() && a.image != e.image && e.image.find('@') == std::string::npos) return false;
    // Same outcome only: a success never absorbs a failure report.
    for (uint32_t ev : a.events) {
      const Event& o = events_[ev];
      if (is_outcome(o.kind) && o.kind != e.kind) return false;
    }
    int64_t ref = ended_by_[i] ? ended_at_[i] : a.last_ns;
    int64_t window = ended_by_[i] ? opt_.end_window_ns : opt_.end_window_ns * windows::kOpenEndFactor;
    // A pull its own view began and has not ended: a runtime logs nothing
    // while an 18 GB image downloads, and kubelet sets no deadline.
    if (!ended_by_[i] && (started_by_[i] & view_channels(e))) window = kLongPullNs;
    // An event counted N times between firstTimestamp and lastTimestamp
    // stands for N failures anywhere in that span.
    if (e.first_ns && e.count > 1 && ref && e.time_ns)
      return ref >= e.first_ns - window && ref <= e.time_ns + window;
    return near(ref, e.time_ns, window);
  };
  if (!e.image.empty()) {
    if (const std::vector<uint32_t>* same = candidates(e)) {
      // The repeats of a span take its pulls oldest first: a later pull may
      // still be running when the span's last failure was counted.
      if (e.first_ns && e.count > 1) {
        for (uint32_t i : *same)
          if (usable(i)) return i;
      } else {
        // A pull this view saw begin and not end, the oldest first (pulls
        // its own view began before are ended: only concurrent ones are
        // open); else the most recent pull another view saw end (kubelet
        // reports a failure just after the runtime does, while a concurrent
        // pull may still run); else the most recent.
        for (uint32_t i : *same)
          if ((started_by_[i] & view_channels(e)) && usable(i)) return i;
        for (auto r = same->rbegin(); r != same->rend(); ++r)
          if (ended_by_[*r] && usable(*r)) return *r;
        for (auto r = same->rbegin(); r != same->rend(); ++r)
          if (usable(*r)) return *r;
      }
    }
    // A digest reference (CRI-O's `Pulled image: repo@sha256:...`) ends the
    // open pull of a tag of the same repository.
    size_t at = e.image.find('@');
    if (at == std::string::npos) return -1;
    std::string repo = e.image.substr(0, at);
    // The oldest such pull first, as for other outcomes: CRI-O with
    // parallel pulls can have two tags of one repository open.
    for (size_t i = 0; i < attempts_.size(); ++i) {
      const PullAttempt& a = attempts_[i];
      if (!same_node(e, a) || (ended_by_[i] & view_channels(e)) || a.image.rfind(repo, 0) != 0) continue;
      char next = a.image.size() > repo.size() ? a.image[repo.size()] : '\0';
      if (next != ':' && next != '@') continue;
      ImageRef probe;
      if (parse_image_ref(a.image, probe) && probe.repository() == repo && usable(static_cast<uint32_t>(i)))
        return static_cast<int64_t>(i);
    }
    return -1;
  }
  // `Error: InvalidImageName` (and the other waiting states kubelet records
  // as an event beside the failure that names the image) with neither image
  // nor pod, as a describe paste shows it: the failure of the same input
  // just before it is the one it repeats.
  if (e.pod.empty() && is_state_echo(e)) {
    for (size_t i = attempts_.size(); i-- > 0;) {
      const PullAttempt& a = attempts_[i];
      bool same_input = std::any_of(a.events.begin(), a.events.end(),
                                    [&](uint32_t ev) { return events_[ev].where.input == e.where.input; });
      if (same_input && same_node(e, a) && usable(static_cast<uint32_t>(i))) return static_cast<int64_t>(i);
    }
    return -1;
  }
  // No image in the line (e.g. `pull QPS exceeded`): the pod is the key.
  if (e.pod.empty()) return -1;
  for (size_t i = attempts_.size(); i-- > 0;) {
    const PullAttempt& a = attempts_[i];
    if (same_node(e, a) && a.pod == e.pod && usable(static_cast<uint32_t>(i)))
      return static_cast<int64_t>(i);
  }
  return -1;
}

int64_t Correlator::find_in_progress(const Event& e) const {
  const uint32_t view = view_channels(e);
  for (size_t i = attempts_.size(); i-- > 0;) {
    const PullAttempt& a = attempts_[i];
    if (!same_node(e, a) || !(started_by_[i] & view) || (ended_by_[i] & view)) continue;
    if (a.first_ns && e.time_ns && a.first_ns > e.time_ns + kClockGrainNs) continue;
    if (near(a.last_ns, e.time_ns, kLongPullNs)) return static_cast<int64_t>(i);
  }
  return -1;
}

int64_t Correlator::find_latest(const Event& e) const {
  // The most recent pull that this line's own view began and has not ended
  // (containerd's `stop pulling image` and `Pulled image ... in` come just
  // before or after its outcome, while kubelet may have queued more pulls of
  // the image); else the most recent one it began. Otherwise a line that
  // names a pod belongs with that pod's attempt before one no line has tied
  // to a pod yet, which another pod pulling the same image may own.
  const uint32_t view = view_channels(e);
  int64_t best = -1;
  int best_rank = -1;
  auto consider = [&](uint32_t i) {
    const PullAttempt& a = attempts_[i];
    if (!same_node(e, a)) return;
    if (e.image.empty() && (e.pod.empty() || a.pod != e.pod)) return;
    if (!same_pod(e, a)) return;
    int rank = (started_by_[i] & view) ? ((ended_by_[i] & view) ? 2 : 3) : (!e.pod.empty() && a.pod.empty()) ? 0 : 1;
    if (!near(a.last_ns, e.time_ns, rank == 3 ? kLongPullNs : opt_.end_window_ns * windows::kOpenEndFactor)) return;
    if (rank > best_rank) {  // newest first: ties keep the most recent
      best = i;
      best_rank = rank;
    }
  };
  if (!e.image.empty()) {
    if (const std::vector<uint32_t>* same = candidates(e))
      for (auto r = same->rbegin(); r != same->rend(); ++r) consider(*r);
  } else {
    for (size_t i = attempts_.size(); i-- > 0;) consider(static_cast<uint32_t>(i));
  }
  return best;
}

int64_t Correlator::find_for_backoff(const Event& e, uint64_t seq) const {
  // Every pull of the batch is in place: the notice belongs with the latest
  // attempt that began before it, else with the first one after it (kubelet
  // was already backing off when the input began). An attempt quiet for
  // longer than the outcome window is over: kubelet retries at least every
  // five minutes, so a back-off after that is a new episode (it inherits the
  // cause when classified). kubelet's lines and an events list fold into
  // what their own view saw fail, so that an events list holding only
  // back-offs next to a journal still shows the episode it stands for; a
  // pod's status is a snapshot of its latest attempt, whoever saw it; and any
  // view's notice joins another view's attempt made of back-offs alone.
  const bool any_view = e.source == Source::event && e.channel == 1;
  int64_t best = -1;
  int rank = -1;  // before the notice (2) over after it (0); a named pod +1
  int64_t best_first = 0;
  auto consider = [&](uint32_t i) {
    const PullAttempt& a = attempts_[i];
    if (!same_node(e, a)) return;
    if (!e.image.empty() && a.image != e.image) return;
    // `Error: ImagePullBackOff` names neither image nor pod in a describe
    // row without its header: it mirrors the BackOff row beside it.
    if (e.image.empty() && e.pod.empty() && !(a.backoffs && (a.sources & source_bit(e.source)))) return;
    if (e.image.empty() && !e.pod.empty() && a.pod != e.pod) return;
    if (!same_pod(e, a)) return;
    // Another view's back-off-only attempt is the same back-off series.
    const bool backoff_only = !started_by_[i] && !ended_by_[i] && a.backoffs > 0;
    if (!any_view && !backoff_only && !(a.sources & source_bit(e.source))) return;
    const bool before = a.first_ns && e.time_ns ? a.first_ns <= e.time_ns + kClockGrainNs : opened_at_[i] < seq;
    if (!near(before ? a.last_ns : a.first_ns, e.time_ns, opt_.end_window_ns * windows::kOpenEndFactor)) return;
    int r = (before ? 2 : 0) + (e.pod.empty() || !a.pod.empty() ? 1 : 0);
    // Among equals: the latest before the notice, the earliest after it.
    if (r > rank || (r == rank && (before ? a.first_ns >= best_first : a.first_ns < best_first))) {
      best = static_cast<int64_t>(i);
      rank = r;
      best_first = a.first_ns;
    }
  };
  if (!e.image.empty()) {
    if (const std::vector<uint32_t>* same = candidates(e))
      for (uint32_t i : *same) consider(i);
  } else {
    // `Error: ImagePullBackOff` names only the pod.
    for (uint32_t i = 0; i < attempts_.size(); ++i) consider(i);
  }
  return best;
}

int64_t Correlator::find_for_host(const Event& e) const {
  // `trying next host` names a host, not an image; the URL in its error names
  // the repository. Prefer the open containerd attempt whose repository it is.
  int64_t fallback = -1;
  for (size_t i = attempts_.size(); i-- > 0;) {
    const PullAttempt& a = attempts_[i];
    if (a.node != node_of(e) || ended_by_[i] || !(a.sources & source_bit(Source::containerd))) continue;
    if (!near(a.first_ns, e.time_ns, opt_.end_window_ns * windows::kOpenEndFactor)) continue;
    size_t slash = a.image.find('/');
    std::string path = slash == std::string::npos ? a.image : a.image.substr(slash + 1);
    path = path.substr(0, path.find_first_of(":@"));
    if (!path.empty() && e.message.find("/v2/" + path + "/") != std::string::npos) return static_cast<int64_t>(i);
    if (fallback < 0) fallback = static_cast<int64_t>(i);
  }
  return fallback;
}

bool Correlator::stands_for_a_span(const Event& e) {
  return (e.kind == EventKind::pull_started || is_outcome(e.kind)) && e.count > 1 && e.first_ns && e.time_ns &&
         e.first_ns < e.time_ns;
}

void Correlator::join_repeats(uint32_t index, std::vector<uint32_t>* opened, std::vector<uint32_t>* joined) {
  const Event& e = events_[index];
  const uint32_t channel = channel_of(e);
  const int32_t repeats = std::max<int32_t>(1, std::min<int32_t>(e.count, 100000));
  const bool start = e.kind == EventKind::pull_started;
  // Once a repeat finds no attempt to join, none after it will: the only
  // attempts added since are this event's own, already started (or ended) by
  // its channel. Searching again would make a row counted `(x100000 over ...)`
  // quadratic in its count.
  bool none_left = false;
  for (int32_t r = 0; r < repeats; ++r) {
    int64_t ai = none_left ? -1 : start ? find_open_for_start(e, channel) : find_for_outcome(e, channel);
    none_left = ai < 0;
    uint32_t a = ai >= 0 ? static_cast<uint32_t>(ai) : open_attempt(e);
    if (ai < 0 && opened) opened->push_back(a);
    if (ai >= 0 && joined) joined->push_back(a);
    attach(a, index, e);
    if (start) {
      started_by_[a] |= channel;
    } else {
      ended_by_[a] |= channel;
      const int64_t t = attempts_[a].last_ns ? attempts_[a].last_ns : e.time_ns;
      if (!ended_at_[a] || t > ended_at_[a]) ended_at_[a] = t;
    }
  }
}

void Correlator::join_span(uint32_t index) {
  // Every line with a time of its own is in place, so the repeats that join
  // none of its pulls are pulls only this event saw. They happened between
  // its first and last time, where no other view saw one, and are spread
  // there, so that a finding's span and busiest minute are not all piled on
  // lastTimestamp.
  const Event& e = events_[index];
  std::vector<uint32_t> opened, joined;
  join_repeats(index, &opened, &joined);
  if (opened.empty()) return;
  int64_t seen_first = INT64_MAX, seen_last = INT64_MIN;
  for (uint32_t ai : joined) {
    const PullAttempt& a = attempts_[ai];
    if (!a.first_ns) continue;
    seen_first = std::min(seen_first, a.first_ns);
    seen_last = std::max(seen_last, a.first_ns);
  }
  const int64_t k = static_cast<int64_t>(opened.size());
  const int64_t first = e.first_ns, last = e.time_ns;
  auto spread = [&](size_t from_index, int64_t n, int64_t a, int64_t b, bool include_b) {
    const int64_t steps = include_b && n > 1 ? n - 1 : n;
    for (int64_t i = 0; i < n; ++i) place(opened[from_index + static_cast<size_t>(i)], a + (b - a) * i / steps);
  };
  if (seen_first == INT64_MAX) {
    spread(0, k, first, last, true);
    return;
  }
  // The other views saw part of the span. firstTimestamp and lastTimestamp
  // are pulls too: the rest go to the stretches no other view saw, in
  // proportion to their lengths.
  const int64_t before = seen_first - first > kClockGrainNs ? seen_first - first : 0;
  const int64_t after = last - seen_last > kClockGrainNs ? last - seen_last : 0;
  if (!before && !after) {
    spread(0, k, first, last, true);
    return;
  }
  int64_t n_before = !after ? k : !before ? 0 : std::clamp<int64_t>((k * before + (before + after) / 2) / (before + after), 1, k - 1);
  if (k == 1 && before && after) n_before = before >= after ? 1 : 0;
  spread(0, n_before, first, seen_first, false);
  const int64_t n_after = k - n_before;
  for (int64_t i = 0; i < n_after; ++i)
    place(opened[static_cast<size_t>(n_before + i)], last - (last - seen_last) * i / n_after);
}

void Correlator::place(uint32_t ai, int64_t t) {
  PullAttempt& a = attempts_[ai];
  a.first_ns = a.last_ns = t;
  if (ended_by_[ai]) ended_at_[ai] = t;
}

void Correlator::add(uint32_t index) {
  ++seq_;
  const Event& e = events_[index];
  if (stands_for_a_span(e)) {
    deferred_spans_.push_back(index);
    return;
  }
  switch (e.kind) {
    case EventKind::pull_failed:
      // A runtime's failure that names neither image nor pod (containerd's
      // `apply failure, attempting cleanup` for a layer) is one of the pull
      // in progress that its own view began. It does not end that pull: the
      // `PullImage ... failed` that follows, and the failures of its other
      // layers, are the same attempt. With no such pull in view it is a
      // pull of its own.
      if (e.image.empty() && e.pod.empty() && e.count <= 1) {
        if (int64_t ai = find_in_progress(e); ai >= 0) {
          attach(static_cast<uint32_t>(ai), index, e);
          break;
        }
      }
      join_repeats(index, nullptr, nullptr);
      break;
    case EventKind::pull_started:
    case EventKind::pull_succeeded:
      join_repeats(index, nullptr, nullptr);
      break;
    case EventKind::back_off:
      deferred_backoffs_.push_back({index, seq_});
      break;
    case EventKind::host_failed: {
      int64_t ai = find_for_host(e);
      if (ai < 0) break;
      attempts_[static_cast<size_t>(ai)].tries.push_back({e.host, e.message});
      attach(static_cast<uint32_t>(ai), index, e);
      break;
    }
    case EventKind::pull_stats:
    case EventKind::pull_stalled: {
      int64_t ai = find_latest(e);
      // A stall with no pull in view (a paste of that one line) is still a
      // pull, one containerd cancelled.
      if (ai < 0 && e.kind == EventKind::pull_stalled && !e.image.empty()) ai = open_attempt(e);
      if (ai < 0) break;
      PullAttempt& a = attempts_[static_cast<size_t>(ai)];
      if (e.bytes > 0) a.bytes = e.bytes;
      if (e.duration_ms >= 0 && e.kind == EventKind::pull_stats) a.duration_ms = e.duration_ms;
      if (e.kind == EventKind::pull_stalled) a.stalled = true;
      attach(static_cast<uint32_t>(ai), index, e);
      break;
    }
    case EventKind::config_error:
    case EventKind::registry_response:
    case EventKind::registry_request:
      break;  // node-wide facts, not part of one attempt
  }
}

void Correlator::fold_backoff(uint32_t index, uint64_t seq) {
  const Event& e = events_[index];
  int64_t ai = find_for_backoff(e, seq);
  uint32_t a = ai >= 0 ? static_cast<uint32_t>(ai) : open_attempt(e);
  // kubelet's sync line, the BackOff event and the `Error: ImagePullBackOff`
  // event each report the same back-offs: views agree by their largest count.
  int32_t& n = backoffs_by_channel_[a][std::countr_zero(channel_of(e))];
  n += std::max<int32_t>(1, std::min<int32_t>(e.count, 100000));
  attempts_[a].backoffs = std::max(attempts_[a].backoffs, n);
  // A back-off does not prove whose pull a pod-less attempt was.
  attach(a, index, e, ai < 0);
}

void Correlator::settle_spans() {
  for (uint32_t index : deferred_spans_) join_span(index);
  deferred_spans_.clear();
}

void Correlator::finish() {
  // An event counted over a span joins the pulls the logs saw in it once
  // they are all in place. A back-off is not a pull, and an events list
  // reports the back-offs of a span at its last time, often before the
  // failures of the same span: fold them once every pull is in place.
  settle_spans();
  // Notices that name no image (`kubectl get pods` rows, `Error:
  // ImagePullBackOff`) fold after those that do, into what they made.
  std::stable_partition(deferred_backoffs_.begin(), deferred_backoffs_.end(),
                        [&](const std::pair<uint32_t, uint64_t>& d) { return !events_[d.first].image.empty(); });
  for (const auto& [index, seq] : deferred_backoffs_) fold_backoff(index, seq);
  deferred_backoffs_.clear();
  for (PullAttempt& a : attempts_) {
    bool failed = false, succeeded = false, backoff = a.backoffs > 0;
    for (uint32_t ev : a.events) {
      const Event& e = events_[ev];
      if (e.kind == EventKind::pull_failed) {
        failed = true;
        a.failed_ns = std::max(a.failed_ns, e.time_ns);
      }
      if (e.kind == EventKind::pull_succeeded) {
        succeeded = true;
        if (e.duration_ms >= 0 && a.duration_ms < 0) a.duration_ms = e.duration_ms;
        if (e.waiting_ms >= 0) a.waiting_ms = e.waiting_ms;
        if (e.bytes > 0 && a.bytes < 0) a.bytes = e.bytes;
      }
    }
    // containerd cancels a stalled pull: it fails, whether or not its
    // `PullImage ... failed` line is in view.
    if (a.stalled && !succeeded) failed = true;
    a.outcome = succeeded ? Outcome::succeeded : failed ? Outcome::failed : backoff ? Outcome::backoff : Outcome::unknown;
    a.registry = registry_of(a.image);
    if (a.registry.empty()) {
      // No image anywhere (a docker CLI error, a kubectl pods row): use the URL host if any.
      for (uint32_t ev : a.events) {
        const std::string& m = events_[ev].message;
        size_t u = m.find("://");
        if (u == std::string::npos) continue;
        size_t end = m.find_first_of("/\" ", u + 3);
        a.registry = m.substr(u + 3, end == std::string::npos ? std::string::npos : end - u - 3);
        break;
      }
    }
  }
}

namespace {

// What several inputs of a run say twice. A support bundle holds the same
// journal entries in several files (kind's journal.log beside kubelet.log
// and containerd.log; sos's whole journal, the current boot and
// /var/log/messages), and snapshots of `kubectl get events` saved an hour
// apart hold the same Event objects. A line with the same node, exact time,
// source and text in two inputs is one line, and an Event object (its uid)
// is counted from its first occurrence by each input: the input that has the
// most of either stands, the others' copies are left out. Within one input
// the same line twice is two pulls.
std::vector<char> repeated_across_inputs(const std::vector<Event>& events) {
  std::vector<char> skip(events.size(), 0);
  bool several = false;
  for (const Event& e : events) several |= e.where.input != events.front().where.input;
  if (!several) return skip;
  struct Seen {
    int64_t count = 0, lines = 0;
  };
  // One key per line or object: an Event's uid, else a hash of the line's
  // node, time, source, kind, channel and text.
  auto key_of_event = [](const Event& e) -> uint64_t {
    if (!e.object_uid.empty()) return std::hash<std::string_view>{}(e.object_uid) ^ 0x9e3779b97f4a7c15ULL;
    if (!e.time_ns) return 0;  // an untimed row cannot be told from another
    // Not the raw line: rsyslog's copy may prefix it differently.
    uint64_t h = std::hash<std::string_view>{}(e.message);
    auto mix = [&h](uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(std::hash<std::string_view>{}(e.node));
    mix(static_cast<uint64_t>(e.time_ns));
    mix(static_cast<uint64_t>(e.kind) << 16 | static_cast<uint64_t>(e.source) << 8 | e.channel);
    mix(std::hash<std::string_view>{}(e.image));
    return h | 1;  // never 0
  };
  std::vector<uint64_t> keys(events.size());
  std::unordered_map<uint64_t, std::map<uint32_t, Seen>> by_key;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.source == Source::event && e.object_uid.empty()) continue;  // tables and pod status: no identity
    keys[i] = key_of_event(e);
    if (!keys[i]) continue;
    Seen& s = by_key[keys[i]][e.where.input];
    s.count += e.count;
    ++s.lines;
  }
  std::unordered_map<uint64_t, uint32_t> keep;
  for (const auto& [key, inputs] : by_key) {
    if (inputs.size() < 2) continue;
    auto best = inputs.begin();
    for (auto it = inputs.begin(); it != inputs.end(); ++it)
      if (std::tie(it->second.count, it->second.lines) > std::tie(best->second.count, best->second.lines)) best = it;
    keep[key] = best->first;
  }
  if (keep.empty()) return skip;
  for (size_t i = 0; i < events.size(); ++i)
    if (keys[i]) {
      auto k = keep.find(keys[i]);
      skip[i] = k != keep.end() && k->second != events[i].where.input;
    }
  return skip;
}

}  // namespace

void correlate(const std::vector<Event>& events, std::vector<PullAttempt>& attempts, std::vector<int64_t>& attempt_of,
               uint32_t first_id) {
  const std::vector<char> repeated = repeated_across_inputs(events);
  std::vector<uint32_t> order;
  order.reserve(events.size());
  for (uint32_t i = 0; i < events.size(); ++i)
    if (!repeated[i]) order.push_back(i);
  // A line without a time (a pasted table row) sorts where it was written:
  // at the time of the last timed line before it in the same input. With no
  // timed line before it (a pod's status, `kubectl describe` rows) it is a
  // snapshot taken after the fact, and sorts after every timed line, so that
  // it joins the latest attempts instead of opening its own.
  std::vector<int64_t> when(events.size(), 0);
  {
    std::vector<uint32_t> by_place = order;
    std::stable_sort(by_place.begin(), by_place.end(), [&](uint32_t a, uint32_t b) {
      return std::tie(events[a].where.input, events[a].where.line) < std::tie(events[b].where.input, events[b].where.line);
    });
    int64_t last = 0;
    uint32_t input = UINT32_MAX;
    for (uint32_t i : by_place) {
      if (events[i].where.input != input) {
        input = events[i].where.input;
        last = 0;
      }
      if (events[i].time_ns) last = events[i].time_ns;
      when[i] = events[i].time_ns ? events[i].time_ns : last ? last : INT64_MAX;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Event& x = events[a];
    const Event& y = events[b];
    return std::tie(when[a], x.where.input, x.where.line) < std::tie(when[b], y.where.input, y.where.line);
  });
  std::vector<PullAttempt> raw;
  Correlator c(events, raw, {});
  bool settled = false;
  for (uint32_t i : order) {
    // Snapshots join what the timed lines and the span events made.
    if (!settled && when[i] == INT64_MAX) {
      c.settle_spans();
      settled = true;
    }
    c.add(i);
  }
  c.finish();
  // Report order: time, then image, pod, node; ids follow it.
  std::vector<uint32_t> idx(raw.size());
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    const PullAttempt& x = raw[a];
    const PullAttempt& y = raw[b];
    return std::tie(x.first_ns, x.image, x.ns, x.pod, x.node) < std::tie(y.first_ns, y.image, y.ns, y.pod, y.node);
  });
  attempts.clear();
  attempts.reserve(raw.size());
  attempt_of.assign(events.size(), -1);
  for (uint32_t i : idx) {
    PullAttempt a = std::move(raw[i]);
    std::sort(a.events.begin(), a.events.end());
    a.events.erase(std::unique(a.events.begin(), a.events.end()), a.events.end());
    for (uint32_t ev : a.events) attempt_of[ev] = static_cast<int64_t>(attempts.size());
    a.id = first_id + static_cast<uint32_t>(attempts.size());
    attempts.push_back(std::move(a));
  }
}

}  // namespace pullscan
