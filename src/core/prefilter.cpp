// SSE2 multi-literal scan: compare the first three bytes of every needle
// against 16 consecutive positions at once, then confirm candidates with
// memcmp. Non-x86 builds use the portable loop below, which is correct but
// slower.
#include "core/prefilter.h"

#include <cstring>
#include <stdexcept>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pullscan {

LiteralPrefilter::LiteralPrefilter(std::vector<std::string> needles) : needles_(std::move(needles)) {
  for (const std::string& n : needles_)
    if (n.size() < 3) throw std::invalid_argument("prefilter literal shorter than 3 bytes: " + n);
}

bool LiteralPrefilter::verify(std::string_view hay, size_t pos) const {
  for (const std::string& n : needles_)
    if (pos + n.size() <= hay.size() && std::memcmp(hay.data() + pos, n.data(), n.size()) == 0) return true;
  return false;
}

size_t LiteralPrefilter::find(std::string_view hay, size_t from) const {
  const size_t n = hay.size();
  size_t i = from;
#if defined(__SSE2__)
  const size_t k = needles_.size();
  if (k > 0 && k <= 8) {
    __m128i first[8], second[8], third[8];
    for (size_t j = 0; j < k; ++j) {
      first[j] = _mm_set1_epi8(needles_[j][0]);
      second[j] = _mm_set1_epi8(needles_[j][1]);
      third[j] = _mm_set1_epi8(needles_[j][2]);
    }
    const char* p = hay.data();
    while (i + 18 <= n) {
      __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 1));
      __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 2));
      __m128i any = _mm_setzero_si128();
      for (size_t j = 0; j < k; ++j) {
        __m128i m = _mm_and_si128(_mm_and_si128(_mm_cmpeq_epi8(a, first[j]), _mm_cmpeq_epi8(b, second[j])),
                                  _mm_cmpeq_epi8(c, third[j]));
        any = _mm_or_si128(any, m);
      }
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(any));
      while (mask) {
        unsigned bit = static_cast<unsigned>(__builtin_ctz(mask));
        if (verify(hay, i + bit)) return i + bit;
        mask &= mask - 1;
      }
      i += 16;
    }
  }
#endif
  for (; i < n; ++i)
    if (verify(hay, i)) return i;
  return std::string_view::npos;
}

const std::vector<std::string>& pull_literals() {
  // "mage" covers PullImage, Pulled image, pulling image, ErrImagePull,
  // ImagePullBackOff, InvalidImageName, ImageInspectError and every
  // "Failed to pull image"; the others cover the per-host lines of
  // containerd's resolver, docker's daemon errors and mirror config errors.
  static const std::vector<std::string> literals = {"mage", "next host", "fetch failed", "from daemon",
                                                    "hosts.toml"};
  return literals;
}

}  // namespace pullscan

namespace pullscan {

size_t count_newlines(std::string_view s) {
  size_t n = 0, i = 0;
#if defined(__SSE2__)
  const __m128i nl = _mm_set1_epi8('\n');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    n += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)))));
  }
#endif
  for (; i < s.size(); ++i) n += s[i] == '\n';
  return n;
}

}  // namespace pullscan
