// Classification and findings. Each attempt gets one class of the taxonomy,
// the id of the rule that decided it, the evidence line, its root-cause text
// and the values its fixes need (registry, image, node, pod...). Back-offs
// with no cause in view inherit the cause of the last real failure of the
// same image on the same node or pod. Findings group failed attempts by class
// and registry, most attempts first, with the fix filled in for them.
#pragma once

#include <string>
#include <vector>

#include "classify/rule_set.h"
#include "core/record.h"

namespace pullscan {

/// Classifies every attempt of r (needs r.events and r.attempts).
void classify(const RuleSet& rules, RunResult& r);

/// Tallies Docker Hub's rate-limit headers (containerd debug logs) per source
/// address into r.rate_limits. Called by build_findings.
void account_rate_limits(RunResult& r);

/// Groups classified failures into r.findings, most severe first.
void build_findings(const RuleSet& rules, RunResult& r);

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
