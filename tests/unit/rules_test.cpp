// The shipped rules load with the real loader, cover the taxonomy, and every
// example classifies to its own class through the whole set (which catches
// shadowing); every near miss stays unmatched by its rule. Broken rules are
// reported as file:line: reason, all at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

// The class the whole built-in set gives a message ("" when no rule matches).
std::string class_of(const std::string& message, const std::string& registry = "") {
  static const RuleSet rs = RuleSet::builtin();
  const Rule* r = rs.best(message, registry);
  return r ? r->class_id : "";
}

}  // namespace

TEST_CASE("older and terser wordings classify through the whole set", "[rules]") {
  // Docker 1.x / early kubelet.
  CHECK(class_of("Error: image acme/ghost:1.0 not found") == "not_found");
  // Go before `connect:` was added, and Windows' own texts.
  CHECK(class_of("dial tcp 127.0.0.1:5050: connection refused") == "connection_refused");
  CHECK(class_of("Get https://registry-1.docker.io/v1/repositories/library/mongo/tags: dial tcp 50.17.62.194:443: "
                 "connection refused") == "connection_refused");
  CHECK(class_of("connectex: A connection attempt failed because the connected party did not properly respond after "
                 "a period of time, or established connection failed because connected host has failed to respond.") ==
        "network_timeout");
  CHECK(class_of("connectex: No connection could be made because the target machine actively refused it.") ==
        "connection_refused");
  // Bare answers.
  CHECK(class_of("Error response from daemon: denied") == "access_denied");
  CHECK(class_of("Error response from daemon: error from registry: denied\ndenied") == "access_denied");
  CHECK(class_of("Error response from daemon: Head \"https://ghcr.io/v2/o/r/manifests/1\": denied.") == "access_denied");
  CHECK(class_of("failed to fetch anonymous token: unexpected status: 401 Unauthorized") == "auth_required");
  CHECK(class_of("unexpected status: 401") == "auth_required");
  CHECK(class_of("unexpected status: 4010 things") == "");
  // Signature verifiers.
  CHECK(class_of("image verification failed: no valid signature found") == "signature_policy");
  CHECK(class_of("checking signature of ...: invalid signature") == "signature_policy");
  CHECK(class_of("Source image rejected: A signature was required, but no signature exists") == "signature_policy");
  CHECK(class_of("SignatureValidationFailed") == "signature_policy");
  // CRI-O without a variant, or with it unquoted.
  CHECK(class_of("no image found in manifest list for architecture arm64, OS linux") == "platform_mismatch");
  CHECK(class_of("no image found in manifest list for architecture arm64, variant v8, OS linux") ==
        "platform_mismatch");
}

TEST_CASE("Docker Hub's denied+unauthorized pair is not_found_or_unauthorized on any registry", "[rules]") {
  const std::string pair =
      "reading manifest latest in docker.io/dockcross/linux-arm-64: errors:\n"
      "denied: requested access to the resource is denied\n"
      "unauthorized: authentication required";
  CHECK(class_of(pair) == "not_found_or_unauthorized");
  CHECK(class_of(pair, "docker.io") == "not_found_or_unauthorized");
  // As a klog/logfmt line writes it: the line breaks escaped.
  CHECK(class_of("error=\"rpc error: code = Unknown desc = reading manifest latest in docker.io/dockcross/linux-arm-64: "
                 "errors:\\ndenied: requested access to the resource is denied\\nunauthorized: authentication "
                 "required\\n\"") == "not_found_or_unauthorized");
  // Each half alone keeps its own class.
  CHECK(class_of("reading manifest 3 in harbor.example.com/secure/app: requested access to the resource is denied") ==
        "access_denied");
  CHECK(class_of("Error response from daemon: unauthorized: authentication required") == "auth_required");
}

TEST_CASE("terminal wrapping inside TLS, DNS and dial texts does not hide them", "[rules]") {
  CHECK(class_of("Head \"https://r.example.com/v2/a/manifests/1\": x    509: certificate signed by unknown authority") ==
        "tls_unknown_authority");
  CHECK(class_of("Head \"https://r.example.com/v2/a/manifests/1\": x509:    certificate signed by unknown\n    "
                 "authority") == "tls_unknown_authority");
  CHECK(class_of("Get \"https://r.example.com/v2/\": tls: failed to verify certificate: x509:    certificate "
                 "has expired or is not yet valid: current time 2026-01-02T00:00:00Z is after\n  2025-12-31T00:00:00Z") ==
        "tls_expired");
  CHECK(class_of("Get \"https://10.0.0.5/v2/\": x509:  certificate is valid for   a.example.com, not r.example.com") ==
        "tls_hostname_mismatch");
  CHECK(class_of("dial tcp: lookup r.example.com on 10.0.0.2:53: no    such host") == "dns_failure");
  CHECK(class_of("dial tcp: lookup r.example.com on 10.0.0.2:53: server\n   misbehaving") == "dns_failure");
  CHECK(class_of("dial tcp 10.0.0.3:443: connect: connection    refused") == "connection_refused");
  CHECK(class_of("dial tcp 10.0.0.3:443: i/o\n      timeout") == "network_timeout");
  // A DNS server refusing on :53 stays DNS even with the looser dial rules.
  CHECK(class_of("dial tcp: lookup registry-1.docker.io on [::1]:53: read udp [::1]:40882->[::1]:53: read: connection "
                 "refused") == "dns_failure");
}

TEST_CASE("waiting and unknown-cause texts match no rule", "[rules]") {
  // kubectl logs' answer for a container in ErrImagePull/ImagePullBackOff: no cause in it.
  CHECK(class_of("Error from server (BadRequest): container \"app\" in pod \"web-0\" is waiting to start: trying and "
                 "failing to pull image") == "");
  CHECK(class_of("trying and failing to pull image") == "");
  CHECK(class_of("Error while pulling image: Get https://index.docker.io/v1/repositories/acme/widget/images: dial tcp "
                 "10.9.8.7:443: connect: protocol not available") == "");
}

TEST_CASE("a rules directory reads regular files only, each at most 1 MiB", "[rules]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("pullscan-rules-hostile-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Each of these once hung or ran out of memory: /dev/zero is read forever,
  // a FIFO blocks the open, a huge file is held whole.
  fs::create_symlink("/dev/zero", dir / "zero.yaml");
  REQUIRE(::mkfifo((dir / "pipe.yaml").c_str(), 0600) == 0);
  std::ofstream(dir / "huge.yaml") << std::string(kMaxRulesFileBytes + 1, '#');
  fs::create_directory(dir / "folder.yaml");
  fs::copy_file(test::source_path("rules/not_found.yaml"), dir / "not_found.yaml");
  RuleSet rs = RuleSet::builtin();
  rs.add_directory(dir.string());
  rs.compile();
  std::vector<std::string> lines;
  for (const RuleError& e : rs.errors()) lines.push_back(e.str());
  CHECK(lines == std::vector<std::string>{
                     (dir / "folder.yaml").string() + ": a directory, not a rules file; not read",
                     (dir / "huge.yaml").string() + ": larger than 1 MiB, too large for a rules file; not read",
                     (dir / "pipe.yaml").string() + ": a named pipe, not a rules file; not read",
                     (dir / "zero.yaml").string() + ": a character device, not a rules file; not read"});
  // The regular file among them is still read.
  CHECK(rs.rule("k8s-gcr-io-frozen") != nullptr);
  fs::remove_all(dir);
}

TEST_CASE("a pattern too large for the set names its file and rule", "[rules]") {
  // Compiles alone, but not together with the built-in rules.
  RuleSet rs = RuleSet::builtin();
  rs.add_text("/x/not_found.yaml",
              "class: not_found\ntitle: T\nexplanation: E\nrules:\n"
              "  - id: letters-galore\n    priority: 50\n    match: '\\pL{300}'\n"
              "    examples: ['x']\n    not: ['y']\n");
  rs.compile();
  REQUIRE(!rs.errors().empty());
  std::string said = rs.errors().back().str();
  CHECK(said.rfind("/x/not_found.yaml:5: rule 'letters-galore': pattern too large", 0) == 0);
}
