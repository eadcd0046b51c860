// The bundle reader. One producer walks the bundle (directory entries in
// name order, archive entries in archive order, archives inside archives as
// nested libarchive streams) and cuts each text member into pieces of
// chunk_bytes at line ends; worker threads scan the pieces. Pieces are joined
// back per member in order, so the result does not depend on the thread
// count. At most a few pieces are in flight, so memory stays bounded by the
// piece size, not the bundle size.
#include "bundle/bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/text.h"

namespace pullscan {
namespace {

constexpr size_t kHeadBytes = 64 * 1024;
constexpr uint64_t kMaxDocumentBytes = 1ull << 30;  // a JSON/YAML member is parsed whole

// What the first bytes of a member or file are.
ContainerKind sniff_container(std::string_view head) {
  auto at = [&](size_t i, std::string_view magic) { return head.size() >= i + magic.size() && head.substr(i, magic.size()) == magic; };
  if (at(257, "ustar")) return ContainerKind::archive;
  if (at(0, "PK\x03\x04") || at(0, "PK\x05\x06")) return ContainerKind::archive;
  if (at(0, "\x1f\x8b") || at(0, "\xfd" "7zXZ") || at(0, "\x28\xb5\x2f\xfd") || at(0, "BZh"))
    return ContainerKind::compressed;
  return ContainerKind::plain;
}

// A name without the extensions that say how it is packed, so that
// "node-a.tar.gz" and "kubelet.log.gz" name what they hold.
std::string strip_packing(std::string_view name) {
  static constexpr std::string_view exts[] = {".tgz", ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2", ".tar",
                                               ".zip", ".gz", ".xz", ".zst", ".bz2"};
  for (std::string_view e : exts)
    if (name.size() > e.size() && ascii_lower(name.substr(name.size() - e.size())) == e)
      return std::string(name.substr(0, name.size() - e.size()));
  return std::string(name);
}

std::string base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// A member name that points outside the bundle if it were ever extracted.
bool unsafe_member_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find('\0') != std::string_view::npos) return true;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    std::string_view part = name.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (part == "..") return true;
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return false;
}

std::string human_bytes(uint64_t n) {
  if (n >= (1ull << 30)) return fmt::format("{:.1f} GB", static_cast<double>(n) / (1ull << 30));
  if (n >= (1ull << 20)) return fmt::format("{:.0f} MB", static_cast<double>(n) / (1ull << 20));
  if (n >= 1024) return fmt::format("{:.0f} KB", static_cast<double>(n) / 1024);
  return fmt::format("{} bytes", n);
}

// A stream of a member's bytes: a file, an archive entry, or bytes already
// peeked followed by the rest of another stream.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Bytes read (0 at the end), or -1 with error set.
  virtual long read(char* dst, size_t n, std::string& error) = 0;
};

class FdStream : public ByteStream {
 public:
  explicit FdStream(int fd) : fd_(fd) {}
  ~FdStream() override { ::close(fd_); }
  long read(char* dst, size_t n, std::string& error) override { return read_retrying(fd_, dst, n, error); }

 private:
  int fd_;
};

class EntryStream : public ByteStream {
 public:
  explicit EntryStream(archive* a) : a_(a) {}
  long read(char* dst, size_t n, std::string& error) override {
    for (;;) {
      la_ssize_t got = archive_read_data(a_, dst, n);
      if (got >= 0) return static_cast<long>(got);
      if (got == ARCHIVE_RETRY) continue;
      // ARCHIVE_WARN from read_data is a real failure mid-entry, like FATAL.
      const char* msg = archive_error_string(a_);
      error = msg ? msg : "archive read error";
      return -1;
    }
  }

 private:
  archive* a_;
};

class PeekedStream : public ByteStream {
 public:
  PeekedStream(std::string head, ByteStream& rest) : head_(std::move(head)), rest_(rest) {}
  long read(char* dst, size_t n, std::string& error) override {
    if (pos_ < head_.size()) {
      n = std::min(n, head_.size() - pos_);
      std::memcpy(dst, head_.data() + pos_, n);
      pos_ += n;
      return static_cast<long>(n);
    }
    return rest_.read(dst, n, error);
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  ByteStream& rest_;
};

// libarchive's read callback over a ByteStream, for archives inside archives.
struct NestedInput {
  ByteStream* stream = nullptr;
  std::string buffer = std::string(256 * 1024, '\0');
  std::string error;
};

la_ssize_t nested_read(archive* a, void* ctx, const void** out) {
  auto* in = static_cast<NestedInput*>(ctx);
  long got = in->stream->read(in->buffer.data(), in->buffer.size(), in->error);
  if (got < 0) {
    archive_set_error(a, EIO, "%s", in->error.c_str());
    return -1;
  }
  *out = in->buffer.data();
  return got;
}

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

ArchivePtr new_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_cpio(a.get());
  // A single compressed file (kubelet.log.gz, journal.xz) is one "raw" entry.
  archive_read_support_format_raw(a.get());
  return a;
}

class Walker {
 public:
  Walker(const std::string& root, const ScanOptions& opt, const BundleOptions& bopt, Diagnostics& diag,
         uint32_t input_base)
      : root_(root), opt_(opt), bopt_(bopt), diag_(diag), input_base_(input_base) {
    unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, 16u);
    max_in_flight_ = static_cast<uint64_t>(threads + 1) * bopt.chunk_bytes;
    for (unsigned k = 0; k < threads; ++k) pool_.emplace_back([this] { work(); });
  }

  ~Walker() { finish_workers(); }

  bool walk(ContainerKind kind) {
    if (kind == ContainerKind::directory) {
      if (bopt_.progress) total_bytes_ = directory_bytes(root_, 0);
      std::string top = strip_packing(base_name(root_));
      walk_directory(root_, root_, top);
    } else {
      int fd = ::open(root_.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        diag_.input_unreadable(root_, std::strerror(errno));
        finish_workers();
        return false;
      }
      struct stat st {};
      if (fstat(fd, &st) == 0) total_bytes_ = static_cast<uint64_t>(st.st_size);
      FdStream file(fd);
      top_file_ = true;
      read_archive(file, root_, strip_packing(base_name(root_)), 1, st.st_mtim.tv_sec * 1000000000LL);
    }
    finish_workers();
    if (bopt_.progress) *bopt_.progress << "\r\033[K" << std::flush;
    return true;
  }

  // Moves the members' results out, in walk order.
  void collect(std::vector<InputInfo>& inputs, std::vector<InputClock>& clocks, std::vector<Event>& events) {
    std::string layout;
    for (const auto& m : members_)
      if (!m->plan.layout.empty()) {
        layout = m->plan.layout;
        break;
      }
    for (auto& mp : members_) {
      Member& m = *mp;
      InputInfo info;
      info.path = m.display;
      // A single compressed file is an input of its own, not a bundle.
      if (m.display != root_) info.bundle = root_;
      info.layout = layout;
      info.node = m.plan.node;
      info.read_as = m.plan.read_as;
      info.skip_reason = m.plan.skip_reason;
      InputClock clock;
      if (m.plan.skip_reason.empty()) {
        std::vector<ScanPart> parts(std::make_move_iterator(m.parts.begin()), std::make_move_iterator(m.parts.end()));
        join_parts(parts, diag_, info, events, clock);
        info.path = m.display;
      } else {
        info.format = "-";
      }
      if (!m.read_error.empty()) {
        diag_.warn(m.display, info.lines + 1, m.read_error);
        ++info.skipped;
      }
      clock.mtime_ns = m.mtime_ns;
      // The collection date nearest the file: a sosreport inside a
      // directory of them names its own.
      for (const std::string& part : m.containers) {
        if (std::optional<int64_t> t = collected_time_from_name(part)) {
          clock.collected_ns = *t;
          clock.collected_from = "the bundle's name (" + part + ")";
          break;
        }
      }
      inputs.push_back(std::move(info));
      clocks.push_back(std::move(clock));
    }
    for (const std::string& w : walk_warnings_) diag_.warn(root_, 0, w);
  }

 private:
  struct Member {
    std::string display;  // "bundle.tar.gz:dir/file" as the report shows it
    MemberPlan plan;
    int64_t mtime_ns = 0;
    ScanOptions opt;
    std::deque<ScanPart> parts;  // deque: workers hold references while the producer appends
    std::string read_error;
    std::vector<std::string> containers;  // folders and archives it sits in, innermost first
  };

  struct Task {
    Member* member;
    ScanPart* part;
    std::string text;
    uint32_t input;
  };

  uint64_t directory_bytes(const std::string& dir, int depth) {
    uint64_t sum = 0;
    DIR* d = opendir(dir.c_str());
    if (!d || depth > 64) {
      if (d) closedir(d);
      return 0;
    }
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st {};
      std::string p = dir + "/" + name;
      if (lstat(p.c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) sum += directory_bytes(p, depth + 1);
      else if (S_ISREG(st.st_mode)) sum += static_cast<uint64_t>(st.st_size);
    }
    closedir(d);
    return sum;
  }

  bool stopped() const { return stop_reason_.size() > 0; }

  // Counts an entry against the members limit; false once reading must stop.
  bool count_member() {
    if (stopped()) return false;
    if (++member_count_ > bopt_.max_members) {
      stop(fmt::format("stopped after {} files and archive entries (limit {}); the rest of the bundle was not read",
                       bopt_.max_members, bopt_.max_members));
      return false;
    }
    return true;
  }

  void stop(std::string why) {
    if (!stopped()) {
      stop_reason_ = why;
      walk_warnings_.push_back(std::move(why));
    }
  }

  Member& add_member(std::string display, std::string_view logical, MemberPlan plan, int64_t mtime) {
    auto m = std::make_unique<Member>();
    size_t end = logical.rfind('/');
    while (end != std::string_view::npos && end > 0) {
      size_t start = logical.rfind('/', end - 1);
      size_t from = start == std::string_view::npos ? 0 : start + 1;
      m->containers.emplace_back(logical.substr(from, end - from));
      if (start == std::string_view::npos) break;
      end = start;
    }
    m->display = std::move(display);
    m->plan = std::move(plan);
    m->mtime_ns = mtime;
    members_.push_back(std::move(m));
    return *members_.back();
  }

  void skip(std::string display, std::string_view logical, std::string reason) {
    MemberPlan plan = plan_member(logical);
    plan.skip_reason = std::move(reason);
    add_member(std::move(display), logical, std::move(plan), 0);
  }

  void walk_directory(const std::string& dir, const std::string& display, const std::string& logical) {
    DIR* d = opendir(dir.c_str());
    if (!d) {
      walk_warnings_.push_back(fmt::format("{}: cannot open: {}", display, std::strerror(errno)));
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (stopped()) return;
      std::string path = dir + "/" + name;
      std::string shown = display + "/" + name;
      std::string logic = logical + "/" + name;
      struct stat st {};
      if (lstat(path.c_str(), &st) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        walk_directory(path, shown, logic);
        continue;
      }
      if (!count_member()) return;
      // Never followed: a link could lead anywhere outside the bundle.
      if (S_ISLNK(st.st_mode)) {
        skip(shown, logic, "symbolic link, not followed");
        continue;
      }
      if (!S_ISREG(st.st_mode)) {
        skip(shown, logic, "not a regular file (device, socket or pipe)");
        continue;
      }
      int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0) {
        skip(shown, logic, fmt::format("cannot open: {}", std::strerror(errno)));
        continue;
      }
      FdStream file(fd);
      read_member(file, shown, logic, 0, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    }
  }

  void read_archive(ByteStream& in, const std::string& display, const std::string& logical, int depth,
                    int64_t mtime) {
    ArchivePtr a = new_reader();
    NestedInput nested;
    nested.stream = &in;
    if (archive_read_open(a.get(), &nested, nullptr, nested_read, nullptr) != ARCHIVE_OK) {
      const char* msg = archive_error_string(a.get());
      walk_warnings_.push_back(fmt::format("{}: not a readable archive: {}", display, msg ? msg : "unknown format"));
      return;
    }
    if (top_file_) top_archive_ = a.get();
    top_file_ = false;
    archive_entry* entry = nullptr;
    uint64_t entries = 0;
    for (;;) {
      if (stopped()) break;
      int rc = archive_read_next_header(a.get(), &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc == ARCHIVE_RETRY) continue;
      if (rc < ARCHIVE_WARN) {
        // Truncated or corrupt: say where, keep every member read before it.
        if (!broken_.count(display)) {
          const char* msg = archive_error_string(a.get());
          walk_warnings_.push_back(fmt::format("{}: archive is truncated or corrupt after {} {}: {}; kept what was read",
                                               display, entries, entries == 1 ? "entry" : "entries",
                                               msg ? msg : "read error"));
        }
        break;
      }
      ++entries;
      bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
      if (raw && archive_filter_count(a.get()) <= 1) {
        // Not compressed and not an archive: only reachable for a member whose
        // magic looked like one; read it as the plain member it is.
        walk_warnings_.push_back(fmt::format("{}: looked like an archive but is not one", display));
        break;
      }
      std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      // A single compressed file: its one entry is the file itself, decompressed.
      std::string shown = raw ? display : display + ":" + name;
      std::string logic = raw ? strip_packing(logical) : logical + "/" + name;
      if (!raw && unsafe_member_name(name)) {
        if (!count_member()) break;
        skip(shown, logical + "/" + base_name(name), "unsafe member name (absolute or with '..'), not read");
        continue;
      }
      mode_t type = archive_entry_filetype(entry);
      if (type == AE_IFDIR) continue;
      if (!count_member()) break;
      if (archive_entry_hardlink(entry)) {
        skip(shown, logic, "hard link, not followed");
        continue;
      }
      if (type == AE_IFLNK) {
        skip(shown, logic, "symbolic link, not followed");
        continue;
      }
      if (type != AE_IFREG && !raw) {
        skip(shown, logic, "not a regular file (device, socket or pipe)");
        continue;
      }
      int64_t entry_mtime = archive_entry_mtime_is_set(entry) ? archive_entry_mtime(entry) * 1000000000LL : mtime;
      EntryStream data(a.get());
      read_member(data, shown, logic, depth, entry_mtime);
      // An entry that broke mid-way was reported with its member; the
      // archive's own "truncated" line would say the same again.
      if (!members_.empty() && !members_.back()->read_error.empty()) broken_.insert(display);
    }
    if (top_archive_ == a.get()) top_archive_ = nullptr;
  }

  // Reads one member: nested archives recurse; binary data is skipped; text
  // is cut into pieces for the workers.
  void read_member(ByteStream& in, const std::string& display, const std::string& logical, int depth,
                   int64_t mtime) {
    MemberPlan plan = plan_member(logical);
    if (!plan.skip_reason.empty()) {
      add_member(display, logical, std::move(plan), mtime);
      return;
    }
    std::string head;
    std::string error;
    bool eof = !fill(in, head, kHeadBytes, error);
    ContainerKind kind = sniff_container(head);
    if (kind != ContainerKind::plain && error.empty()) {
      if (depth >= bopt_.max_depth) {
        plan.skip_reason = fmt::format("archive nested more than {} deep, not read", bopt_.max_depth);
        add_member(display, logical, std::move(plan), mtime);
        return;
      }
      PeekedStream rest(std::move(head), in);
      read_archive(rest, display, logical, depth + 1, mtime);
      return;
    }
    size_t probe = std::min<size_t>(head.size(), 8192);
    if (std::memchr(head.data(), '\0', probe)) {
      plan.skip_reason = "binary, not text";
      add_member(display, logical, std::move(plan), mtime);
      return;
    }
    Member& m = add_member(display, logical, std::move(plan), mtime);
    m.opt = opt_;
    m.opt.node_hint = m.plan.node;
    uint32_t input = input_base_ + static_cast<uint32_t>(members_.size() - 1);
    // The first piece decides: a member that fits in one piece is scanned
    // exactly like a file; a longer one has its format sniffed once.
    std::string piece = std::move(head);
    if (!eof && error.empty()) eof = !fill(in, piece, bopt_.chunk_bytes, error);
    if (eof || !error.empty()) {
      submit(m, std::move(piece), input);
    } else {
      m.opt = piece_options(std::string_view(piece).substr(0, kHeadBytes), m.opt);
      bool whole = is_document_format(m.opt.format);
      std::string carry;
      for (;;) {
        if (!whole) {
          // Cut at a line end that splits no multi-line record; the rest starts the next piece.
          size_t cut = record_cut(piece);
          if (cut > 0 && cut < piece.size()) {
            carry.assign(piece, cut, std::string::npos);
            piece.resize(cut);
          }
          submit(m, std::move(piece), input);
          piece = std::move(carry);
          carry.clear();
        }
        if (eof || !error.empty() || stopped()) break;
        size_t want = whole ? std::min<uint64_t>(piece.size() + bopt_.chunk_bytes, kMaxDocumentBytes)
                            : bopt_.chunk_bytes;
        if (whole && piece.size() >= kMaxDocumentBytes) {
          error = fmt::format("document larger than {}; read its start only", human_bytes(kMaxDocumentBytes));
          break;
        }
        eof = !fill(in, piece, want, error);
      }
      if (!piece.empty()) submit(m, std::move(piece), input);
    }
    if (!error.empty()) m.read_error = error;
  }

  // Appends to buf until it holds `want` bytes; false at the end of the stream.
  bool fill(ByteStream& in, std::string& buf, size_t want, std::string& error) {
    while (buf.size() < want) {
      if (stopped()) return false;
      size_t before = buf.size();
      size_t n = std::min<size_t>(want - before, 1 << 20);
      buf.resize(before + n);
      long got = in.read(buf.data() + before, n, error);
      buf.resize(before + static_cast<size_t>(got > 0 ? got : 0));
      if (got <= 0) return false;
      bytes_read_ += static_cast<uint64_t>(got);
      if (bytes_read_ > bopt_.max_bytes) {
        stop(fmt::format("stopped after reading {} of bundle members (limit {}; raise it with --max-bytes)",
                         human_bytes(bytes_read_), human_bytes(bopt_.max_bytes)));
        return false;
      }
      show_progress();
    }
    return true;
  }

  void show_progress() {
    if (!bopt_.progress) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_progress_ < std::chrono::milliseconds(200)) return;
    last_progress_ = now;
    uint64_t done = bytes_read_;
    if (top_archive_) done = static_cast<uint64_t>(archive_filter_bytes(top_archive_, -1));
    std::string current = members_.empty() ? "" : members_.back()->display;
    std::string line = total_bytes_ ? fmt::format("pullscan: {} of {} ({}%) {}", human_bytes(done),
                                                  human_bytes(total_bytes_), done * 100 / total_bytes_, current)
                                    : fmt::format("pullscan: {} {}", human_bytes(done), current);
    if (line.size() > 100) line = line.substr(0, 97) + "...";
    *bopt_.progress << "\r\033[K" << line << std::flush;
  }

  void submit(Member& m, std::string text, uint32_t input) {
    ScanPart& part = m.parts.emplace_back();
    part.info.path = m.display;
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return in_flight_ < max_in_flight_ || tasks_.empty(); });
    in_flight_ += text.size();
    tasks_.push_back(Task{&m, &part, std::move(text), input});
    ready_.notify_one();
  }

  void work() {
    for (;;) {
      Task task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !tasks_.empty() || done_; });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      size_t bytes = task.text.size();
      std::unique_ptr<BlockReader> reader = open_memory(std::move(task.text), task.member->opt.read, task.member->mtime_ns);
      scan_input(*reader, task.input, task.member->opt, task.part->diag, task.part->info, task.part->events,
                 task.part->clock);
      {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_ -= bytes;
      }
      room_.notify_all();
    }
  }

  void finish_workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : pool_) t.join();
    pool_.clear();
  }

  std::string root_;
  const ScanOptions& opt_;
  const BundleOptions& bopt_;
  Diagnostics& diag_;
  uint32_t input_base_;
  std::vector<std::unique_ptr<Member>> members_;
  std::vector<std::string> walk_warnings_;
  std::set<std::string> broken_;  // archives whose breakage a member already reported
  std::string stop_reason_;
  uint64_t member_count_ = 0, bytes_read_ = 0, total_bytes_ = 0;
  bool top_file_ = false;
  archive* top_archive_ = nullptr;
  std::chrono::steady_clock::time_point last_progress_{};

  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<Task> tasks_;
  uint64_t in_flight_ = 0, max_in_flight_ = 0;
  bool done_ = false;
  std::vector<std::thread> pool_;
};

}  // namespace

ContainerKind container_kind(const std::string& path) {
  if (path == "-") return ContainerKind::plain;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return ContainerKind::plain;  // open_input says why
  if (S_ISDIR(st.st_mode)) return ContainerKind::directory;
  if (!S_ISREG(st.st_mode)) return ContainerKind::plain;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ContainerKind::plain;
  std::string head(512, '\0');
  ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  ::close(fd);
  head.resize(got > 0 ? static_cast<size_t>(got) : 0);
  ContainerKind kind = sniff_container(head);
  if (kind != ContainerKind::compressed || head.substr(0, 2) != "\x1f\x8b") return kind;
  // gzip: a tarball is a bundle; a single gzipped log is read by the input stage.
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return ContainerKind::plain;
  std::string inner(512, '\0');
  int n = gzread(gz, inner.data(), static_cast<unsigned>(inner.size()));
  gzclose(gz);
  inner.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return sniff_container(inner) == ContainerKind::plain ? ContainerKind::plain : ContainerKind::archive;
}

bool scan_bundle(const std::string& path, ContainerKind kind, const ScanOptions& opt, const BundleOptions& bopt,
                 Diagnostics& diag, std::vector<InputInfo>& inputs, std::vector<InputClock>& clocks,
                 std::vector<Event>& events) {
  std::string root = path;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  Walker walker(root, opt, bopt, diag, static_cast<uint32_t>(inputs.size()));
  if (!walker.walk(kind)) return false;
  walker.collect(inputs, clocks, events);
  return true;
}

}  // namespace pullscan
