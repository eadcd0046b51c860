// Multi-literal scan for the hot loop. Each needle is reduced to a 4-byte
// window (its rarest-looking part, so that "from" in "from daemon" or "host"
// in "next host" does not flood the verifier); 32 (AVX2) or 16 (SSE2)
// positions are compared per step, and candidates are confirmed with memcmp.
// The AVX2 path is chosen at run time; non-x86 builds use the scalar loop.
#include "core/prefilter.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#if defined(__x86_64__)
#include <immintrin.h>
#define PULLSCAN_X86 1
#endif

namespace pullscan {
namespace {

// How common a byte is in log text (lower = rarer); a rough static table is
// enough to steer the window away from spaces and frequent letters.
int commonness(unsigned char c) {
  if (c == ' ' || c == 'e' || c == 't' || c == 'a' || c == 'o' || c == 'i' || c == 'n' || c == 's' || c == 'r')
    return 3;
  if (c >= 'a' && c <= 'z') return 2;
  return 1;
}

size_t pick_anchor(const std::string& n) {
  size_t best = 0;
  int best_score = 1 << 30;
  for (size_t off = 0; off + 4 <= n.size(); ++off) {
    int score = 0;
    for (size_t k = 0; k < 4; ++k) score += commonness(static_cast<unsigned char>(n[off + k]));
    if (score < best_score) {
      best_score = score;
      best = off;
    }
  }
  return best;
}

#if PULLSCAN_X86
bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}

// Bitmask of window positions w..w+31 where some needle's window matches.
__attribute__((target("avx2"), always_inline)) inline unsigned window_mask_avx2(const char* p,
                                                                               const unsigned char (*win)[4],
                                                                               size_t k) {
  __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
  __m256i b2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2));
  __m256i b3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 3));
  __m256i any = _mm256_setzero_si256();
  for (size_t j = 0; j < k; ++j) {
    __m256i m = _mm256_and_si256(_mm256_cmpeq_epi8(b0, _mm256_set1_epi8(static_cast<char>(win[j][0]))),
                                 _mm256_cmpeq_epi8(b1, _mm256_set1_epi8(static_cast<char>(win[j][1]))));
    m = _mm256_and_si256(m, _mm256_cmpeq_epi8(b2, _mm256_set1_epi8(static_cast<char>(win[j][2]))));
    m = _mm256_and_si256(m, _mm256_cmpeq_epi8(b3, _mm256_set1_epi8(static_cast<char>(win[j][3]))));
    any = _mm256_or_si256(any, m);
  }
  return static_cast<unsigned>(_mm256_movemask_epi8(any));
}

unsigned window_mask_sse2(const char* p, const unsigned char (*win)[4], size_t k) {
  __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
  __m128i b2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2));
  __m128i b3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 3));
  __m128i any = _mm_setzero_si128();
  for (size_t j = 0; j < k; ++j) {
    __m128i m = _mm_and_si128(_mm_cmpeq_epi8(b0, _mm_set1_epi8(static_cast<char>(win[j][0]))),
                              _mm_cmpeq_epi8(b1, _mm_set1_epi8(static_cast<char>(win[j][1]))));
    m = _mm_and_si128(m, _mm_cmpeq_epi8(b2, _mm_set1_epi8(static_cast<char>(win[j][2]))));
    m = _mm_and_si128(m, _mm_cmpeq_epi8(b3, _mm_set1_epi8(static_cast<char>(win[j][3]))));
    any = _mm_or_si128(any, m);
  }
  return static_cast<unsigned>(_mm_movemask_epi8(any));
}

__attribute__((target("avx2"))) size_t count_newlines_avx2(std::string_view s, size_t& i) {
  size_t n = 0;
  const __m256i nl = _mm256_set1_epi8('\n');
  while (i + 32 <= s.size()) {
    // Each compare gives -1 per newline per byte lane; up to 255 rounds fit a
    // byte, then SAD folds the lanes.
    __m256i acc = _mm256_setzero_si256();
    for (int round = 0; round < 255 && i + 32 <= s.size(); ++round, i += 32)
      acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(s.data() + i)), nl));
    __m256i sums = _mm256_sad_epu8(acc, _mm256_setzero_si256());
    n += static_cast<size_t>(_mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) +
                             _mm256_extract_epi64(sums, 2) + _mm256_extract_epi64(sums, 3));
  }
  return n;
}
#endif

}  // namespace

LiteralPrefilter::LiteralPrefilter(std::vector<std::string> needles) : needles_(std::move(needles)) {
  if (needles_.size() > kMaxNeedles) throw std::invalid_argument("too many prefilter literals");
  for (size_t j = 0; j < needles_.size(); ++j) {
    const std::string& n = needles_[j];
    if (n.size() < 4) throw std::invalid_argument("prefilter literal shorter than 4 bytes: " + n);
    anchors_[j] = pick_anchor(n);
    std::memcpy(windows_[j], n.data() + anchors_[j], 4);
  }
}

size_t LiteralPrefilter::verify(std::string_view hay, size_t w, size_t from) const {
  size_t found = std::string_view::npos;
  uint32_t at;
  std::memcpy(&at, hay.data() + w, 4);
  for (size_t j = 0; j < needles_.size(); ++j) {
    const std::string& n = needles_[j];
    uint32_t want;
    std::memcpy(&want, windows_[j], 4);
    if (w < anchors_[j] || at != want) continue;
    size_t pos = w - anchors_[j];
    if (pos < from || pos >= found || pos + n.size() > hay.size()) continue;
    // The window already matched; compare only the bytes around it.
    size_t after = n.size() - anchors_[j] - 4;
    if ((anchors_[j] == 0 || std::memcmp(hay.data() + pos, n.data(), anchors_[j]) == 0) &&
        (after == 0 || std::memcmp(hay.data() + w + 4, n.data() + anchors_[j] + 4, after) == 0))
      found = pos;
  }
  return found;
}

#if PULLSCAN_X86
__attribute__((target("avx2"))) size_t LiteralPrefilter::find_avx2(std::string_view hay, size_t& w, size_t from) const {
  const size_t n = hay.size(), k = needles_.size();
  for (; w + 35 <= n; w += 32)
    for (unsigned mask = window_mask_avx2(hay.data() + w, windows_, k); mask; mask &= mask - 1) {
      size_t pos = verify(hay, w + static_cast<size_t>(__builtin_ctz(mask)), from);
      if (pos != std::string_view::npos) return pos;
    }
  return std::string_view::npos;
}
#endif

size_t LiteralPrefilter::find(std::string_view hay, size_t from) const {
  const size_t n = hay.size(), k = needles_.size();
  if (k == 0) return std::string_view::npos;
  // Windows are compared at positions w; a needle starting at or after
  // `from` has its window at or after `from` too.
  size_t w = from;
#if PULLSCAN_X86
  if (have_avx2()) {
    size_t pos = find_avx2(hay, w, from);
    if (pos != std::string_view::npos) return pos;
  }
  for (; w + 19 <= n; w += 16)
    for (unsigned mask = window_mask_sse2(hay.data() + w, windows_, k); mask; mask &= mask - 1) {
      size_t pos = verify(hay, w + static_cast<size_t>(__builtin_ctz(mask)), from);
      if (pos != std::string_view::npos) return pos;
    }
#endif
  for (; w + 4 <= n; ++w) {
    size_t pos = verify(hay, w, from);
    if (pos != std::string_view::npos) return pos;
  }
  return std::string_view::npos;
}

const std::vector<std::string>& pull_literals() {
  // "mage" covers PullImage, Pulled image, pulling image, ErrImagePull,
  // ImagePullBackOff, InvalidImageName, ImageInspectError and every
  // "Failed to pull image"; the others cover the per-host lines of
  // containerd's resolver, docker's daemon errors and mirror config errors;
  // "apply failure" the unpacker's failure to extract a layer, whose line
  // names no image (without it -o short would drop a line that the record
  // modes, which read every line, decode). "ratelimit-remaining" marks
  // containerd's debug responses that carry Docker Hub's quota headers.
  static const std::vector<std::string> literals = {"mage", "next host", "fetch failed", "from daemon", "hosts.toml",
                                                    "apply failure", "ratelimit-remaining"};
  return literals;
}

const std::vector<std::string>& journal_json_literals() {
  // journalctl -o json adds the entries whose text was dropped (MESSAGE null,
  // >= 4 KiB without -a) or sent as bytes, so they can be reported.
  static const std::vector<std::string> literals = [] {
    std::vector<std::string> l = pull_literals();
    l.push_back("\"MESSAGE\":null");
    l.push_back("\"MESSAGE\":[");
    return l;
  }();
  return literals;
}

size_t count_newlines(std::string_view s) {
  size_t n = 0, i = 0;
#if PULLSCAN_X86
  if (have_avx2()) n += count_newlines_avx2(s, i);
  const __m128i nl = _mm_set1_epi8('\n');
  while (i + 16 <= s.size()) {
    __m128i acc = _mm_setzero_si128();
    for (int round = 0; round < 255 && i + 16 <= s.size(); ++round, i += 16)
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)), nl));
    __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
    n += static_cast<size_t>(_mm_cvtsi128_si32(sums)) + static_cast<size_t>(_mm_extract_epi16(sums, 4));
  }
#endif
  for (; i < s.size(); ++i) n += s[i] == '\n';
  return n;
}

}  // namespace pullscan
