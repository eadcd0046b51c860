// The bundle reader. One producer walks the bundle (directory entries in
// name order, archive entries in archive order, archives inside archives as
// nested libarchive streams) and cuts each text member into pieces of
// chunk_bytes at line ends; worker threads scan the pieces. Pieces are joined
// back per member in order, so the result does not depend on the thread
// count, as soon as a member and those before it are done. At most a few
// pieces are in flight, so memory stays bounded by the piece size, not the
// bundle size; per member only its record stays (skipped members: a count
// per reason past the first few).
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
  if (sniff_compression(head) != Compression::none) return ContainerKind::compressed;
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

// An entry's bytes as libarchive's blocks: taken block by block so a
// stream that breaks part-way loses only the block it broke in (a large
// archive_read_data would drop everything it had copied in that call).
class EntryStream : public ByteStream {
 public:
  explicit EntryStream(archive* a) : a_(a) {}
  long read(char* dst, size_t n, std::string& error) override {
    while (pending_ == 0 && hole_ == 0) {
      const void* block = nullptr;
      size_t size = 0;
      la_int64_t offset = 0;
      int rc = archive_read_data_block(a_, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) return 0;
      if (rc == ARCHIVE_RETRY) continue;
      if (rc < ARCHIVE_OK) {
        // ARCHIVE_WARN from a data read is a real failure mid-entry, like FATAL.
        const char* msg = archive_error_string(a_);
        error = msg ? msg : "archive read error";
        return -1;
      }
      // A sparse entry's holes read as the zeros they stand for.
      if (offset > pos_) hole_ = static_cast<uint64_t>(offset - pos_);
      block_ = static_cast<const char*>(block);
      pending_ = size;
    }
    if (hole_) {
      n = static_cast<size_t>(std::min<uint64_t>(n, hole_));
      std::memset(dst, 0, n);
      hole_ -= n;
    } else {
      n = std::min(n, pending_);
      std::memcpy(dst, block_, n);
      block_ += n;
      pending_ -= n;
    }
    pos_ += static_cast<la_int64_t>(n);
    return static_cast<long>(n);
  }

 private:
  archive* a_;
  const char* block_ = nullptr;
  size_t pending_ = 0;
  uint64_t hole_ = 0;
  la_int64_t pos_ = 0;
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

// Skipped members listed one by one for each reason; the rest are counted on
// the last one listed, so a bundle of 200,000 links costs a few records, not
// 200,000.
constexpr uint64_t kListedSkipsPerReason = 8;
// Compression layers around one member (a .gz of a .gz ...): libarchive
// stacks filters itself, so more than this is a crafted input, not a bundle.
constexpr int kMaxCompressedLayers = 8;

// How deep a member sits: the archives around it (the bundle file itself
// is the first) and every container layer, compression included.
struct Nesting {
  int archives = 0;
  int layers = 0;
};

class Walker {
 public:
  Walker(const std::string& root, const ScanOptions& opt, const BundleOptions& bopt, Diagnostics& diag,
         std::vector<InputInfo>& inputs, std::vector<InputClock>& clocks, std::vector<Event>& events)
      : root_(root), opt_(opt), bopt_(bopt), diag_(diag), inputs_(inputs), clocks_(clocks), events_(events),
        first_record_(inputs.size()), next_input_(static_cast<uint32_t>(inputs.size())) {
    unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min(threads, 16u);
    max_in_flight_ = static_cast<uint64_t>(threads + 1) * bopt.chunk_bytes;
    for (unsigned k = 0; k < threads; ++k) pool_.emplace_back([this] { work(); });
  }

  ~Walker() { finish_workers(); }

  // Walks the bundle. Each member's result joins the run (inputs, clocks,
  // events) as soon as it and every member before it are scanned, so what
  // is held per member while walking is its record, not its pieces.
  void walk(ContainerKind kind) {
    if (kind == ContainerKind::directory) {
      if (bopt_.progress) total_bytes_ = directory_bytes(root_, 0);
      std::string top = strip_packing(base_name(root_));
      walk_directory(root_, root_, top);
    } else {
      int fd = ::open(root_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
      if (fd < 0) {
        std::string why = std::strerror(errno);
        diag_.input_unreadable(root_, why);
        add_unreadable(root_, strip_packing(base_name(root_)), why);
      } else {
        struct stat st {};
        if (fstat(fd, &st) == 0) total_bytes_ = static_cast<uint64_t>(st.st_size);
        char magic[8] = {};
        long got = ::pread(fd, magic, sizeof magic, 0);
        FdStream file(fd);
        top_file_ = true;
        read_archive(file, root_, strip_packing(base_name(root_)), Nesting{1, 1}, st.st_mtim.tv_sec * 1000000000LL,
                     sniff_compression(std::string_view(magic, got > 0 ? static_cast<size_t>(got) : 0)));
      }
    }
    finish_workers();
    join_ready();
    finish_records();
    if (bopt_.progress) *bopt_.progress << "\r\033[K" << std::flush;
  }

  // True if some member was read (in full or up to a cut).
  bool read_any() const {
    for (size_t i = first_record_; i < inputs_.size(); ++i)
      if (inputs_[i].status == InputStatus::read || inputs_[i].status == InputStatus::cut_short) return true;
    return false;
  }

 private:
  struct Member {
    std::string display;  // "bundle.tar.gz:dir/file" as the report shows it
    std::string logical;  // the path with every folder and archive it sits in
    MemberPlan plan;
    InputStatus status = InputStatus::read;
    std::string problem;  // unreadable: why
    uint32_t input = 0;   // its index in the run's inputs once joined
    int64_t mtime_ns = 0;
    ScanOptions opt;
    std::vector<std::unique_ptr<ScanPart>> parts;  // owned here; workers hold the pointers
    size_t parts_done = 0;                         // guarded by mu_
    bool complete = false;                         // every piece submitted (producer only)
    std::string read_error;
    uint64_t bytes = 0;                            // text handed to the workers
  };

  struct Task {
    Member* member;
    ScanPart* part;
    std::string text;
  };

  struct SkipCount {
    uint64_t members = 0;
    uint32_t last_listed = 0;  // input index of the last record listed for the reason
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
    if (layout_.empty()) layout_ = plan.layout;
    auto m = std::make_unique<Member>();
    m->display = std::move(display);
    m->logical = std::string(logical);
    m->plan = std::move(plan);
    m->mtime_ns = mtime;
    m->input = next_input_++;
    if (bopt_.progress) current_ = m->display;
    pending_.push_back(std::move(m));
    return *pending_.back();
  }

  // A member not read on purpose: listed while its reason has few, counted after.
  void skip(std::string display, std::string_view logical, MemberPlan plan, int64_t mtime = 0) {
    if (layout_.empty()) layout_ = plan.layout;
    SkipCount& count = skip_counts_[plan.skip_reason];
    if (++count.members > kListedSkipsPerReason) return;
    count.last_listed = next_input_;
    Member& m = add_member(std::move(display), logical, std::move(plan), mtime);
    m.status = InputStatus::skipped;
    m.complete = true;
    join_ready();
  }

  void skip(std::string display, std::string_view logical, std::string reason) {
    MemberPlan plan = plan_member(logical);
    plan.skip_reason = std::move(reason);
    skip(std::move(display), logical, std::move(plan));
  }

  // A member (or the bundle itself) that could not be read at all.
  void add_unreadable(std::string display, std::string_view logical, std::string why) {
    Member& m = add_member(std::move(display), logical, plan_member(logical), 0);
    m.plan.skip_reason.clear();
    m.status = InputStatus::unreadable;
    m.problem = std::move(why);
    m.complete = true;
    join_ready();
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
      read_member(file, shown, logic, Nesting{}, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
    }
  }

  // Reads an archive or a single compressed file from `in`; `at` counts it.
  void read_archive(ByteStream& in, const std::string& display, const std::string& logical, Nesting at,
                    int64_t mtime, Compression compression) {
    ArchivePtr a = new_reader();
    NestedInput nested;
    nested.stream = &in;
    if (archive_read_open(a.get(), &nested, nullptr, nested_read, nullptr) != ARCHIVE_OK) {
      const char* msg = archive_error_string(a.get());
      unreadable_container(display, logical, msg, compression);
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
        const char* msg = archive_error_string(a.get());
        if (entries == 0) {
          unreadable_container(display, logical, msg, compression);
          break;
        }
        // Truncated or corrupt: say where, keep every member read before it.
        if (!broken_.count(display))
          walk_warnings_.push_back(fmt::format("{}: archive is truncated or corrupt after {} {}: {}; kept what was read",
                                               display, entries, entries == 1 ? "entry" : "entries",
                                               msg ? msg : "read error"));
        break;
      }
      bool raw = archive_format(a.get()) == ARCHIVE_FORMAT_RAW;
      if (raw && archive_filter_count(a.get()) <= 1) {
        // Not compressed and not an archive: only reachable for a member whose
        // magic looked like one; read it as the plain member it is.
        walk_warnings_.push_back(fmt::format("{}: looked like an archive but is not one", display));
        break;
      }
      // Known once the first header is read: a real archive is one more
      // level; a single compressed file is not an archive, only a layer.
      if (entries++ == 0 && refuse_nesting(display, logical, at, raw, mtime)) break;
      std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      // A single compressed file: its one entry is the file itself, decompressed.
      std::string shown = raw ? display : display + ":" + name;
      std::string logic = raw ? strip_packing(logical) : logical + "/" + name;
      Nesting inner = raw ? Nesting{at.archives - 1, at.layers} : at;
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
      // An entry that broke mid-way is reported with its member; the
      // archive's own "truncated" line would say the same again.
      if (read_member(data, shown, logic, inner, entry_mtime, raw ? compression : Compression::none))
        broken_.insert(display);
    }
    if (top_archive_ == a.get()) top_archive_ = nullptr;
  }

  // An archive deeper than the limit, or a file compressed over and over, is
  // listed as skipped and said once on stderr (then counted).
  bool refuse_nesting(const std::string& display, const std::string& logical, Nesting at, bool raw, int64_t mtime) {
    std::string reason;
    if (!raw && at.archives > bopt_.max_depth)
      reason = fmt::format("archive nested more than {} deep, not read", bopt_.max_depth);
    else if (at.layers > bopt_.max_depth + kMaxCompressedLayers)
      reason = fmt::format("compressed more than {} times over, not read", kMaxCompressedLayers);
    if (reason.empty()) return false;
    if (too_deep_++ == 0)
      walk_warnings_.push_back(
          fmt::format("{}: {} (the bundle itself is the first level)", display, reason));
    MemberPlan plan = plan_member(logical);
    plan.skip_reason = std::move(reason);
    skip(display, logical, std::move(plan), mtime);
    return true;
  }

  // A container that yielded nothing: a record that says why, and a line.
  void unreadable_container(const std::string& display, const std::string& logical, const char* msg,
                            Compression compression) {
    std::string why = compression == Compression::none
                          ? fmt::format("not a readable archive: {}", msg ? msg : "unknown format")
                          : decompression_problem(msg ? msg : "", compression, 0);
    walk_warnings_.push_back(fmt::format("{}: {}; nothing could be read from it", display, why));
    add_unreadable(display, logical, why);
  }

  // Reads one member: nested archives recurse; binary data is skipped; text
  // is cut into pieces for the workers. True if reading it failed part-way.
  bool read_member(ByteStream& in, const std::string& display, const std::string& logical, Nesting at,
                   int64_t mtime, Compression compression = Compression::none) {
    MemberPlan plan = plan_member(logical);
    if (!plan.skip_reason.empty()) {
      skip(display, logical, std::move(plan), mtime);
      return false;
    }
    std::string head;
    std::string error;
    bool eof = !fill(in, head, kHeadBytes, error);
    ContainerKind kind = sniff_container(head);
    if (kind != ContainerKind::plain && error.empty()) {
      Compression inner = sniff_compression(head);
      PeekedStream rest(std::move(head), in);
      read_archive(rest, display, logical, Nesting{at.archives + 1, at.layers + 1}, mtime, inner);
      return false;
    }
    size_t probe = std::min<size_t>(head.size(), 8192);
    if (std::memchr(head.data(), '\0', probe)) {
      plan.skip_reason = "binary, not text";
      skip(display, logical, std::move(plan), mtime);
      return false;
    }
    Member& m = add_member(display, logical, std::move(plan), mtime);
    m.opt = opt_;
    m.opt.node_hint = m.plan.node;
    m.opt.role = role_of(m.plan);
    // The first piece decides: a member that fits in one piece is scanned
    // exactly like a file; a longer one has its format sniffed once.
    std::string piece = std::move(head);
    bool too_large = false;
    if (!eof && error.empty()) eof = !fill(in, piece, bopt_.chunk_bytes, error);
    if (eof || !error.empty()) {
      submit(m, std::move(piece));
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
          submit(m, std::move(piece));
          piece = std::move(carry);
          carry.clear();
        }
        if (eof || !error.empty() || stopped()) break;
        size_t want = whole ? std::min<uint64_t>(piece.size() + bopt_.chunk_bytes, kMaxDocumentBytes)
                            : bopt_.chunk_bytes;
        if (whole && piece.size() >= kMaxDocumentBytes) {
          too_large = true;
          error = fmt::format("document larger than {}; read its start only", human_bytes(kMaxDocumentBytes));
          break;
        }
        eof = !fill(in, piece, want, error);
      }
      if (!piece.empty()) submit(m, std::move(piece));
    }
    // A single compressed file that stopped decompressing: in a person's
    // words; an archive entry's own failure as libarchive gives it.
    bool stream_failed = !error.empty() && !too_large;
    m.read_error = stream_failed && compression != Compression::none
                       ? decompression_problem(error, compression, m.bytes)
                       : std::move(error);
    m.complete = true;
    bool broke = !m.read_error.empty();
    join_ready();
    return broke;
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
    std::string line = total_bytes_ ? fmt::format("pullscan: {} of {} ({}%) {}", human_bytes(done),
                                                  human_bytes(total_bytes_), done * 100 / total_bytes_, current_)
                                    : fmt::format("pullscan: {} {}", human_bytes(done), current_);
    if (line.size() > 100) line = line.substr(0, 97) + "...";
    *bopt_.progress << "\r\033[K" << line << std::flush;
  }

  void submit(Member& m, std::string text) {
    m.bytes += text.size();
    ScanPart* part = m.parts.emplace_back(std::make_unique<ScanPart>()).get();
    part->info.path = m.display;
    std::unique_lock<std::mutex> lock(mu_);
    room_.wait(lock, [&] { return in_flight_ < max_in_flight_ || tasks_.empty(); });
    in_flight_ += text.size();
    tasks_.push_back(Task{&m, part, std::move(text)});
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
      scan_input(*reader, task.member->input, task.member->opt, task.part->diag, task.part->info, task.part->events,
                 task.part->clock);
      {
        std::lock_guard<std::mutex> lock(mu_);
        in_flight_ -= bytes;
        ++task.member->parts_done;
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

  // Joins the members at the front of the walk whose pieces are all
  // scanned, in walk order, so the result does not depend on the threads.
  void join_ready() {
    while (!pending_.empty()) {
      Member& m = *pending_.front();
      if (!m.complete) return;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (m.parts_done < m.parts.size()) return;
      }
      join(m);
      pending_.pop_front();
    }
  }

  void join(Member& m) {
    InputInfo info;
    info.path = m.display;
    // A single compressed file is an input of its own, not a bundle.
    if (m.display != root_) info.bundle = root_;
    info.node = m.plan.node;
    info.read_as = m.plan.read_as;
    info.skip_reason = m.plan.skip_reason;
    info.status = m.status;
    info.problem = m.problem;
    InputClock clock;
    if (m.status == InputStatus::read) {
      PartJoiner joiner(diag_, info, events_, clock);
      for (auto& part : m.parts) joiner.add(*part);
      m.parts.clear();
      info.path = m.display;
    } else {
      info.format = "-";
    }
    if (!m.read_error.empty()) {
      const std::string& why = m.read_error;
      info.status = info.lines ? InputStatus::cut_short : InputStatus::unreadable;
      info.problem = why;
      diag_.warn(m.display, info.lines + 1,
                 info.lines ? fmt::format("{}; kept the {} read before it", why,
                                          info.lines == 1 ? std::string("1 line") : fmt::format("{} lines", info.lines))
                            : why + "; nothing could be read from it");
      ++info.skipped;
    }
    clock.mtime_ns = m.mtime_ns;
    // The collection date nearest the file: a sosreport inside a directory
    // of them names its own.
    std::string_view logical = m.logical;
    for (size_t end = logical.rfind('/'); end != std::string_view::npos && end > 0;) {
      size_t start = logical.rfind('/', end - 1);
      size_t from = start == std::string_view::npos ? 0 : start + 1;
      std::string_view part = logical.substr(from, end - from);
      if (std::optional<int64_t> t = collected_time_from_name(part)) {
        clock.collected_ns = *t;
        clock.collected_from = "the bundle's name (" + std::string(part) + ")";
        break;
      }
      if (start == std::string_view::npos) break;
      end = start;
    }
    inputs_.push_back(std::move(info));
    clocks_.push_back(std::move(clock));
  }

  // What is known only at the end: the layout, the counts of skipped
  // members not listed, the walk's own lines, and a record for a bundle
  // that gave none.
  void finish_records() {
    for (size_t i = first_record_; i < inputs_.size(); ++i) inputs_[i].layout = layout_;
    for (const auto& [reason, count] : skip_counts_)
      if (count.members > kListedSkipsPerReason)
        inputs_[count.last_listed].more_skipped = count.members - kListedSkipsPerReason;
    if (too_deep_ > 1)
      walk_warnings_.push_back(fmt::format("{} more archives nested too deep were not read", too_deep_ - 1));
    // A line about the bundle file, or a member, names the bundle once.
    for (const std::string& w : walk_warnings_) {
      std::string_view what = w;
      if (w.size() > root_.size() && w.compare(0, root_.size(), root_) == 0 && w[root_.size()] == ':') {
        what.remove_prefix(root_.size() + 1);
        if (!what.empty() && what.front() == ' ') what.remove_prefix(1);
      }
      diag_.warn(root_, 0, what);
    }
    if (inputs_.size() == first_record_) {
      InputInfo info;
      info.path = root_;
      info.format = "-";
      info.status = InputStatus::unreadable;
      info.problem = walk_warnings_.empty() ? "holds no files" : walk_warnings_.front();
      inputs_.push_back(std::move(info));
      clocks_.emplace_back();
    }
  }

  std::string root_;
  const ScanOptions& opt_;
  const BundleOptions& bopt_;
  Diagnostics& diag_;
  std::vector<InputInfo>& inputs_;
  std::vector<InputClock>& clocks_;
  std::vector<Event>& events_;
  const size_t first_record_;
  uint32_t next_input_;
  std::deque<std::unique_ptr<Member>> pending_;  // walked, not yet joined, in walk order
  std::map<std::string, SkipCount> skip_counts_;  // reason -> members skipped for it
  std::string layout_;
  std::string current_;  // the member being read, for the progress line
  std::vector<std::string> walk_warnings_;
  std::set<std::string> broken_;  // archives whose breakage a member already reported
  std::string stop_reason_;
  uint64_t member_count_ = 0, bytes_read_ = 0, total_bytes_ = 0, too_deep_ = 0;
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
  Walker walker(root, opt, bopt, diag, inputs, clocks, events);
  walker.walk(kind);
  return walker.read_any();
}

}  // namespace pullscan
