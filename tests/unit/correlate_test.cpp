// correlate: one attempt per real pull, whatever number of components and
// lines reported it; attempts counted by starts and failures, never lines.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include <algorithm>
#include <map>

#include "../helpers.h"
#include "core/text.h"
#include "core/timeutil.h"

using namespace pullscan;
using pullscan::test::analyse_text;

namespace {

// One failed pull of nginx:bad on node-1 as containerd 1.7, kubelet 1.28 and
// kubelet's V3 event log all report it (formats.md §0).
std::string one_failure(const std::string& t0, const std::string& k0) {
  return "May 01 " + t0 + " node-1 kubelet[1]: I0501 " + k0 +
         ".000000 1 event.go:1] \"Event occurred\" object=\"default/web-1\" fieldPath=\"spec.containers{web}\" kind=\"Pod\" apiVersion=\"v1\" type=\"Normal\" reason=\"Pulling\" message=\"Pulling image \\\"nginx:bad\\\"\"\n"
         "May 01 " + t0 + " node-1 containerd[2]: time=\"2024-05-01T" + t0 + ".100000000Z\" level=info msg=\"PullImage \\\"nginx:bad\\\"\"\n"
         "May 01 " + t0 + " node-1 containerd[2]: time=\"2024-05-01T" + t0 + ".500000000Z\" level=error msg=\"PullImage \\\"nginx:bad\\\" failed\" error=\"rpc error: code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:bad\\\": failed to resolve reference \\\"docker.io/library/nginx:bad\\\": docker.io/library/nginx:bad: not found\"\n"
         "May 01 " + t0 + " node-1 kubelet[1]: E0501 " + k0 +
         ".600000 1 remote_image.go:1] \"PullImage from image service failed\" err=\"rpc error: code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:bad\\\": not found\" image=\"nginx:bad\"\n"
         "May 01 " + t0 + " node-1 kubelet[1]: I0501 " + k0 +
         ".700000 1 event.go:1] \"Event occurred\" object=\"default/web-1\" fieldPath=\"spec.containers{web}\" kind=\"Pod\" apiVersion=\"v1\" type=\"Warning\" reason=\"Failed\" message=\"Failed to pull image \\\"nginx:bad\\\": rpc error: code = NotFound desc = not found\"\n"
         "May 01 " + t0 + " node-1 kubelet[1]: I0501 " + k0 +
         ".710000 1 event.go:1] \"Event occurred\" object=\"default/web-1\" fieldPath=\"spec.containers{web}\" kind=\"Pod\" apiVersion=\"v1\" type=\"Warning\" reason=\"Failed\" message=\"Error: ErrImagePull\"\n"
         "May 01 " + t0 + " node-1 kubelet[1]: E0501 " + k0 +
         ".800000 1 pod_workers.go:1] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"web\\\" with ErrImagePull: \\\"rpc error: code = NotFound desc = failed to pull and unpack image \\\\\\\"docker.io/library/nginx:bad\\\\\\\": not found\\\"\" pod=\"default/web-1\" podUID=\"u1\"\n";
}

std::string backoff(const std::string& t0, const std::string& k0) {
  return "May 01 " + t0 + " node-1 kubelet[1]: E0501 " + k0 +
         ".000000 1 pod_workers.go:1] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"web\\\" with ImagePullBackOff: \\\"Back-off pulling image \\\\\\\"nginx:bad\\\\\\\"\\\"\" pod=\"default/web-1\" podUID=\"u1\"\n";
}

}  // namespace

TEST_CASE("one failure seen by containerd, kubelet and events is one attempt", "[correlate]") {
  RunResult r = analyse_text(one_failure("12:00:00", "12:00:00"));
  REQUIRE(r.attempts.size() == 1);
  const PullAttempt& a = r.attempts[0];
  CHECK(a.outcome == Outcome::failed);
  CHECK(a.image == "docker.io/library/nginx:bad");
  CHECK(a.node == "node-1");
  CHECK(a.pod == "web-1");
  CHECK(a.ns == "default");
  CHECK(a.container == "web");
  CHECK(a.class_id == "not_found");
  CHECK((a.sources & source_bit(Source::containerd)));
  CHECK((a.sources & source_bit(Source::kubelet)));
  CHECK((a.sources & source_bit(Source::event)));
}

TEST_CASE("retries are separate attempts; back-offs between them are not", "[correlate]") {
  std::string text = one_failure("12:00:00", "12:00:00") + backoff("12:00:05", "12:00:05") +
                     backoff("12:00:08", "12:00:08") + one_failure("12:00:15", "12:00:15") +
                     backoff("12:00:20", "12:00:20");
  RunResult r = analyse_text(text);
  REQUIRE(r.attempts.size() == 2);
  CHECK(r.attempts[0].outcome == Outcome::failed);
  CHECK(r.attempts[0].backoffs == 2);
  CHECK(r.attempts[1].outcome == Outcome::failed);
  CHECK(r.attempts[1].backoffs == 1);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].attempts == 2);
}

TEST_CASE("the same image failing on two nodes at once is two attempts", "[correlate]") {
  std::string a = one_failure("12:00:00", "12:00:00");
  std::string b = a;
  for (size_t p = b.find("node-1"); p != std::string::npos; p = b.find("node-1", p)) b.replace(p, 6, "node-2");
  RunResult r = analyse_text(a + b);
  REQUIRE(r.attempts.size() == 2);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].nodes == std::vector<std::string>{"node-1", "node-2"});
  CHECK(r.findings[0].scope.find("2 nodes") == 0);
}

TEST_CASE("an event that stands for N repeats is N attempts", "[correlate]") {
  RunResult r = analyse_text(
      "  Normal   Pulling    17s (x2 over 31s)  kubelet            Pulling image \"registry.k8s.io/pause:3.10\"\n"
      "  Warning  Failed     2s (x2 over 16s)   kubelet            Failed to pull image \"registry.k8s.io/pause:3.10\": rpc error: code = NotFound desc = registry.k8s.io/pause:3.10: not found\n"
      "  Warning  Failed     2s (x2 over 16s)   kubelet            Error: ErrImagePull\n"
      "  Normal   BackOff    1s (x3 over 15s)   kubelet            Back-off pulling image \"registry.k8s.io/pause:3.10\"\n");
  REQUIRE(r.attempts.size() == 2);
  for (const PullAttempt& a : r.attempts) {
    CHECK(a.outcome == Outcome::failed);
    CHECK(a.class_id == "not_found");
  }
}

TEST_CASE("back-off with no cause in view", "[correlate]") {
  RunResult r = analyse_text(backoff("12:00:05", "12:00:05") + backoff("12:00:25", "12:00:25"));
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].outcome == Outcome::backoff);
  CHECK(r.attempts[0].class_id == "backoff_only");
  CHECK(r.attempts[0].backoffs == 2);
}

TEST_CASE("success, and a start with no end", "[correlate]") {
  RunResult r = analyse_text(
      "time=\"2024-05-01T12:00:00.000000000Z\" level=info msg=\"PullImage \\\"nginx:1\\\"\"\n"
      "time=\"2024-05-01T12:00:03.000000000Z\" level=info msg=\"PullImage \\\"nginx:1\\\" returns image reference \\\"sha256:ab\\\"\"\n"
      "time=\"2024-05-01T12:01:00.000000000Z\" level=info msg=\"PullImage \\\"redis:7\\\"\"\n");
  REQUIRE(r.attempts.size() == 2);
  CHECK(r.attempts[0].outcome == Outcome::succeeded);
  CHECK(r.attempts[0].class_id == "success");
  CHECK(r.attempts[1].outcome == Outcome::unknown);
  CHECK(r.findings.empty());
}

TEST_CASE("per-host tries attach to their attempt", "[correlate]") {
  RunResult r = analyse_text(
      "time=\"2024-05-01T12:00:00.000000000Z\" level=info msg=\"PullImage \\\"nginx:1\\\"\"\n"
      "time=\"2024-05-01T12:00:01.000000000Z\" level=info msg=\"trying next host\" error=\"failed to do request: Head \\\"https://mirror.local/v2/library/nginx/manifests/1?ns=docker.io\\\": dial tcp 10.0.0.9:443: connect: connection refused\" host=mirror.local\n"
      "time=\"2024-05-01T12:00:03.000000000Z\" level=info msg=\"PullImage \\\"nginx:1\\\" returns image reference \\\"sha256:ab\\\"\"\n");
  REQUIRE(r.attempts.size() == 1);
  REQUIRE(r.attempts[0].tries.size() == 1);
  CHECK(r.attempts[0].tries[0].host == "mirror.local");
  CHECK(r.attempts[0].outcome == Outcome::succeeded);
}

TEST_CASE("the SNAT story: 6 clusters x 6 nodes x 3 images behind one address", "[correlate][ratelimit]") {
  // seeds/003: Docker Hub counts by source IP; 108 pulls through one SNAT
  // gateway exhaust the anonymous 100 and the last 8 get 429.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/snat-dockerhub.journal.txt")));
  CHECK(r.attempts.size() == 108);
  int failed = 0;
  for (const PullAttempt& a : r.attempts) failed += a.outcome == Outcome::failed;
  CHECK(failed == 8);
  REQUIRE(r.rate_limits.size() == 1);
  const RateLimitAccount& a = r.rate_limits[0];
  CHECK(a.source == "58.185.1.1");
  CHECK(a.nodes.size() == 36);
  CHECK(a.responses == 108);
  CHECK(a.too_many == 8);
  CHECK(a.limit == 100);
  CHECK(a.window_s == 21600);
  CHECK(a.min_remaining == 0);
  // Each pull resolved its tag with a HEAD (free) and fetched it with a GET (counted).
  CHECK(a.manifest_gets == 108);
  CHECK(a.manifest_heads == 108);
  // Hub counted a pull each time remaining fell: 99 -> 0 in view; the 8
  // answered 429 were refused and charged nothing.
  CHECK(a.charged == 99);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].class_id == "rate_limited");
  REQUIRE(!r.findings[0].notes.empty());
  CHECK(r.findings[0].notes[0].find("shared by 36 nodes") != std::string::npos);
  CHECK(r.findings[0].notes[0].find("counted 99 pulls against 58.185.1.1") != std::string::npos);
}

TEST_CASE("a rate limit that goes away is reported as recovered", "[correlate][recovery]") {
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/recovered-rate-limit.journal.txt")));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].recovered);
  CHECK(r.findings[0].recovered_after_ns / 1000000000 == 465);  // 09:00:00.1 -> 09:07:45.4
}

TEST_CASE("manifest GETs and HEADs counted from real containerd debug lines", "[correlate][ratelimit]") {
  // realpull: containerd 1.6 against a registry answering 429 with Hub's
  // headers: one HEAD to resolve the tag, then a GET per retry.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/realpull/toomanyrequests-429.short.txt")));
  REQUIRE(r.rate_limits.size() == 1);
  CHECK(r.rate_limits[0].manifest_gets == 12);
  CHECK(r.rate_limits[0].manifest_heads == 1);
  // Without debug `do request` lines nothing is claimed.
  RunResult quiet = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/recovered-rate-limit.journal.txt")));
  for (const RateLimitAccount& q : quiet.rate_limits) CHECK(q.manifest_gets == -1);
}

namespace {

// The JSON report of one run over `paths` (relative to the source tree), parsed.
struct JsonRun {
  explicit JsonRun(const std::vector<std::string>& paths)
      : out(pullscan::test::run_tool(pullscan::test::scan_options(paths, "json")).out) {
    ok = parser.parse(out).get(doc) == simdjson::SUCCESS;
  }
  std::string out;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  bool ok = false;
};

// Attempts per image, and the summary, of one run over some of the three
// views (per image: containerd's lines never name the pod).
struct ViewCounts {
  int64_t attempts = 0, failed = 0, succeeded = 0, backoff = 0;
  std::map<std::string, int64_t> per_image;
};

ViewCounts count_views(const std::vector<std::string>& paths) {
  JsonRun run(paths);
  REQUIRE(run.ok);
  const simdjson::dom::element& doc = run.doc;
  ViewCounts c;
  c.attempts = int64_t(doc["summary"]["attempts"]);
  c.failed = int64_t(doc["summary"]["failed"]);
  c.succeeded = int64_t(doc["summary"]["succeeded"]);
  c.backoff = int64_t(doc["summary"]["backoff"]);
  for (simdjson::dom::element a : simdjson::dom::array(doc["attempts"]))
    c.per_image[std::string(std::string_view(a["image"]))]++;
  return c;
}

}  // namespace

TEST_CASE("the same pulls seen from journal, events and pod status are counted once", "[correlate][views]") {
  // samples/stories/three-views.*: the hand count is in generate.py. 4 pulls
  // of shop/web, 1 of shop/api, 12 of batch/worker-5 of which the journal
  // holds the last 3. Every subset of the views gives what it can see, and
  // views together never more than the pulls that happened.
  const std::string j = "samples/stories/three-views.journal.txt";
  const std::string ev = "samples/stories/three-views.events.json";
  const std::string pods = "samples/stories/three-views.pods.json";
  struct Truth {
    std::vector<std::string> paths;
    int64_t attempts, failed, succeeded, backoff, web, api, worker;
  };
  const std::vector<Truth> truths = {
      {{j}, 8, 7, 1, 0, 4, 1, 3},
      {{ev}, 17, 16, 1, 0, 4, 1, 12},
      {{pods}, 2, 1, 0, 1, 1, 0, 1},  // web is in back-off, worker-5 shows ErrImagePull; api runs
      {{j, ev}, 17, 16, 1, 0, 4, 1, 12},
      {{ev, j}, 17, 16, 1, 0, 4, 1, 12},
      {{j, pods}, 8, 7, 1, 0, 4, 1, 3},
      {{ev, pods}, 17, 16, 1, 0, 4, 1, 12},
      {{j, ev, pods}, 17, 16, 1, 0, 4, 1, 12},
      {{pods, ev, j}, 17, 16, 1, 0, 4, 1, 12},
  };
  for (const Truth& t : truths) {
    std::string name;
    for (const std::string& p : t.paths) name += p.substr(p.rfind('/') + 1) + " ";
    SECTION(name) {
      ViewCounts c = count_views(t.paths);
      CHECK(c.attempts == t.attempts);
      CHECK(c.failed == t.failed);
      CHECK(c.succeeded == t.succeeded);
      CHECK(c.backoff == t.backoff);
      CHECK(c.per_image["docker.io/library/nginx:1.27-bad"] == t.web);
      CHECK(c.per_image["ghcr.io/acme/api:2.3"] == t.api);
      CHECK(c.per_image["registry.acme.example/batch/worker:5.0"] == t.worker);
    }
  }
}

TEST_CASE("pulls only an event's count saw lie in its span, not on its last second", "[correlate][views]") {
  // worker-5's events count 12 failures from 11:10:00 to 12:05:40; the
  // journal has the last 3. The other 9 happened before the journal began.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/three-views.events.json")) +
                             pullscan::test::read_file(pullscan::test::source_path("samples/stories/three-views.journal.txt")));
  std::vector<int64_t> starts;
  for (const PullAttempt& a : r.attempts)
    if (a.pod == "worker-5") starts.push_back(a.first_ns);
  REQUIRE(starts.size() == 12);
  std::sort(starts.begin(), starts.end());
  const int64_t s = 1000000000;
  const int64_t t1110 = 1741173000 * s;  // 2025-03-05T11:10:00Z
  CHECK(starts.front() == t1110);
  CHECK(starts[8] < t1110 + 50 * 60 * s);           // before the journal's first, 12:00:10
  CHECK(starts[9] == t1110 + (50 * 60 + 10) * s + s / 10);  // containerd's 12:00:10.1
  for (size_t i = 1; i < 9; ++i) CHECK(starts[i] - starts[i - 1] > 5 * 60 * s);  // no burst at one instant
  for (const Finding& f : r.findings)
    if (f.pods == std::vector<std::string>{"batch/worker-5"}) CHECK(f.peak_per_minute <= 1.0);
}

TEST_CASE("back-off notices seen by several views are not added up", "[correlate][views]") {
  // kubelet's sync line, the BackOff event and `Error: ImagePullBackOff` each
  // report the same 5 back-offs of shop/web.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/three-views.events.json")) +
                             pullscan::test::read_file(pullscan::test::source_path("samples/stories/three-views.journal.txt")));
  int64_t backoffs = 0;
  for (const PullAttempt& a : r.attempts)
    if (a.pod == "web-7d9f-x2k4p") backoffs += a.backoffs;
  CHECK(backoffs <= 5 + 3);  // the event's 5 on the last pull, kubelet's on the first three
  CHECK(backoffs >= 5);
}

TEST_CASE("a hosts.toml containerd refused is named in the findings of its node", "[correlate][mirrors]") {
  // realpull hosts-toml-server-only: containerd 1.6 rejects a hosts.toml with
  // only `server =`, pulls from registry-1.docker.io, which this sandbox
  // cannot resolve. The DNS failure is the symptom; the refused file the cause.
  RunResult r =
      analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/realpull/hosts-toml-server-only.short.txt")));
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].class_id == "dns_failure");
  std::string notes = join(r.findings[0].notes, "\n");
  CHECK(notes.find("containerd on vm refused a hosts.toml (failed to decode hosts.toml: invalid `host` tree)") !=
        std::string::npos);
  CHECK(notes.find("has only `server =`") != std::string::npos);
  // Another node's failures are not blamed on it.
  std::string other = pullscan::test::read_file(pullscan::test::source_path("samples/stories/one-node-dns.journal.txt"));
  RunResult both = analyse_text(
      pullscan::test::read_file(pullscan::test::source_path("samples/realpull/hosts-toml-server-only.short.txt")) + other);
  for (const Finding& f : both.findings)
    if (f.nodes == std::vector<std::string>{"node-2"}) CHECK(f.notes.empty());
}

TEST_CASE("kubectl describe and get-events tables join the journal of the same pulls", "[correlate][views]") {
  // samples/stories/tables.*: shop/web-0 on node-1 pulled nginx:1.27-bad 4
  // times, all 404, then backed off 6 times; the tables were printed after.
  // Table rows carry no time; describe rows name no pod or node (the header
  // above them does), `get events -n shop` rows no namespace.
  const std::string dir = "samples/stories/tables.";
  struct Truth {
    std::vector<std::string> files;
    int64_t attempts, failed;
  };
  const std::vector<Truth> truths = {
      {{"describe.txt"}, 4, 4},
      {{"describe-events-only.txt"}, 4, 4},  // no header: the image-less `Error: ImagePullBackOff` row is no pull
      {{"get-events-wide.txt"}, 4, 4},        // COUNT 4
      {{"get-events.txt"}, 1, 1},             // the default table has no count: one failure in view
      {{"journal.txt"}, 4, 4},
      {{"journal.txt", "describe.txt"}, 4, 4},
      {{"describe.txt", "journal.txt"}, 4, 4},
      {{"describe-events-only.txt", "journal.txt"}, 4, 4},
      {{"journal.txt", "get-events.txt"}, 4, 4},
      {{"get-events-wide.txt", "journal.txt"}, 4, 4},
  };
  for (const Truth& t : truths) {
    std::vector<std::string> paths;
    std::string name;
    for (const std::string& f : t.files) {
      paths.push_back(dir + f);
      name += f + " ";
    }
    SECTION(name) {
      ViewCounts c = count_views(paths);
      CHECK(c.attempts == t.attempts);
      CHECK(c.failed == t.failed);
      CHECK(c.backoff == 0);
    }
  }
}

TEST_CASE("kubelet's own log of its events and the events list are one view each", "[correlate][views]") {
  // samples/stories/kubelet-v3.*: 3 failed pulls, logged by kubelet at -v=3
  // ("Event occurred") and held by the events list as Event objects.
  CHECK(count_views({"samples/stories/kubelet-v3.journal.txt"}).attempts == 3);
  CHECK(count_views({"samples/stories/kubelet-v3.events.json"}).attempts == 3);
  ViewCounts both = count_views({"samples/stories/kubelet-v3.journal.txt", "samples/stories/kubelet-v3.events.json"});
  CHECK(both.attempts == 3);
  CHECK(both.failed == 3);
  CHECK(count_views({"samples/stories/kubelet-v3.events.json", "samples/stories/kubelet-v3.journal.txt"}).attempts == 3);
}

TEST_CASE("InvalidImageName and ErrImageNeverPull: one failure per sync, one finding per class", "[correlate]") {
  // samples/k8s/no-pull-errors.events.json: per sync kubelet records the
  // reason event (naming the image) and `Error: <state>`; 5 syncs each.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/k8s/no-pull-errors.events.json")));
  std::map<std::string, int64_t> per_class;
  for (const PullAttempt& a : r.attempts) per_class[a.class_id]++;
  CHECK(per_class["invalid_reference"] == 5);
  CHECK(per_class["never_pull"] == 5);
  CHECK(r.attempts.size() == 10);
  REQUIRE(r.findings.size() == 2);
  for (const Finding& f : r.findings) CHECK(f.images.size() == 1);
}

TEST_CASE("a sandbox image that cannot be pulled: kubelet's four lines are one attempt", "[correlate][views]") {
  // samples/stories/sandbox.*: 3 RunPodSandbox attempts of shop/web-1, each
  // failing to pull registry.k8s.io/pause:3.9; the events list also holds
  // db/db-0's 3 failed init-container pulls.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/sandbox.journal.txt")));
  REQUIRE(r.attempts.size() == 3);
  for (const PullAttempt& a : r.attempts) {
    CHECK(a.image == "registry.k8s.io/pause:3.9");
    CHECK(a.container == "(sandbox)");
    CHECK(a.pod == "web-1");
    CHECK(a.class_id == "dns_failure");
    CHECK((a.sources & source_bit(Source::kubelet)));
    CHECK((a.sources & source_bit(Source::containerd)));
  }
  ViewCounts both = count_views({"samples/stories/sandbox.journal.txt", "samples/stories/sandbox.events.json"});
  CHECK(both.attempts == 6);
  CHECK(both.per_image["registry.k8s.io/pause:3.9"] == 3);
}

TEST_CASE("one pod in back-off seen four ways is one back-off attempt with its cause", "[correlate][views]") {
  // samples/stories/backoff-132.*: kubelet 1.32's back-off lines carry the
  // cause; the events list, a `get pods` table and the pod status do not.
  // The journal has no year: next to the events list it takes theirs.
  const std::string d = "samples/stories/backoff-132.";
  for (std::vector<std::string> paths :
       {std::vector<std::string>{d + "journal.txt", d + "events.json"}, {d + "events.json", d + "journal.txt", d + "pods.json"},
        {d + "get-pods.txt", d + "pods.json"}, {d + "journal.txt", d + "get-pods.txt", d + "events.json", d + "pods.json"}}) {
    JsonRun run(paths);
    REQUIRE(run.ok);
    const simdjson::dom::element& doc = run.doc;
    INFO(paths.size() << " views, first " << paths[0]);
    CHECK(int64_t(doc["summary"]["attempts"]) == 1);
    CHECK(int64_t(doc["summary"]["backoff"]) == 1);
    simdjson::dom::element a = doc["attempts"].at(0);
    CHECK(std::string_view(a["class"]) == "not_found");
    if (!a["first_seen"].is_null()) CHECK(std::string_view(a["first_seen"]).substr(0, 4) == "2025");
  }
}

TEST_CASE("serialized pulls: the runtime starts a pull kubelet queued long before", "[correlate][views]") {
  // samples/stories/serialized*: kubelet records Pulling for both pods at
  // 12:00:00; containerd pulls one image for 30 s, then the queued one.
  for (std::string story : {"serialized", "serialized-queue"}) {
    INFO(story);
    const std::string j = "samples/stories/" + story + ".journal.txt", ev = "samples/stories/" + story + ".events.json";
    for (std::vector<std::string> paths : {std::vector<std::string>{j, ev}, {ev, j}}) {
      ViewCounts c = count_views(paths);
      CHECK(c.attempts == 2);
      CHECK(c.succeeded == 2);
    }
  }
  // The same image for two pods: the 30 s pull is big-a's, the quick one big-b's.
  JsonRun run({"samples/stories/serialized.journal.txt", "samples/stories/serialized.events.json"});
  REQUIRE(run.ok);
  const simdjson::dom::element& doc = run.doc;
  for (simdjson::dom::element a : simdjson::dom::array(doc["attempts"])) {
    std::string_view pod = a["pod"];
    std::string_view last = a["last_seen"];
    CHECK(((pod == "big-a" && last == "2025-06-10T12:00:30.000Z") || (pod == "big-b" && last == "2025-06-10T12:00:30.500Z")));
  }
}

TEST_CASE("one Event object read from several captures counts once", "[correlate][views]") {
  // samples/k8s/snapshot-*: the same Event objects (same metadata.uid) in two
  // list snapshots (count 3 at 12:01:10, count 4 at 12:02) and a watch.
  const std::string a = "samples/k8s/snapshot-1201.events.json", b = "samples/k8s/snapshot-1202.events.json",
                    w = "samples/k8s/snapshot-watch.events.json";
  CHECK(count_views({a}).attempts == 3);
  for (std::vector<std::string> paths : {std::vector<std::string>{b}, {a, b}, {b, a}, {w, b}, {b, w}, {a, w, b}})
    CHECK(count_views(paths).attempts == 4);
}

TEST_CASE("an event's span wider than the journal on both sides keeps both ends", "[correlate][views]") {
  // samples/stories/span-window.*: Failed x10 from 11:40:00 to 12:06:00; the
  // journal (11:55-12:03) has the pulls of 11:56 and 12:01.
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/span-window.events.json")) +
                             pullscan::test::read_file(pullscan::test::source_path("samples/stories/span-window.journal.txt")));
  REQUIRE(r.attempts.size() == 10);
  REQUIRE(r.findings.size() == 1);
  CHECK(format_iso_ms(r.findings[0].first_ns) == "2025-06-10T11:40:00.000Z");
  CHECK(format_iso_ms(r.findings[0].last_ns) == "2025-06-10T12:06:00.000Z");
  int after_journal = 0;
  for (const PullAttempt& a : r.attempts) after_journal += a.first_ns > r.attempts[0].first_ns && format_iso_ms(a.first_ns) > "2025-06-10T12:02";
  CHECK(after_journal >= 1);
}

TEST_CASE("a short hostname in the journal is the node the events name by its FQDN", "[correlate][views]") {
  // samples/stories/fqdn.*: 3 failed pulls on ip-10-0-1-23.eu-west-1.compute.internal.
  CHECK(count_views({"samples/stories/fqdn.journal.txt", "samples/stories/fqdn.events.json"}).attempts == 3);
  JsonRun run({"samples/stories/fqdn.journal.txt", "samples/stories/fqdn.events.json"});
  REQUIRE(run.ok);
  const simdjson::dom::element& doc = run.doc;
  REQUIRE(simdjson::dom::array(doc["findings"]).size() == 1);
  simdjson::dom::array nodes = doc["findings"].at(0)["nodes"];
  REQUIRE(nodes.size() == 1);
  CHECK(std::string_view(nodes.at(0)) == "ip-10-0-1-23.eu-west-1.compute.internal");
}

TEST_CASE("two pods pulling one image at the same moments keep their own pulls", "[correlate][views]") {
  // samples/stories/two-pods.*: web-a pulls at 12:00:00.100, 12:00:12.200,
  // 12:00:40.300; web-b at 12:00:00.150, 12:00:12.900, 12:00:41.000.
  JsonRun run({"samples/stories/two-pods.journal.txt", "samples/stories/two-pods.events.json"});
  REQUIRE(run.ok);
  const simdjson::dom::element& doc = run.doc;
  std::map<std::string, std::string> pod_of;
  for (simdjson::dom::element a : simdjson::dom::array(doc["attempts"]))
    pod_of[std::string(std::string_view(a["first_seen"]))] = std::string(std::string_view(a["pod"]));
  CHECK(pod_of.size() == 6);
  CHECK(pod_of["2025-06-10T12:00:00.100Z"] == "web-a");
  CHECK(pod_of["2025-06-10T12:00:00.150Z"] == "web-b");
  CHECK(pod_of["2025-06-10T12:00:12.200Z"] == "web-a");
  CHECK(pod_of["2025-06-10T12:00:12.900Z"] == "web-b");
  CHECK(pod_of["2025-06-10T12:00:40.300Z"] == "web-a");
  CHECK(pod_of["2025-06-10T12:00:41.000Z"] == "web-b");
}

TEST_CASE("journals of two nodes in two zones concatenated into one file", "[correlate][time]") {
  // samples/stories/two-zones.journal.txt: node-b's journald prefix and klog
  // are in UTC+2, node-a's in UTC; containerd's own timestamps are UTC.
  JsonRun run({"samples/stories/two-zones.journal.txt"});
  REQUIRE(run.ok);
  const simdjson::dom::element& doc = run.doc;
  CHECK(int64_t(doc["summary"]["attempts"]) == 7);
  CHECK(std::string_view(doc["inputs"].at(0)["time_note"]).find("node-b's UTC+02:00 from its own") != std::string_view::npos);
}

TEST_CASE("a pull pinned as tag@digest and a CRI-O pull named by digest are one pull each", "[correlate][views]") {
  // samples/stories/tag-digest.*: containerd names `controller:v1.11.2@sha256:...`
  // without its tag after PullImage. samples/stories/crio-recovery.*: kubelet's
  // Pulled event ends the pull before CRI-O's `Pulled image: repo@sha256:...`.
  for (const std::string story : {"tag-digest", "crio-recovery"}) {
    INFO(story);
    const std::string j = "samples/stories/" + story + ".journal.txt", ev = "samples/stories/" + story + ".events.json";
    for (std::vector<std::string> paths : {std::vector<std::string>{j}, {j, ev}}) {
      JsonRun run(paths);
      REQUIRE(run.ok);
      CHECK(int64_t(run.doc["summary"]["attempts"]) == 4);
      CHECK(int64_t(run.doc["summary"]["failed"]) == 3);
      REQUIRE(simdjson::dom::array(run.doc["findings"]).size() == 1);
      CHECK(simdjson::dom::array(run.doc["findings"].at(0)["images"]).size() == 1);
      CHECK(bool(run.doc["findings"].at(0)["recovered"]));
    }
  }
}

TEST_CASE("a 22-minute pull and a 21-minute wait in kubelet's queue are one pull each", "[correlate][views]") {
  // samples/stories/long-pull.journal.txt: containerd logs nothing while an
  // 18 GB image downloads. Whether attempts leave memory or not, it is one
  // successful pull with its time.
  for (int hold : {0, 20}) {
    Options o = pullscan::test::scan_options({"samples/stories/long-pull.journal.txt"}, "json");
    o.hold_events = static_cast<size_t>(hold);
    auto res = pullscan::test::run_tool(o);
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(res.out).get(doc) == simdjson::SUCCESS);
    INFO("hold " << hold);
    CHECK(int64_t(doc["summary"]["attempts"]) == 129);
    CHECK(int64_t(doc["summary"]["unknown"]) == 0);
    CHECK(int64_t(doc["pull_times"]["slowest"].at(0)["duration_ms"]) == 1320500);  // `in 22m0.5s`
  }
  for (std::vector<std::string> paths : {std::vector<std::string>{"samples/stories/long-queue.events.json"},
                                         {"samples/stories/long-queue.journal.txt", "samples/stories/long-queue.events.json"}})
    CHECK(count_views(paths).attempts == 2);
}

TEST_CASE("a recovery stands while another replica waits out its back-off", "[correlate][recovery]") {
  // samples/stories/recovery-replicas.*: web-1's pull works at 12:00:45;
  // web-0 still logs back-offs at 12:00:46 and 12:00:50.
  JsonRun run({"samples/stories/recovery-replicas.journal.txt", "samples/stories/recovery-replicas.events.json"});
  REQUIRE(run.ok);
  bool seen = false;
  for (simdjson::dom::element f : simdjson::dom::array(run.doc["findings"]))
    if (std::string_view(f["class"]) == "not_found") {
      seen = true;
      CHECK(bool(f["recovered"]));
    } else {
      CHECK_FALSE(bool(f["recovered"]));  // node-b's untrusted CA never pulled
    }
  CHECK(seen);
}

TEST_CASE("CRI-O pulling two tags of one repository at once", "[correlate]") {
  // samples/stories/crio-two-tags.journal.txt: `Pulled image: repo@sha256:...`
  // names no tag; it ends the oldest open pull of the repository (2.0).
  RunResult r = analyse_text(pullscan::test::read_file(pullscan::test::source_path("samples/stories/crio-two-tags.journal.txt")));
  REQUIRE(r.attempts.size() == 2);
  for (const PullAttempt& a : r.attempts) {
    if (a.image == "quay.io/acme/api:2.0") CHECK(a.outcome == Outcome::succeeded);
    if (a.image == "quay.io/acme/api:2.1") CHECK(a.outcome == Outcome::failed);
  }
}
