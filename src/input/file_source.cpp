// BlockReader over a byte source: zlib's gz* API, which reads gzip and plain
// files alike, or pread on a range of a plain file so that several threads
// can scan one large file. The buffer holds at most block_bytes +
// max_line_bytes, whatever the input.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

class GzSource : public ByteSource {
 public:
  explicit GzSource(gzFile f) : file_(f) { gzbuffer(file_, 256 * 1024); }
  ~GzSource() override { gzclose(file_); }
  long read(char* dst, size_t n, std::string& error) override {
    int got = gzread(file_, dst, static_cast<unsigned>(n));
    int errnum = 0;
    const char* msg = gzerror(file_, &errnum);
    if (got < 0) {
      error = errnum == Z_ERRNO ? std::strerror(errno) : (msg ? msg : "read error");
      return -1;
    }
    // gzread returns 0 at a truncated gzip member too; gzerror tells them apart.
    if (got == 0 && errnum != Z_OK && errnum != Z_STREAM_END && msg && *msg) {
      error = msg;
      return -1;
    }
    return got;
  }

 private:
  gzFile file_;
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
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    error = "cannot start reading";
    return nullptr;
  }
  return std::make_unique<LineBlockReader>(std::make_unique<GzSource>(f), opt, mtime);
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
  unsigned char magic[2] = {0, 0};
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ::pread(fd, magic, 2, 0) >= 0 &&
            !(magic[0] == 0x1f && magic[1] == 0x8b);
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
