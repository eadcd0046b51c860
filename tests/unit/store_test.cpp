// store: a real SQLite file, the documented tables, one row per record, and
// `pullscan sql` refusing to write.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdio>
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

}  // namespace

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
  CHECK(error.find("readonly") != std::string::npos);
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
