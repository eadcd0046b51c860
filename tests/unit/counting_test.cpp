// How many pulls a real input holds (the real-world accuracy issue): the
// same journal in every journalctl mode gives the same attempts; a line a
// program writes about something else (a GC warning, a pull-secret warning,
// a follow-on check) is no pull; the several layers that report one failure
// (crictl's klog and logrus lines, per-host tries) are one attempt; and a
// mixed log's lines meet on the year their own timestamps give. Each case
// is a real input (its source in a comment) unless it says constructed.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "../helpers.h"

using namespace pullscan;
namespace fs = std::filesystem;

namespace {

// One attempt as the JSON report gives it, without the evidence lines (which
// differ between modes by construction).
struct Seen {
  std::string image, outcome, cls, first, last, error;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << s.image << " " << s.outcome << " " << s.cls << " " << s.first << ".." << s.last << " "
            << s.error << "}";
}

std::vector<Seen> attempts_of(const Options& o) {
  test::RunOutput run = test::run_tool(o);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(run.out).get(doc) == simdjson::SUCCESS);
  std::vector<Seen> out;
  for (simdjson::dom::element a : simdjson::dom::array(doc["attempts"])) {
    auto text = [&](const char* key) {
      std::string_view v;
      return a[key].get(v) == simdjson::SUCCESS ? std::string(v) : std::string("null");
    };
    out.push_back({text("image"), text("outcome"), text("class"), text("first_seen"), text("last_seen"), text("error")});
  }
  return out;
}

std::vector<Seen> attempts_of(const std::string& rel) { return attempts_of(test::scan_options({rel}, "json")); }

}  // namespace

TEST_CASE("every journalctl mode gives the same attempts", "[counting][modes]") {
  // samples/journal/generate.py renders entries 56-100 of the real disk-full
  // journal (../shared/realpull/disk-full/journal/json.txt) in each mode.
  // After the failed pull containerd logs
  //   level=warning msg="snapshot garbage collection failed" error="write
  //   /tmp/realpull.oeYWk0/d/29-cri/root/io.containerd.snapshotter.v1.overlayfs/metadata.db:
  //   no space left on device" snapshotter=overlayfs
  // which -o short's prefilter never passes to the decoders but the record
  // modes do: it was a second failed pull with no image (the path's
  // "realpull" read as "pull").
  const std::vector<Seen> shortmode = attempts_of("samples/realpull/disk-full.short.txt");
  REQUIRE(shortmode.size() == 1);
  CHECK(shortmode[0].cls == "disk_full");
  CHECK(shortmode[0].image == "127.0.0.1:41500/realpull/big:1.0");
  for (const char* mode : {"export.txt", "verbose.txt", "json-pretty.json", "json.txt"}) {
    INFO(mode);
    CHECK(attempts_of(std::string("samples/journal/realpull-disk-full.") + mode) == shortmode);
  }
}

TEST_CASE("a program's own line is a pull failure only when it is about a pull", "[counting]") {
  // Error-level containerd lines about GC, snapshots and tasks, whose paths
  // or ids happen to hold "pull" or "registry" (constructed from the shapes
  // of containerd 1.6/1.7). Every line is read (explain), as in the record modes.
  RunResult r = test::analyse_text(
      "time=\"2026-11-22T11:23:39.339415286Z\" level=warning msg=\"snapshot garbage collection failed\" "
      "error=\"write /tmp/realpull.oeYWk0/d/29-cri/root/io.containerd.snapshotter.v1.overlayfs/metadata.db: no space "
      "left on device\" snapshotter=overlayfs\n"
      "time=\"2026-11-22T11:23:40.1Z\" level=error msg=\"failed to delete task\" error=\"rpc error: code = Unknown "
      "desc = write /var/lib/registry/io.containerd.runtime.v2.task/k8s.io/abc/log.json: no space left on device\"\n");
  CHECK(r.attempts.empty());
}

namespace {

// A scratch file for inputs built in the test (a path, so that the real
// prefilter and format detection run as for a user's file).
struct ScratchFile {
  explicit ScratchFile(const std::string& name, const std::string& text)
      : path((fs::temp_directory_path() / ("pullscan-counting-" + name)).string()) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~ScratchFile() { fs::remove(path); }
  std::string path;
};

// The real disk-full journal (-o short) with `extra` inserted after line `after`.
std::string disk_full_with(size_t after, const std::string& extra) {
  std::string journal = test::read_file(test::source_path("samples/realpull/disk-full.short.txt"));
  size_t pos = 0;
  for (size_t n = 0; n < after; ++n) pos = journal.find('\n', pos) + 1;
  return journal.substr(0, pos) + extra + journal.substr(pos);
}

}  // namespace

TEST_CASE("containerd's info-level apply failure is the pull in progress failing", "[counting]") {
  // The unpacker's line, from rancher/k3os#55 (k3s containerd.log; its own
  // time and paths), put under the disk-full journal's envelope after the
  // real `PullImage "127.0.0.1:41500/realpull/big:1.0"` (line 62).
  const std::string apply_failure =
      "Nov 22 11:23:39 vm containerd[15272]: time=\"2026-11-22T11:23:39.300800670Z\" level=info msg=\"apply "
      "failure, attempting cleanup\" error=\"failed to extract layer "
      "sha256:5dacd731af1b0386ead06c8b1feff9f65d9e0bdfec032d2cd0bc03690698feda: mount callback failed on "
      "/var/lib/rancher/k3s/agent/containerd/tmpmounts/containerd-mount252943319: write "
      "/var/lib/rancher/k3s/agent/containerd/tmpmounts/containerd-mount252943319/lib/x86_64-linux-gnu/libc-2.24.so: "
      "no space left on device: unknown\" key=\"extract-247511086-BP4B "
      "sha256:5dacd731af1b0386ead06c8b1feff9f65d9e0bdfec032d2cd0bc03690698feda\"\n";
  SECTION("followed by PullImage ... failed: one attempt") {
    ScratchFile f("apply-then-failed.txt", disk_full_with(62, apply_failure));
    std::vector<Seen> seen = attempts_of(f.path);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].image == "127.0.0.1:41500/realpull/big:1.0");
    CHECK(seen[0].cls == "disk_full");
  }
  SECTION("the journal cut after it: still the failed pull") {
    std::string journal = disk_full_with(62, apply_failure);
    size_t cut = 0;
    for (int n = 0; n < 63; ++n) cut = journal.find('\n', cut) + 1;
    ScratchFile f("apply-then-cut.txt", journal.substr(0, cut));
    std::vector<Seen> seen = attempts_of(f.path);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].image == "127.0.0.1:41500/realpull/big:1.0");
    CHECK(seen[0].outcome == "failed");
    CHECK(seen[0].cls == "disk_full");
  }
  SECTION("pasted alone, as in the issue: one failed pull") {
    RunResult r = test::analyse_text(apply_failure.substr(apply_failure.find("time=")));
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].class_id == "disk_full");
  }
}

TEST_CASE("a mixed bare log takes its year from containerd's own timestamps, not the file's time", "[counting][time]") {
  // Constructed: a node's containerd and kubelet logs concatenated without a
  // journal prefix (containerd 1.7 and kubelet 1.28 shapes), more than a
  // paste's 40 lines, in a file last written two years later. containerd's
  // `time=` carries the year; klog's header does not.
  std::string text =
      "time=\"2025-03-04T10:00:01.100000000Z\" level=info msg=\"PullImage \\\"docker.io/library/nginx:1.99\\\"\"\n"
      "time=\"2025-03-04T10:00:02.200000000Z\" level=error msg=\"PullImage \\\"docker.io/library/nginx:1.99\\\" "
      "failed\" error=\"rpc error: code = NotFound desc = failed to pull and unpack image "
      "\\\"docker.io/library/nginx:1.99\\\": failed to resolve reference \\\"docker.io/library/nginx:1.99\\\": "
      "docker.io/library/nginx:1.99: not found\"\n"
      "E0304 10:00:02.210000    1234 remote_image.go:180] \"PullImage from image service failed\" err=\"rpc error: "
      "code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:1.99\\\": failed to resolve "
      "reference \\\"docker.io/library/nginx:1.99\\\": docker.io/library/nginx:1.99: not found\" "
      "image=\"docker.io/library/nginx:1.99\"\n";
  for (int i = 0; i < 45; ++i)
    text += "I0304 10:00:03.000000    1234 kubelet.go:2457] \"SyncLoop (PLEG): event for pod\" pod=\"shop/web-1\"\n";
  ScratchFile f("mixed-bare.log", text);
  fs::last_write_time(f.path, fs::file_time_type::clock::now() - std::chrono::hours(24 * 365 * 3));
  std::vector<Seen> seen = attempts_of(f.path);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].first == "2025-03-04T10:00:01.100Z");
  CHECK(seen[0].last == "2025-03-04T10:00:02.210Z");
}

TEST_CASE("per-host tries with no final line are one attempt per pull", "[counting][hosts]") {
  // containerd's own lines for one pull through three mirrors, from
  // containerd/containerd#5351 (mikebrow), where the excerpt ends after the
  // tries: no `PullImage ... failed` follows.
  const std::string start = "INFO[2021-04-14T08:16:27.739730770-05:00] PullImage \"gcr.io/hello-world\"               \n";
  const std::string tries =
      "ERRO[2021-04-14T08:16:30.751322381-05:00] trying next host                              error=\"failed to "
      "do request: Head \\\"http://172.18.0.7:5000/v2/hello-world/manifests/latest?ns=gcr.io\\\": dial tcp "
      "172.18.0.7:5000: connect: no route to host\" host=\"172.18.0.7:5000\"\n"
      "ERRO[2021-04-14T08:16:33.751089124-05:00] trying next host                              error=\"failed to "
      "do request: Head \\\"https://172.18.0.30:5010/v2/hello-world/manifests/latest?ns=gcr.io\\\": dial tcp "
      "172.18.0.30:5010: connect: no route to host\" host=\"172.18.0.30:5010\"\n";
  SECTION("the pull's start in view: its one unfinished attempt holds the tries") {
    RunResult r = test::analyse_text(start + tries);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].image == "gcr.io/hello-world:latest");
    CHECK(r.attempts[0].tries.size() == 2);
  }
  SECTION("only the tries (ctr's output, a cut journal): one failed attempt, the last host's cause") {
    RunResult r = test::analyse_text(tries);
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].outcome == Outcome::failed);
    CHECK(r.attempts[0].error.find("172.18.0.30:5010") != std::string::npos);
  }
  SECTION("tries then the final line (constructed in containerd 1.4's wording): still one") {
    RunResult r = test::analyse_text(
        tries + "ERRO[2021-04-14T08:16:36.751018733-05:00] PullImage \"gcr.io/hello-world\" failed                 "
                "error=\"failed to pull and unpack image \\\"gcr.io/hello-world:latest\\\": failed to resolve reference "
                "\\\"gcr.io/hello-world:latest\\\": failed to do request: Head "
                "\\\"https://gcr.io/v2/hello-world/manifests/latest\\\": dial tcp 142.250.0.82:443: connect: no route "
                "to host\"\n");
    CHECK(r.attempts.size() == 1);
  }
}

TEST_CASE("kubelet's per-credential error list is one attempt per element", "[counting]") {
  // kubelet tries each pull secret and reports the failures together in one
  // bracketed list (utilerrors aggregate): each element is one CRI call.
  const std::string one =
      "rpc error: code = Unknown desc = failed to pull and unpack image \"registry.example.com/team/app:1.0\": failed "
      "to resolve reference \"registry.example.com/team/app:1.0\": unexpected status from HEAD request to "
      "https://registry.example.com/v2/team/app/manifests/1.0: 401 Unauthorized";
  RunResult two = test::analyse_text("Failed to pull image \"registry.example.com/team/app:1.0\": [" + one + ", " + one + "]\n");
  CHECK(two.tally.failed == 2);
  RunResult single = test::analyse_text("Failed to pull image \"registry.example.com/team/app:1.0\": " + one + "\n");
  CHECK(single.tally.failed == 1);
}

TEST_CASE("the daemon's answer to the next command is not another pull", "[counting]") {
  const std::string pull =
      "$ docker pull acme/widget:2.0\n"
      "Error response from daemon: manifest for acme/widget:2.0 not found: manifest unknown: manifest unknown\n";
  SECTION("`docker tag` of the image that did not pull: one attempt, not_found") {
    RunResult r = test::analyse_text(pull + "$ docker tag acme/widget:2.0 registry.local/widget:2.0\n"
                                            "Error response from daemon: No such image: acme/widget:2.0\n");
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].class_id == "not_found");
  }
  SECTION("the pull's own error before it on one line still counts") {
    RunResult r = test::analyse_text("unexpected EOF Error response from daemon: No such image: acme/widget:2.0\n");
    REQUIRE(r.attempts.size() == 1);
    CHECK(r.attempts[0].class_id == "connection_reset");
  }
}

TEST_CASE("a describe paste's `Error: InvalidImageName` rows fold into the failures they repeat", "[counting]") {
  const std::string rows =
      "Events:\n"
      "  Type     Reason         Age                From     Message\n"
      "  ----     ------         ----               ----     -------\n"
      "  Warning  InspectFailed  10s (x3 over 2m)   kubelet  Failed to apply default image tag \"acme/Web:1.0\": "
      "couldn't parse image reference \"acme/Web:1.0\": invalid reference format: repository name must be lowercase\n"
      "  Warning  Failed         10s (x3 over 2m)   kubelet  Error: InvalidImageName\n";
  RunResult r = test::analyse_text(rows);
  CHECK(r.tally.failed == 3);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].class_id == "invalid_reference");
  RunResult never = test::analyse_text(
      "  Warning  ErrImageNeverPull  5s (x4 over 40s)  kubelet  Container image \"acme/tool:3\" is not present with "
      "pull policy of Never\n"
      "  Warning  Failed             5s (x4 over 40s)  kubelet  Error: ErrImageNeverPull\n");
  CHECK(never.tally.failed == 4);
}
