// SQLite writer and the read-only query runner behind `pullscan sql`.
#include "store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <memory>

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

}  // namespace

std::string schema_sql() { return std::string(embedded_schema[0].data, embedded_schema[0].size); }

std::string default_db_path() {
  const char* state = std::getenv("XDG_STATE_HOME");
  if (state && *state) return std::string(state) + "/pullscan/last.db";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/pullscan/last.db";
}

struct StoreWriter::State {
  std::string path, tmp;
  Db db;
  Stmt meta, in, fi, at, tr, ev, rl;
  std::string indexes;
  bool ok = true;
};

StoreWriter::StoreWriter() = default;

StoreWriter::~StoreWriter() {
  if (!s_) return;
  std::string tmp = s_->tmp;
  s_.reset();
  std::error_code ec;
  std::filesystem::remove(tmp, ec);
}

std::string StoreWriter::error() const { return s_ && s_->db ? sqlite3_errmsg(s_->db.get()) : "not open"; }

bool StoreWriter::open(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path final_path(path);
  if (final_path.has_parent_path()) fs::create_directories(final_path.parent_path(), ec);
  auto st = std::make_unique<State>();
  st->path = path;
  // A name of its own (mkstemp), so two runs writing the same database
  // (a scan next to a --follow) never remove each other's half-written file.
  std::string name = path + ".tmp-XXXXXX";
  int fd = mkstemp(name.data());
  if (fd < 0) {
    error = std::string("cannot create a file beside it: ") + std::strerror(errno);
    return false;
  }
  ::close(fd);
  st->tmp = name;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(st->tmp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    error = raw ? sqlite3_errmsg(raw) : "cannot open";
    sqlite3_close(raw);
    fs::remove(st->tmp, ec);
    return false;
  }
  st->db.reset(raw);
  s_ = std::move(st);
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
  s_->fi = prepare(db, "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  s_->at = prepare(db, "INSERT INTO attempts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
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
  s_->meta.reset(); s_->in.reset(); s_->fi.reset(); s_->at.reset(); s_->tr.reset(); s_->ev.reset(); s_->rl.reset();
  s_->db.reset();
  s_.reset();
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot move " + tmp + " to " + path + ": " + ec.message();
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

bool query_store(const std::string& path, const std::string& sql, std::ostream& out, std::string& error) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = raw ? sqlite3_errmsg(raw) : "cannot open";
    sqlite3_close(raw);
    return false;
  }
  Db db(raw);
  const char* tail = sql.c_str();
  while (tail && *tail) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db.get(), tail, -1, &s, &tail) != SQLITE_OK) {
      error = sqlite3_errmsg(db.get());
      return false;
    }
    if (!s) break;  // trailing whitespace or comment
    Stmt stmt(s);
    int cols = sqlite3_column_count(s);
    if (cols > 0) {
      for (int c = 0; c < cols; ++c) out << (c ? "|" : "") << sqlite3_column_name(s, c);
      out << '\n';
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      for (int c = 0; c < cols; ++c) {
        if (c) out << '|';
        const unsigned char* t = sqlite3_column_text(s, c);
        if (t) out << reinterpret_cast<const char*>(t);
      }
      out << '\n';
    }
    if (rc != SQLITE_DONE) {
      error = sqlite3_errmsg(db.get());
      return false;
    }
  }
  return true;
}

}  // namespace pullscan
