// Verdicts per attempt. The highest-priority rule over all of an attempt's
// failure lines wins (containerd's full error usually carries the most
// specific leaf; kubelet's `pull QPS exceeded` exists only in kubelet lines).
#include "classify/classify.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "classify/failing_host.h"
#include "core/error_chain.h"
#include "core/image_ref.h"
#include "core/text.h"
#include "core/timeutil.h"

namespace pullscan {
namespace {

void add_var(std::vector<std::pair<std::string, std::string>>& vars, std::string name, std::string value) {
  if (!value.empty()) vars.emplace_back(std::move(name), std::move(value));
}

std::vector<std::pair<std::string, std::string>> base_vars(const PullAttempt& a, const PeeledError& p) {
  std::vector<std::pair<std::string, std::string>> v;
  ImageRef ref;
  std::string image = a.image;
  if (image.empty() && !p.image.empty()) image = normalize_image(p.image);
  if (parse_image_ref(image, ref)) {
    add_var(v, "image", ref.full());
    add_var(v, "repository", ref.repository());
    add_var(v, "repository_path", ref.path);
    add_var(v, "tag", ref.tag.empty() ? ref.digest : ref.tag);
  }
  std::string registry = a.registry.empty() ? (ref.registry.empty() ? p.endpoint : ref.registry) : a.registry;
  add_var(v, "registry", registry);
  const HostPort split = split_host_port(registry);
  std::string host(split.host), port(split.port);
  // Docker Hub's API lives at registry-1.docker.io; tools that talk HTTP need that name.
  if (host == "docker.io") host = "registry-1.docker.io";
  if (!registry.empty()) {
    add_var(v, "registry_host", host);
    add_var(v, "registry_port", port.empty() ? "443" : port);
    add_var(v, "registry_hostport", host + ":" + (port.empty() ? "443" : port));
    // Until an error names another host, the host a fix aims at is the registry.
    add_var(v, "host", host);
    add_var(v, "host_role", std::string(to_string(HostRole::registry)));
    add_var(v, "host_what", std::string(role_words(HostRole::registry)));
    add_var(v, "host_name", host);
    add_var(v, "host_hostport", host + ":" + (port.empty() ? "443" : port));
  }
  add_var(v, "endpoint", p.endpoint.empty() ? host : p.endpoint);
  add_var(v, "node", a.node);
  add_var(v, "namespace", a.ns);
  add_var(v, "pod", a.pod);
  add_var(v, "container", a.container);
  add_var(v, "url", p.url);
  add_var(v, "status", p.status);
  return v;
}

// x509 "current time X is after Y": X is the node's clock when it verified.
// The same line's own log timestamp is an independent clock reading; if they
// disagree, the node clock is wrong, not (only) the certificate.
void clock_check(const Event& e, PullAttempt& a) {
  size_t p = e.message.find("current time ");
  if (p == std::string::npos || !e.time_ns || !(e.time_flags & time_has_zone)) return;
  std::string_view rest = std::string_view(e.message).substr(p + 13);
  bool has_zone = false;
  auto verifier_now = parse_iso8601(rest.substr(0, rest.find(' ')), has_zone);
  if (!verifier_now || !has_zone) return;
  int64_t diff = *verifier_now - e.time_ns;
  int64_t abs_diff = diff < 0 ? -diff : diff;
  if (abs_diff > 5LL * 60 * 1000000000LL)
    a.notes.push_back("Clock skew: the node's TLS check believed it was " + format_iso_ms(*verifier_now) +
                      " while the log line was written at " + format_iso_ms(e.time_ns) + " (" +
                      format_span(abs_diff) + (diff > 0 ? " ahead" : " behind") +
                      "): fix the node clock (NTP) before touching the certificate.");
  else
    a.notes.push_back("The node's clock agreed with the log timestamps (" + format_iso_ms(*verifier_now) +
                      "), so the certificate itself is outside its validity period.");
}

// The host the failing request went to, when it is not the registry: the
// `host` and `host_role` values fixes and reports use. A proxy's own host is
// left to proxy_error's rules, which name it.
void add_failing_host(PullAttempt& a, const std::string& text) {
  if (a.class_id == "proxy_error") return;
  // Rule captures that name the host a request was for, without a URL:
  // the name a resolver failed on, the name a certificate was checked for.
  static constexpr std::string_view kHostCaptures[] = {"lookup_host", "wanted_name"};
  std::string lookup;
  for (auto it = a.vars.rbegin(); it != a.vars.rend() && lookup.empty(); ++it)
    for (std::string_view name : kHostCaptures)
      if (it->first == name) lookup = it->second;
  std::string registry;
  for (const auto& [name, value] : a.vars)
    if (name == "registry") registry = value;
  FailingHost h = failing_host(text, lookup, registry, a.tries);
  if (h.host.empty() || h.role == HostRole::registry) return;
  add_var(a.vars, "host", h.host);
  add_var(a.vars, "host_role", std::string(to_string(h.role)));
  add_var(a.vars, "host_what", std::string(role_words(h.role)));
  const HostPort split = split_host_port(h.host);
  const std::string name(split.host), port = split.port.empty() ? "443" : std::string(split.port);
  add_var(a.vars, "host_name", name);
  add_var(a.vars, "host_hostport", name + ":" + port);
}

bool failure_like(const Event& e) {
  return e.kind == EventKind::pull_failed || e.kind == EventKind::pull_stalled ||
         (e.kind == EventKind::back_off && !e.message.empty());
}

}  // namespace

std::string rule_text(const Event& e) {
  if (!e.reason.empty() && e.message.find(e.reason) == std::string::npos &&
      (e.reason == "InvalidImageName" || e.reason == "ErrImageNeverPull" || e.reason == "ImageInspectError" ||
       e.reason == "RegistryUnavailable" || e.reason == "SignatureValidationFailed" || e.message.empty()))
    return e.message.empty() ? e.reason : e.reason + ": " + e.message;
  return e.message;
}

void classify(const RuleSet& rules, RunResult& r, const CauseHistory* history) {
  // Retries repeat the same text: remember each (registry, text) verdict.
  std::unordered_map<std::string, const Rule*> verdicts;
  auto best_rule = [&](const std::string& text, const std::string& registry) -> const Rule* {
    std::string key = registry + '\n' + text;
    auto it = verdicts.find(key);
    if (it != verdicts.end()) return it->second;
    const Rule* rule = rules.best(text, registry);
    verdicts.emplace(std::move(key), rule);
    return rule;
  };
  // Back-offs last: they may take their cause from any failure before them.
  for (int pass = 0; pass < 2; ++pass)
  for (PullAttempt& a : r.attempts) {
    if ((a.outcome == Outcome::backoff) != (pass == 1)) continue;
    a.class_id.clear();
    a.rule_id.clear();
    a.evidence = -1;
    a.evidence_id = 0;
    a.cause_from = -1;
    a.cause_id = 0;
    if (a.outcome == Outcome::succeeded) {
      a.class_id = "success";
      a.rule_id = "success";
      for (uint32_t ev : a.events)
        if (r.events[ev].kind == EventKind::pull_succeeded) {
          a.evidence = ev;
          break;
        }
      a.vars = base_vars(a, {});
      continue;
    }
    // The best rule over every failure line of the attempt.
    const Rule* best = nullptr;
    int64_t best_event = -1, first_failure = -1;
    for (uint32_t ev : a.events) {
      const Event& e = r.events[ev];
      if (!failure_like(e)) continue;
      if (first_failure < 0 && e.kind != EventKind::back_off) first_failure = ev;
      const Rule* m = best_rule(rule_text(e), a.registry);
      if (m && (!best || m->priority > best->priority)) {
        best = m;
        best_event = ev;
      }
    }
    if (best) {
      const Event& e = r.events[static_cast<size_t>(best_event)];
      PeeledError p = peel_error(e.message);
      a.class_id = best->class_id;
      a.rule_id = best->id;
      a.evidence = best_event;
      a.error = std::string(p.root);
      a.vars = base_vars(a, p);
      for (auto& c : rules.captures(*best, rule_text(e))) add_var(a.vars, c.first, c.second);
      add_failing_host(a, rule_text(e));
      if (best->class_id == "tls_expired") clock_check(e, a);
      continue;
    }
    if (a.outcome == Outcome::failed) {
      a.class_id = "unknown";
      a.rule_id = "unmatched";
      a.evidence = first_failure;
      if (first_failure >= 0) {
        const Event& e = r.events[static_cast<size_t>(first_failure)];
        const std::string text = rule_text(e);  // p's views point into it
        PeeledError p = peel_error(text);
        a.error = std::string(p.root);
        a.vars = base_vars(a, p);
        add_failing_host(a, text);
      } else {
        a.vars = base_vars(a, {});
      }
      continue;
    }
    if (a.outcome == Outcome::backoff) {
      // The cause is the last real failure of this image on this node or pod.
      for (size_t j = r.attempts.size(); j-- > 0;) {
        const PullAttempt& h = r.attempts[j];
        if (&h == &a || h.outcome != Outcome::failed || h.image != a.image || h.class_id.empty()) continue;
        if (h.first_ns && a.first_ns && h.first_ns > a.last_ns) continue;
        if (h.last_ns && a.first_ns && a.first_ns - h.last_ns > kCauseMemoryNs) continue;
        bool same_place = (!a.node.empty() && h.node == a.node) || (!a.pod.empty() && h.pod == a.pod && h.ns == a.ns);
        if (!same_place && !(a.node.empty() && a.pod.empty())) continue;
        a.class_id = h.class_id;
        a.rule_id = h.rule_id;
        a.error = h.error;
        a.evidence = h.evidence;
        a.cause_from = static_cast<int64_t>(j);
        a.cause_id = h.id;
        a.vars = h.vars;
        a.notes = h.notes;
        break;
      }
      const PastCause* past = a.class_id.empty() && history ? history->find(a) : nullptr;
      if (past) {
        a.class_id = past->class_id;
        a.rule_id = past->rule_id;
        a.error = past->error;
        a.evidence_id = past->evidence ? past->evidence->id : 0;
        a.cause_id = past->attempt_id;
        a.vars = past->vars;
        a.notes = past->notes;
      }
      if (a.class_id.empty()) {
        a.class_id = "backoff_only";
        a.rule_id = "backoff-only";
        for (uint32_t ev : a.events)
          if (r.events[ev].kind == EventKind::back_off) {
            a.evidence = ev;
            break;
          }
        a.vars = base_vars(a, {});
      }
      continue;
    }
    a.class_id = "unknown";
    a.rule_id = "no-outcome";
    if (!a.events.empty()) a.evidence = a.events.front();
    a.vars = base_vars(a, {});
  }
  for (PullAttempt& a : r.attempts) {
    if (a.evidence >= 0) a.evidence_id = r.events[static_cast<size_t>(a.evidence)].id;
    // The failing host travels in the values (a back-off takes its cause's);
    // the records carry it as fields for the reports and the database.
    a.host.clear();
    a.host_role = HostRole::registry;
    for (const auto& [name, value] : a.vars)
      if (name == "host_role") a.host_role = host_role_from(value);
    if (a.host_role != HostRole::registry)
      for (const auto& [name, value] : a.vars)
        if (name == "host") a.host = value;
  }
}

namespace {

// A step written `If {a} is not {b}, ...` says nothing when both are the
// same value (the name looked up is the registry's own): it is left out.
bool compares_equal_values(std::string_view step, const std::vector<std::pair<std::string, std::string>>& vars) {
  if (step.rfind("If {", 0) != 0) return false;
  size_t a_end = step.find('}', 4);
  if (a_end == std::string_view::npos || step.substr(a_end, 10) != "} is not {") return false;
  size_t b_end = step.find('}', a_end + 10);
  if (b_end == std::string_view::npos || step.substr(b_end, 2) != "},") return false;
  std::string a = fill_placeholders(step.substr(3, a_end - 2), vars);
  std::string b = fill_placeholders(step.substr(a_end + 9, b_end - a_end - 8), vars);
  return a == b && a.front() != '<';
}

}  // namespace

Advice advice_for(const RuleSet& rules, const std::string& class_id, const std::string& rule_id,
                  const std::vector<std::pair<std::string, std::string>>& vars) {
  Advice adv;
  const ClassInfo* ci = rules.class_info(class_id);
  const Rule* rule = rules.rule(rule_id);
  if (rule && rule->class_id != class_id) rule = nullptr;
  adv.title = rule && !rule->title.empty() ? rule->title : ci ? ci->title : class_id;
  // The last host_role value wins, as in fill_placeholders.
  std::string_view role = to_string(HostRole::registry);
  for (const auto& [name, value] : vars)
    if (name == "host_role") role = value;
  const bool other_host = role != to_string(HostRole::registry);
  adv.explanation = rule && !rule->explanation.empty() ? rule->explanation : ci ? ci->explanation : "";
  if (other_host && rule && !rule->other_host_explanation.empty()) adv.explanation = rule->other_host_explanation;

  adv.title = fill_placeholders(adv.title, vars);
  adv.explanation = fill_placeholders(trim(adv.explanation), vars);
  const std::vector<std::string>* fix = rule && !rule->fix.empty() ? &rule->fix : ci ? &ci->fix : nullptr;
  if (other_host && rule && rule->has_other_host_fix) fix = &rule->other_host_fix;
  if (ci && other_host)
    for (const std::string& f : ci->other_host_fix) adv.fix.push_back(fill_placeholders(trim(f), vars));
  if (fix)
    for (const std::string& f : *fix)
      if (!compares_equal_values(trim(f), vars)) adv.fix.push_back(fill_placeholders(trim(f), vars));
  return adv;
}

void CauseHistory::remember(const PullAttempt& a, const Event* evidence) {
  if (a.outcome != Outcome::failed || a.class_id.empty() || a.image.empty()) return;
  auto c = std::make_shared<PastCause>();
  c->attempt_id = a.id;
  c->first_ns = a.first_ns;
  c->last_ns = a.last_ns;
  c->image = a.image;
  c->node = a.node;
  c->ns = a.ns;
  c->pod = a.pod;
  c->class_id = a.class_id;
  c->rule_id = a.rule_id;
  c->error = a.error;
  c->vars = a.vars;
  c->notes = a.notes;
  if (evidence) c->evidence = *evidence;
  // The latest failure in report order wins a place, whatever order they come in.
  auto keep = [&](std::map<std::string, Entry>& m, const std::string& key) {
    Entry& slot = m[key];
    if (!slot || later(*c, *slot)) slot = c;
  };
  if (!a.node.empty()) keep(by_node_, a.node + '|' + a.image);
  if (!a.pod.empty()) keep(by_pod_, a.ns + '/' + a.pod + '|' + a.image);
  keep(by_image_, a.image);
}

bool CauseHistory::later(const PastCause& x, const PastCause& y) {
  return std::tie(x.first_ns, x.image, x.ns, x.pod, x.node) > std::tie(y.first_ns, y.image, y.ns, y.pod, y.node);
}

const PastCause* CauseHistory::find(const PullAttempt& a) const {
  // The same places classify() accepts among held attempts: the node, the
  // pod, or any place when the back-off names neither.
  const PastCause* best = nullptr;
  auto consider = [&](const std::map<std::string, Entry>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) return;
    const PastCause& c = *it->second;
    if (c.first_ns && a.first_ns && c.first_ns > a.last_ns) return;
    if (c.last_ns && a.first_ns && a.first_ns - c.last_ns > kCauseMemoryNs) return;
    if (!best || later(c, *best)) best = &c;
  };
  if (a.node.empty() && a.pod.empty()) {
    consider(by_image_, a.image);
    return best;
  }
  if (!a.node.empty()) consider(by_node_, a.node + '|' + a.image);
  if (!a.pod.empty()) consider(by_pod_, a.ns + '/' + a.pod + '|' + a.image);
  return best;
}

void CauseHistory::forget_before(const std::function<int64_t(const std::string&)>& before) {
  for (auto* m : {&by_node_, &by_pod_, &by_image_})
    std::erase_if(*m, [&](const auto& kv) { return kv.second->last_ns && kv.second->last_ns < before(kv.second->node); });
}

}  // namespace pullscan
