// Test helpers: run the whole tool in-process (run() with Options) and read
// files relative to the source tree, so tests exercise the same code paths
// as the binary without spawning it.
#pragma once

#include <string>
#include <vector>

#include "cli/options.h"
#include "core/record.h"

namespace pullscan::test {

/// Output of one in-process run.
struct RunOutput {
  int code = 0;
  std::string out, err;
};

/// run() with opt; stdin is `input`.
RunOutput run_tool(const Options& opt, const std::string& input = "");

/// Options for scanning `paths` (relative to the source dir) without a database.
Options scan_options(std::vector<std::string> paths, std::string output = "text");

/// Absolute path of a file in the source tree.
std::string source_path(const std::string& rel);

/// Whole file contents ("" if missing).
std::string read_file(const std::string& path);

/// Parses text (as `explain` would, every line decoded) into a finished RunResult.
RunResult analyse_text(const std::string& text);

}  // namespace pullscan::test
