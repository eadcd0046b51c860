// BlockReader over zlib's gz* API, which reads gzip and plain files alike.
// The buffer holds at most block_bytes + max_line_bytes, whatever the input.
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

class GzBlockReader : public BlockReader {
 public:
  GzBlockReader(gzFile f, const ReadOptions& opt, int64_t mtime)
      : file_(f), opt_(opt), mtime_(mtime) {
    buf_.resize(opt_.block_bytes + opt_.max_line_bytes);
    gzbuffer(file_, 256 * 1024);
  }
  ~GzBlockReader() override { gzclose(file_); }

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
      if (last && (len_ >= opt_.block_bytes || eof_))
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

 private:
  bool fill() {
    size_t room = buf_.size() - len_;
    if (room == 0) return true;  // unreachable: a full buffer always has a line or a cut
    size_t want = room < opt_.block_bytes ? room : opt_.block_bytes;
    int got = gzread(file_, buf_.data() + len_, static_cast<unsigned>(want));
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      error_ = errnum == Z_ERRNO ? std::strerror(errno) : (msg ? msg : "read error");
      eof_ = true;
      return false;
    }
    if (got == 0) {
      eof_ = true;
      // gzread returns 0 at a truncated gzip member too; gzerror tells them apart.
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      if (errnum != Z_OK && errnum != Z_STREAM_END && msg && *msg) error_ = msg;
      return true;
    }
    len_ += static_cast<size_t>(got);
    return true;
  }

  bool hand_out(LineBlock& block, size_t n, bool cut) {
    block.text = std::string_view(buf_.data(), n);
    block.first_line = line_ + 1;
    block.cut = cut;
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

  gzFile file_;
  ReadOptions opt_;
  int64_t mtime_;
  std::string buf_;
  size_t len_ = 0, consumed_ = 0;
  uint64_t line_ = 0;
  bool eof_ = false, skipping_ = false;
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
      error = "is a directory (bundles are read by a later release)";
      return nullptr;
    }
    if (S_ISREG(st.st_mode) && path != "-")
      mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  }
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    error = "cannot start reading";
    return nullptr;
  }
  return std::make_unique<GzBlockReader>(f, opt, mtime);
}

}  // namespace pullscan
