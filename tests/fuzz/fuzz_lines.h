// Shared by the per-parser fuzz targets: split fuzz input into lines and give
// each a LineContext, so every target drives its decoder the way scan.cpp
// does, line by line, never throwing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/decode.h"

namespace pullscan::fuzz {

/// Calls fn(line, ctx) for each line of data.
template <typename Fn>
void for_each_line(const uint8_t* data, size_t size, bool free_text, Fn fn) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  uint64_t n = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    LineContext ctx;
    ctx.line_no = ++n;
    ctx.raw = text.substr(pos, end - pos);
    ctx.free_text = free_text;
    fn(ctx.raw, ctx);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

}  // namespace pullscan::fuzz
