// What this binary is: its version, the commit and date it was built from,
// and which built-in rules it carries. Filled in at configure time
// (src/cli/build_info.cpp.in) and printed by `pullscan --version` and
// `pullscan version [-o json|yaml]`, so a report can be traced to the exact
// rules that produced it.
#pragma once

#include <string>
#include <string_view>

namespace pullscan {

/// Said for the commit of a binary built outside a git checkout (a tarball).
inline constexpr std::string_view kUnknownCommit = "unknown";

/// The identity of the running binary.
struct BuildInfo {
  std::string_view version;       // the CMake project version, e.g. "0.1.0"
  std::string_view commit;        // `git rev-parse --short=12 HEAD` at configure time, or kUnknownCommit
  std::string_view build_date;    // UTC, RFC 3339: SOURCE_DATE_EPOCH when set, else the configure time
  std::string_view rules_sha256;  // RuleSet::builtin_sha256()
};

/// This binary's BuildInfo.
BuildInfo build_info();

/// One line for --version: "pullscan 0.1.0 (commit ..., built ..., rules sha256:...)".
std::string version_line(const BuildInfo& info);

}  // namespace pullscan
