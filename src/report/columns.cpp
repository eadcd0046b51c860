// Display width of UTF-8 text (see columns.h). The wide and zero-width
// ranges are the common ones of Unicode's East Asian Width and general
// category Mn tables, not all of them: the text here is pullscan's own
// prose plus names from logs, which are nearly always ASCII.
#include "report/columns.h"

#include <cstdint>

namespace pullscan {
namespace {

bool zero_width(uint32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
         cp == 0xFEFF;
}

bool double_width(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
         (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

size_t display_width(std::string_view s) {
  size_t columns = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char lead = static_cast<unsigned char>(s[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
    if (i + length > s.size()) length = 1;
    uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += length;
    if (zero_width(cp)) continue;
    columns += double_width(cp) ? 2 : 1;
  }
  return columns;
}

std::string pad_right(std::string_view s, size_t width) {
  std::string padded(s);
  const size_t used = display_width(s);
  if (used < width) padded.append(width - used, ' ');
  return padded;
}

}  // namespace pullscan
