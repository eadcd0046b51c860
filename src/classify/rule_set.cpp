// Loading, validating and compiling rules files. Every problem is collected
// with its file and line before anything is reported, so a broken rules
// directory is fixed in one round (the lnav / Falco lesson); compiled
// patterns go into one RE2::Set so a message is scanned once whatever the
// number of rules.
#include "classify/rule_set.h"

#include <re2/re2.h>
#include <re2/set.h>
#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "core/embedded.h"
#include "core/error_chain.h"
#include "core/image_ref.h"

namespace pullscan {

extern const EmbeddedFile embedded_rules[];
extern const size_t embedded_rules_count;
extern const char embedded_rules_sha256[];

std::string_view RuleSet::builtin_sha256() { return embedded_rules_sha256; }

const std::vector<std::string>& taxonomy_classes() {
  static const std::vector<std::string> ids = {
      "rate_limited",       "auth_required",        "access_denied",       "not_found",
      "not_found_or_unauthorized", "tls_unknown_authority", "tls_expired",  "tls_hostname_mismatch",
      "tls_protocol_mismatch", "dns_failure",        "connection_refused",  "network_timeout",
      "connection_reset",   "proxy_error",          "registry_server_error", "platform_mismatch",
      "disk_full",          "content_corrupt",      "pull_timeout",        "invalid_reference",
      "never_pull",         "unsupported_media_type", "signature_policy",  "kubelet_throttled",
      "pull_secret_missing", "image_inspect_error", "backoff_only",        "success",
      "unknown"};
  return ids;
}

const std::vector<std::string>& generic_placeholders() {
  static const std::vector<std::string> names = {
      "registry", "registry_host", "registry_port", "registry_hostport", "host", "host_role", "host_what", "host_name", "host_hostport", "endpoint", "image", "repository",
      "repository_path", "tag", "node", "namespace", "pod", "container", "url", "status"};
  return names;
}

struct RuleSet::CompiledSet {
  explicit CompiledSet(const RE2::Options& o) : set(o, RE2::UNANCHORED) {}
  RE2::Set set;
};

std::string RuleError::str() const { return line ? fmt::format("{}:{}: {}", file, line, reason) : fmt::format("{}: {}", file, reason); }

RuleSet::RuleSet() = default;
RuleSet::~RuleSet() = default;
RuleSet::RuleSet(RuleSet&&) noexcept = default;
RuleSet& RuleSet::operator=(RuleSet&&) noexcept = default;

namespace {

// Classes whose verdicts the classifier gives itself; their files hold no rules.
bool engine_class(std::string_view id) { return id == "success" || id == "backoff_only" || id == "unknown"; }

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

bool read_string(const YAML::Node& n, std::string& out) {
  if (!n.IsScalar()) return false;
  out = n.Scalar();
  return true;
}

bool read_list(const YAML::Node& n, std::vector<std::string>& out) {
  if (n.IsScalar()) {
    out.push_back(n.Scalar());
    return true;
  }
  if (!n.IsSequence()) return false;
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) return false;
    out.push_back(item.Scalar());
  }
  return true;
}

// Every {name} in text.
std::vector<std::string> placeholders_in(std::string_view text) {
  std::vector<std::string> names;
  for (size_t p = text.find('{'); p != std::string_view::npos; p = text.find('{', p + 1)) {
    size_t e = text.find('}', p);
    if (e == std::string_view::npos) break;
    std::string_view name = text.substr(p + 1, e - p - 1);
    bool ident = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (ident) names.emplace_back(name);
  }
  return names;
}

std::string registry_for_text(std::string_view text) {
  std::string img = image_in_message(text);
  if (!img.empty()) return registry_of(normalize_image(img));
  PeeledError p = peel_error(text);
  return p.endpoint;
}

// What a file that is not a plain file is, for the line that refuses it.
std::string_view file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// Reads one rules file whole, if it is a regular file of at most
// kMaxRulesFileBytes: a name in the rules directory may be a link to
// /dev/zero (read forever) or a pipe (open and read block forever). The open
// does not block (O_NONBLOCK), and what it opened is checked before reading.
bool read_rules_file(const std::string& path, std::string& text, std::string& problem) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    problem = fmt::format("cannot open: {}", std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    problem = fmt::format("cannot read: {}", std::strerror(errno));
    ::close(fd);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    problem = fmt::format("{}, not a rules file; not read", file_kind(st.st_mode));
    ::close(fd);
    return false;
  }
  // Read one byte past the cap, so a file that grew since fstat is caught too.
  text.resize(kMaxRulesFileBytes + 1);
  size_t have = 0;
  while (have < text.size()) {
    ssize_t got = ::read(fd, text.data() + have, text.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      problem = fmt::format("cannot read: {}", std::strerror(errno));
      ::close(fd);
      return false;
    }
    if (got == 0) break;
    have += static_cast<size_t>(got);
  }
  ::close(fd);
  if (have > kMaxRulesFileBytes) {
    problem = fmt::format("larger than {} MiB, too large for a rules file; not read", kMaxRulesFileBytes >> 20);
    return false;
  }
  text.resize(have);
  return true;
}

}  // namespace

RuleSet RuleSet::builtin() {
  RuleSet rs;
  for (size_t i = 0; i < embedded_rules_count; ++i)
    rs.add_text(embedded_rules[i].name, std::string_view(embedded_rules[i].data, embedded_rules[i].size));
  rs.compile();
  return rs;
}

void RuleSet::add_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors_.push_back({dir, 0, "not a directory"});
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) errors_.push_back({dir, 0, "no .yaml rules files"});
  for (const fs::path& f : files) {
    std::string text, problem;
    if (read_rules_file(f.string(), text, problem)) add_text(f.string(), text);
    else errors_.push_back({f.string(), 0, problem});
  }
}

void RuleSet::add_text(const std::string& name, std::string_view text) {
  auto err = [&](int line, std::string reason) { errors_.push_back({name, line, std::move(reason)}); };
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    err(e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML: " + e.msg);
    return;
  }
  if (!doc.IsMap()) {
    err(1, "expected a mapping with class, title, explanation, fix, rules");
    return;
  }
  std::string stem = std::filesystem::path(name).stem().string();
  ClassInfo ci;
  ci.file = name;
  static const std::set<std::string> class_keys = {"class", "title", "explanation", "fix", "other_host_fix", "rules"};
  static const std::set<std::string> rule_keys = {"id", "priority", "match", "registry", "title",
                                                  "explanation", "other_host_explanation", "fix", "other_host_fix", "examples", "not"};
  for (auto kv : doc) {
    std::string key = kv.first.Scalar();
    if (!class_keys.count(key)) err(line_of(kv.first), "unknown key '" + key + "'");
  }
  if (!doc["class"] || !read_string(doc["class"], ci.id)) {
    err(1, "missing 'class'");
    return;
  }
  const auto& tax = taxonomy_classes();
  if (std::find(tax.begin(), tax.end(), ci.id) == tax.end())
    err(line_of(doc["class"]), "class '" + ci.id + "' is not in the taxonomy");
  if (ci.id != stem) err(line_of(doc["class"]), "class '" + ci.id + "' does not match the file name '" + stem + "'");
  if (!doc["title"] || !read_string(doc["title"], ci.title) || ci.title.empty()) err(1, "missing 'title'");
  if (!doc["explanation"] || !read_string(doc["explanation"], ci.explanation)) err(1, "missing 'explanation'");
  if (doc["fix"] && !read_list(doc["fix"], ci.fix)) err(line_of(doc["fix"]), "'fix' must be a list of strings");
  if (doc["other_host_fix"] && !read_list(doc["other_host_fix"], ci.other_host_fix))
    err(line_of(doc["other_host_fix"]), "'other_host_fix' must be a list of strings");
  for (const auto& [list, key] : {std::pair{&ci.fix, "fix"}, std::pair{&ci.other_host_fix, "other_host_fix"}})
    for (const std::string& f : *list)
      for (const std::string& ph : placeholders_in(f)) {
        const auto& g = generic_placeholders();
        if (std::find(g.begin(), g.end(), ph) == g.end())
          err(line_of(doc[key]), "unknown placeholder {" + ph + "} in class " + key);
      }
  auto existing = classes_.find(ci.id);
  if (existing == classes_.end() || !ci.title.empty()) classes_[ci.id] = ci;

  YAML::Node rules = doc["rules"];
  if (!rules || rules.IsNull()) {
    if (!engine_class(ci.id)) err(1, "class '" + ci.id + "' has no rules");
    return;
  }
  if (!rules.IsSequence()) {
    err(line_of(rules), "'rules' must be a list");
    return;
  }
  if (engine_class(ci.id) && rules.size() > 0)
    err(line_of(rules), "class '" + ci.id + "' is given by the classifier itself; it takes no rules");
  for (const YAML::Node& rn : rules) {
    int line = line_of(rn);
    if (!rn.IsMap()) {
      err(line, "a rule must be a mapping");
      continue;
    }
    auto rule = std::make_unique<Rule>();
    rule->class_id = ci.id;
    rule->file = name;
    rule->line = line;
    for (auto kv : rn) {
      std::string key = kv.first.Scalar();
      if (!rule_keys.count(key)) err(line_of(kv.first), "unknown key '" + key + "' in rule");
    }
    if (!rn["id"] || !read_string(rn["id"], rule->id) || rule->id.empty()) {
      err(line, "rule without 'id'");
      continue;
    }
    if (!rn["priority"]) {
      err(line, "rule '" + rule->id + "' has no 'priority'");
    } else {
      try {
        rule->priority = rn["priority"].as<int>();
      } catch (const YAML::Exception&) {
        err(line_of(rn["priority"]), "rule '" + rule->id + "': priority must be an integer");
      }
      if (rule->priority < 1 || rule->priority > 100)
        err(line_of(rn["priority"]), "rule '" + rule->id + "': priority must be 1..100");
    }
    if (!rn["match"] || !read_string(rn["match"], rule->match) || rule->match.empty()) {
      err(line, "rule '" + rule->id + "' has no 'match'");
      continue;
    }
    if (rn["registry"]) read_string(rn["registry"], rule->registry);
    if (rn["title"]) read_string(rn["title"], rule->title);
    if (rn["explanation"]) read_string(rn["explanation"], rule->explanation);
    if (rn["other_host_explanation"]) read_string(rn["other_host_explanation"], rule->other_host_explanation);
    if (rn["fix"] && !read_list(rn["fix"], rule->fix)) err(line_of(rn["fix"]), "'fix' must be a list of strings");
    if (rn["other_host_fix"]) {
      rule->has_other_host_fix = true;
      if (!rn["other_host_fix"].IsNull() && !read_list(rn["other_host_fix"], rule->other_host_fix))
        err(line_of(rn["other_host_fix"]), "'other_host_fix' must be a list of strings");
    }
    if (rn["examples"] && !read_list(rn["examples"], rule->examples))
      err(line_of(rn["examples"]), "'examples' must be a list of strings");
    if (rn["not"] && !read_list(rn["not"], rule->negatives)) err(line_of(rn["not"]), "'not' must be a list of strings");
    if (rule->examples.empty()) err(line, "rule '" + rule->id + "' has no examples");
    if (rule->negatives.empty()) err(line, "rule '" + rule->id + "' has no 'not' examples");
    RE2::Options o;
    o.set_log_errors(false);
    rule->re = std::make_shared<RE2>(rule->match, o);
    if (!rule->re->ok()) {
      err(line_of(rn["match"]), "rule '" + rule->id + "': bad pattern: " + rule->re->error());
      continue;
    }
    if (!rule->registry.empty()) {
      rule->registry_re = std::make_shared<RE2>(rule->registry, o);
      if (!rule->registry_re->ok())
        err(line_of(rn["registry"]), "rule '" + rule->id + "': bad registry pattern: " + rule->registry_re->error());
    }
    std::set<std::string> known(generic_placeholders().begin(), generic_placeholders().end());
    for (const auto& [group, idx] : rule->re->NamedCapturingGroups()) known.insert(group);
    for (const std::string* t : {&rule->title, &rule->explanation, &rule->other_host_explanation})
      for (const std::string& ph : placeholders_in(*t))
        if (!known.count(ph)) err(line, "rule '" + rule->id + "': unknown placeholder {" + ph + "}");
    for (const char* key : {"fix", "other_host_fix"})
      for (const std::string& f : std::string_view(key) == "fix" ? rule->fix : rule->other_host_fix)
        for (const std::string& ph : placeholders_in(f))
          if (!known.count(ph)) err(line_of(rn[key]), "rule '" + rule->id + "': unknown placeholder {" + ph + "}");
    // Same id again: within one load it is a mistake; from --rules it overrides.
    auto same = std::find_if(rules_.begin(), rules_.end(), [&](const auto& r) { return r->id == rule->id; });
    if (same != rules_.end()) {
      if ((*same)->file == name || std::filesystem::path((*same)->file).parent_path() ==
                                       std::filesystem::path(name).parent_path())
        err(line, "duplicate rule id '" + rule->id + "' (first at " + (*same)->file + ":" +
                      std::to_string((*same)->line) + ")");
      rule->order = (*same)->order;
      *same = std::move(rule);
    } else {
      rule->order = next_order_++;
      rules_.push_back(std::move(rule));
    }
  }
}

void RuleSet::compile() {
  RE2::Options o;
  o.set_log_errors(false);
  set_ = std::make_unique<CompiledSet>(o);
  std::stable_sort(rules_.begin(), rules_.end(), [](const auto& a, const auto& b) { return a->order < b->order; });
  for (const auto& r : rules_) {
    std::string error;
    if (set_->set.Add(r->match, &error) < 0) errors_.push_back({r->file, r->line, "rule '" + r->id + "': " + error});
  }
  if (!set_->set.Compile()) {
    // RE2 says only that the whole set is too large: name the rule whose
    // pattern compiles to the largest program, the one to shrink or split.
    const Rule* largest = nullptr;
    int largest_size = -1;
    for (const auto& r : rules_)
      if (r->re && r->re->ok() && r->re->ProgramSize() > largest_size) {
        largest = r.get();
        largest_size = r->re->ProgramSize();
      }
    if (largest)
      errors_.push_back({largest->file, largest->line,
                         fmt::format("rule '{}': pattern too large: the rule patterns together exceed RE2's memory "
                                     "budget, and this one is the largest ({} instructions); shorten its repetitions",
                                     largest->id, largest_size)});
    else
      errors_.push_back({"rules", 0, "the rule patterns are too large to compile together"});
  }
}

std::vector<RuleMatch> RuleSet::matches(std::string_view message, std::string_view registry) const {
  std::vector<RuleMatch> out;
  if (!set_ || message.empty()) return out;
  std::vector<int> hits;
  re2::StringPiece sp(message.data(), message.size());
  if (!set_->set.Match(sp, &hits)) return out;
  for (int h : hits) {
    const Rule* r = rules_[static_cast<size_t>(h)].get();
    if (r->registry_re) {
      re2::StringPiece reg(registry.data(), registry.size());
      if (!RE2::PartialMatch(reg, *r->registry_re)) continue;
    }
    RuleMatch m;
    m.rule = r;
    out.push_back(std::move(m));
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleMatch& a, const RuleMatch& b) {
    if (a.rule->priority != b.rule->priority) return a.rule->priority > b.rule->priority;
    return a.rule->order < b.rule->order;
  });
  // Named groups of each matching rule become placeholder values.
  for (RuleMatch& m : out) m.captures = captures(*m.rule, message);
  return out;
}

const Rule* RuleSet::best(std::string_view message, std::string_view registry) const {
  if (!set_ || message.empty()) return nullptr;
  std::vector<int> hits;
  re2::StringPiece sp(message.data(), message.size());
  if (!set_->set.Match(sp, &hits)) return nullptr;
  const Rule* winner = nullptr;
  for (int h : hits) {
    const Rule* r = rules_[static_cast<size_t>(h)].get();
    if (winner && (r->priority < winner->priority || (r->priority == winner->priority && r->order > winner->order)))
      continue;
    if (r->registry_re) {
      re2::StringPiece reg(registry.data(), registry.size());
      if (!RE2::PartialMatch(reg, *r->registry_re)) continue;
    }
    winner = r;
  }
  return winner;
}

std::vector<std::pair<std::string, std::string>> RuleSet::captures(const Rule& rule, std::string_view message) const {
  std::vector<std::pair<std::string, std::string>> out;
  const RE2& re = *rule.re;
  int n = re.NumberOfCapturingGroups();
  if (n <= 0 || re.NamedCapturingGroups().empty()) return out;
  re2::StringPiece sp(message.data(), message.size());
  std::vector<re2::StringPiece> groups(static_cast<size_t>(n) + 1);
  if (!re.Match(sp, 0, sp.size(), RE2::UNANCHORED, groups.data(), n + 1)) return out;
  for (const auto& [name, idx] : re.NamedCapturingGroups())
    if (groups[static_cast<size_t>(idx)].data()) out.emplace_back(name, std::string(groups[static_cast<size_t>(idx)]));
  return out;
}

RuleMatch RuleSet::classify(std::string_view message, std::string_view registry) const {
  std::vector<RuleMatch> all = matches(message, registry);
  if (all.empty()) return {};
  return std::move(all.front());
}

std::vector<RuleError> RuleSet::check_examples() const {
  std::vector<RuleError> out;
  for (const auto& r : rules_) {
    for (const std::string& ex : r->examples) {
      std::string reg = registry_for_text(ex);
      RuleMatch m = classify(ex, reg);
      bool self = false;
      for (const RuleMatch& x : matches(ex, reg)) self |= x.rule == r.get();
      if (!self)
        out.push_back({r->file, r->line, "rule '" + r->id + "' does not match its own example: " + ex});
      else if (!m.rule || m.rule->class_id != r->class_id)
        out.push_back({r->file, r->line,
                       "example of rule '" + r->id + "' classifies as " +
                           (m.rule ? m.rule->class_id + " (rule '" + m.rule->id + "')" : std::string("nothing")) +
                           ": " + ex});
    }
    for (const std::string& neg : r->negatives) {
      re2::StringPiece sp(neg.data(), neg.size());
      std::string reg = registry_for_text(neg);
      bool reg_ok = !r->registry_re || RE2::PartialMatch(re2::StringPiece(reg.data(), reg.size()), *r->registry_re);
      if (reg_ok && RE2::PartialMatch(sp, *r->re))
        out.push_back({r->file, r->line, "rule '" + r->id + "' matches its 'not' example: " + neg});
    }
  }
  return out;
}

const ClassInfo* RuleSet::class_info(std::string_view id) const {
  auto it = classes_.find(id);
  return it == classes_.end() ? nullptr : &it->second;
}

const Rule* RuleSet::rule(std::string_view id) const {
  for (const auto& r : rules_)
    if (r->id == id) return r.get();
  return nullptr;
}

std::string fill_placeholders(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t p = text.find('{', i);
    if (p == std::string_view::npos) break;
    size_t e = text.find('}', p);
    if (e == std::string_view::npos) break;
    std::string_view name = text.substr(p + 1, e - p - 1);
    bool ident = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    out.append(text.substr(i, p - i));
    if (!ident) {
      out.push_back('{');
      i = p + 1;
      continue;
    }
    std::string value;
    for (auto it = values.rbegin(); it != values.rend(); ++it)
      if (it->first == name) {
        value = it->second;
        break;
      }
    if (value.empty()) out += "<" + std::string(name) + ">";
    else out += value;
    i = e + 1;
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace pullscan
