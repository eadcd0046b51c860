// The shipped rules load with the real loader, cover the taxonomy, and every
// example classifies to its own class through the whole set (which catches
// shadowing); every near miss stays unmatched by its rule. Broken rules are
// reported as file:line: reason, all at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "../helpers.h"
#include "classify/rule_set.h"

using namespace pullscan;

TEST_CASE("the built-in rules load cleanly", "[rules]") {
  RuleSet rs = RuleSet::builtin();
  for (const RuleError& e : rs.errors()) FAIL_CHECK(e.str());
  CHECK(rs.errors().empty());
  CHECK(rs.rules().size() >= 12);
}

TEST_CASE("every rule's examples classify to its class through the whole set", "[rules]") {
  RuleSet rs = RuleSet::builtin();
  std::vector<RuleError> problems = rs.check_examples();
  for (const RuleError& e : problems) FAIL_CHECK(e.str());
  size_t examples = 0;
  for (const auto& r : rs.rules()) examples += r->examples.size() + r->negatives.size();
  CHECK(examples >= rs.rules().size() * 2);
}

TEST_CASE("the files in rules/ are exactly the embedded ones, one per class", "[rules]") {
  namespace fs = std::filesystem;
  RuleSet from_dir;
  from_dir.add_directory(test::source_path("rules"));
  from_dir.compile();
  CHECK(from_dir.errors().empty());
  RuleSet rs = RuleSet::builtin();
  CHECK(from_dir.rules().size() == rs.rules().size());
  for (const auto& [id, info] : rs.classes()) {
    const auto& tax = taxonomy_classes();
    CHECK(std::find(tax.begin(), tax.end(), id) != tax.end());
  }
  // The pipeline issue's classes must all be present.
  for (const char* c : {"rate_limited", "auth_required", "access_denied", "not_found", "not_found_or_unauthorized",
                        "tls_unknown_authority", "dns_failure", "connection_refused", "network_timeout",
                        "backoff_only", "success", "unknown"}) {
    INFO(c);
    CHECK(rs.class_info(c) != nullptr);
  }
}

TEST_CASE("broken rules are all reported with file and line", "[rules]") {
  RuleSet rs;
  rs.add_text("rate_limited.yaml",
              "class: rate_limited\n"
              "title: T\n"
              "explanation: E\n"
              "colour: red\n"
              "rules:\n"
              "  - id: bad-regex\n"
              "    priority: 50\n"
              "    match: 'toomany(requests'\n"
              "    examples: ['toomanyrequests']\n"
              "    not: ['x']\n"
              "  - id: bad-placeholder\n"
              "    priority: 50\n"
              "    match: '429'\n"
              "    fix: ['call {nobody}']\n"
              "    examples: ['429']\n"
              "    not: ['x']\n"
              "  - id: bad-placeholder\n"
              "    priority: 500\n"
              "    match: '430'\n"
              "    examples: ['430']\n"
              "    not: ['x']\n");
  rs.add_text("dns_failure.yaml", "class: not_found\ntitle: T\nexplanation: E\nrules: []\n");
  rs.add_text("broken.yaml", "class: [unclosed\n");
  std::vector<std::string> got;
  for (const RuleError& e : rs.errors()) got.push_back(e.str());
  auto has = [&](const std::string& s) { return std::find(got.begin(), got.end(), s) != got.end(); };
  INFO(test::read_file("/dev/null"));
  for (const std::string& g : got) UNSCOPED_INFO(g);
  CHECK(has("rate_limited.yaml:4: unknown key 'colour'"));
  CHECK(has("rate_limited.yaml:8: rule 'bad-regex': bad pattern: missing ): toomany(requests"));
  CHECK(has("rate_limited.yaml:14: rule 'bad-placeholder': unknown placeholder {nobody}"));
  CHECK(has("rate_limited.yaml:18: rule 'bad-placeholder': priority must be 1..100"));
  CHECK(has("rate_limited.yaml:17: duplicate rule id 'bad-placeholder' (first at rate_limited.yaml:11)"));
  CHECK(has("dns_failure.yaml:1: class 'not_found' does not match the file name 'dns_failure'"));
  CHECK(std::any_of(got.begin(), got.end(), [](const std::string& s) { return s.rfind("broken.yaml:", 0) == 0 && s.find("YAML:") != std::string::npos; }));
}

TEST_CASE("examples that another class wins are reported", "[rules]") {
  RuleSet rs;
  rs.add_text("not_found.yaml",
              "class: not_found\ntitle: T\nexplanation: E\nrules:\n"
              "  - id: greedy-not-found\n    priority: 90\n    match: 'not found|no such host'\n"
              "    examples: ['x: not found']\n    not: ['fine']\n");
  rs.add_text("dns_failure.yaml",
              "class: dns_failure\ntitle: T\nexplanation: E\nrules:\n"
              "  - id: lookup\n    priority: 50\n    match: 'no such host'\n"
              "    examples: ['lookup r on 1.1.1.1:53: no such host']\n    not: ['fine']\n");
  rs.compile();
  REQUIRE(rs.errors().empty());
  auto problems = rs.check_examples();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].str() ==
        "dns_failure.yaml:5: example of rule 'lookup' classifies as not_found (rule 'greedy-not-found'): lookup r on "
        "1.1.1.1:53: no such host");
}

TEST_CASE("user rules from a directory override a built-in rule by id", "[rules]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "pullscan-user-rules";
  fs::create_directories(dir);
  RuleSet base = RuleSet::builtin();
  REQUIRE(!base.rules().empty());
  std::string id = base.rules().front()->id;
  std::string cls = base.rules().front()->class_id;
  {
    std::ofstream f(dir / (cls + ".yaml"));
    f << "class: " << cls << "\ntitle: Site title\nexplanation: Site text\nrules:\n"
      << "  - id: " << id << "\n    priority: 99\n    match: 'SITE-SPECIFIC-ERROR'\n"
      << "    examples: ['SITE-SPECIFIC-ERROR 17']\n    not: ['other']\n";
  }
  RuleSet rs = RuleSet::builtin();
  rs.add_directory(dir.string());
  rs.compile();
  for (const RuleError& e : rs.errors()) FAIL_CHECK(e.str());
  CHECK(rs.rules().size() == base.rules().size());
  CHECK(rs.rule(id)->priority == 99);
  CHECK(rs.classify("SITE-SPECIFIC-ERROR 17", "").rule->id == id);
  fs::remove_all(dir);
}

TEST_CASE("placeholders fill from values, unknown ones read as <name>", "[rules]") {
  CHECK(fill_placeholders("curl -v https://{registry_host}/v2/ on {node} for {pod}",
                          {{"registry_host", "reg.local"}, {"node", "n1"}}) ==
        "curl -v https://reg.local/v2/ on n1 for <pod>");
  CHECK(fill_placeholders("json {\"a\": 1} and {Not_A_Name}", {}) == "json {\"a\": 1} and {Not_A_Name}");
}
