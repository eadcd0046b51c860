// Files compiled into the binary at build time (cmake/embed.cmake): the
// built-in rules and the SQLite schema. Consumers see them as named byte
// ranges, exactly as they are in the source tree.
#pragma once

#include <cstddef>

namespace pullscan {

/// One embedded file; the table ends with a {nullptr, nullptr, 0} entry.
struct EmbeddedFile {
  const char* name;  // base name, e.g. "rate_limited.yaml"
  const char* data;  // not NUL-terminated within size (a NUL follows it)
  size_t size;
};

}  // namespace pullscan
