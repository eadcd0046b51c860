// The hot loop's first gate. About 97% of a node journal is not about image
// pulls; this finds the few places where one of a handful of literals occurs,
// scanning a whole block of lines at once (16 bytes per step on SSE2), so
// lines without a hit are never looked at individually and no regex ever
// runs on them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// A set of literals (each at least 3 bytes) searched simultaneously.
class LiteralPrefilter {
 public:
  /// Most literals one prefilter takes.
  static constexpr size_t kMaxNeedles = 10;

  /// Builds the matcher; needles shorter than 4 bytes, or more than
  /// kMaxNeedles of them, are rejected with std::invalid_argument.
  explicit LiteralPrefilter(std::vector<std::string> needles);

  /// Position of the first occurrence at or after `from` of any needle, or npos.
  size_t find(std::string_view hay, size_t from = 0) const;

  /// True if any needle occurs in s.
  bool matches(std::string_view s) const { return find(s) != std::string_view::npos; }

  /// The literals, in the order given.
  const std::vector<std::string>& needles() const { return needles_; }

 private:
  // The start of a needle whose window sits at w (and that starts at or after
  // `from`), or npos.
  size_t verify(std::string_view hay, size_t w, size_t from) const;
  // The AVX2 loop; advances w past what it scanned.
  size_t find_avx2(std::string_view hay, size_t& w, size_t from) const;
  std::vector<std::string> needles_;
  // Per needle, the offset of the 4-byte window the SIMD scan compares: its
  // rarest-looking part ("daem" of "from daemon"), so that common words like
  // "from" or "host" do not flood the verifier.
  size_t anchors_[kMaxNeedles] = {};
  unsigned char windows_[kMaxNeedles][4] = {};
};

/// The literals that mark a line as possibly about a pull. bench/literals.txt
/// holds the same list so `rg -c` can be timed on equal terms.
const std::vector<std::string>& pull_literals();

/// pull_literals() plus what journalctl -o json needs (dropped MESSAGE fields).
const std::vector<std::string>& journal_json_literals();

}  // namespace pullscan

namespace pullscan {
/// Number of '\n' bytes in s (SSE2 where available).
size_t count_newlines(std::string_view s);
}  // namespace pullscan
