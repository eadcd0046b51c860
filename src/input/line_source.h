// Input stage: turns a path (or "-" for stdin) into blocks of whole lines.
// Files and stdin may be compressed (gzip, xz, zstd, bzip2); that is detected
// from the bytes, not the name. A block is a view into a reused buffer, valid until the next call, so
// reading costs one buffer no matter how large the input is. A line longer
// than the cap is cut, handed over once with `cut` set, and the rest of it
// skipped, so one giant line cannot exhaust memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pullscan {

/// A run of complete lines from one input.
struct LineBlock {
  std::string_view text;    // whole lines; each ends with '\n' except perhaps the input's last
  uint64_t first_line = 1;  // 1-based number of the first line in text
  uint64_t lines = 0;       // number of lines in text (a last line without '\n' counts)
  bool cut = false;         // text is the first max_line_bytes of one over-long line
  bool cut_rest = false;    // with keep_long_lines: text is a later piece of that line (the last ends with '\n')
};

/// Reads one input as LineBlocks.
class BlockReader {
 public:
  virtual ~BlockReader() = default;
  /// Fills block with the next lines; false at end of input or on a read error (see error()).
  virtual bool next(LineBlock& block) = 0;
  /// Why reading stopped early, or empty.
  virtual const std::string& error() const = 0;
  /// Modification time of the file in ns since the epoch, 0 for stdin or unknown.
  virtual int64_t mtime_ns() const = 0;
  /// From now on, hand over the rest of an over-long line too, in pieces of
  /// at most max_line_bytes (`cut` and `cut_rest` set), instead of skipping
  /// it: a JSON document's line (the API's one-line answer) can be any length.
  virtual void keep_long_lines() {}
};

/// Options for opening inputs.
struct ReadOptions {
  size_t block_bytes = 1 << 20;     // read size
  size_t max_line_bytes = 1 << 20;  // longer lines are cut
  bool follow = false;              // hand out lines as they arrive (journalctl -f); plain reads, no gzip
  const volatile int* stop = nullptr;  // with follow: set (by a signal handler) to end the input
};

/// A plain (not compressed) regular file's size, or nullopt for stdin, pipes,
/// directories and gzip files: only those can be read in parallel ranges.
std::optional<uint64_t> plain_file_size(const std::string& path);

/// Reads bytes [begin, end) of a plain file as LineBlocks (line numbers start
/// at 1 within the range). The caller puts begin and end at line starts.
std::unique_ptr<BlockReader> open_range(const std::string& path, uint64_t begin, uint64_t end, const ReadOptions& opt,
                                        std::string& error);

/// The offset of the first line start at or after `offset` in a plain file
/// (the file size if there is none).
uint64_t next_line_start(const std::string& path, uint64_t offset);

/// From the line start `offset`, the start of the first line for which
/// `continues` is false (at most 256 lines or 1 MiB further): where a file can
/// be cut without splitting a record that spans lines.
uint64_t next_record_start(const std::string& path, uint64_t offset,
                           const std::function<bool(std::string_view)>& continues);

/// Reads text held in memory (a piece of a bundle member) as LineBlocks;
/// line numbers start at first_line. The reader owns the text.
std::unique_ptr<BlockReader> open_memory(std::string text, const ReadOptions& opt, int64_t mtime_ns,
                                         uint64_t first_line = 1);

/// Follows an already open descriptor (a subprocess's stdout) as opt.follow
/// does a pipe; the reader owns and closes fd.
std::unique_ptr<BlockReader> open_follow_fd(int fd, const ReadOptions& opt);

/// read(2) that retries on EINTR: bytes read (0 at the end), or -1 with
/// error set. Shared by the sources here and the bundle reader.
long read_retrying(int fd, char* dst, size_t n, std::string& error);

/// How a stream is compressed, from its first bytes (the magic numbers).
enum class Compression { none, gzip, xz, zstd, bzip2 };
/// The compression its first bytes (at least 6) show; none for plain text.
Compression sniff_compression(std::string_view head);
/// Its name in messages ("gzip", "xz"...).
std::string_view to_string(Compression c);

/// Why decompressing stopped, in words a person can act on, from the
/// library's message: "the input is cut short: its xz data ends early, after
/// 1.2 MB" or "its zstd data is corrupt (...) after 1.2 MB". `decompressed`
/// is what was read and kept before it.
std::string decompression_problem(std::string_view library_message, Compression c, uint64_t decompressed);

/// A byte count for messages: "812 bytes", "64 KB", "1.2 GB".
std::string human_bytes(uint64_t n);

/// Opens path ("-" = stdin). Returns nullptr and sets error when it cannot be opened.
/// gzip, xz, zstd and bzip2 data is decompressed, whatever the name, on stdin too.
std::unique_ptr<BlockReader> open_input(const std::string& path, const ReadOptions& opt, std::string& error);

}  // namespace pullscan
