// Analysis over a long journal: attempts that ended leave memory as the
// journal is read, and the report and the database come out the same as when
// every event is held. The journal is built here, hours of a small cluster's
// pulls in `journalctl -o short` form (line shapes of samples/stories):
// Docker Hub 429s with back-offs that recover, a node whose DNS fails
// while the others pull fine, a back-off long after its failure, pulls
// that stall, a mirror that falls back to upstream, a hosts.toml that
// containerd rejects, and steady successful pulls with their times.
#include <catch2/catch.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "../helpers.h"
#include "classify/rule_set.h"
#include "cli/analysis.h"
#include "core/diag.h"
#include "cli/run.h"
#include "store/store.h"

using namespace pullscan;

namespace {

constexpr int64_t kSec = 1000000000LL;
constexpr int64_t kBase = 1741132800LL * kSec;  // 2025-03-05T00:00:00Z

class JournalBuilder {
 public:
  // One journal line; containerd bodies get logrus' time= field from t.
  void containerd(int64_t t, const std::string& node, const std::string& level, const std::string& rest) {
    prefix(t, node, "containerd[811]");
    out_ += fmt::format("time=\"{}\" level={} {}\n", iso(t), level, rest);
  }
  void kubelet(int64_t t, const std::string& node, const std::string& rest) {
    prefix(t, node, "kubelet[1902]");
    std::time_t s = t / kSec;
    std::tm tm{};
    gmtime_r(&s, &tm);
    out_ += fmt::format("E{:02}{:02} {:02}:{:02}:{:02}.{:06}    1902 pod_workers.go:1301] {}\n", tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (t % kSec) / 1000, rest);
  }
  // kubelet's multi-line form (klog `err=<`): one journal line per line.
  void kubelet_block(int64_t t, const std::string& node, const std::vector<std::string>& lines) {
    std::time_t s = t / kSec;
    std::tm tm{};
    gmtime_r(&s, &tm);
    for (size_t k = 0; k < lines.size(); ++k) {
      prefix(t, node, "kubelet[1902]");
      if (k == 0)
        out_ += fmt::format("E{:02}{:02} {:02}:{:02}:{:02}.{:06}    1902 ", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                            tm.tm_min, tm.tm_sec, (t % kSec) / 1000);
      out_ += lines[k] + "\n";
    }
  }
  void chatter(int64_t t, const std::string& node) {
    prefix(t, node, "systemd[1]");
    out_ += "Started Session 42 of User core.\n";
  }
  const std::string& text() const { return out_; }

 private:
  static std::string iso(int64_t t) {
    std::time_t s = t / kSec;
    std::tm tm{};
    gmtime_r(&s, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec, t % kSec);
  }
  void prefix(int64_t t, const std::string& node, const std::string& proc) {
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t s = t / kSec;
    std::tm tm{};
    gmtime_r(&s, &tm);
    out_ += fmt::format("{} {:02} {:02}:{:02}:{:02} {} {}: ", months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min,
                        tm.tm_sec, node, proc);
  }
  std::string out_;
};

const std::string kHubError =
    R"(failed to pull and unpack image \"docker.io/library/node:20\": failed to copy: httpReadSeeker: failed open: )"
    R"(unexpected status code https://registry-1.docker.io/v2/library/node/manifests/sha256:3c0f: 429 Too Many )"
    R"(Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the )"
    R"(limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit)";
const std::string kDnsError =
    R"(failed to pull and unpack image \"registry.internal.example/shop/cart:3.1\": failed to resolve reference )"
    R"(\"registry.internal.example/shop/cart:3.1\": failed to do request: Head )"
    R"(\"https://registry.internal.example/v2/shop/cart/manifests/3.1\": dial tcp: lookup registry.internal.example )"
    R"(on 10.96.0.10:53: no such host)";

const std::string kNotFound =
    R"(failed to pull and unpack image \"quay.io/acme/job:2\": failed to resolve reference \"quay.io/acme/job:2\": )"
    R"(quay.io/acme/job:2: not found)";

std::string escape_again(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

void pull_ok(JournalBuilder& j, int64_t t, const std::string& node, const std::string& image, int seconds) {
  j.containerd(t, node, "info", fmt::format(R"(msg="PullImage \"{}\"")", image));
  int64_t end = t + seconds * kSec + 200000000;
  j.containerd(end, node, "info",
               fmt::format(R"(msg="Pulled image \"{0}\" with image id \"sha256:aa\", repo tag \"{0}\", repo digest )"
                           R"(\"{0}@sha256:bb\", size \"31457280\" in {1}.2s")",
                           image, seconds));
  j.containerd(end + 100000000, node, "info", fmt::format(R"(msg="PullImage \"{}\" returns image reference \"sha256:aa\"")", image));
}

void pull_failed(JournalBuilder& j, int64_t t, const std::string& node, const std::string& image,
                 const std::string& error, const std::string& pod) {
  j.containerd(t, node, "info", fmt::format(R"(msg="PullImage \"{}\"")", image));
  j.containerd(t + 1300000000, node, "error", fmt::format(R"(msg="PullImage \"{}\" failed" error="{}")", image, error));
  j.kubelet(t + 1400000000, node,
            fmt::format(R"("Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with ErrImagePull: \"{}\"" pod="{}" podUID="u-{}")",
                        escape_again(error), pod, pod));
}

void pull_failed_quietly(JournalBuilder& j, int64_t t, const std::string& node, const std::string& image,
                         const std::string& error) {
  j.containerd(t, node, "info", fmt::format(R"(msg="PullImage \"{}\"")", image));
  j.containerd(t + 900000000, node, "error", fmt::format(R"(msg="PullImage \"{}\" failed" error="{}")", image, error));
}

void backoff(JournalBuilder& j, int64_t t, const std::string& node, const std::string& image, const std::string& pod) {
  j.kubelet(t, node,
            fmt::format(R"("Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with ImagePullBackOff: \"Back-off pulling image \\\"{}\\\"\"" pod="{}" podUID="u-{}")",
                        image, pod, pod));
}

// `hours` of pulls on four nodes, a cycle every five minutes.
std::string long_journal(int hours) {
  JournalBuilder j;
  const int cycles = hours * 12;
  for (int c = 0; c < cycles; ++c) {
    int64_t t = kBase + c * 300 * kSec;
    for (int k = 0; k < 20; ++k) j.chatter(t + k * 10 * kSec, "node-" + std::to_string(1 + k % 4));
    // node-1: Docker Hub says 429 for an hour at a time, then lets pulls through.
    std::string pod = fmt::format("web/api-{}", c % 3);
    if ((c / 12) % 2 == 0) {
      pull_failed(j, t + 1 * kSec, "node-1", "node:20", kHubError, pod);
      j.kubelet_block(t + 1 * kSec + 1350000000, "node-1",
                      {R"(remote_image.go:180] "PullImage from image service failed" err=<)",
                       "        rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/node:20\": "
                       "failed to copy: httpReadSeeker: failed open: unexpected status code "
                       "https://registry-1.docker.io/v2/library/node/manifests/sha256:3c0f: 429 Too Many Requests",
                       "        toomanyrequests: You have reached your pull rate limit.",
                       R"( > image="node:20")"});
      backoff(j, t + 40 * kSec, "node-1", "node:20", pod);
    } else {
      pull_ok(j, t + 1 * kSec, "node-1", "node:20", 3 + c % 5);
    }
    // node-2: steady pulls of varying length, and now and then one that stalls.
    pull_ok(j, t + 20 * kSec, "node-2", "registry.internal.example/shop/cart:3.1", 2 + (c * 7) % 11);
    if (c % 2 == 1) pull_ok(j, t + 200 * kSec, "node-2", "registry.internal.example/shop/api:2.0", 1 + c % 3);
    if (c % 24 == 11) {
      const std::string trainer = "registry.internal.example/ml/trainer:5";
      j.containerd(t + 150 * kSec, "node-2", "info", fmt::format(R"(msg="PullImage \"{}\"")", trainer));
      j.containerd(t + 450 * kSec, "node-2", "error",
                   fmt::format("msg=\"cancel pulling image {} because of no progress in 5m0s\"", trainer));
      j.containerd(t + 450 * kSec + 20000000, "node-2", "error",
                   fmt::format(R"(msg="PullImage \"{0}\" failed" error="rpc error: code = Canceled desc = failed to pull and unpack image \"{0}\": context canceled")",
                               trainer));
    }
    // node-3: its resolver cannot find the internal registry.
    pull_failed(j, t + 30 * kSec, "node-3", "registry.internal.example/shop/cart:3.1", kDnsError, "shop/cart-1");
    // node-4: the mirror refuses, containerd falls back to upstream.
    if (c % 4 == 0) {
      int64_t m = t + 60 * kSec;
      j.containerd(m, "node-4", "info", R"(msg="PullImage \"ghcr.io/acme/app:1\"")");
      j.containerd(m + 500000000, "node-4", "info",
                   R"(msg="trying next host" error="failed to do request: Head \"https://mirror.local:5000/v2/acme/app/manifests/1?ns=ghcr.io\": dial tcp 10.0.0.9:5000: connect: connection refused" host=mirror.local:5000)");
      j.containerd(m + 2 * kSec, "node-4", "info",
                   R"(msg="Pulled image \"ghcr.io/acme/app:1\" with image id \"sha256:cc\", repo tag \"ghcr.io/acme/app:1\", repo digest \"ghcr.io/acme/app:1@sha256:dd\", size \"1048576\" in 1.5s")");
      j.containerd(m + 2 * kSec + 100000000, "node-4", "info", R"(msg="PullImage \"ghcr.io/acme/app:1\" returns image reference \"sha256:cc\"")");
    }
    // node-4: a job whose tag is gone; containerd logs the failure, kubelet
    // only a back-off twelve minutes later, which must inherit the cause
    // after the failure itself has left memory.
    if (c % 6 == 2) {
      std::string job = fmt::format("batch/job-{}", c);
      pull_failed_quietly(j, t + 100 * kSec, "node-4", "quay.io/acme/job:2", kNotFound);
      backoff(j, t + 820 * kSec, "node-4", "quay.io/acme/job:2", job);
    }
    if (c % 24 == 5) j.containerd(t + 90 * kSec, "node-4", "error", R"(msg="failed to decode hosts.toml" error="invalid `host` tree")");
  }
  return j.text();
}

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& name) : path(fmt::format("/tmp/pullscan-analysis-{}-{}", getpid(), name)) {}
  ~TempFile() {
    if (!std::getenv("PULLSCAN_TEST_KEEP")) std::remove(path.c_str());
  }
};

std::string write_journal(const TempFile& f, int hours) {
  std::ofstream(f.path, std::ios::binary) << long_journal(hours);
  return f.path;
}

// Rows of a table as text, sorted: ids may differ (attempts are numbered as
// they leave memory), what they say may not.
std::string rows(const std::string& db, const std::string& sql) {
  std::ostringstream out;
  std::string error;
  REQUIRE(query_store(db, sql, out, error));
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::sort(lines.begin(), lines.end());
  std::string s;
  for (const std::string& l : lines) s += l + '\n';
  return s;
}

}  // namespace

TEST_CASE("a long journal reports the same whether ended attempts leave memory or not", "[analysis]") {
  TempFile journal("journal"), db_all("all.db"), db_streamed("streamed.db"), db_pieces("pieces.db");
  write_journal(journal, 12);
  Options all = test::scan_options({journal.path});
  all.hold_events = 0;  // hold everything: the batch pipeline
  all.no_db = false;
  all.db = db_all.path;
  Options streamed = all;
  streamed.hold_events = 40;
  streamed.scan.read.block_bytes = 4096;  // many small blocks: retiring runs often
  streamed.db = db_streamed.path;
  Options pieces = streamed;
  pieces.scan.threads = 2;  // the parallel path: pieces joined in order
  pieces.scan.parallel_min_bytes = 0;
  pieces.scan.piece_bytes = 64 << 10;
  pieces.db = db_pieces.path;

  auto a = test::run_tool(all);
  auto b = test::run_tool(streamed);
  auto c = test::run_tool(pieces);
  REQUIRE(a.code == 1);
  CHECK(b.code == a.code);
  CHECK(c.code == a.code);
  CHECK(b.out == a.out);
  CHECK(c.out == a.out);
  // The story the journal tells, as a reader sees it.
  CHECK(a.out.find("pullscan: 246 of 594 pull attempts failed, 24 in back-off, 324 succeeded") == 0);
  CHECK(a.out.find("Only node node-3 of the 4 nodes in the input") != std::string::npos);
  CHECK(a.out.find("fallback  ghcr.io/acme/app:1 on node-4: mirror.local:5000 (dial tcp 10.0.0.9:5000: connect:\n"
                   "            connection refused) failed, then it pulled from the next host") != std::string::npos);
  CHECK(a.out.find("config    node-4: containerd refused a registry config") != std::string::npos);
  CHECK(a.out.find("── Recovered") != std::string::npos);
  CHECK(a.out.find("registry  registry.internal.example: 216 pulls of 2 images") != std::string::npos);
  CHECK(a.out.find("stalled   registry.internal.example/ml/trainer:5 on node-2: 6 pulls cancelled for making no") !=
        std::string::npos);
  CHECK(a.out.find("48 attempts (24 in back-off, the cause taken from the last failure of the image before\n") !=
        std::string::npos);

  const std::string attempts =
      "SELECT image, registry, node, namespace, pod, outcome, class, rule, error, first_ns, last_ns, duration_ms, "
      "bytes, backoffs, sources, (SELECT class || '|' || registry FROM findings f WHERE f.id = finding_id), "
      "(SELECT text FROM events e WHERE e.id = evidence_event_id) FROM attempts";
  const std::string events = "SELECT e.input_id, e.line, e.kind, e.message, a.image, a.first_ns FROM events e "
                             "LEFT JOIN attempts a ON a.id = e.attempt_id";
  for (const TempFile* other : {&db_streamed, &db_pieces}) {
    CHECK(rows(other->path, attempts) == rows(db_all.path, attempts));
    CHECK(rows(other->path, events) == rows(db_all.path, events));
    CHECK(rows(other->path, "SELECT * FROM findings") == rows(db_all.path, "SELECT * FROM findings"));
    CHECK(rows(other->path, "SELECT count(DISTINCT id), min(id), max(id) FROM attempts") ==
          rows(db_all.path, "SELECT count(DISTINCT id), min(id), max(id) FROM attempts"));
  }
}

TEST_CASE("held events are bounded by the open attempts, not by the journal's length", "[analysis]") {
  const RuleSet rules = RuleSet::builtin();
  auto peak_held = [&](int hours, size_t& total) {
    TempFile journal("bounded");
    write_journal(journal, hours);
    ScanOptions scan = with_rules({}, rules);
    scan.read.block_bytes = 4096;
    RunResult r;
    std::vector<InputClock> clocks(1);
    r.inputs.emplace_back();
    Analysis analysis(scan, rules, r, clocks, 2025, nullptr);
    size_t peak = 0;
    std::ostringstream ignored;
    Diagnostics diag(ignored);
    InputInfo info;
    REQUIRE(scan_path(journal.path, 0, scan, diag, info, r.events, clocks[0], [&] {
      r.inputs[0] = info;
      peak = std::max(peak, r.events.size());
      analysis.maybe_retire(40);
    }));
    r.inputs[0] = info;
    analysis.finish();
    total = info.events;
    CHECK(r.tally.attempts_left_memory > 0);
    return peak;
  };
  size_t events_4h = 0, events_16h = 0;
  size_t peak_4h = peak_held(4, events_4h);
  size_t peak_16h = peak_held(16, events_16h);
  CHECK(events_16h > 3 * events_4h);
  // 15 minutes of this cluster's pull lines plus one block's worth.
  CHECK(peak_4h < events_4h / 4);
  CHECK(peak_16h <= peak_4h + 10);
}

TEST_CASE("pull times become a histogram past the exact limit and keep their quantiles", "[analysis]") {
  DurationStats d;
  for (int64_t ms = 1; ms <= 1000; ++ms) d.add(ms);
  CHECK(d.quantile(0.5) == 501);
  CHECK(d.quantile(0.95) == 950);
  for (int round = 0; round < 10; ++round)
    for (int64_t ms = 1; ms <= 1000; ++ms) d.add(ms);
  CHECK(d.exact.empty());
  CHECK(d.count == 11000);
  CHECK(d.max_ms == 1000);
  int64_t p50 = d.quantile(0.5), p95 = d.quantile(0.95);
  CHECK(p50 >= 500);
  CHECK(p50 <= 506);  // within the 1% bucket
  CHECK(p95 >= 950);
  CHECK(p95 <= 960);
  CHECK(d.quantile(1.0) == 1000);
}

TEST_CASE("a database left unfinished leaves no file behind", "[analysis][store]") {
  TempFile db("unfinished.db");
  {
    StoreWriter w;
    std::string error;
    REQUIRE(w.open(db.path, error));
    Event e;
    e.id = 1;
    CHECK(w.add_event(e, 0));
  }
  auto leftovers = [&] {
    int n = 0;
    for (const auto& f : std::filesystem::directory_iterator("/tmp"))
      n += f.path().string().rfind(db.path + ".tmp", 0) == 0;
    return n;
  };
  CHECK(leftovers() == 0);
  CHECK(access(db.path.c_str(), F_OK) != 0);
  // Two runs writing the same database at once (a scan beside a --follow)
  // each finish; the last one to finish is the database.
  StoreWriter first, second;
  std::string error;
  REQUIRE(first.open(db.path, error));
  REQUIRE(second.open(db.path, error));
  RunResult one, two;
  one.inputs.emplace_back().path = "first";
  two.inputs.emplace_back().path = "second";
  CHECK(first.finish(one, {}, error));
  CHECK(second.finish(two, {}, error));
  CHECK(rows(db.path, "SELECT path FROM inputs") == "path\nsecond\n");
  CHECK(leftovers() == 0);
}

namespace {

// Runs `text` as a file twice, everything held and with attempts leaving
// memory after every small block, with databases; returns both outputs.
struct TwoRuns {
  test::RunOutput held, streamed;
  std::string held_rows, streamed_rows;
};

TwoRuns run_both(const std::string& name, const std::string& text) {
  TempFile input(name), db_held(name + "-held.db"), db_streamed(name + "-streamed.db");
  std::ofstream(input.path, std::ios::binary) << text;
  Options held = test::scan_options({input.path});
  held.hold_events = 0;
  held.no_db = false;
  held.db = db_held.path;
  Options streamed = held;
  streamed.hold_events = 2;
  streamed.scan.read.block_bytes = 4096;
  streamed.db = db_streamed.path;
  TwoRuns t;
  t.held = test::run_tool(held);
  t.streamed = test::run_tool(streamed);
  const std::string sql =
      "SELECT a.image, a.node, a.pod, a.outcome, a.class, a.first_ns, a.backoffs, c.first_ns, "
      "(SELECT count(*) FROM events e WHERE e.attempt_id = a.id) FROM attempts a "
      "LEFT JOIN attempts c ON c.id = a.cause_attempt_id";
  if (t.held.code != 2) t.held_rows = rows(db_held.path, sql) + rows(db_held.path, "SELECT count(*) FROM events");
  if (t.streamed.code != 2)
    t.streamed_rows = rows(db_streamed.path, sql) + rows(db_streamed.path, "SELECT count(*) FROM events");
  return t;
}

}  // namespace

TEST_CASE("an event counted for several pulls leaves memory with all of them, stored once", "[analysis]") {
  // kubectl get events --watch -o json: each event stands for 3 failed pulls.
  std::string watch;
  for (int i = 0; i < 40; ++i) {
    std::time_t first = 1741165200 + i * 600;
    char a[32], b[32];
    std::tm tm{};
    gmtime_r(&first, &tm);
    std::strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::time_t last = first + 120;
    gmtime_r(&last, &tm);
    std::strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", &tm);
    watch += fmt::format(
        R"({{"type":"ADDED","object":{{"apiVersion":"v1","kind":"Event","count":3,"firstTimestamp":"{0}","lastTimestamp":"{1}",)"
        R"("involvedObject":{{"kind":"Pod","name":"web-{2}","namespace":"shop","fieldPath":"spec.containers{{web}}"}},)"
        R"("message":"Failed to pull image \"nginx:1.27-bad\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.27-bad\": failed to resolve reference \"docker.io/library/nginx:1.27-bad\": docker.io/library/nginx:1.27-bad: not found",)"
        R"("metadata":{{"name":"web-{2}.x","namespace":"shop","uid":"uid-{2}"}},"reason":"Failed","source":{{"component":"kubelet","host":"node-1"}},"type":"Warning"}}}})"
        "\n",
        a, b, i);
  }
  TwoRuns t = run_both("watch", watch);
  REQUIRE(t.held.code == 1);
  CHECK(t.streamed.code == 1);
  CHECK(t.streamed.err.find("UNIQUE") == std::string::npos);
  CHECK(t.streamed.out == t.held.out);
  CHECK(t.streamed_rows == t.held_rows);
  CHECK(t.held.out.find("pullscan: 120 of 120 pull attempts failed") == 0);
}

TEST_CASE("a back-off leaves memory no earlier than the attempt it took its cause from", "[analysis]") {
  // node-1's pull tries a mirror for twelve minutes before it fails; a
  // kubelet back-off in between is its own attempt and takes that cause;
  // node-2 pulls every minute for an hour meanwhile.
  JournalBuilder j;
  const int64_t t0 = kBase + 10 * 3600 * kSec;
  j.containerd(t0, "node-1", "info", R"(msg="PullImage \"quay.io/acme/x:1\"")");
  backoff(j, t0 + 60 * kSec, "node-1", "quay.io/acme/x:1", "apps/x-0");
  j.containerd(t0 + 300 * kSec, "node-1", "info",
               R"(msg="trying next host" error="failed to do request: Head \"https://mirror.local:5000/v2/acme/x/manifests/1?ns=quay.io\": dial tcp 10.0.0.9:5000: connect: connection refused" host=mirror.local:5000)");
  j.containerd(t0 + 720 * kSec, "node-1", "error",
               R"(msg="PullImage \"quay.io/acme/x:1\" failed" error="failed to pull and unpack image \"quay.io/acme/x:1\": failed to resolve reference \"quay.io/acme/x:1\": quay.io/acme/x:1: not found")");
  for (int m = 1; m < 60; ++m) pull_ok(j, t0 + m * 60 * kSec + 5 * kSec, "node-2", "docker.io/library/nginx:1", 2);
  TwoRuns t = run_both("cause", j.text());
  REQUIRE(t.held.code == 1);
  CHECK(t.held.out.find("the cause taken from the last failure") != std::string::npos);
  CHECK(t.streamed.out == t.held.out);
  CHECK(t.streamed_rows == t.held_rows);
}

TEST_CASE("journals of several nodes one after the other are each in time order", "[analysis]") {
  std::string first = long_journal(4), second = long_journal(4);
  for (size_t p = 0; (p = second.find(" node-", p)) != std::string::npos; p += 6) second.replace(p, 6, " edge-");
  TwoRuns t = run_both("concatenated", first + second);
  REQUIRE(t.held.code == 1);
  CHECK(t.streamed.err.find("not in time order") == std::string::npos);
  CHECK(t.streamed.out == t.held.out);
  CHECK(t.streamed_rows == t.held_rows);
}

TEST_CASE("a journal out of time order is said once, and the rest is held", "[analysis]") {
  std::string journal = long_journal(6);
  size_t half = journal.find('\n', journal.size() / 2) + 1;
  TwoRuns t = run_both("shuffled", journal.substr(half) + journal.substr(0, half));
  REQUIRE(t.held.code == 1);
  CHECK(t.streamed.code == 1);
  CHECK(t.streamed.err.find("is older than attempts that already left memory (input not in time order)") !=
        std::string::npos);
  CHECK(t.held.err.find("not in time order") == std::string::npos);
  CHECK(t.streamed.out.find("pullscan: ") == 0);
}

TEST_CASE("a finding keeps at most 1,000 names of a kind and says so", "[analysis]") {
  const RuleSet rules = RuleSet::builtin();
  FindingsBuilder builder;
  for (int i = 0; i < 1500; ++i) {
    PullAttempt a;
    a.id = static_cast<uint32_t>(i + 1);
    a.outcome = Outcome::failed;
    a.class_id = "not_found";
    a.rule_id = "reference-not-found";
    a.registry = "docker.io";
    a.image = "docker.io/library/job:1";
    a.node = "node-1";
    a.ns = "batch";
    a.pod = fmt::format("job-{:05}", i);
    a.first_ns = a.last_ns = kBase + i * kSec;
    builder.add(a, nullptr);
  }
  AttemptTally tally;
  tally.nodes = {"node-1"};
  std::vector<Finding> f = builder.build(rules, {}, tally);
  REQUIRE(f.size() == 1);
  CHECK(f[0].attempts == 1500);
  CHECK(f[0].pods.size() == kFindingNameCap);
  CHECK(f[0].pods.front() == "batch/job-00000");
  CHECK(f[0].names_capped);
  CHECK(f[0].nodes == std::vector<std::string>{"node-1"});
  CHECK(f[0].peak_per_minute == 60);
}
