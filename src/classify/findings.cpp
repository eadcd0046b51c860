// Findings: what a reader acts on. Failed attempts (and back-offs, under the
// cause they inherited) are grouped by class and registry; each group keeps
// its images, nodes, pods, span and one evidence line, and gets the advice of
// its most recent attempt, whose values fill the fixes. The scope sentence
// says whether the cause looks node-local or shared.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "classify/classify.h"
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

void account_rate_limits(RunResult& r) {
  std::map<std::string, RateLimitAccount> by_source;
  std::map<std::string, std::set<std::string>> nodes;
  std::vector<const Event*> responses;
  for (const Event& e : r.events)
    if (e.kind == EventKind::registry_response && e.ratelimit_remaining >= 0) responses.push_back(&e);
  std::stable_sort(responses.begin(), responses.end(),
                   [](const Event* a, const Event* b) { return a->time_ns < b->time_ns; });
  for (const Event* e : responses) {
    RateLimitAccount& a = by_source[e->ratelimit_source];
    a.source = e->ratelimit_source;
    if (!a.responses) {
      a.first_remaining = e->ratelimit_remaining;
      a.first_ns = e->time_ns;
      a.min_remaining = e->ratelimit_remaining;
    }
    ++a.responses;
    if (e->message.rfind("429", 0) == 0) ++a.too_many;
    a.last_remaining = e->ratelimit_remaining;
    a.min_remaining = std::min(a.min_remaining, e->ratelimit_remaining);
    if (e->ratelimit_limit >= 0) a.limit = e->ratelimit_limit;
    if (e->ratelimit_window_s >= 0) a.window_s = e->ratelimit_window_s;
    if (e->time_ns) a.last_ns = e->time_ns;
    if (!e->node.empty()) nodes[a.source].insert(e->node);
  }
  // Manifest requests to the hosts that sent the headers, charged to the
  // source address their node was seen behind.
  std::map<std::string, std::string> source_of_node;
  std::set<std::string> hub_hosts;
  for (const Event* e : responses) {
    if (!e->node.empty()) source_of_node[e->node] = e->ratelimit_source;
    if (!e->host.empty()) hub_hosts.insert(e->host);
  }
  for (const Event& e : r.events) {
    if (e.kind != EventKind::registry_request || !hub_hosts.count(e.host)) continue;
    auto s = source_of_node.find(e.node);
    if (s == source_of_node.end()) continue;
    RateLimitAccount& a = by_source[s->second];
    if (a.manifest_gets < 0) a.manifest_gets = a.manifest_heads = 0;
    ++(e.reason == "GET" ? a.manifest_gets : a.manifest_heads);
  }
  r.rate_limits.clear();
  for (auto& [source, a] : by_source) {
    a.nodes = sorted(nodes[source]);
    r.rate_limits.push_back(std::move(a));
  }
}

void build_findings(const RuleSet& rules, RunResult& r) {
  account_rate_limits(r);
  r.findings.clear();
  std::set<std::string> all_nodes;
  for (const PullAttempt& a : r.attempts)
    if (!a.node.empty()) all_nodes.insert(a.node);
  std::map<std::pair<std::string, std::string>, std::vector<uint32_t>> groups;
  for (uint32_t i = 0; i < r.attempts.size(); ++i) {
    const PullAttempt& a = r.attempts[i];
    if (a.outcome == Outcome::succeeded || a.class_id.empty() || a.class_id == "success") continue;
    if (a.outcome == Outcome::unknown) continue;  // still in progress at the end of the input
    groups[{a.class_id, a.registry}].push_back(i);
  }
  for (auto& [key, members] : groups) {
    Finding f;
    f.class_id = key.first;
    f.registry = key.second;
    std::set<std::string> images, nodes, namespaces, pods;
    std::map<std::string, int> rule_votes;
    uint32_t rep = members.front();
    for (uint32_t i : members) {
      const PullAttempt& a = r.attempts[i];
      if (!a.image.empty()) images.insert(a.image);
      if (!a.node.empty()) nodes.insert(a.node);
      if (!a.ns.empty()) namespaces.insert(a.ns);
      if (!a.pod.empty()) pods.insert(a.ns.empty() ? a.pod : a.ns + "/" + a.pod);
      rule_votes[a.rule_id]++;
      if (a.first_ns && (!f.first_ns || a.first_ns < f.first_ns)) f.first_ns = a.first_ns;
      if (a.last_ns > f.last_ns) f.last_ns = a.last_ns;
      if (f.age.empty()) f.age = a.age;
      // The most recent attempt that decided its own class speaks for the group.
      const PullAttempt& cur = r.attempts[rep];
      bool own = a.cause_from < 0, cur_own = cur.cause_from < 0;
      if ((own && !cur_own) || (own == cur_own && a.last_ns >= cur.last_ns)) rep = i;
      r.attempts[i].finding = static_cast<int64_t>(r.findings.size());
    }
    f.attempts = static_cast<int64_t>(members.size());
    f.attempt_ids = members;
    f.images = sorted(images);
    f.nodes = sorted(nodes);
    f.namespaces = sorted(namespaces);
    f.pods = sorted(pods);
    const PullAttempt& ra = r.attempts[rep];
    f.rule_id = ra.rule_id;
    int best_votes = 0;
    for (const auto& [rule, votes] : rule_votes)
      if (votes > best_votes) {
        best_votes = votes;
        f.rule_id = rule;
      }
    Advice adv = advice_for(rules, ra.class_id, ra.rule_id, ra.vars);
    f.title = adv.title;
    f.explanation = adv.explanation;
    f.fix = adv.fix;
    f.evidence = ra.evidence;
    f.notes = ra.notes;
    // Hub's headers say who is charged: the SNAT story in one sentence.
    if (f.class_id == "rate_limited")
      for (const RateLimitAccount& a : r.rate_limits)
        if (!a.source.empty() && a.nodes.size() > 1)
          f.notes.push_back(fmt::format("Docker Hub charged {} pulls to {}, one address shared by {} nodes: the "
                                        "anonymous quota ({} per {}) is spent by all of them together.",
                                        a.responses, a.source, a.nodes.size(), a.limit,
                                        a.window_s > 0 ? std::to_string(a.window_s / 3600) + "h" : "window"));
    f.scope = scope_sentence(f, all_nodes.size());
    // Recovery: each failing (image, node) pair pulled fine later.
    f.recovered = true;
    std::map<std::pair<std::string, std::string>, int64_t> first_failure;
    for (uint32_t i : members) {
      const PullAttempt& a = r.attempts[i];
      auto key = std::make_pair(a.image, a.node);
      auto it = first_failure.find(key);
      if (it == first_failure.end() || (a.first_ns && a.first_ns < it->second)) first_failure[key] = a.first_ns;
    }
    for (const auto& [key, failed_at] : first_failure) {
      int64_t last_fail = 0;
      for (uint32_t i : members)
        if (r.attempts[i].image == key.first && r.attempts[i].node == key.second)
          last_fail = std::max(last_fail, r.attempts[i].last_ns);
      int64_t healed = -1;
      for (const PullAttempt& a : r.attempts)
        if (a.outcome == Outcome::succeeded && a.image == key.first && a.node == key.second && a.first_ns &&
            a.first_ns >= last_fail && (healed < 0 || a.last_ns < healed))
          healed = a.last_ns;
      if (healed < 0 || !failed_at) {
        f.recovered = false;
        break;
      }
      f.recovered_after_ns = std::max(f.recovered_after_ns, healed - failed_at);
    }
    if (!f.recovered) f.recovered_after_ns = -1;
    // The busiest minute.
    std::map<int64_t, int> per_minute;
    for (uint32_t i : members)
      if (r.attempts[i].first_ns) ++per_minute[r.attempts[i].first_ns / 60000000000LL];
    for (const auto& [minute, n] : per_minute) f.peak_per_minute = std::max(f.peak_per_minute, double(n));
    r.findings.push_back(std::move(f));
  }
  // Persistent problems first, then most attempts; ties by first seen, class
  // and registry for a stable order.
  std::vector<size_t> order(r.findings.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const Finding& a = r.findings[x];
    const Finding& b = r.findings[y];
    return std::make_tuple(a.recovered, -a.attempts, a.first_ns, a.class_id, a.registry) <
           std::make_tuple(b.recovered, -b.attempts, b.first_ns, b.class_id, b.registry);
  });
  std::vector<Finding> out;
  std::vector<int64_t> new_index(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    new_index[order[i]] = static_cast<int64_t>(i);
    out.push_back(std::move(r.findings[order[i]]));
  }
  r.findings = std::move(out);
  for (PullAttempt& a : r.attempts)
    if (a.finding >= 0) a.finding = new_index[static_cast<size_t>(a.finding)];
}

}  // namespace pullscan
