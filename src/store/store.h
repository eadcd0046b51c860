// The SQLite store: the whole run in one database file, written in one
// transaction with prepared statements, so `pullscan sql` (or plain sqlite3)
// can answer the follow-up questions a report raises. Attempts that ended
// early in a long input are written as they leave memory; the rest, the
// findings and the inputs at the end. The file is written beside its final
// name and renamed into place, so a reader never sees half a scan. Schema:
// schema.sql (embedded), every column commented.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/record.h"

namespace pullscan {

/// A database being written: open, add attempts and events as they are
/// done with, finish with the rest of the run. Destroying it unfinished
/// removes the half-written file.
class StoreWriter {
 public:
  StoreWriter();
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;
  /// Starts a fresh database for path (written to path.tmp-<unique> until
  /// finish). Refuses (false, error says why) a path that holds anything but
  /// a database pullscan wrote: another file, a directory, a FIFO, another
  /// SQLite database. Missing and empty files are fine; a symbolic link to a
  /// pullscan database is followed (the database it names is replaced).
  /// Missing directories are created; error names the one that could not be.
  bool open(const std::string& path, std::string& error);
  /// Removes the unfinished file now (the destructor does it too).
  void discard();
  /// An attempt and its host tries (Event ids in it must be final).
  bool add_attempt(const PullAttempt& a);
  /// An event, with the id of its attempt (0: none).
  bool add_event(const Event& e, uint32_t attempt_id);
  /// Writes the held attempts and events of r, its inputs, findings and rate
  /// limits, links attempts to findings, and moves the file into place.
  /// attempt_of: per held event, the index of its held attempt (-1 none).
  bool finish(const RunResult& r, const std::vector<int64_t>& attempt_of, std::string& error);
  /// The last SQLite error.
  std::string error() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

/// Whether path may be replaced by a new database (see StoreWriter::open);
/// false with why otherwise. Reads nothing but the file's header and, if it
/// is SQLite, its `meta` table (opened read-only).
bool may_replace_database(const std::string& path, std::string& why);

/// How `pullscan sql` prints rows (-o).
enum class QueryFormat {
  text,  // `a|b|c` with a header line; values terminal_safe (they come from the scanned input)
  json,  // one JSON array of objects, column name -> value (numbers as numbers, NULL as null)
  csv,   // RFC 4180: a header line, fields quoted when they hold `,`, `"` or a line break
};

/// Runs SQL against the database at path and prints rows in `format`. Nothing can write: the file is opened read-only, every
/// statement is checked before any runs, and an authorizer refuses writes,
/// ATTACH/DETACH, pragmas that set, VACUUM (INTO) and load_extension.
/// Returns false and sets error (words for a person) on failure.
bool query_store(const std::string& path, const std::string& sql, std::ostream& out, std::string& error,
                 QueryFormat format = QueryFormat::text);

/// Makes SIGINT, SIGTERM, SIGHUP, SIGPIPE (and the other signals that end a
/// process) remove any database file being written before the process dies
/// of the signal as it would have. Signals already ignored or handled are
/// left so. Call once, early in main.
void remove_unfinished_databases_on_signals();

/// The schema text.
std::string schema_sql();

/// Default database path: $XDG_STATE_HOME/pullscan/last.db, else ~/.local/state/pullscan/last.db.
std::string default_db_path();

}  // namespace pullscan
