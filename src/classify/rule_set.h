// The knowledge base as data. Each rules/<class>.yaml holds one failure class
// of ../shared/taxonomy.md: its title, its explanation, its default fixes and
// the rules (RE2 patterns with a priority) that recognise it, each with
// examples that must classify to the class through the whole set and near
// misses it must not match. The built-in files are embedded in the binary;
// --rules DIR adds files whose rules override built-in ones by id.
//
// All patterns run as one RE2::Set pass per message; the highest priority
// wins and load order (file name, then position) breaks ties.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace pullscan {

/// The fixed taxonomy, in taxonomy.md order.
const std::vector<std::string>& taxonomy_classes();

/// A rules file larger than this is refused unread (the largest built-in
/// one is a few KiB): the cap keeps a link to /dev/zero or a huge file from
/// taking the machine's memory.
constexpr size_t kMaxRulesFileBytes = 1u << 20;

/// One problem in a rules file, reported as `file:line: reason`.
struct RuleError {
  std::string file;
  int line = 0;
  std::string reason;
  std::string str() const;
};

/// A failure class: the text every report shows for it.
struct ClassInfo {
  std::string id, title, explanation, file;
  std::vector<std::string> fix;
  // Steps that come first, before any rule's own, when the failing request
  // went to another host than the registry (blob storage, a token service,
  // a redirect, a mirror): the fix aims at that host.
  std::vector<std::string> other_host_fix;
};

/// One rule of a class.
struct Rule {
  std::string id, class_id, title, explanation, match, registry, file;
  std::string other_host_explanation;  // replaces `explanation` when the failing host is not the registry
  std::vector<std::string> other_host_fix;  // replaces `fix` then, when has_other_host_fix (may be empty:
  bool has_other_host_fix = false;          // only the class's other_host_fix steps apply)
  int priority = 0;
  int line = 0;
  size_t order = 0;  // load order; breaks priority ties
  std::vector<std::string> fix, examples, negatives;
  std::shared_ptr<re2::RE2> re, registry_re;
};

/// A rule that matched a message, with the values its named groups captured.
struct RuleMatch {
  const Rule* rule = nullptr;
  std::vector<std::pair<std::string, std::string>> captures;
};

/// The compiled set of rules.
class RuleSet {
 public:
  RuleSet();
  ~RuleSet();
  RuleSet(RuleSet&&) noexcept;
  RuleSet& operator=(RuleSet&&) noexcept;

  /// Loads the rules compiled into the binary.
  static RuleSet builtin();
  /// SHA-256 (hex) of the built-in rule files' bytes, concatenated in name
  /// order: what `LC_ALL=C cat rules/*.yaml | sha256sum` gives for the source
  /// the binary was built from (`pullscan version`).
  static std::string_view builtin_sha256();
  /// Adds every *.yaml of `dir`; a rule with an existing id replaces it. Only
  /// regular files up to kMaxRulesFileBytes are read; each other one is one
  /// `file: reason` problem. Problems go to errors().
  void add_directory(const std::string& dir);
  /// Adds one file's text (name like "rate_limited.yaml"). Problems go to errors().
  void add_text(const std::string& name, std::string_view text);
  /// Builds the RE2::Set; must be called after the last add. Problems go to errors().
  void compile();

  /// Load/compile problems, in file order.
  const std::vector<RuleError>& errors() const { return errors_; }
  /// Checks every example and near miss through the whole set; returns the failures.
  std::vector<RuleError> check_examples() const;

  /// The winning rule for a message (nullptr if none), given the registry of the image.
  RuleMatch classify(std::string_view message, std::string_view registry) const;
  /// The winning rule without its captures (cheap; for ranking many lines).
  const Rule* best(std::string_view message, std::string_view registry) const;
  /// Values of rule's named groups in message.
  std::vector<std::pair<std::string, std::string>> captures(const Rule& rule, std::string_view message) const;
  /// Every rule that matches, best first (for --explain).
  std::vector<RuleMatch> matches(std::string_view message, std::string_view registry) const;

  /// The class with that id, or nullptr.
  const ClassInfo* class_info(std::string_view id) const;
  /// The rule with that id, or nullptr.
  const Rule* rule(std::string_view id) const;
  /// All rules in load order.
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }
  /// All classes, by id.
  const std::map<std::string, ClassInfo, std::less<>>& classes() const { return classes_; }

 private:
  std::vector<std::unique_ptr<Rule>> rules_;
  std::map<std::string, ClassInfo, std::less<>> classes_;
  std::vector<RuleError> errors_;
  struct CompiledSet;  // wraps RE2::Set, a nested class that cannot be forward-declared
  std::unique_ptr<CompiledSet> set_;
  size_t next_order_ = 0;
};

/// Placeholders every fix may use; a rule may also use its pattern's named groups.
const std::vector<std::string>& generic_placeholders();

/// Replaces {name} with values[name], or `<name>` when the value is unknown or empty.
std::string fill_placeholders(std::string_view text, const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace pullscan
