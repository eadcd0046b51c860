// Findings: what a reader acts on. Failed attempts (and back-offs, under the
// cause they inherited) are grouped by class and registry; each group keeps
// its images, nodes, pods, span and one evidence line, and gets the advice of
// its most recent attempt, whose values fill the fixes. The scope sentence
// says whether the cause looks node-local or shared.
//
// Everything here folds one attempt (or event) at a time into state whose
// size depends on names seen, not on pulls: the same code serves a report of
// everything held in memory and a long journal whose ended attempts have
// already gone to the database.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "classify/classify.h"
#include "core/error_chain.h"
#include "core/text.h"

namespace pullscan {
namespace {

std::vector<std::string> sorted(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

bool node_local_class(const std::string& c) {
  return c == "dns_failure" || c == "tls_unknown_authority" || c == "tls_expired" || c == "proxy_error" ||
         c == "disk_full" || c == "connection_refused" || c == "network_timeout" || c == "tls_hostname_mismatch" ||
         c == "tls_protocol_mismatch" || c == "kubelet_throttled" || c == "image_inspect_error";
}

std::string scope_sentence(const Finding& f, size_t nodes_in_run) {
  if (f.nodes.empty()) return "No node is named in the input.";
  if (f.nodes.size() == 1) {
    if (nodes_in_run > 1)
      return fmt::format("Only node {} of the {} nodes in the input: look at that node first{}.", f.nodes.front(),
                         nodes_in_run,
                         node_local_class(f.class_id) ? " (its DNS, CA bundle, proxy, disk and clock)" : "");
    return fmt::format("Seen from node {}, the only node in the input.", f.nodes.front());
  }
  return fmt::format("{} nodes ({}): a shared cause (the registry, credentials, rate limit or network path) "
                     "rather than one node.",
                     f.nodes.size(), join(f.nodes, ", "));
}

}  // namespace

void RateLimitTally::add(const Event& e) {
  if (e.kind == EventKind::registry_request) {
    auto& n = requests_[{e.node, e.host}];
    ++(e.reason == "GET" ? n.first : n.second);
    return;
  }
  if (e.kind != EventKind::registry_response || e.ratelimit_remaining < 0) return;
  RateLimitAccount& a = by_source_[e.ratelimit_source];
  a.source = e.ratelimit_source;
  if (!a.responses) {
    a.first_remaining = e.ratelimit_remaining;
    a.first_ns = e.time_ns;
    a.min_remaining = e.ratelimit_remaining;
  }
  // Hub counts a pull as its remaining quota drops; a rise is the window
  // freeing old pulls. HEADs and refused (429) GETs leave it as it is.
  if (a.responses && e.ratelimit_remaining < a.last_remaining) a.charged += a.last_remaining - e.ratelimit_remaining;
  ++a.responses;
  if (e.message.rfind("429", 0) == 0) ++a.too_many;
  a.last_remaining = e.ratelimit_remaining;
  a.min_remaining = std::min(a.min_remaining, e.ratelimit_remaining);
  if (e.ratelimit_limit >= 0) a.limit = e.ratelimit_limit;
  if (e.ratelimit_window_s >= 0) a.window_s = e.ratelimit_window_s;
  if (e.time_ns) a.last_ns = e.time_ns;
  if (!e.node.empty()) {
    nodes_[a.source].insert(e.node);
    source_of_node_[e.node] = e.ratelimit_source;
  }
  if (!e.host.empty()) hub_hosts_.insert(e.host);
}

std::vector<RateLimitAccount> RateLimitTally::accounts() const {
  std::map<std::string, RateLimitAccount> by_source = by_source_;
  // Manifest requests to the hosts that sent the headers, charged to the
  // source address their node was seen behind.
  for (const auto& [where, counts] : requests_) {
    if (!hub_hosts_.count(where.second)) continue;
    auto s = source_of_node_.find(where.first);
    if (s == source_of_node_.end()) continue;
    RateLimitAccount& a = by_source[s->second];
    if (a.manifest_gets < 0) a.manifest_gets = a.manifest_heads = 0;
    a.manifest_gets += counts.first;
    a.manifest_heads += counts.second;
  }
  std::vector<RateLimitAccount> out;
  for (auto& [source, a] : by_source) {
    auto n = nodes_.find(source);
    if (n != nodes_.end()) a.nodes = sorted(n->second);
    out.push_back(std::move(a));
  }
  return out;
}

void tally_attempt(AttemptTally& t, const PullAttempt& a) {
  ++t.attempts;
  t.by_class[a.class_id]++;
  if (!a.node.empty()) t.nodes.insert(a.node);
  switch (a.outcome) {
    case Outcome::failed: ++t.failed; break;
    case Outcome::succeeded: ++t.succeeded; break;
    case Outcome::backoff: ++t.backoff; break;
    case Outcome::unknown: ++t.unknown; break;
  }
  if (a.outcome == Outcome::failed || a.outcome == Outcome::backoff) t.failed_by_class[a.class_id]++;
  if (a.stalled) {
    t.stalled[a.image].insert(a.node.empty() ? "-" : a.node);
    t.stalled_pulls[a.image]++;
  }
  if (a.outcome != Outcome::succeeded) return;
  t.succeeded_on[a.image].insert(a.node.empty() ? "-" : a.node);
  if (!a.tries.empty()) {
    std::vector<HostTry>& failed = t.fallbacks[{a.image, a.node}];
    failed.clear();  // the latest pull's chain
    for (const HostTry& h : a.tries) failed.push_back({h.host, host_answer(h.error)});
  }
  if (a.duration_ms < 0) return;
  t.durations[a.image].add(a.duration_ms);
  t.registry_durations[a.registry].add(a.duration_ms);
  t.registry_images[a.registry].insert(a.image);
  if (a.bytes > 0 && a.duration_ms > 0) {
    auto& v = t.registry_volume[a.registry];
    v.first += a.bytes;
    v.second += a.duration_ms;
  }
  SlowPull p{a.id, a.first_ns, a.image, a.node, a.duration_ms, a.bytes, a.waiting_ms};
  t.slowest.push_back(std::move(p));
  // Ties by time and place, not id: ids depend on when attempts left memory.
  std::sort(t.slowest.begin(), t.slowest.end(), [](const SlowPull& x, const SlowPull& y) {
    return std::tie(y.duration_ms, x.first_ns, x.node, x.image) < std::tie(x.duration_ms, y.first_ns, y.node, y.image);
  });
  if (t.slowest.size() > 3) t.slowest.resize(3);
}

void tally_event(AttemptTally& t, const Event& e) {
  if (e.kind == EventKind::config_error) t.config_errors.insert({e.node, ellipsize(e.message, 200)});
}

void FindingsBuilder::add(const PullAttempt& a, const Event* evidence) {
  if (a.outcome == Outcome::succeeded) {
    // Recovery: a later success of a failing (image, node) pair. The few
    // earliest-ending ones are kept, in case a later failure rules some out.
    if (!a.first_ns) return;
    for (auto& [key, g] : groups_) {
      auto p = g.pairs.find({a.image, a.node});
      if (p == g.pairs.end() || a.first_ns < p->second.last_fail) continue;
      auto& h = p->second.healed;
      h.emplace_back(a.first_ns, a.last_ns);
      std::sort(h.begin(), h.end(), [](const auto& x, const auto& y) { return x.second < y.second; });
      if (h.size() > 8) h.resize(8);
    }
    return;
  }
  if (a.class_id.empty() || a.class_id == "success") return;
  if (a.outcome == Outcome::unknown) return;  // still in progress at the end of the input
  Group& g = groups_[{a.class_id, a.registry}];
  Finding& f = g.f;
  if (!f.attempts) {
    f.class_id = a.class_id;
    f.registry = a.registry;
  }
  ++f.attempts;
  if (f.attempt_ids.size() < id_cap_) f.attempt_ids.push_back(a.id);
  if (a.outcome == Outcome::backoff) ++f.backoff_attempts;
  f.cause_from_history |= a.cause_id != 0;
  // Names, up to a cap each: Jobs and rollouts make new pod names forever.
  auto name = [&](std::set<std::string>& set, const std::string& n) {
    if (n.empty() || set.count(n)) return;
    if (set.size() < kFindingNameCap) set.insert(n);
    else f.names_capped = true;
  };
  name(g.images, a.image);
  name(g.nodes, a.node);
  name(g.namespaces, a.ns);
  if (!a.pod.empty()) name(g.pods, a.ns.empty() ? a.pod : a.ns + "/" + a.pod);
  g.rule_votes[a.rule_id]++;
  if (a.first_ns && (!f.first_ns || a.first_ns < f.first_ns)) f.first_ns = a.first_ns;
  if (a.last_ns > f.last_ns) f.last_ns = a.last_ns;
  if (f.age.empty()) f.age = a.age;
  if (a.first_ns) {
    ++g.per_minute[a.first_ns / 60000000000LL];
    // Attempts come in time order: minutes two hours back are final, only their peak matters.
    while (g.per_minute.size() > 120) {
      g.peak_before = std::max(g.peak_before, g.per_minute.begin()->second);
      g.per_minute.erase(g.per_minute.begin());
    }
  }
  // The most recent attempt that decided its own class speaks for the group;
  // ties go to the later one in report order, whatever order attempts come in.
  auto rank = [](const PullAttempt& x) {
    return std::make_tuple(x.cause_id == 0 && x.cause_from < 0, x.last_ns, x.first_ns, std::cref(x.image),
                           std::cref(x.ns), std::cref(x.pod), std::cref(x.node));
  };
  if (!g.have_rep || rank(g.rep) <= rank(a)) {
    g.rep = a;
    g.rep.events.clear();
    g.have_rep = true;
    if (evidence) f.evidence = *evidence;
    else f.evidence.reset();
  }
  PairState& p = g.pairs[{a.image, a.node}];
  if (!p.seen || (a.first_ns && a.first_ns < p.first_fail)) p.first_fail = a.first_ns;
  p.seen = true;
  // The last failure, not the back-off notices after it: another pod may
  // still be waiting out its back-off when the image pulls fine.
  const int64_t failed = a.outcome == Outcome::backoff ? 0 : a.failed_ns ? a.failed_ns : a.last_ns;
  if (failed > p.last_fail) {
    p.last_fail = failed;
    std::erase_if(p.healed, [&](const auto& h) { return h.first < p.last_fail; });
  }
}

int64_t FindingsBuilder::attempts_of(const std::string& class_id, const std::string& registry) const {
  auto it = groups_.find({class_id, registry});
  return it == groups_.end() ? 0 : it->second.f.attempts;
}

std::vector<Finding> FindingsBuilder::build(const RuleSet& rules, const std::vector<RateLimitAccount>& rate_limits,
                                            const AttemptTally& tally) const {
  std::vector<Finding> out;
  for (const auto& [key, g] : groups_) {
    Finding f = g.f;
    f.images = sorted(g.images);
    f.nodes = sorted(g.nodes);
    f.namespaces = sorted(g.namespaces);
    f.pods = sorted(g.pods);
    const PullAttempt& ra = g.rep;
    f.rule_id = ra.rule_id;
    int best_votes = 0;
    for (const auto& [rule, votes] : g.rule_votes)
      if (votes > best_votes) {
        best_votes = votes;
        f.rule_id = rule;
      }
    Advice adv = advice_for(rules, ra.class_id, ra.rule_id, ra.vars);
    f.title = adv.title;
    f.explanation = adv.explanation;
    f.fix = adv.fix;
    f.error = ra.error;
    f.tries = ra.tries;
    f.host = ra.host;
    f.host_role = ra.host_role;
    f.notes = ra.notes;
    // Hub's headers say who is charged: the SNAT story in one sentence.
    if (f.class_id == "rate_limited")
      for (const RateLimitAccount& a : rate_limits)
        if (!a.source.empty() && a.nodes.size() > 1)
          f.notes.push_back(fmt::format("Docker Hub counted {} against {} while in view (its remaining quota fell "
                                        "by that much), one address shared by {} nodes: the anonymous quota ({} per "
                                        "{}) is spent by all of them together.",
                                        fmt::format("{} {}", a.charged, a.charged == 1 ? "pull" : "pulls"), a.source, a.nodes.size(), a.limit,
                                        a.window_s > 0 ? std::to_string(a.window_s / 3600) + "h" : "window"));
    // A hosts.toml containerd refused on these nodes: the pulls went to the
    // registry itself, without the mirrors and settings the file gives
    // (realpull hosts-toml-server-only).
    for (const auto& [node, what] : tally.config_errors)
      if (std::binary_search(f.nodes.begin(), f.nodes.end(), node))
        f.notes.push_back(fmt::format(
            "containerd on {} refused a hosts.toml ({}) and ignores it: its pulls go to {} itself, without the "
            "mirrors, CA or credentials that file gives.{}",
            node, what, f.registry.empty() ? "the registry" : f.registry,
            what.find("invalid `host` tree") != std::string::npos
                ? " containerd 1.6 rejects a hosts.toml that has only `server =`: add a [host.\"...\"] table."
                : ""));
    f.scope = scope_sentence(f, tally.nodes.size());
    // Recovered when each failing (image, node) pair pulled fine later.
    f.recovered = !g.pairs.empty();
    for (const auto& [pair, st] : g.pairs) {
      if (st.healed.empty() || !st.first_fail) {
        f.recovered = false;
        break;
      }
      f.recovered_after_ns = std::max(f.recovered_after_ns, st.healed.front().second - st.first_fail);
    }
    if (!f.recovered) f.recovered_after_ns = -1;
    f.peak_per_minute = g.peak_before;
    for (const auto& [minute, n] : g.per_minute) f.peak_per_minute = std::max(f.peak_per_minute, double(n));
    out.push_back(std::move(f));
  }
  // Persistent problems first, then most attempts; on equal attempts a real
  // cause before a finding that names none (only back-offs in view, or a
  // failure no rule knows): the cause is what the reader acts on. Then first
  // seen, class and registry for a stable order.
  auto names_no_cause = [](const Finding& f) { return f.class_id == "backoff_only" || f.class_id == "unknown"; };
  std::stable_sort(out.begin(), out.end(), [&](const Finding& a, const Finding& b) {
    return std::make_tuple(a.recovered, -a.attempts, names_no_cause(a), a.first_ns, a.class_id, a.registry) <
           std::make_tuple(b.recovered, -b.attempts, names_no_cause(b), b.first_ns, b.class_id, b.registry);
  });
  return out;
}

void link_findings(RunResult& r) {
  std::map<std::pair<std::string, std::string>, int64_t> index;
  for (size_t i = 0; i < r.findings.size(); ++i) index[{r.findings[i].class_id, r.findings[i].registry}] = static_cast<int64_t>(i);
  for (PullAttempt& a : r.attempts) {
    a.finding = -1;
    if (a.outcome != Outcome::failed && a.outcome != Outcome::backoff) continue;
    auto it = index.find({a.class_id, a.registry});
    if (it != index.end()) a.finding = it->second;
  }
}

}  // namespace pullscan
