// Golden reports: every file under samples/ is scanned as a user would scan
// it, and its text, JSON and Markdown reports must equal
// tests/golden/<path>.txt, .json and .md. UPDATE_GOLDEN=1 rewrites them; review the diff before committing.
// A sidecar tests/golden/<path>.args may give extra flags (one per line:
// `--year 2023`, `--tz +02:00`) for samples that carry no year, and
// `--input PATH` for a sample that is read together with another file.
// Each folder under samples/bundles/ is one sample: a support bundle read as
// a directory (bundle_test packs the same folders as archives).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/options.h"
#include "helpers.h"

using namespace pullscan;
namespace fs = std::filesystem;

namespace {

void apply_args(const std::string& args_file, Options& o) {
  std::istringstream in(test::read_file(args_file));
  std::string flag, value;
  while (in >> flag >> value) {
    if (flag == "--year") o.scan.year = std::stoi(value);
    else if (flag == "--input") o.paths.push_back(value);  // a second input read with the sample
    else if (flag == "--tz") o.scan.utc_offset_s = parse_tz_offset(value);
  }
}

void compare(const std::string& golden, const std::string& actual) {
  if (std::getenv("UPDATE_GOLDEN")) {
    fs::create_directories(fs::path(golden).parent_path());
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  std::string expected = test::read_file(golden);
  INFO("golden " << golden << " (run with UPDATE_GOLDEN=1 to create or refresh it)");
  CHECK(expected == actual);
}

// Each output checked over every sample, and its golden file's extension.
constexpr std::pair<const char*, const char*> kGoldenOutputs[] = {{"text", ".txt"}, {"json", ".json"}, {"markdown", ".md"}};

}  // namespace

TEST_CASE("golden reports over samples/", "[golden]") {
  std::string root = test::source_path("");
  std::vector<std::string> samples;
  for (const auto& e : fs::recursive_directory_iterator(root + "samples")) {
    if (!e.is_regular_file() || e.path().filename() == "README.md" || e.path().extension() == ".py") continue;
    std::string rel = fs::relative(e.path(), root).string();
    if (rel.rfind("samples/real/", 0) == 0) continue;  // the pasted-text corpus has its own test
    if (rel.rfind("samples/bundles/", 0) == 0) continue;
    samples.push_back(rel);
  }
  for (const auto& e : fs::directory_iterator(root + "samples/bundles"))
    if (e.is_directory()) samples.push_back(fs::relative(e.path(), root).string());
  std::sort(samples.begin(), samples.end());
  REQUIRE(samples.size() >= 30);
  for (const std::string& rel : samples) {
    SECTION(rel) {
      std::string golden = root + "tests/golden/" + rel.substr(8);
      for (const auto& [fmt, extension] : kGoldenOutputs) {
        Options o = test::scan_options({rel}, fmt);
        apply_args(golden + ".args", o);
        auto res = test::run_tool(o);
        compare(golden + extension, res.out);
        CHECK(res.code != 2);
      }
    }
  }
}
