// Terminal columns for the text reporters: how wide a UTF-8 string is on a
// terminal (the report's rules and arrows, `──`, `→`, `—`, are one column
// each but three bytes), so that wrapping and tables line up by what is
// seen, not by bytes.
#pragma once

#include <string>
#include <string_view>

namespace pullscan {

/// Columns a terminal gives s: one per code point, two for East Asian wide
/// and fullwidth characters and emoji, none for combining marks and
/// zero-width spaces. s is expected to be terminal_safe (no control bytes);
/// a byte that does not start a UTF-8 sequence counts as one column.
size_t display_width(std::string_view s);

/// s followed by spaces up to `width` display columns (none if s is wider).
std::string pad_right(std::string_view s, size_t width);

}  // namespace pullscan
