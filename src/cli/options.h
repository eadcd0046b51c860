// The command line as a plain struct. main.cpp (the only CLI11 user) fills
// it; run() executes it. Tests build Options directly and drive the whole
// tool in-process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "cluster/cluster.h"
#include "parsers/parser.h"

namespace pullscan {

/// What to do.
enum class Command { scan, sql, explain, rules_list, rules_check, formats, cluster, version };

/// Everything the command line can say.
struct Options {
  Command command = Command::scan;
  std::vector<std::string> paths;   // inputs; empty = stdin
  std::string output = "text";      // text | json (sql: also csv); main checks which command takes which
  bool quiet = false;               // -q: only the text report's verdict line (the exit code unchanged)
  std::string db;                   // database path; empty = default state path
  bool no_db = false;
  std::string rules_dir;            // --rules DIR (adds/overrides built-in rules)
  std::string sql;                  // `pullscan sql QUERY`
  std::string text;                 // `pullscan explain TEXT` ("" = stdin)
  std::string check_dir;            // `pullscan rules check DIR`
  bool explain = false;             // --explain: show the rules that matched
  bool follow = false;              // --follow: report failures as they arrive (journalctl -f)
  size_t hold_events = 10000;       // --hold-events: one time-ordered input holds about this many pull
                                    // events; attempts that ended before them leave memory for the database
  size_t width = 100;               // --width, else the terminal's (main decides)
  bool color = false;               // colour the text report by severity (main decides from --color)
  bool stdin_is_terminal = false;   // set by main; stdin is never read from a terminal by default
  ScanOptions scan;
  BundleOptions bundle;             // limits and progress for bundles
  ClusterOptions cluster;           // `pullscan cluster` / `kubectl pullscan`
};

/// Parses a byte count with an optional K/M/G/T suffix (powers of 1024).
std::optional<uint64_t> parse_byte_size(const std::string& text);

/// Parses `UTC`, `Z`, `+02:00`, `-0500` into seconds east of UTC.
std::optional<int64_t> parse_tz_offset(const std::string& text);

}  // namespace pullscan
