// store: a real SQLite file, the documented tables, one row per record, and
// `pullscan sql` refusing to write.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../helpers.h"
#include "store/store.h"

using namespace pullscan;

namespace {

int64_t scalar(const std::string& db, const std::string& sql) {
  std::ostringstream out;
  std::string error;
  REQUIRE(query_store(db, sql, out, error));
  std::string s = out.str();
  size_t nl = s.find('\n');
  return std::stoll(s.substr(nl + 1));
}

// A fresh directory under /tmp, removed afterwards.
struct TempDir {
  std::string path;
  TempDir() {
    std::string t = "/tmp/pullscan-store-XXXXXX";
    path = mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A finished pullscan database at path, one input named `name`.
void make_db(const std::string& path, const std::string& name = "first") {
  StoreWriter w;
  std::string error;
  REQUIRE(w.open(path, error));
  RunResult r;
  r.inputs.emplace_back().path = name;
  REQUIRE(w.finish(r, {}, error));
}

// A SQLite file of someone else's, made with sql.
void make_sqlite(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

int leftovers(const std::string& dir) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) n += f.path().string().find(".tmp-") != std::string::npos;
  return n;
}

std::string first_input(const std::string& db) {
  std::ostringstream out;
  std::string error;
  REQUIRE(query_store(db, "SELECT path FROM inputs", out, error));
  return out.str();
}

}  // namespace

TEST_CASE("a database is written only over nothing, an empty file or a pullscan database", "[store]") {
  TempDir d;
  std::string error;
  SECTION("a journal is refused and left as it was") {
    write(d / "journal.txt", "Jun 10 12:00:00 node-a containerd[1]: notes\n");
    StoreWriter w;
    CHECK_FALSE(w.open(d / "journal.txt", error));
    CHECK(error.find("not a pullscan database") != std::string::npos);
    CHECK(test::read_file(d / "journal.txt") == "Jun 10 12:00:00 node-a containerd[1]: notes\n");
  }
  SECTION("another application's SQLite database is refused") {
    make_sqlite(d / "app.db", "CREATE TABLE users(name); INSERT INTO users VALUES ('ada')");
    std::string before = test::read_file(d / "app.db");
    StoreWriter w;
    CHECK_FALSE(w.open(d / "app.db", error));
    CHECK(error.find("no meta table") != std::string::npos);
    CHECK(test::read_file(d / "app.db") == before);
  }
  SECTION("a meta table of another schema is refused") {
    make_sqlite(d / "other.db", "CREATE TABLE meta(key, value); INSERT INTO meta VALUES ('schema', 'other/v2')");
    StoreWriter w;
    CHECK_FALSE(w.open(d / "other.db", error));
    CHECK(error.find("other/v2") != std::string::npos);
  }
  SECTION("a directory and a FIFO are refused") {
    std::filesystem::create_directory(d / "dir");
    StoreWriter w;
    CHECK_FALSE(w.open(d / "dir", error));
    CHECK(error.find("directory") != std::string::npos);
    REQUIRE(mkfifo((d / "fifo").c_str(), 0600) == 0);
    CHECK_FALSE(w.open(d / "fifo", error));
    CHECK(error.find("not a regular file") != std::string::npos);
  }
  SECTION("a symbolic link to a journal is refused; to a database, followed") {
    write(d / "journal.txt", "notes\n");
    std::filesystem::create_symlink("journal.txt", d / "link.db");
    StoreWriter w;
    CHECK_FALSE(w.open(d / "link.db", error));
    CHECK(test::read_file(d / "journal.txt") == "notes\n");
    make_db(d / "real.db", "old");
    std::filesystem::create_symlink("real.db", d / "good.db");
    make_db(d / "good.db", "new");
    CHECK(std::filesystem::is_symlink(d / "good.db"));
    CHECK(first_input(d / "real.db") == "path\nnew\n");
    std::filesystem::create_symlink("missing.db", d / "dangling.db");
    CHECK_FALSE(w.open(d / "dangling.db", error));
  }
  SECTION("nothing, an empty file and its own database are fine") {
    make_db(d / "new.db", "one");
    write(d / "empty.db", "");
    make_db(d / "empty.db", "two");
    make_db(d / "new.db", "three");
    CHECK(first_input(d / "new.db") == "path\nthree\n");
    CHECK(first_input(d / "empty.db") == "path\ntwo\n");
  }
  CHECK(leftovers(d.path) == 0);
}

TEST_CASE("a database that cannot be created names the directory and why", "[store]") {
  TempDir d;
  write(d / "file", "x\n");
  StoreWriter w;
  std::string error;
  CHECK_FALSE(w.open(d / "file/state/pullscan/last.db", error));
  CHECK(error.find(d / "file") != std::string::npos);
  CHECK(error.find("Not a directory") != std::string::npos);
  if (geteuid() != 0) {
    std::filesystem::create_directory(d / "ro");
    chmod((d / "ro").c_str(), 0555);
    CHECK_FALSE(w.open(d / "ro/state/last.db", error));
    CHECK(error.find("cannot create directory " + (d / "ro/state") + ": Permission denied") != std::string::npos);
    CHECK_FALSE(w.open(d / "ro/last.db", error));
    CHECK(error.find("cannot create a file in " + (d / "ro") + ": Permission denied") != std::string::npos);
  }
}

TEST_CASE("a signal that ends a run removes the database being written", "[store]") {
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) {
    INFO("signal " << sig);
    TempDir d;
    make_db(d / "scan.db", "previous");
    std::string before = test::read_file(d / "scan.db");
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) signal(s, SIG_DFL);
      remove_unfinished_databases_on_signals();
      StoreWriter w;
      std::string error;
      if (!w.open(d / "scan.db", error)) _exit(3);
      Event e;
      e.id = 1;
      w.add_event(e, 0);
      if (leftovers(d.path) != 1) _exit(4);
      raise(sig);
      _exit(5);  // not reached: the signal ends the process
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK(leftovers(d.path) == 0);
    CHECK(test::read_file(d / "scan.db") == before);
  }
}

TEST_CASE("pullscan sql cannot write, whatever the statement", "[store]") {
  TempDir d;
  make_db(d / "scan.db");
  const std::string before = test::read_file(d / "scan.db");
  const std::string copy = d / "copy.db";
  for (const std::string& sql : std::vector<std::string>{"VACUUM INTO '" + copy + "'", "SELECT 1; VACUUM INTO '" + copy + "'", std::string("VACUUM"),
                          "ATTACH '" + copy + "' AS c", std::string("ATTACH ':memory:' AS m"), std::string("DETACH main"),
                          std::string("INSERT INTO meta VALUES ('a', 'b')"), std::string("UPDATE inputs SET path = 'x'"),
                          std::string("DELETE FROM inputs"), std::string("CREATE TABLE t(x)"),
                          std::string("CREATE TEMP TABLE t(x)"), std::string("CREATE VIEW v AS SELECT 1"),
                          std::string("CREATE INDEX i ON inputs(path)"), std::string("DROP TABLE tries"),
                          std::string("ALTER TABLE inputs ADD COLUMN x"), std::string("PRAGMA journal_mode=wal"),
                          std::string("PRAGMA user_version=3"), std::string("PRAGMA query_only=0"),
                          std::string("PRAGMA writable_schema=1"), std::string("PRAGMA optimize"),
                          std::string("ANALYZE"), std::string("REINDEX"), std::string("BEGIN IMMEDIATE"),
                          std::string("SAVEPOINT s"), std::string("UPDATE sqlite_master SET sql = 'x'"),
                          std::string("PRAGMA writable_schema=1; UPDATE sqlite_master SET sql = 'x'"), "SELECT load_extension('" + (d / "x.so") + "')",
                          "SELECT writefile('" + (d / "w") + "', 'x')"}) {
    INFO(sql);
    std::ostringstream out;
    std::string error;
    CHECK_FALSE(query_store(d / "scan.db", sql, out, error));
    CHECK(out.str().empty());
  }
  CHECK(test::read_file(d / "scan.db") == before);
  CHECK_FALSE(std::filesystem::exists(copy));
  CHECK_FALSE(std::filesystem::exists(d / "w"));
  CHECK_FALSE(std::filesystem::exists(d / "scan.db-wal"));
  std::ostringstream out;
  std::string error;
  CHECK_FALSE(query_store(d / "scan.db", "VACUUM INTO '" + copy + "'", out, error));
  CHECK(error.find("refused `VACUUM INTO") != std::string::npos);
  CHECK_FALSE(query_store(d / "scan.db", "ATTACH ':memory:' AS m", out, error));
  CHECK(error.find("refused ATTACH") != std::string::npos);
  CHECK_FALSE(query_store(d / "scan.db", "PRAGMA journal_mode=wal", out, error));
  CHECK(error.find("refused PRAGMA journal_mode=wal") != std::string::npos);
  // What a person asks still works.
  REQUIRE(query_store(d / "scan.db",
                      "PRAGMA table_info(inputs); SELECT count(*) AS n FROM pragma_table_info('findings'); "
                      "SELECT j.value FROM json_each('[7]') j; PRAGMA user_version; "
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT sum(i) FROM n",
                      out, error));
  CHECK(out.str().find("|path|") != std::string::npos);
  CHECK(out.str().find("sum(i)\n6\n") != std::string::npos);
}

TEST_CASE("pullscan sql says what is wrong with the database in words", "[store]") {
  TempDir d;
  std::ostringstream out;
  std::string error;
  CHECK_FALSE(query_store(d / "missing.db", "SELECT 1", out, error));
  CHECK(error.find("no scan has written it yet; run a scan first") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(d / "missing.db"));
  CHECK_FALSE(query_store(d.path, "SELECT 1", out, error));
  CHECK(error.find("is a directory") != std::string::npos);
  make_db(d / "last.db");
  CHECK_FALSE(query_store(d.path, "SELECT 1", out, error));
  CHECK(error.find(d / "last.db") != std::string::npos);
  write(d / "empty.db", "");
  CHECK_FALSE(query_store(d / "empty.db", "SELECT 1", out, error));
  CHECK(error.find("is empty") != std::string::npos);
  write(d / "notes.txt", "notes\n");
  CHECK_FALSE(query_store(d / "notes.txt", "SELECT 1", out, error));
  CHECK(error.find("not a SQLite database") != std::string::npos);
  CHECK(test::read_file(d / "notes.txt") == "notes\n");
}

TEST_CASE("a run that read nothing keeps the previous database", "[store]") {
  TempDir d;
  Options opt = test::scan_options({test::source_path("samples/realpull/dns-nxdomain.short.txt")});
  opt.no_db = false;
  opt.db = d / "scan.db";
  REQUIRE(test::run_tool(opt).code == 1);
  const std::string before = test::read_file(opt.db);
  REQUIRE(!before.empty());
  write(d / "empty.txt", "");
  for (std::vector<std::string> paths : {std::vector<std::string>{d / "missing.txt"},
                                         std::vector<std::string>{d / "empty.txt"},
                                         std::vector<std::string>{d / "missing.txt", d / "empty.txt"}}) {
    opt.paths = paths;
    auto res = test::run_tool(opt);
    INFO(res.err);
    CHECK(res.err.find("kept the previous database " + opt.db) != std::string::npos);
    CHECK(test::read_file(opt.db) == before);
  }
  // None there before: none written.
  opt.db = d / "fresh.db";
  opt.paths = {d / "missing.txt"};
  auto res = test::run_tool(opt);
  CHECK(res.err.find("no database written to " + opt.db) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(opt.db));
  CHECK(leftovers(d.path) == 0);
}

TEST_CASE("a --db FILE that is not pullscan's ends the run before reading", "[store]") {
  TempDir d;
  write(d / "journal.txt", "notes\n");
  Options opt = test::scan_options({test::source_path("samples/realpull/dns-nxdomain.short.txt")});
  opt.no_db = false;
  opt.db = d / "journal.txt";
  auto res = test::run_tool(opt);
  CHECK(res.code == 2);
  CHECK(res.out.empty());
  CHECK(res.err == "pullscan: " + opt.db +
                       ": not a pullscan database (not SQLite at all); refusing to replace it: give --db a new file name\n");
  CHECK(test::read_file(opt.db) == "notes\n");
}

TEST_CASE("an unwritable default location still gives the report", "[store]") {
  TempDir d;
  write(d / "file", "x\n");
  const char* old = std::getenv("XDG_STATE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_STATE_HOME", (d / "file/state").c_str(), 1);
  Options opt = test::scan_options({test::source_path("samples/realpull/dns-nxdomain.short.txt")});
  opt.no_db = false;
  auto res = test::run_tool(opt);
  if (old) setenv("XDG_STATE_HOME", saved.c_str(), 1);
  else unsetenv("XDG_STATE_HOME");
  CHECK(res.code == 1);
  CHECK(res.out.find("dns_failure") != std::string::npos);
  CHECK(res.err.find("cannot create directories under " + (d / "file") + ": Not a directory") != std::string::npos);
  CHECK(res.err.find("the report follows without a database") != std::string::npos);
}

TEST_CASE("a scan lands in SQLite and can be queried", "[store]") {
  std::string db = "/tmp/pullscan-store-test.db";
  std::remove(db.c_str());
  Options opt = test::scan_options({"samples/journal/realpull-several.journal.txt"});
  opt.no_db = false;
  opt.db = db;
  auto res = test::run_tool(opt);
  CHECK(res.code == 1);
  CHECK(scalar(db, "SELECT count(*) FROM attempts") == 6);
  CHECK(scalar(db, "SELECT count(*) FROM attempts WHERE outcome = 'failed'") == 5);
  CHECK(scalar(db, "SELECT count(*) FROM findings") == 5);
  CHECK(scalar(db, "SELECT count(*) FROM inputs") == 1);
  CHECK(scalar(db, "SELECT count(*) FROM events WHERE attempt_id IS NULL AND kind IN ('pull_failed','pull_started')") == 0);
  CHECK(scalar(db, "SELECT count(*) FROM attempts a JOIN events e ON e.id = a.evidence_event_id") == 6);
  CHECK(scalar(db, "SELECT count(*) FROM findings, json_each(findings.images)") == 5);
  std::ostringstream out;
  std::string error;
  REQUIRE(query_store(db, "SELECT class, count(*) FROM attempts GROUP BY 1 ORDER BY 1", out, error));
  CHECK(out.str() ==
        "class|count(*)\nauth_required|1\ndns_failure|1\nnot_found|1\nrate_limited|1\nsuccess|1\ntls_unknown_authority|1\n");
  CHECK_FALSE(query_store(db, "DELETE FROM attempts", out, error));
  CHECK(error.find("only reads") != std::string::npos);
  CHECK_FALSE(query_store(db, "SELEC nonsense", out, error));
  std::remove(db.c_str());
}

TEST_CASE("every schema column is documented", "[store]") {
  std::string schema = schema_sql();
  std::istringstream in(schema);
  std::string line;
  int columns = 0;
  while (std::getline(in, line)) {
    // A column line starts with two spaces and a lower-case name.
    if (line.size() > 3 && line[0] == ' ' && line[1] == ' ' && line[2] >= 'a' && line[2] <= 'z') {
      ++columns;
      INFO(line);
      CHECK(line.find("--") != std::string::npos);
    }
  }
  CHECK(columns > 50);
}
