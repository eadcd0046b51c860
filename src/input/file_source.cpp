// BlockReader over a byte source: zlib's gz* API, which reads gzip and plain
// files alike; libarchive's raw format for xz, zstd and bzip2 (and gzip on a
// pipe, whose first bytes cannot be read twice); or pread on a range of a
// plain file so that several threads can scan one large file. The buffer
// holds at most block_bytes + max_line_bytes, whatever the input.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <fmt/format.h>

#include "core/prefilter.h"
#include "input/line_source.h"

namespace pullscan {
namespace {

// Where the bytes come from: zlib (gzip or plain, sequential) or pread on a
// byte range of a plain file (parallel scanning).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Bytes read (0 at the end), or -1 with error set.
  virtual long read(char* dst, size_t n, std::string& error) = 0;
};

// zlib's gzerror text starts with the name it was opened under, "<fd:5>: ",
// which names nothing a person knows: the caller names the file.
std::string_view without_fd_name(const char* msg) {
  std::string_view m = msg ? msg : "";
  if (m.substr(0, 4) == "<fd:") {
    size_t end = m.find(">: ");
    if (end != std::string_view::npos) m.remove_prefix(end + 3);
  }
  return m;
}

class GzSource : public ByteSource {
 public:
  GzSource(gzFile f, bool gzip) : file_(f), gzip_(gzip) { gzbuffer(file_, 256 * 1024); }
  ~GzSource() override { gzclose(file_); }
  long read(char* dst, size_t n, std::string& error) override {
    int got = gzread(file_, dst, static_cast<unsigned>(n));
    int errnum = 0;
    const char* msg = gzerror(file_, &errnum);
    if (got < 0) {
      error = errnum == Z_ERRNO ? std::string(std::strerror(errno)) : problem(msg);
      return -1;
    }
    // gzread returns 0 at a truncated gzip member too; gzerror tells them apart.
    if (got == 0 && errnum != Z_OK && errnum != Z_STREAM_END && msg && *msg) {
      error = problem(msg);
      return -1;
    }
    decompressed_ += static_cast<uint64_t>(got);
    return got;
  }

 private:
  std::string problem(const char* msg) const {
    std::string_view m = without_fd_name(msg);
    if (!gzip_) return std::string(m.empty() ? "read error" : m);
    return decompression_problem(m, Compression::gzip, decompressed_);
  }

  gzFile file_;
  bool gzip_;
  uint64_t decompressed_ = 0;
};

// A descriptor whose first bytes were already read (to see what it holds):
// those bytes first, then the rest of the descriptor.
class PeekedFdSource : public ByteSource {
 public:
  PeekedFdSource(int fd, std::string head) : fd_(fd), head_(std::move(head)) {}
  ~PeekedFdSource() override { ::close(fd_); }
  long read(char* dst, size_t n, std::string& error) override {
    if (pos_ < head_.size()) {
      n = std::min(n, head_.size() - pos_);
      std::memcpy(dst, head_.data() + pos_, n);
      pos_ += n;
      return static_cast<long>(n);
    }
    return read_retrying(fd_, dst, n, error);
  }

 private:
  int fd_;
  std::string head_;
  size_t pos_ = 0;
};

// A compressed stream decoded by libarchive's filters, read as its one "raw"
// entry. Blocks are taken as the filter hands them out, so a cut-short input
// loses only the filter's last partial block, never what was handed out.
class ArchiveRawSource : public ByteSource {
 public:
  ArchiveRawSource(std::unique_ptr<ByteSource> in, Compression c) : in_(std::move(in)), compression_(c) {}
  ~ArchiveRawSource() override {
    if (a_) archive_read_free(a_);
  }
  // False (with error set) if the stream's start cannot be decoded.
  bool open(std::string& error) {
    a_ = archive_read_new();
    if (!a_) {
      error = "out of memory";
      return false;
    }
    archive_read_support_filter_all(a_);
    archive_read_support_format_raw(a_);
    archive_entry* entry = nullptr;
    if (archive_read_open(a_, this, nullptr, &ArchiveRawSource::feed, nullptr) != ARCHIVE_OK ||
        archive_read_next_header(a_, &entry) != ARCHIVE_OK) {
      error = library_problem();
      return false;
    }
    return true;
  }
  long read(char* dst, size_t n, std::string& error) override {
    while (pending_ == 0) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int rc = archive_read_data_block(a_, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) return 0;
      if (rc == ARCHIVE_RETRY) continue;
      if (rc < ARCHIVE_OK) {
        error = library_problem();
        return -1;
      }
      block_ = static_cast<const char*>(block);
      pending_ = size;
    }
    n = std::min(n, pending_);
    std::memcpy(dst, block_, n);
    block_ += n;
    pending_ -= n;
    decompressed_ += n;
    return static_cast<long>(n);
  }

 private:
  static la_ssize_t feed(archive* a, void* self, const void** out) {
    auto* me = static_cast<ArchiveRawSource*>(self);
    long got = me->in_->read(me->buffer_.data(), me->buffer_.size(), me->in_error_);
    if (got < 0) {
      archive_set_error(a, EIO, "%s", me->in_error_.c_str());
      return -1;
    }
    *out = me->buffer_.data();
    return got;
  }
  std::string library_problem() const {
    if (!in_error_.empty()) return in_error_;  // the descriptor failed, not the data
    const char* msg = archive_error_string(a_);
    return decompression_problem(msg ? msg : "", compression_, decompressed_);
  }

  std::unique_ptr<ByteSource> in_;
  Compression compression_;
  archive* a_ = nullptr;
  std::string buffer_ = std::string(256 * 1024, '\0');
  std::string in_error_;
  const char* block_ = nullptr;
  size_t pending_ = 0;
  uint64_t decompressed_ = 0;
};

// The first bytes looked at to tell compressed data from text.
constexpr size_t kSniffBytes = 6;

// A whole descriptor, read as it is (under a decompressing source).
class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  ~FdSource() override { ::close(fd_); }
  long read(char* dst, size_t n, std::string& error) override { return read_retrying(fd_, dst, n, error); }

 private:
  int fd_;
};

// Follow mode: whatever one read() returns, at once; an interrupted read
// ends the input when the stop flag is set (Ctrl-C).
class FollowSource : public ByteSource {
 public:
  FollowSource(int fd, const volatile int* stop) : fd_(fd), stop_(stop) {}
  ~FollowSource() override { ::close(fd_); }
  long read(char* dst, size_t n, std::string& error) override {
    // An interrupted read with the flag set ends the input (Ctrl-C); other
    // interruptions are retried.
    if (stop_ && *stop_) return 0;
    for (;;) {
      ssize_t got = ::read(fd_, dst, n);
      if (got >= 0) return static_cast<long>(got);
      if (errno == EINTR) {
        if (stop_ && *stop_) return 0;
        continue;
      }
      error = std::strerror(errno);
      return -1;
    }
  }

 private:
  int fd_;
  const volatile int* stop_;
};

class RangeSource : public ByteSource {
 public:
  RangeSource(int fd, uint64_t begin, uint64_t end) : fd_(fd), pos_(begin), end_(end) {}
  ~RangeSource() override { ::close(fd_); }
  long read(char* dst, size_t n, std::string& error) override {
    if (pos_ >= end_) return 0;
    if (n > end_ - pos_) n = static_cast<size_t>(end_ - pos_);
    ssize_t got = ::pread(fd_, dst, n, static_cast<off_t>(pos_));
    if (got < 0) {
      error = std::strerror(errno);
      return -1;
    }
    pos_ += static_cast<uint64_t>(got);
    return static_cast<long>(got);
  }

 private:
  int fd_;
  uint64_t pos_, end_;
};

// A bundle member's piece, already decompressed by libarchive.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string text) : text_(std::move(text)) {}
  long read(char* dst, size_t n, std::string&) override {
    n = std::min(n, text_.size() - pos_);
    std::memcpy(dst, text_.data() + pos_, n);
    pos_ += n;
    return static_cast<long>(n);
  }

 private:
  std::string text_;
  size_t pos_ = 0;
};

class LineBlockReader : public BlockReader {
 public:
  LineBlockReader(std::unique_ptr<ByteSource> src, const ReadOptions& opt, int64_t mtime, uint64_t first_line = 1)
      : src_(std::move(src)), opt_(opt), mtime_(mtime) {
    line_ = first_line - 1;
    buf_.resize(opt_.block_bytes + opt_.max_line_bytes);
  }

  bool next(LineBlock& block) override {
    // Drop what the previous block handed out.
    if (consumed_) {
      std::memmove(buf_.data(), buf_.data() + consumed_, len_ - consumed_);
      len_ -= consumed_;
      consumed_ = 0;
    }
    for (;;) {
      if (skipping_) {
        // Discard the remainder of a cut line up to its newline.
        const char* nl = static_cast<const char*>(std::memchr(buf_.data(), '\n', len_));
        if (keep_long_lines_) {
          // Or hand it over, a piece at a time; the piece with the newline ends the line.
          if (!nl && !eof_ && len_ < opt_.max_line_bytes) {
            fill();
            continue;
          }
          if (!nl && len_ == 0) {  // the input ended right after the previous piece
            skipping_ = false;
            ++line_;
            continue;
          }
          size_t n = nl ? static_cast<size_t>(nl - buf_.data()) + 1 : std::min(len_, opt_.max_line_bytes);
          bool last_piece = nl || (eof_ && n == len_);
          hand_out(block, n, true);
          block.cut_rest = true;
          if (last_piece) {
            skipping_ = false;
            ++line_;
          }
          return true;
        }
        if (nl) {
          size_t drop = static_cast<size_t>(nl - buf_.data()) + 1;
          std::memmove(buf_.data(), buf_.data() + drop, len_ - drop);
          len_ -= drop;
          skipping_ = false;
          ++line_;
          continue;
        }
        len_ = 0;
        if (eof_) return false;
        fill();
        continue;
      }
      const char* last = len_ ? static_cast<const char*>(memrchr(buf_.data(), '\n', len_)) : nullptr;
      // Batch: hand out whole lines once a block's worth is buffered, or at the end.
      if (last && (len_ >= opt_.block_bytes || eof_ || opt_.follow))
        return hand_out(block, static_cast<size_t>(last - buf_.data()) + 1, false);
      if (eof_) return len_ > 0 ? hand_out(block, len_, false) : false;
      if (!last && len_ >= opt_.max_line_bytes) {
        skipping_ = true;
        return hand_out(block, opt_.max_line_bytes, true);
      }
      fill();
    }
  }

  const std::string& error() const override { return error_; }
  int64_t mtime_ns() const override { return mtime_; }
  void keep_long_lines() override { keep_long_lines_ = true; }

 private:
  bool fill() {
    size_t room = buf_.size() - len_;
    if (room == 0) return true;  // unreachable: a full buffer always has a line or a cut
    size_t want = room < opt_.block_bytes ? room : opt_.block_bytes;
    long got = src_->read(buf_.data() + len_, want, error_);
    if (got < 0) {
      eof_ = true;
      return false;
    }
    if (got == 0) {
      eof_ = true;
      return true;
    }
    len_ += static_cast<size_t>(got);
    return true;
  }

  bool hand_out(LineBlock& block, size_t n, bool cut) {
    block.text = std::string_view(buf_.data(), n);
    block.first_line = line_ + 1;
    block.cut = cut;
    block.cut_rest = false;
    block.lines = 1;
    if (!cut) {
      block.lines = count_newlines(block.text);
      if (n && buf_[n - 1] != '\n') ++block.lines;
      line_ += block.lines;
    }
    // A cut line's number is counted when its newline is skipped.
    consumed_ = n;
    return true;
  }

  std::unique_ptr<ByteSource> src_;
  ReadOptions opt_;
  int64_t mtime_;
  std::string buf_;
  size_t len_ = 0, consumed_ = 0;
  uint64_t line_ = 0;
  bool eof_ = false, skipping_ = false, keep_long_lines_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<BlockReader> open_input(const std::string& path, const ReadOptions& opt, std::string& error) {
  int fd = path == "-" ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  int64_t mtime = 0;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      error = "is a directory";
      return nullptr;
    }
    if (S_ISREG(st.st_mode) && path != "-")
      mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  }
  if (opt.follow) return std::make_unique<LineBlockReader>(std::make_unique<FollowSource>(fd, opt.stop), opt, mtime);
  // What the data is, from its first bytes: read in place where the
  // descriptor can seek (a file, stdin redirected from one), else (a pipe)
  // taken out and handed back in front of the rest.
  std::string head(kSniffBytes, '\0');
  off_t at = ::lseek(fd, 0, SEEK_CUR);
  bool seekable = at >= 0;
  long got = seekable ? static_cast<long>(::pread(fd, head.data(), head.size(), at)) : 0;
  if (!seekable) {
    size_t have = 0;
    while (have < head.size() && got >= 0) {
      got = read_retrying(fd, head.data() + have, head.size() - have, error);
      if (got <= 0) break;
      have += static_cast<size_t>(got);
    }
    got = static_cast<long>(have);
  }
  head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  Compression c = sniff_compression(head);
  if (seekable && (c == Compression::none || c == Compression::gzip)) {
    gzFile f = gzdopen(fd, "rb");
    if (!f) {
      ::close(fd);
      error = "cannot start reading";
      return nullptr;
    }
    return std::make_unique<LineBlockReader>(std::make_unique<GzSource>(f, c == Compression::gzip), opt, mtime);
  }
  std::unique_ptr<ByteSource> raw;
  if (seekable) raw = std::make_unique<FdSource>(fd);
  else raw = std::make_unique<PeekedFdSource>(fd, std::move(head));
  if (c == Compression::none) return std::make_unique<LineBlockReader>(std::move(raw), opt, mtime);
  auto decoded = std::make_unique<ArchiveRawSource>(std::move(raw), c);
  if (!decoded->open(error)) return nullptr;
  return std::make_unique<LineBlockReader>(std::move(decoded), opt, mtime);
}

Compression sniff_compression(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) return Compression::gzip;
  if (starts("\xfd" "7zXZ")) return Compression::xz;
  if (starts("\x28\xb5\x2f\xfd")) return Compression::zstd;
  // "BZh" then the block size digit and the block magic's first byte.
  if (head.size() >= 4 && starts("BZh") && head[3] >= '1' && head[3] <= '9') return Compression::bzip2;
  return Compression::none;
}

std::string_view to_string(Compression c) {
  switch (c) {
    case Compression::gzip: return "gzip";
    case Compression::xz: return "xz";
    case Compression::zstd: return "zstd";
    case Compression::bzip2: return "bzip2";
    case Compression::none: break;
  }
  return "compressed";
}

std::string human_bytes(uint64_t n) {
  if (n >= (1ull << 30)) return fmt::format("{:.1f} GB", static_cast<double>(n) / (1ull << 30));
  if (n >= (1ull << 20)) return fmt::format("{:.1f} MB", static_cast<double>(n) / (1ull << 20));
  if (n >= 1024) return fmt::format("{:.0f} KB", static_cast<double>(n) / 1024);
  return fmt::format("{} {}", n, n == 1 ? "byte" : "bytes");
}

std::string decompression_problem(std::string_view library_message, Compression c, uint64_t decompressed) {
  // The libraries' words for "the data stopped": zlib's "unexpected end of
  // file", libarchive's "truncated ... input", liblzma's "No progress is
  // possible" (it needed more input and there was none).
  std::string lower(library_message);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  bool cut = lower.find("unexpected end") != std::string::npos || lower.find("truncated") != std::string::npos ||
             lower.find("no progress") != std::string::npos || lower.find("premature end") != std::string::npos;
  std::string kept = decompressed ? "after " + human_bytes(decompressed) + " of text" : "before any text";
  std::string codec(to_string(c));
  if (cut) return fmt::format("the input is cut short: its {} data ends early, {}", codec, kept);
  std::string why(library_message);
  while (!why.empty() && (why.back() == ' ' || why.back() == '.')) why.pop_back();
  return fmt::format("its {} data is corrupt ({}), {}", codec, why.empty() ? "no reason given" : why, kept);
}

long read_retrying(int fd, char* dst, size_t n, std::string& error) {
  for (;;) {
    ssize_t got = ::read(fd, dst, n);
    if (got >= 0) return static_cast<long>(got);
    if (errno == EINTR) continue;
    error = std::strerror(errno);
    return -1;
  }
}

std::unique_ptr<BlockReader> open_memory(std::string text, const ReadOptions& opt, int64_t mtime_ns,
                                         uint64_t first_line) {
  return std::make_unique<LineBlockReader>(std::make_unique<MemorySource>(std::move(text)), opt, mtime_ns,
                                           first_line ? first_line : 1);
}

std::unique_ptr<BlockReader> open_follow_fd(int fd, const ReadOptions& opt) {
  ReadOptions o = opt;
  o.follow = true;
  return std::make_unique<LineBlockReader>(std::make_unique<FollowSource>(fd, opt.stop), o, 0);
}

std::optional<uint64_t> plain_file_size(const std::string& path) {
  if (path == "-") return std::nullopt;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  char magic[kSniffBytes] = {};
  long got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<long>(::pread(fd, magic, sizeof magic, 0)) : -1;
  bool ok = got >= 0 && sniff_compression(std::string_view(magic, static_cast<size_t>(got))) == Compression::none;
  ::close(fd);
  if (!ok) return std::nullopt;
  return static_cast<uint64_t>(st.st_size);
}

uint64_t next_line_start(const std::string& path, uint64_t offset) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return offset;
  char buf[65536];
  uint64_t pos = offset;
  for (;;) {
    ssize_t got = ::pread(fd, buf, sizeof buf, static_cast<off_t>(pos));
    if (got <= 0) break;
    const char* nl = static_cast<const char*>(std::memchr(buf, '\n', static_cast<size_t>(got)));
    if (nl) {
      ::close(fd);
      return pos + static_cast<uint64_t>(nl - buf) + 1;
    }
    pos += static_cast<uint64_t>(got);
  }
  ::close(fd);
  return pos;
}

uint64_t next_record_start(const std::string& path, uint64_t offset,
                           const std::function<bool(std::string_view)>& continues) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return offset;
  std::string buf(1 << 20, '\0');
  ssize_t got = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
  ::close(fd);
  if (got <= 0) return offset;
  std::string_view text(buf.data(), static_cast<size_t>(got));
  size_t pos = 0;
  for (int lines = 0; lines < 256 && pos < text.size(); ++lines) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a line longer than the window: cut before it
    if (!continues(text.substr(pos, nl - pos))) return offset + pos;
    pos = nl + 1;
  }
  return offset + pos;
}

std::unique_ptr<BlockReader> open_range(const std::string& path, uint64_t begin, uint64_t end, const ReadOptions& opt,
                                        std::string& error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = std::strerror(errno);
    return nullptr;
  }
  posix_fadvise(fd, static_cast<off_t>(begin), static_cast<off_t>(end - begin), POSIX_FADV_SEQUENTIAL);
  struct stat st {};
  int64_t mtime = fstat(fd, &st) == 0 ? static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec : 0;
  return std::make_unique<LineBlockReader>(std::make_unique<RangeSource>(fd, begin, end), opt, mtime);
}

}  // namespace pullscan
