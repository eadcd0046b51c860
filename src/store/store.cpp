// SQLite writer and the read-only query runner behind `pullscan sql`.
#include "store/store.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "core/embedded.h"
#include "core/text.h"
#include "core/timeutil.h"

namespace pullscan {

extern const EmbeddedFile embedded_schema[];

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ",";
    out += '"';
    json_escape(items[i], out);
    out += '"';
  }
  return out + "]";
}

// Binds by position; an optional value is NULL when it is "unknown".
class Binder {
 public:
  explicit Binder(sqlite3_stmt* s) : s_(s) { sqlite3_reset(s_); sqlite3_clear_bindings(s_); }
  Binder& text(const std::string& v) {
    sqlite3_bind_text(s_, ++i_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Binder& integer(int64_t v) {
    sqlite3_bind_int64(s_, ++i_, v);
    return *this;
  }
  Binder& opt_integer(int64_t v, bool present) {
    if (present) sqlite3_bind_int64(s_, ++i_, v);
    else sqlite3_bind_null(s_, ++i_);
    return *this;
  }
  Binder& opt_text(const std::string& v) {
    if (v.empty()) sqlite3_bind_null(s_, ++i_);
    else text(v);
    return *this;
  }
  Binder& time(int64_t ns) {
    if (ns) text(format_iso_ms(ns));
    else sqlite3_bind_null(s_, ++i_);
    return *this;
  }
  bool step() { return sqlite3_step(s_) == SQLITE_DONE; }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

bool exec(sqlite3* db, const char* sql, std::string& error) {
  char* msg = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    error = msg ? msg : "sqlite error";
    sqlite3_free(msg);
    return false;
  }
  return true;
}

Stmt prepare(sqlite3* db, const char* sql, std::string& error) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) error = sqlite3_errmsg(db);
  return Stmt(s);
}

std::string sources_json(uint8_t bits) {
  std::vector<std::string> names;
  for (unsigned s = 0; s < 6; ++s)
    if (bits & (1u << s)) names.emplace_back(to_string(static_cast<Source>(s)));
  return json_list(names);
}

// The files being written, for the signal handler: a fixed table of plain
// buffers it can read without allocating. A slot is filled, then marked
// used; it is marked unused only after its file was renamed or removed.
constexpr int kTmpSlots = 8;
constexpr size_t kTmpPathMax = 4096;
struct TmpSlot {
  char path[kTmpPathMax];
  volatile sig_atomic_t used;
};
TmpSlot g_tmp[kTmpSlots];
std::mutex g_tmp_mutex;

// Creates path.tmp-XXXXXX (mkstemp) and records it, with the signals blocked
// so that no signal can come between the two. -2: cannot create (errno).
int create_tmp(const std::string& path, std::string& name) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  name = path + ".tmp-XXXXXX";
  int fd = mkstemp(name.data());
  int saved = errno;
  int slot = -1;
  if (fd >= 0) {
    ::close(fd);
    std::lock_guard<std::mutex> lock(g_tmp_mutex);
    for (int i = 0; i < kTmpSlots && name.size() < kTmpPathMax; ++i) {
      if (g_tmp[i].used) continue;
      std::memcpy(g_tmp[i].path, name.c_str(), name.size() + 1);
      std::atomic_signal_fence(std::memory_order_seq_cst);
      g_tmp[i].used = 1;
      slot = i;
      break;
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return fd < 0 ? -2 : slot;
}

void forget_tmp(int slot) {
  if (slot < 0) return;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  g_tmp[slot].used = 0;
}

extern "C" void remove_tmp_and_die(int sig) {
  int saved = errno;
  for (TmpSlot& t : g_tmp)
    if (t.used) ::unlink(t.path);
  // Die of the signal as before (the exit status says which): the default
  // action, delivered as soon as this handler returns.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
  errno = saved;
}

std::string errno_text(int e) { return std::strerror(e); }

// Creates dir and its missing parents; on failure error names the directory
// that could not be made and why.
bool make_directories(const std::string& dir, std::string& error) {
  if (dir.empty()) return true;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    error = "cannot create directories under " + dir + ": " + errno_text(ENOTDIR) + " (it is a file)";
    return false;
  }
  std::string parent = std::filesystem::path(dir).parent_path().string();
  if (!parent.empty() && parent != dir && !make_directories(parent, error)) return false;
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    error = "cannot create directory " + dir + ": " + errno_text(errno);
    return false;
  }
  return true;
}

constexpr char kSqliteHeader[] = "SQLite format 3";  // and a NUL: 16 bytes

// What is at path, for the checks before writing or querying it.
enum class Found { nothing, directory, not_regular, empty, not_sqlite, sqlite, unreadable };
Found look_at(const std::string& path, std::string& why) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Found::nothing;
    why = errno_text(errno);
    return Found::unreadable;
  }
  if (S_ISDIR(st.st_mode)) return Found::directory;
  if (!S_ISREG(st.st_mode)) return Found::not_regular;
  if (st.st_size == 0) return Found::empty;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = errno_text(errno);
    return Found::unreadable;
  }
  char head[16] = {};
  ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n == 16 && std::memcmp(head, kSqliteHeader, 16) == 0 ? Found::sqlite : Found::not_sqlite;
}

// The `schema` of a SQLite file's meta table ("" with why if it has none).
std::string meta_schema(const std::string& path, std::string& why) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    why = raw ? sqlite3_errmsg(raw) : "cannot open";
    return "";
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT value FROM meta WHERE key = 'schema'", -1, &s, nullptr) != SQLITE_OK) {
    std::string msg = sqlite3_errmsg(db.get());
    why = msg.find("no such table") != std::string::npos ? "it has no meta table" : "its meta table cannot be read: " + msg;
    return "";
  }
  Stmt stmt(s);
  if (sqlite3_step(s) != SQLITE_ROW || !sqlite3_column_text(s, 0)) {
    why = "its meta table names no schema";
    return "";
  }
  std::string schema = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  if (schema != "pullscan.db/v1") why = "its schema is '" + schema.substr(0, 40) + "', not pullscan.db/v1";
  return schema;
}

const char* const kOnlyReads = "pullscan sql only reads (to change the data, copy the file and use sqlite3)";

// Pragmas that only report, whatever their argument.
bool pragma_reads(const std::string& name, bool has_arg) {
  static const char* const any[] = {"table_info",   "table_xinfo",     "table_list",        "index_list",
                                    "index_info",   "index_xinfo",     "foreign_key_list",  "foreign_key_check",
                                    "integrity_check", "quick_check",  "database_list",     "collation_list",
                                    "function_list", "module_list",    "pragma_list",       "compile_options"};
  // These set something when given a value; bare, they report it.
  static const char* const bare[] = {"user_version", "application_id", "schema_version", "data_version",
                                     "page_size",    "page_count",     "freelist_count", "encoding",
                                     "auto_vacuum",  "foreign_keys",   "max_page_count"};
  for (const char* n : any)
    if (sqlite3_stricmp(name.c_str(), n) == 0) return true;
  if (!has_arg)
    for (const char* n : bare)
      if (sqlite3_stricmp(name.c_str(), n) == 0) return true;
  return false;
}

// The authorizer of `pullscan sql`: reading, functions (but those that load
// code or touch files) and read-only pragmas; everything else is refused,
// and what was refused is kept for the message.
extern "C" int read_only_authorizer(void* refused, int action, const char* a1, const char* a2, const char*,
                                    const char*) {
  std::string& why = *static_cast<std::string*>(refused);
  auto deny = [&](std::string what) {
    if (why.empty()) why = std::move(what);
    return SQLITE_DENY;
  };
  std::string arg1 = a1 ? a1 : "", arg2 = a2 ? a2 : "";
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      for (const char* f : {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "fsdir", "lsdir"})
        if (sqlite3_stricmp(arg2.c_str(), f) == 0) return deny("the function " + arg2);
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      if (pragma_reads(arg1, a2 != nullptr)) return SQLITE_OK;
      return deny("PRAGMA " + arg1 + (a2 ? "=" + arg2 : std::string()));
    case SQLITE_ATTACH: return deny("ATTACH");
    case SQLITE_DETACH: return deny("DETACH");
    case SQLITE_INSERT: return deny("INSERT into " + arg1);
    case SQLITE_UPDATE:
      // SQLite asks this of sqlite_master when a statement reads a virtual
      // table (json_each, pragma_table_info). A real UPDATE of it cannot
      // pass: defensive mode refuses it, and it is not a read-only statement.
      if (arg1 == "sqlite_master" || arg1 == "sqlite_schema") return SQLITE_OK;
      return deny("UPDATE of " + arg1);
    case SQLITE_DELETE: return deny("DELETE from " + arg1);
    case SQLITE_TRANSACTION: return deny("a transaction (" + arg1 + ")");
    case SQLITE_SAVEPOINT: return deny("SAVEPOINT");
    case SQLITE_ALTER_TABLE: return deny("ALTER TABLE " + arg2);
    case SQLITE_ANALYZE: return deny("ANALYZE");
    case SQLITE_REINDEX: return deny("REINDEX");
    case SQLITE_DROP_TABLE: case SQLITE_DROP_TEMP_TABLE: case SQLITE_DROP_INDEX: case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_VIEW: case SQLITE_DROP_TEMP_VIEW: case SQLITE_DROP_TRIGGER: case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_VTABLE:
      return deny("DROP " + arg1);
    default:  // CREATE of every kind, and whatever a later SQLite adds
      return deny(arg1.empty() ? "a statement that changes the database" : "CREATE " + arg1);
  }
}

// The statement's text for a message: one line, at most 60 characters.
std::string statement_words(sqlite3_stmt* s) {
  std::string text = sqlite3_sql(s) ? sqlite3_sql(s) : "";
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  size_t a = text.find_first_not_of(' ');
  text = a == std::string::npos ? "" : text.substr(a);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

}  // namespace

void remove_unfinished_databases_on_signals() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGXFSZ, SIGXCPU, SIGALRM, SIGUSR1, SIGUSR2, SIGABRT,
                  SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction old {};
    if (sigaction(sig, nullptr, &old) != 0) continue;
    // Ignored (nohup, a background job's SIGINT) or handled (a sanitizer):
    // left as it is.
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
    struct sigaction sa {};
    sa.sa_handler = remove_tmp_and_die;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

bool may_replace_database(const std::string& path, std::string& why) {
  std::string detail;
  switch (look_at(path, detail)) {
    case Found::nothing:
    case Found::empty:
      return true;
    case Found::directory:
      why = "is a directory, not a database file; give --db a file name";
      return false;
    case Found::not_regular:
      why = "is not a regular file (a FIFO, socket or device); refusing to replace it";
      return false;
    case Found::unreadable:
      why = "cannot be read to check it is a pullscan database (" + detail + "); refusing to replace it";
      return false;
    case Found::not_sqlite:
      why = "not a pullscan database (not SQLite at all); refusing to replace it: give --db a new file name";
      return false;
    case Found::sqlite:
      if (meta_schema(path, detail) == "pullscan.db/v1") return true;
      why = "not a pullscan database (SQLite, but " + detail + "); refusing to replace it: give --db a new file name";
      return false;
  }
  return false;
}

std::string schema_sql() { return std::string(embedded_schema[0].data, embedded_schema[0].size); }

std::string default_db_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state) return std::string(state) + "/pullscan/last.db";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/pullscan/last.db";
}

struct StoreWriter::State {
  std::string path, tmp;
  int slot = -1;  // in g_tmp
  Db db;
  Stmt meta, in, fi, at, tr, ev, rl;
  std::string indexes;
  bool ok = true;
};

StoreWriter::StoreWriter() = default;

StoreWriter::~StoreWriter() { discard(); }

void StoreWriter::discard() {
  if (!s_) return;
  std::string tmp = s_->tmp;
  int slot = s_->slot;
  s_.reset();
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
  forget_tmp(slot);
}

std::string StoreWriter::error() const { return s_ && s_->db ? sqlite3_errmsg(s_->db.get()) : "not open"; }

bool StoreWriter::open(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  discard();
  std::error_code ec;
  std::string target = path;
  // A symbolic link is followed: the database it names is replaced, and the
  // link still names it afterwards.
  struct stat lst {};
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    fs::path resolved = fs::canonical(path, ec);
    if (ec) {
      error = "is a symbolic link to nothing (" + ec.message() + "); refusing to replace it";
      return false;
    }
    target = resolved.string();
  }
  if (!may_replace_database(target, error)) return false;
  fs::path final_path(target);
  std::string dir = final_path.has_parent_path() ? final_path.parent_path().string() : "";
  if (!make_directories(dir, error)) return false;
  auto st = std::make_unique<State>();
  st->path = target;
  // A name of its own (mkstemp), so two runs writing the same database
  // (a scan next to a --follow) never remove each other's half-written file.
  // It is recorded for the signal handler, which removes it if a signal ends
  // the run (remove_unfinished_databases_on_signals).
  std::string name;
  st->slot = create_tmp(target, name);
  if (st->slot == -2) {
    st->slot = -1;
    error = "cannot create a file in " + (dir.empty() ? std::string(".") : dir) + ": " + errno_text(errno);
    return false;
  }
  st->tmp = name;
  s_ = std::move(st);
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(s_->tmp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    error = raw ? sqlite3_errmsg(raw) : "cannot open";
    sqlite3_close(raw);
    discard();
    return false;
  }
  s_->db.reset(raw);
  sqlite3* db = s_->db.get();
  // Tables first, indexes after the rows are in: building an index once is
  // cheaper than maintaining it row by row. A small page cache: rows of a
  // long journal go to the file, not to memory.
  std::string schema = schema_sql();
  size_t idx = schema.find("CREATE INDEX");
  std::string tables = schema.substr(0, idx);
  s_->indexes = idx == std::string::npos ? "" : schema.substr(idx);
  if (!exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; "
                "PRAGMA cache_size=-8192;", error) ||
      !exec(db, tables.c_str(), error) || !exec(db, "BEGIN", error))
    return false;
  s_->meta = prepare(db, "INSERT INTO meta VALUES (?,?)", error);
  s_->in = prepare(db, "INSERT INTO inputs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", error);
  s_->fi = prepare(db, "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  s_->at = prepare(db, "INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  s_->tr = prepare(db, "INSERT INTO tries VALUES (?,?,?,?)", error);
  s_->ev = prepare(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  s_->rl = prepare(db, "INSERT INTO rate_limits VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  if (!s_->meta || !s_->in || !s_->fi || !s_->at || !s_->tr || !s_->ev || !s_->rl) return false;
  if (!Binder(s_->meta.get()).text("schema").text("pullscan.db/v1").step() ||
      !Binder(s_->meta.get()).text("generator").text("pullscan").step()) {
    error = sqlite3_errmsg(db);
    return false;
  }
  return true;
}

bool StoreWriter::add_attempt(const PullAttempt& a) {
  if (!s_ || !s_->ok) return false;
  Binder b(s_->at.get());
  b.integer(a.id).text(a.image).text(a.registry).text(a.node).text(a.ns).text(a.pod).text(a.container);
  b.text(std::string(to_string(a.outcome))).text(a.class_id).text(a.rule_id).text(a.error);
  b.time(a.first_ns).time(a.last_ns).opt_integer(a.first_ns, a.first_ns != 0).opt_integer(a.last_ns, a.last_ns != 0);
  b.opt_integer(a.duration_ms, a.duration_ms >= 0).opt_integer(a.bytes, a.bytes >= 0);
  b.opt_integer(a.waiting_ms, a.waiting_ms >= 0).integer(a.backoffs);
  b.opt_text(a.age);
  b.text(sources_json(a.sources)).opt_integer(static_cast<int64_t>(a.evidence_id), a.evidence_id != 0);
  // The finding is linked in finish(): findings are known only at the end.
  b.opt_integer(a.cause_id, a.cause_id != 0).opt_integer(0, false);
  b.opt_text(a.host).opt_text(a.host.empty() ? std::string() : std::string(to_string(a.host_role)));
  bool ok = b.step();
  for (size_t t = 0; ok && t < a.tries.size(); ++t)
    ok = Binder(s_->tr.get()).integer(a.id).integer(static_cast<int64_t>(t + 1)).text(a.tries[t].host).text(a.tries[t].error).step();
  return s_->ok = ok;
}

bool StoreWriter::add_event(const Event& e, uint32_t attempt_id) {
  if (!s_ || !s_->ok) return false;
  Binder b(s_->ev.get());
  b.integer(static_cast<int64_t>(e.id)).integer(e.where.input).integer(static_cast<int64_t>(e.where.line));
  b.time(e.time_ns).opt_integer(e.time_ns, e.time_ns != 0).text(std::string(to_string(e.kind)));
  b.text(std::string(to_string(e.source))).text(e.node).text(e.ns).text(e.pod).text(e.container).text(e.image);
  b.text(e.reason).text(e.message).text(e.host).opt_integer(e.bytes, e.bytes >= 0);
  b.opt_integer(e.duration_ms, e.duration_ms >= 0).integer(e.count).opt_text(e.age);
  b.opt_integer(e.ratelimit_remaining, e.ratelimit_remaining >= 0).opt_text(e.ratelimit_source);
  b.opt_integer(attempt_id, attempt_id != 0).text(e.line);
  return s_->ok = b.step();
}

bool StoreWriter::finish(const RunResult& r, const std::vector<int64_t>& attempt_of, std::string& error) {
  if (!s_) {
    error = "not open";
    return false;
  }
  bool ok = s_->ok;
  for (size_t i = 0; ok && i < r.inputs.size(); ++i) {
    const InputInfo& x = r.inputs[i];
    Binder b(s_->in.get());
    b.integer(static_cast<int64_t>(i)).text(x.path).text(x.format).integer(static_cast<int64_t>(x.lines));
    b.integer(static_cast<int64_t>(x.events)).integer(static_cast<int64_t>(x.skipped));
    for (const std::string* text : {&x.time_note, &x.bundle, &x.layout, &x.node, &x.read_as, &x.skip_reason}) {
      if (text->empty()) b.opt_integer(0, false);
      else b.text(*text);
    }
    ok = b.step();
  }
  for (size_t i = 0; ok && i < r.findings.size(); ++i) {
    const Finding& f = r.findings[i];
    Binder b(s_->fi.get());
    b.integer(static_cast<int64_t>(i + 1)).text(f.class_id).text(f.rule_id).text(f.title).text(f.registry);
    b.integer(f.attempts).text(json_list(f.images)).text(json_list(f.nodes)).text(json_list(f.namespaces));
    b.text(json_list(f.pods)).time(f.first_ns).time(f.last_ns).text(f.scope);
    b.integer(f.recovered ? 1 : 0).opt_integer(f.recovered_after_ns / 1000000, f.recovered_after_ns >= 0);
    b.integer(static_cast<int64_t>(f.peak_per_minute)).text(f.explanation);
    b.text(json_list(f.fix)).opt_integer(f.evidence ? static_cast<int64_t>(f.evidence->id) : 0, f.evidence.has_value());
    b.opt_text(f.host).opt_text(f.host.empty() ? std::string() : std::string(to_string(f.host_role)));
    ok = b.step();
  }
  for (size_t i = 0; ok && i < r.attempts.size(); ++i) ok = add_attempt(r.attempts[i]);
  for (size_t i = 0; ok && i < r.events.size(); ++i) {
    int64_t att = i < attempt_of.size() ? attempt_of[i] : -1;
    ok = add_event(r.events[i], att >= 0 ? r.attempts[static_cast<size_t>(att)].id : 0);
  }
  for (size_t i = 0; ok && i < r.rate_limits.size(); ++i) {
    const RateLimitAccount& a = r.rate_limits[i];
    Binder b(s_->rl.get());
    b.text(a.source).text(json_list(a.nodes)).integer(a.responses).integer(a.too_many);
    b.opt_integer(a.limit, a.limit >= 0).opt_integer(a.window_s, a.window_s >= 0);
    b.opt_integer(a.first_remaining, a.first_remaining >= 0).opt_integer(a.min_remaining, a.min_remaining >= 0);
    b.time(a.first_ns).time(a.last_ns);
    b.opt_integer(a.manifest_gets, a.manifest_gets >= 0).opt_integer(a.manifest_heads, a.manifest_heads >= 0);
    b.integer(a.charged);
    ok = b.step();
  }
  if (!ok) {
    error = sqlite3_errmsg(s_->db.get());
    return false;
  }
  sqlite3* db = s_->db.get();
  // A finding is the failed and back-off attempts of one class and registry.
  if (!exec(db, s_->indexes.c_str(), error) ||
      !exec(db, "UPDATE attempts SET finding_id = (SELECT f.id FROM findings f WHERE f.class = attempts.class "
                "AND f.registry = attempts.registry) WHERE outcome IN ('failed', 'backoff')", error) ||
      !exec(db, "COMMIT", error))
    return false;
  std::string tmp = s_->tmp, path = s_->path;
  int slot = s_->slot;
  s_->meta.reset(); s_->in.reset(); s_->fi.reset(); s_->at.reset(); s_->tr.reset(); s_->ev.reset(); s_->rl.reset();
  s_->db.reset();
  s_.reset();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot move " + tmp + " to " + path + ": " + ec.message();
    std::filesystem::remove(tmp, ec);
  }
  // Only now: a signal before the rename still removes the file.
  forget_tmp(slot);
  return !ec;
}

namespace {

// One CSV field (RFC 4180): quoted, its quotes doubled, when it holds a
// separator, a quote or a line break.
std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

// One column's value as JSON: SQLite's integers and reals as numbers, NULL
// as null, text and blobs as strings.
void json_value(sqlite3_stmt* s, int c, std::string& out) {
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL: out += "null"; return;
    case SQLITE_INTEGER: out += std::to_string(sqlite3_column_int64(s, c)); return;
    case SQLITE_FLOAT: {
      double d = sqlite3_column_double(s, c);
      if (std::isfinite(d)) {
        out += fmt::format("{}", d);
        return;
      }
      out += "null";
      return;
    }
    default: {
      const unsigned char* t = sqlite3_column_text(s, c);
      out += '"';
      json_escape(t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, c)))
                    : std::string_view(),
                  out);
      out += '"';
    }
  }
}

}  // namespace

bool query_store(const std::string& path, const std::string& sql, std::ostream& out, std::string& error,
                 QueryFormat format) {
  static const std::string kRunAScan =
      "no scan has written it yet; run a scan first (journalctl -u containerd -u kubelet | pullscan), or name a "
      "database with --db";
  std::string detail;
  switch (look_at(path, detail)) {
    case Found::nothing:
      error = kRunAScan;
      return false;
    case Found::empty:
      error = "is empty: " + kRunAScan;
      return false;
    case Found::directory: {
      error = "is a directory, not a database: give --db the database file";
      std::string inside = (std::filesystem::path(path) / "last.db").string();
      std::string ignored;
      if (look_at(inside, ignored) == Found::sqlite) error += " (" + inside + " is one)";
      return false;
    }
    case Found::not_regular:
      error = "is not a regular file (a FIFO, socket or device), so not a database";
      return false;
    case Found::unreadable:
      error = "cannot be read: " + detail;
      return false;
    case Found::not_sqlite:
      error = "is not a SQLite database (pullscan sql reads the database a scan wrote)";
      return false;
    case Found::sqlite:
      break;
  }
  // Read-only at every level: the file, the connection (query_only, no
  // attached databases, defensive), and each statement (an authorizer, and
  // sqlite3_stmt_readonly for what no authorizer sees, like VACUUM INTO).
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    error = raw ? sqlite3_errmsg(raw) : "cannot open";
    return false;
  }
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(db.get(), SQLITE_LIMIT_ATTACHED, 0);
  if (!exec(db.get(), "PRAGMA query_only = 1", error)) return false;
  std::string refused;
  sqlite3_set_authorizer(db.get(), read_only_authorizer, &refused);
  // Every statement is prepared and checked before any runs: a script that
  // would write prints nothing.
  std::vector<Stmt> statements;
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* s = nullptr;
    refused.clear();
    if (sqlite3_prepare_v2(db.get(), tail, -1, &s, &tail) != SQLITE_OK) {
      error = refused.empty() ? std::string(sqlite3_errmsg(db.get())) : "refused " + refused + ": " + kOnlyReads;
      return false;
    }
    if (!s) break;  // trailing whitespace or comment
    statements.emplace_back(s);
    if (!sqlite3_stmt_readonly(s)) {
      error = "refused `" + statement_words(s) + "`: it would write; " + kOnlyReads;
      return false;
    }
  }
  // Rows are formatted into `buffer` and written as they come; JSON's array
  // spans every statement that returns rows.
  std::string buffer;
  bool first_row = true;
  if (format == QueryFormat::json) out << '[';
  for (const Stmt& stmt : statements) {
    sqlite3_stmt* s = stmt.get();
    int cols = sqlite3_column_count(s);
    if (cols > 0 && format != QueryFormat::json) {
      buffer.clear();
      for (int c = 0; c < cols; ++c) {
        const char* name = sqlite3_column_name(s, c);
        if (c) buffer += format == QueryFormat::csv ? "," : "|";
        buffer += format == QueryFormat::csv ? csv_field(name) : terminal_safe(name);
      }
      out << buffer << '\n';
    }
    refused.clear();
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      buffer.clear();
      if (format == QueryFormat::json) {
        buffer += first_row ? "\n  {" : ",\n  {";
        for (int c = 0; c < cols; ++c) {
          buffer += c ? ", \"" : "\"";
          json_escape(sqlite3_column_name(s, c), buffer);
          buffer += "\": ";
          json_value(s, c, buffer);
        }
        buffer += '}';
      } else {
        for (int c = 0; c < cols; ++c) {
          if (c) buffer += format == QueryFormat::csv ? "," : "|";
          const unsigned char* t = sqlite3_column_text(s, c);
          std::string_view v = t ? std::string_view(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, c)))
                                 : std::string_view();
          buffer += format == QueryFormat::csv ? csv_field(v) : terminal_safe(v);
        }
        buffer += '\n';
      }
      first_row = false;
      out << buffer;
    }
    if (rc != SQLITE_DONE) {
      if (format == QueryFormat::json) out << "\n]\n";
      error = refused.empty() ? std::string(sqlite3_errmsg(db.get())) : "refused " + refused + ": " + kOnlyReads;
      return false;
    }
  }
  if (format == QueryFormat::json) out << (first_row ? "]\n" : "\n]\n");
  return true;
}

}  // namespace pullscan
