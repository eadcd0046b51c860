// The SQLite store: the whole RunResult in one database file, written in one
// transaction with prepared statements, so `pullscan sql` (or plain sqlite3)
// can answer the follow-up questions a report raises. The file is written
// beside its final name and renamed into place, so a reader never sees half
// a scan. Schema: schema.sql (embedded), every column commented.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/record.h"

namespace pullscan {

/// Writes r to a fresh database at path (replacing any file there). Returns
/// false and sets error on failure.
bool write_store(const std::string& path, const RunResult& r, const std::vector<int64_t>& attempt_of,
                 std::string& error);

/// Runs read-only SQL against the database at path and prints rows as
/// `a|b|c` with a header line. Returns false and sets error on failure.
bool query_store(const std::string& path, const std::string& sql, std::ostream& out, std::string& error);

/// The schema text.
std::string schema_sql();

/// Default database path: $XDG_STATE_HOME/pullscan/last.db, else ~/.local/state/pullscan/last.db.
std::string default_db_path();

}  // namespace pullscan
