// The `-o wide` reporter: one row per finding, as kubectl's wide tables are,
// for a screen that holds every problem at once or for awk: CLASS, REGISTRY,
// IMAGES and NODES (comma-joined, as kubectl joins lists), ATTEMPTS, FIRST
// SEEN and LAST SEEN (RFC 3339 UTC, `-` without times), FAILING (`no` once
// every failing image pulled fine later). Columns are padded by display
// width; names come from the input and are escaped whole.
#include <algorithm>
#include <array>

#include "core/text.h"
#include "core/timeutil.h"
#include "report/columns.h"
#include "report/report.h"

namespace pullscan {
namespace {

// The header of each column, in order: the contract of the table.
constexpr std::string_view kWideColumns[] = {"CLASS", "REGISTRY", "IMAGES", "NODES", "ATTEMPTS",
                                             "FIRST SEEN", "LAST SEEN", "FAILING"};
constexpr size_t kWideColumnCount = std::size(kWideColumns);

std::string seen(int64_t ns) { return ns ? format_iso_ms(ns).substr(0, 19) + "Z" : "-"; }

std::string names(const std::vector<std::string>& list) {
  if (list.empty()) return "-";
  std::vector<std::string> safe;
  for (const std::string& n : list) safe.push_back(terminal_safe(n));
  return join(safe, ",");
}

}  // namespace

void write_wide_report(const RunResult& r, std::ostream& out) {
  std::vector<std::array<std::string, kWideColumnCount>> rows;
  rows.push_back({});
  for (size_t c = 0; c < kWideColumnCount; ++c) rows[0][c] = kWideColumns[c];
  for (const Finding& f : r.findings)
    rows.push_back({terminal_safe(f.class_id), f.registry.empty() ? "-" : terminal_safe(f.registry), names(f.images),
                    names(f.nodes), std::to_string(f.attempts), seen(f.first_ns), seen(f.last_ns),
                    f.recovered ? "no" : "yes"});
  std::array<size_t, kWideColumnCount> width{};
  for (const auto& row : rows)
    for (size_t c = 0; c < kWideColumnCount; ++c) width[c] = std::max(width[c], display_width(row[c]));
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < kWideColumnCount; ++c)
      line += c + 1 == kWideColumnCount ? row[c] : pad_right(row[c], width[c] + 3);
    out << line << '\n';
  }
}

}  // namespace pullscan
