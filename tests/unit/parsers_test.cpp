// parsers: line → event tables for every envelope and payload of the
// pipeline issue. Each case is one (or a few) real or source-shaped lines and
// the fields the event must carry. Sources: ../shared/seeds (000: the
// registry.k8s.io lines; 003: the Docker Hub 429 event), formats.md §1-§4.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/diag.h"
#include "core/timeutil.h"
#include "parsers/decode.h"
#include "parsers/parser.h"
#include "../helpers.h"

using namespace pullscan;

namespace {

std::vector<Event> parse(const std::string& text, std::string* format = nullptr) {
  std::ostringstream err;
  Diagnostics diag(err);
  std::vector<Event> out;
  InputInfo info;
  InputClock clock;
  ScanOptions opt;
  scan_text(text, 0, opt, diag, info, out, clock);
  std::vector<InputInfo> infos{info};
  resolve_times(opt, infos, {clock}, out, 2026);
  if (format) *format = info.format;
  return out;
}

}  // namespace

TEST_CASE("containerd CRI lines in a journal (seed 000)", "[parsers][containerd]") {
  std::string fmt_name;
  auto ev = parse(
      "Mar 17 11:33:04 kind-control-plane containerd[224]: time=\"2023-03-17T11:33:04.658642300Z\" level=info msg=\"PullImage \\\"registry.k8s.io/pause:3.10\\\"\"\n"
      "Mar 17 11:33:05 kind-control-plane containerd[224]: time=\"2023-03-17T11:33:05.189169600Z\" level=info msg=\"trying next host - response was http.StatusNotFound\" host=registry.k8s.io\n"
      "Mar 17 11:33:05 kind-control-plane containerd[224]: time=\"2023-03-17T11:33:05.191777300Z\" level=error msg=\"PullImage \\\"registry.k8s.io/pause:3.10\\\" failed\" error=\"rpc error: code = NotFound desc = failed to pull and unpack image \\\"registry.k8s.io/pause:3.10\\\": failed to resolve reference \\\"registry.k8s.io/pause:3.10\\\": registry.k8s.io/pause:3.10: not found\"\n",
      &fmt_name);
  CHECK(fmt_name == "journal-short");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == EventKind::pull_started);
  CHECK(ev[0].source == Source::containerd);
  CHECK(ev[0].node == "kind-control-plane");
  CHECK(ev[0].image == "registry.k8s.io/pause:3.10");
  CHECK(format_iso_ms(ev[0].time_ns) == "2023-03-17T11:33:04.658Z");
  CHECK(ev[1].kind == EventKind::host_failed);
  CHECK(ev[1].host == "registry.k8s.io");
  CHECK(ev[1].message == "404 Not Found");
  CHECK(ev[2].kind == EventKind::pull_failed);
  CHECK(ev[2].message ==
        "rpc error: code = NotFound desc = failed to pull and unpack image \"registry.k8s.io/pause:3.10\": failed to "
        "resolve reference \"registry.k8s.io/pause:3.10\": registry.k8s.io/pause:3.10: not found");
  CHECK(ev[2].where.line == 3);
}

TEST_CASE("kubelet start-failed line gets the year and zone from containerd (seed 000)", "[parsers][kubelet]") {
  auto ev = parse(
      "Mar 17 11:33:04 kind-control-plane containerd[224]: time=\"2023-03-17T11:33:04.658642300Z\" level=info msg=\"PullImage \\\"registry.k8s.io/pause:3.10\\\"\"\n"
      "Mar 17 11:33:05 kind-control-plane kubelet[804]: E0317 11:33:05.192844     804 kuberuntime_manager.go:862] container &Container{Name:my-puase-container,Image:registry.k8s.io/pause:3.10,Command:[],Args:[],WorkingDir:,} start failed in pod my-pause_default(4b642716-1dba-44d4-833b-1eccd6b6ca7a): ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image \"registry.k8s.io/pause:3.10\": not found\n");
  REQUIRE(ev.size() == 2);
  const Event& k = ev[1];
  CHECK(k.kind == EventKind::pull_failed);
  CHECK(k.source == Source::kubelet);
  CHECK(k.container == "my-puase-container");
  CHECK(k.image == "registry.k8s.io/pause:3.10");
  CHECK(k.pod == "my-pause");
  CHECK(k.ns == "default");
  CHECK(k.reason == "ErrImagePull");
  CHECK(format_iso_ms(k.time_ns) == "2023-03-17T11:33:05.192Z");
}

TEST_CASE("kubelet structured lines: PullImage failed and the twice-quoted sync error", "[parsers][kubelet]") {
  auto ev = parse(
      "E0501 12:00:01.234000    1234 remote_image.go:180] \"PullImage from image service failed\" err=\"rpc error: code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:bad\\\": not found\" image=\"nginx:bad\"\n"
      "E0501 12:00:01.234999    1234 pod_workers.go:1301] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"web\\\" with ErrImagePull: \\\"rpc error: code = NotFound desc = failed to pull and unpack image \\\\\\\"docker.io/library/nginx:bad\\\\\\\": not found\\\"\" pod=\"default/web-6d4b\" podUID=\"4f1c2a9e\"\n"
      "E0501 12:00:11.000000    1234 pod_workers.go:1301] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"web\\\" with ImagePullBackOff: \\\"Back-off pulling image \\\\\\\"nginx:bad\\\\\\\"\\\"\" pod=\"default/web-6d4b\" podUID=4f1c2a9e\n");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == EventKind::pull_failed);
  CHECK(ev[0].image == "docker.io/library/nginx:bad");
  CHECK(ev[0].channel == 0);
  CHECK(ev[1].kind == EventKind::pull_failed);
  CHECK(ev[1].channel == 1);
  CHECK(ev[1].message ==
        "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:bad\": not found");
  CHECK(ev[1].pod == "web-6d4b");
  CHECK(ev[1].ns == "default");
  CHECK(ev[1].container == "web");
  CHECK(ev[1].image == "docker.io/library/nginx:bad");
  CHECK(ev[2].kind == EventKind::back_off);
  CHECK(ev[2].image == "docker.io/library/nginx:bad");
}

TEST_CASE("kubelet's log of events (V3) and the 1.20 ObjectReference form", "[parsers][kubelet]") {
  auto ev = parse(
      "I0501 12:00:00.100000    1234 event.go:294] \"Event occurred\" object=\"shop/web-1\" fieldPath=\"spec.containers{web}\" kind=\"Pod\" apiVersion=\"v1\" type=\"Normal\" reason=\"Pulling\" message=\"Pulling image \\\"nginx:1.25\\\"\"\n"
      "I0501 12:00:04.100000    1234 event.go:294] \"Event occurred\" object=\"shop/web-1\" fieldPath=\"spec.containers{web}\" kind=\"Pod\" apiVersion=\"v1\" type=\"Normal\" reason=\"Pulled\" message=\"Successfully pulled image \\\"nginx:1.25\\\" in 4.123s (4.321s including waiting). Image size: 70123456 bytes.\"\n"
      "I0501 12:00:05.000000    1234 event.go:291] Event(v1.ObjectReference{Kind:\"Pod\", Namespace:\"shop\", Name:\"api-2\", UID:\"u\", APIVersion:\"v1\", ResourceVersion:\"1\", FieldPath:\"spec.containers{api}\"}): type: 'Normal' reason: 'BackOff' Back-off pulling image \"api:2\"\n");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].kind == EventKind::pull_started);
  CHECK(ev[0].source == Source::event);
  CHECK(ev[0].pod == "web-1");
  CHECK(ev[0].ns == "shop");
  CHECK(ev[0].container == "web");
  CHECK(ev[1].kind == EventKind::pull_succeeded);
  CHECK(ev[1].duration_ms == 4123);
  CHECK(ev[1].waiting_ms == 4321);
  CHECK(ev[1].bytes == 70123456);
  CHECK(ev[2].kind == EventKind::back_off);
  CHECK(ev[2].image == "docker.io/library/api:2");
  CHECK(ev[2].pod == "api-2");
  CHECK(ev[2].container == "api");
}

TEST_CASE("a klog multi-line value spread over journal entries is joined", "[parsers][kubelet]") {
  // formats.md §1.5.6 / KLOG-ML: each block line is its own journal entry; a
  // containerd entry may sit between them.
  auto ev = parse(
      "May 01 12:00:01 node-1 kubelet[1234]: E0501 12:00:01.234000    1234 remote_image.go:180] \"PullImage from image service failed\" err=<\n"
      "May 01 12:00:01 node-1 kubelet[1234]:         rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/nginx:1\": unexpected status from GET request to https://registry-1.docker.io/v2/library/nginx/manifests/1: 429 Too Many Requests\n"
      "May 01 12:00:01 node-1 containerd[99]: time=\"2024-05-01T12:00:01.300000000Z\" level=info msg=\"ImageCreate event\"\n"
      "May 01 12:00:01 node-1 kubelet[1234]:         toomanyrequests: You have reached your pull rate limit.\n"
      "May 01 12:00:01 node-1 kubelet[1234]:  > image=\"nginx:1\"\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == EventKind::pull_failed);
  CHECK(ev[0].image == "docker.io/library/nginx:1");
  CHECK(ev[0].node == "node-1");
  CHECK(ev[0].message.find("429 Too Many Requests\ntoomanyrequests: You have reached") != std::string::npos);
}

TEST_CASE("journal short-iso with both offset spellings", "[parsers][journal]") {
  std::string f;
  auto ev = parse(
      "2026-11-22T11:21:02+0000 vm containerd[12967]: time=\"2026-11-22T11:21:02.747338868Z\" level=info msg=\"PullImage \\\"docker.io/library/hello:1.0\\\"\"\n"
      "2024-05-01T14:00:01.5+02:00 node-2 kubelet[1]: E0501 14:00:01.500000 1 remote_image.go:1] \"PullImage from image service failed\" err=\"x509: certificate signed by unknown authority\" image=\"reg.local/app:1\"\n",
      &f);
  CHECK(f == "journal-iso");
  REQUIRE(ev.size() == 2);
  CHECK(format_iso_ms(ev[0].time_ns) == "2026-11-22T11:21:02.747Z");
  CHECK(format_iso_ms(ev[1].time_ns) == "2024-05-01T12:00:01.500Z");
  CHECK(ev[1].node == "node-2");
}

TEST_CASE("containerd logrus JSON", "[parsers][containerd]") {
  std::string f;
  auto ev = parse(
      R"({"error":"failed to pull and unpack image \"docker.io/library/x:1\": failed to resolve reference \"docker.io/library/x:1\": docker.io/library/x:1: not found","level":"error","msg":"PullImage \"x:1\" failed","time":"2024-05-01T12:00:00.100000000Z"})"
      "\n",
      &f);
  CHECK(f == "containerd-json");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == EventKind::pull_failed);
  CHECK(ev[0].image == "docker.io/library/x:1");
  CHECK(ev[0].node.empty());
}

TEST_CASE("containerd 1.7 stats, stalls and sandbox pulls", "[parsers][containerd]") {
  auto ev = parse(
      "time=\"2024-05-01T12:00:09.000000000Z\" level=info msg=\"Pulled image \\\"nginx:1\\\" with image id \\\"sha256:aa\\\", repo tag \\\"docker.io/library/nginx:1\\\", repo digest \\\"docker.io/library/nginx@sha256:bb\\\", size \\\"71234567\\\" in 8.5s\"\n"
      "time=\"2024-05-01T12:00:09.100000000Z\" level=info msg=\"stop pulling image docker.io/library/nginx:1: active requests=0, bytes read=71234000\"\n"
      "time=\"2024-05-01T12:05:00.000000000Z\" level=error msg=\"cancel pulling image docker.io/library/big:1 because of no progress in 5m0s\"\n"
      "time=\"2024-06-13T22:28:42.4+02:00\" level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:coredns-1,Uid:u,Namespace:kube-system,Attempt:0,} failed, error\" error=\"failed to get sandbox image \\\"rancher/mirrored-pause:3.6\\\": failed to pull image \\\"rancher/mirrored-pause:3.6\\\": failed to pull and unpack image \\\"docker.io/rancher/mirrored-pause:3.6\\\": 500 Internal Server Error\"\n");
  REQUIRE(ev.size() == 4);
  CHECK(ev[0].kind == EventKind::pull_stats);
  CHECK(ev[0].bytes == 71234567);
  CHECK(ev[0].duration_ms == 8500);
  CHECK(ev[1].bytes == 71234000);
  CHECK(ev[2].kind == EventKind::pull_stalled);
  CHECK(ev[2].duration_ms == 300000);
  CHECK(ev[3].kind == EventKind::pull_failed);
  CHECK(ev[3].pod == "coredns-1");
  CHECK(ev[3].ns == "kube-system");
  CHECK(ev[3].image == "docker.io/rancher/mirrored-pause:3.6");
}

TEST_CASE("pasted describe rows count their repeats", "[parsers][pasted]") {
  auto ev = parse(
      "  Warning  Failed     2s (x2 over 16s)  kubelet            Failed to pull image \"registry.k8s.io/pause:3.10\": rpc error: code = NotFound desc = failed to pull and unpack image \"registry.k8s.io/pause:3.10\": failed to resolve reference \"registry.k8s.io/pause:3.10\": registry.k8s.io/pause:3.10: not found\n"
      "  Warning  Failed     2s (x2 over 16s)  kubelet            Error: ErrImagePull\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == EventKind::pull_failed);
  CHECK(ev[0].count == 2);
  CHECK(ev[0].image == "registry.k8s.io/pause:3.10");
}

TEST_CASE("a terminal-wrapped kubectl get events row is joined (seed 003)", "[parsers][pasted]") {
  auto ev = parse(
      "90s         Warning   Failed                    pod/hello-zhkp7               \n"
      "Failed to pull image \"hello-world:nanoserver\": \n"
      "rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/hello-world:nanoserver\": \n"
      "failed to copy: httpReadSeeker: failed open: \n"
      "unexpected status code https://registry-1.docker.io/v2/library/hello-world/manifests/sha256:3cab: \n"
      "429 Too Many Requests - Server message: \n"
      "toomanyrequests: You have reached your pull rate limit.\n"
      "\n"
      "If we examine the events...\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].pod == "hello-zhkp7");
  CHECK(ev[0].image == "docker.io/library/hello-world:nanoserver");
  CHECK(ev[0].message.find("429 Too Many Requests - Server message: toomanyrequests") != std::string::npos);
}

TEST_CASE("docker CLI errors and bare chains become evidence", "[parsers][pasted]") {
  auto ev = parse(
      "Error response from daemon: toomanyrequests: You have reached your pull rate limit\n"
      "ctr: failed to resolve reference \"127.0.0.1:41501/realpull/hello:1.0\": 401 Unauthorized\n"
      "web-1   0/1     ImagePullBackOff   0          2m\n");
  REQUIRE(ev.size() == 3);
  CHECK(ev[0].source == Source::docker);
  CHECK(ev[1].image == "127.0.0.1:41501/realpull/hello:1.0");
  CHECK(ev[2].kind == EventKind::back_off);
  CHECK(ev[2].pod == "web-1");
}

TEST_CASE("ordinary node chatter yields nothing", "[parsers]") {
  auto ev = parse(
      "May 01 12:00:00 node-1 systemd[1]: Started Session 4 of user root.\n"
      "May 01 12:00:00 node-1 containerd[9]: time=\"2024-05-01T12:00:00Z\" level=info msg=\"ImageCreate event name:\\\"docker.io/library/nginx:1\\\"\"\n"
      "May 01 12:00:00 node-1 kubelet[1]: I0501 12:00:00.000000 1 kubelet.go:1] \"SyncLoop ADD\" source=\"api\" pods=[\"default/web\"]\n"
      "-- Boot 0123456789abcdef0123456789abcdef --\n"
      "\x01\x02\xff binary junk \"PullImage\n");
  CHECK(ev.empty());
}

TEST_CASE("scanning a file in parallel ranges gives the same report as one thread", "[parsers][parallel]") {
  for (const char* sample : {"samples/journal/realpull-several.journal.txt", "samples/constructed/two-nodes-retries.journal.txt",
                             "samples/constructed/rke2-kubelet.log", "samples/k8s/events.watch.json",
                             "samples/k8s/realpull-429.journal-seq.json"}) {
    INFO(sample);
    std::string reports[3];
    unsigned thread_counts[3] = {1, 2, 5};
    for (int k = 0; k < 3; ++k) {
      Options o = test::scan_options({sample}, "json");
      o.scan.year = 2025;
      o.scan.threads = thread_counts[k];
      o.scan.parallel_min_bytes = 1;  // force ranges even on a small file
      reports[k] = test::run_tool(o).out;
    }
    CHECK(reports[0] == reports[1]);
    CHECK(reports[0] == reports[2]);
  }
}

TEST_CASE("every sample is detected as its format without flags", "[parsers][sniff]") {
  struct Case { const char* path; const char* format; };
  const Case cases[] = {
      {"samples/realpull/success.short.txt", "journal-short"},
      {"samples/journal/realpull-all.short-iso.txt.gz", "journal-iso"},
      {"samples/journal/realpull-429.short-full.txt", "journal-full"},
      {"samples/journal/realpull-429.short-unix.txt", "journal-unix"},
      {"samples/journal/realpull-429.short-monotonic.txt", "journal-monotonic"},
      {"samples/journal/realpull-429.short-de.txt", "journal-short"},
      {"samples/journal/realpull-429.export.txt", "journal-export"},
      {"samples/journal/realpull-429.verbose.txt", "journal-verbose"},
      {"samples/k8s/realpull-429.journal-seq.json", "journal-json"},
      {"samples/k8s/realpull-429.journal-null.json", "journal-json"},
      {"samples/k8s/realpull-429.journal-pretty.json", "journal-json-pretty"},
      {"samples/k8s/events.list.json", "k8s-json"},
      {"samples/k8s/events.watch.json", "k8s-json"},
      {"samples/k8s/events.watch-events.jsonl", "k8s-json"},
      {"samples/k8s/events.k8s-io-v1.json", "k8s-json"},
      {"samples/k8s/pods.list.json", "k8s-json"},
      {"samples/k8s/events.list.yaml", "k8s-yaml"},
      {"samples/constructed/rke2-kubelet.log", "kubelet"},
      {"samples/constructed/kubelet-json.log", "kubelet-json"},
      {"samples/constructed/containerd-tty.txt", "containerd-tty"},
      {"samples/constructed/crio.log", "crio"},
      {"samples/seeds/docker-cli-errors.txt", "text"},
      {"samples/seeds/registry-k8s-io.describe.txt", "text"},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    std::string head = test::read_file(test::source_path(c.path)).substr(0, 65536);
    if (std::string_view(c.path).find(".gz") != std::string_view::npos) continue;  // sniffed after gunzip in scan
    CHECK(sniff_format(head) == c.format);
  }
}

TEST_CASE("real-world mess: localised months, a viewer's timestamp glued to klog, old and wide event tables", "[parsers][mess]") {
  auto de = parse("Mär 17 11:33:04 node-1 containerd[224]: time=\"2023-03-17T11:33:04.658642300Z\" level=info msg=\"PullImage \\\"nginx:1\\\"\"\n"
                  "окт 02 09:00:00 node-2 containerd[1]: time=\"2023-10-02T09:00:00Z\" level=info msg=\"PullImage \\\"redis:7\\\"\"\n");
  REQUIRE(de.size() == 2);
  CHECK(de[0].node == "node-1");
  CHECK(de[1].node == "node-2");
  auto glued = parse("2025-03-05T10:00:01.204Z E0305 11:00:01.204511    2211 remote_image.go:180] \"PullImage from image service failed\" err=\"x509: certificate signed by unknown authority\" image=\"reg.local/app:1\"\n");
  REQUIRE(glued.size() == 1);
  CHECK(glued[0].source == Source::kubelet);
  RunResult old = test::analyse_text(test::read_file(test::source_path("samples/constructed/event-table-old.txt")));
  REQUIRE(old.attempts.size() == 3);  // COUNT column
  CHECK(old.attempts[0].node == "node-9");
  CHECK(old.attempts[0].class_id == "not_found");
  RunResult wide = test::analyse_text(test::read_file(test::source_path("samples/constructed/event-tables.txt")));
  REQUIRE(wide.attempts.size() == 5);  // COUNT column after MESSAGE and FIRST SEEN
  CHECK(wide.attempts[0].node == "node-1");
}

TEST_CASE("runtime and logger variants: CRI-O, dockerd, logrus TTY, klog JSON", "[parsers][runtimes]") {
  auto tty = parse("\x1b[31mERRO\x1b[0m[2021-04-14T08:16:28.112233445-05:00] PullImage \"gcr.io/x\" failed          error=\"rpc error: code = NotFound desc = gcr.io/x:latest: not found\"\n");
  REQUIRE(tty.size() == 1);
  CHECK(tty[0].kind == EventKind::pull_failed);
  CHECK(tty[0].image == "gcr.io/x:latest");
  CHECK(format_iso_ms(tty[0].time_ns) == "2021-04-14T13:16:28.112Z");
  auto crio = parse("time=\"2025-03-05 09:10:00.100000000Z\" level=info msg=\"Pulling image: docker.io/library/nginx:1\" id=7f name=/runtime.v1.ImageService/PullImage\n");
  REQUIRE(crio.size() == 1);
  CHECK(crio[0].source == Source::crio);
  CHECK(crio[0].kind == EventKind::pull_started);
  auto docker = parse("time=\"2025-03-05T09:20:01.2Z\" level=error msg=\"Handler for POST /v1.43/images/create returned error: manifest for nginx:nope not found: manifest unknown: manifest unknown\"\n");
  REQUIRE(docker.size() == 1);
  CHECK(docker[0].source == Source::docker);
  CHECK(docker[0].image == "docker.io/library/nginx:nope");
  auto kj = parse("{\"ts\":1741165200123.456,\"caller\":\"remote/remote_image.go:180\",\"msg\":\"PullImage from image service failed\",\"image\":\"postgres:16\",\"err\":\"rpc error: code = Unknown desc = x509: certificate signed by unknown authority\"}\n");
  REQUIRE(kj.size() == 1);
  CHECK(kj[0].source == Source::kubelet);
  CHECK(kj[0].image == "docker.io/library/postgres:16");
  CHECK(format_iso_ms(kj[0].time_ns) == "2025-03-05T09:00:00.123Z");
}

TEST_CASE("events and pods as kubectl prints them", "[parsers][k8s]") {
  // A watch stream re-sends an event as its count grows: 3 attempts, not 1+2+3.
  RunResult w = test::analyse_text(test::read_file(test::source_path("samples/k8s/events.watch.json")));
  CHECK(w.attempts.size() == 3);
  RunResult list = test::analyse_text(test::read_file(test::source_path("samples/k8s/events.list.json")));
  REQUIRE(list.attempts.size() == 5);
  int failed = 0;
  for (const PullAttempt& a : list.attempts) failed += a.outcome == Outcome::failed;
  CHECK(failed == 4);
  for (const PullAttempt& a : list.attempts) CHECK(a.node == (a.pod == "cache-0" ? "node-2" : "node-1"));
  RunResult pods = test::analyse_text(test::read_file(test::source_path("samples/k8s/pods.list.json")));
  REQUIRE(pods.attempts.size() == 2);
  // The 1.32 back-off message carries the cause: not backoff_only.
  for (const PullAttempt& a : pods.attempts) CHECK(a.class_id != "backoff_only");
  RunResult yaml = test::analyse_text(test::read_file(test::source_path("samples/k8s/events.list.yaml")));
  CHECK(yaml.attempts.size() == list.attempts.size());
}

TEST_CASE("a piece is never cut inside a klog err=< block", "[parsers]") {
  const std::string start =
      "May 01 12:00:01 node-1 kubelet[1234]: E0501 12:00:01.234000    1234 remote_image.go:180] \"PullImage from image "
      "service failed\" err=<\n";
  const std::string body = "May 01 12:00:01 node-1 kubelet[1234]:         rpc error: code = Unknown desc = 429\n";
  const std::string end = "May 01 12:00:01 node-1 kubelet[1234]:  > image=\"nginx:1\"\n";
  const std::string next = "May 01 12:00:02 node-1 containerd[811]: time=\"x\" level=info msg=\"PullImage\"\n";
  CHECK(continues_record(body.substr(0, body.size() - 1)));
  CHECK(continues_record(end.substr(0, end.size() - 1)));
  CHECK(continues_record("\tcontext deadline exceeded"));
  CHECK_FALSE(continues_record(start.substr(0, start.size() - 1)));
  CHECK_FALSE(continues_record(next.substr(0, next.size() - 1)));
  CHECK_FALSE(continues_record(""));
  // The cut goes before the block's first line, not into its body.
  std::string text = next + start + body + body + "May 01 12:00:01 node-1 kubelet[1234]:   partial";
  CHECK(record_cut(text) == next.size());
  // A piece that ends after a finished block is cut before the last line.
  std::string done = start + body + end + next;
  CHECK(record_cut(done) == start.size() + body.size() + end.size());
  // Nothing but continuation lines: the plain cut at the last line end.
  std::string odd = body + body + "x";
  CHECK(record_cut(odd) == 2 * body.size());
}

TEST_CASE("kubelet 1.34: four lines and an event of one failed init-container pull (kueue#8911)", "[parsers][kubelet]") {
  // samples/journal/kubelet-1.34-init-container.journal.txt, verbatim from
  // kubernetes-sigs/kueue#8911: the CRI client logs as log.go, kuberuntime
  // logs "Failed to pull image" too, and "Unhandled Error" names the init
  // container without the &Container{} dump.
  auto ev = parse(test::read_file(test::source_path("samples/journal/kubelet-1.34-init-container.journal.txt")));
  REQUIRE(ev.size() == 5);  // the `Error: ErrImagePull` event only repeats the failure
  const std::string image = "us-central1-docker.pkg.dev/k8s-staging-images/kueue/secretreader-plugin:0.0.1";
  for (const Event& e : ev) {
    CHECK(e.kind == EventKind::pull_failed);
    CHECK(e.image == image);
    CHECK(e.node == "kind-manager-worker");
  }
  CHECK((ev[0].source == Source::kubelet && ev[0].channel == 0));
  CHECK((ev[1].source == Source::kubelet && ev[1].channel == 3));
  CHECK((ev[2].source == Source::kubelet && ev[2].channel == 2));
  CHECK(ev[2].container == "secretreader-plugin-init");
  CHECK(ev[2].pod == "kueue-controller-manager-8494d6795b-8vqfm");
  CHECK(ev[2].ns == "kueue-system");
  CHECK(ev[2].reason == "ErrImagePull");
  CHECK(ev[2].message.rfind("rpc error: code = NotFound desc = failed to pull and unpack image", 0) == 0);
  CHECK((ev[3].source == Source::kubelet && ev[3].channel == 1));
  CHECK(ev[4].source == Source::event);
  CHECK(ev[4].container == "secretreader-plugin-init");
  RunResult r = test::analyse_text(test::read_file(test::source_path("samples/journal/kubelet-1.34-init-container.journal.txt")));
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].class_id == "not_found");
  CHECK(r.attempts[0].container == "secretreader-plugin-init");
}

TEST_CASE("kubelet <= 1.20: remote_image's and kuberuntime_image's lines of one failure", "[parsers][kubelet]") {
  // The shapes of kubelet 1.8's journal (remote_image.go `PullImage %q from
  // image service failed: %v`, kuberuntime_image.go `Pull image %q failed: %v`).
  std::string text =
      "Nov 21 23:49:09 node-a kubelet[22380]: E1121 23:49:09.442823   22380 remote_image.go:108] PullImage \"gcr.io/google_containers/kube-scheduler-amd64:v1.7.4\" from image service failed: rpc error: code = Unknown desc = Get https://gcr.io/v1/_ping: dial tcp 108.177.97.82:443: i/o timeout\n"
      "Nov 21 23:49:09 node-a kubelet[22380]: E1121 23:49:09.442887   22380 kuberuntime_image.go:50] Pull image \"gcr.io/google_containers/kube-scheduler-amd64:v1.7.4\" failed: rpc error: code = Unknown desc = Get https://gcr.io/v1/_ping: dial tcp 108.177.97.82:443: i/o timeout\n";
  auto ev = parse(text);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].channel == 0);
  CHECK(ev[1].channel == 3);
  for (const Event& e : ev) {
    CHECK(e.kind == EventKind::pull_failed);
    CHECK(e.source == Source::kubelet);
    CHECK(e.image == "gcr.io/google_containers/kube-scheduler-amd64:v1.7.4");
    CHECK(e.message == "rpc error: code = Unknown desc = Get https://gcr.io/v1/_ping: dial tcp 108.177.97.82:443: i/o timeout");
  }
  CHECK(test::analyse_text(text).attempts.size() == 1);
}

TEST_CASE("containerd lines pasted with time= cut off (kubernetes#131521)", "[parsers][containerd]") {
  // Verbatim from the issue: the user removed the time= fields. The debug
  // `PullImage ... with snapshotter` line is not a second start.
  RunResult r = test::analyse_text(
      "level=info msg=\"PullImage \\\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\\"\"\n"
      "level=debug msg=\"PullImage \\\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\\" with snapshotter overlayfs\"\n"
      "level=debug msg=resolving host=private_registery.mydomain\n"
      "level=error msg=\"cancel pulling image private_registery.mydomain/csg/idrac_to_kafka:20250429T0012 because of no progress in 1m0s\"\n"
      "level=error msg=\"PullImage \\\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\\" failed\" error=\"rpc error: code = Canceled desc = failed to pull and unpack image \\\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\\": context canceled\"\n");
  REQUIRE(r.attempts.size() == 1);
  const PullAttempt& a = r.attempts[0];
  CHECK(a.image == "private_registery.mydomain/csg/idrac_to_kafka:20250429T0012");
  CHECK(a.outcome == Outcome::failed);
  CHECK(a.stalled);
  CHECK(a.class_id == "pull_timeout");
  CHECK((a.sources & source_bit(Source::containerd)));
}

TEST_CASE("a klog err=< block whose head line names no image is read from its head", "[parsers][kubelet]") {
  // samples/journal/kubelet-multiline-head.journal.txt: only the TAB-indented
  // lines hold the prefilter's literals; read alone, they were a pasted
  // failure with no pod and a whole-second time.
  Options o = test::scan_options({"samples/journal/kubelet-multiline-head.journal.txt"}, "json");
  o.scan.year = 2025;
  auto res = test::run_tool(o);
  CHECK(res.out.find("\"attempts\": 1,") != std::string::npos);
  CHECK(res.out.find("\"pasted\"") == std::string::npos);
  CHECK(res.out.find("\"first_seen\": \"2025-06-10T12:00:05.902Z\"") != std::string::npos);
}

// Large and damaged JSON documents (issue 14, "Resources"): a list is read
// item by item, so a document of any size is read in the memory of one item,
// and a broken item costs that item only, with its file:line.
namespace {

// One core/v1 Event about pod web-<i> failing to pull; `extra` goes into its metadata.
std::string event_item(int i, const std::string& extra = "") {
  return fmt::format(
      "    {{\n"
      "      \"metadata\": {{\"name\": \"e{0}\", \"namespace\": \"shop\", \"uid\": \"u{0}\"{1}}},\n"
      "      \"involvedObject\": {{\"kind\": \"Pod\", \"namespace\": \"shop\", \"name\": \"web-{0}\"}},\n"
      "      \"reason\": \"Failed\",\n"
      "      \"message\": \"Failed to pull image \\\"nginx:bad{0}\\\": rpc error: code = NotFound desc = failed to "
      "resolve reference \\\"docker.io/library/nginx:bad{0}\\\": docker.io/library/nginx:bad{0}: not found\",\n"
      "      \"source\": {{\"host\": \"node-1\"}}, \"count\": 1, \"lastTimestamp\": \"2025-03-05T10:00:00Z\",\n"
      "      \"padding\": \"{2}\"\n"
      "    }}",
      i, extra, std::string(1500, 'x'));
}

// An EventList of `n` items (item i from make(i)), as the API server orders it.
std::string event_list(int n, const std::function<std::string(int)>& make, std::string kind = "EventList") {
  std::string s = "{\n  \"kind\": \"" + kind + "\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n  \"items\": [\n";
  for (int i = 0; i < n; ++i) s += make(i) + (i + 1 < n ? ",\n" : "\n");
  return s + "  ]\n}\n";
}

// The 1-based line of the first occurrence of `what` in `text`.
uint64_t line_of(const std::string& text, const std::string& what) {
  size_t at = text.find(what);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// Pods named by the failures in `events`.
std::set<std::string> failed_pods(const std::vector<Event>& events) {
  std::set<std::string> pods;
  for (const Event& e : events)
    if (e.kind == EventKind::pull_failed || e.kind == EventKind::back_off) pods.insert(e.pod);
  return pods;
}

// Scans text as input "in.json"; the diagnostics land in `err`.
std::vector<Event> scan_json(const std::string& text, std::string& err) {
  std::ostringstream diag_text;
  Diagnostics diag(diag_text);
  std::vector<Event> out;
  InputInfo info;
  info.path = "in.json";
  InputClock clock;
  scan_text(text, 0, ScanOptions{}, diag, info, out, clock);
  err = diag_text.str();
  return out;
}

}  // namespace

TEST_CASE("a large JSON list loses only its broken item, and keeps items with big integers or deep nesting",
          "[parsers][k8s][documents]") {
  // 700 items of ~2 KiB: over the 1 MiB read whole, so read item by item.
  std::string deep = std::string(2000, '[') + std::string(2000, ']');
  std::string text = event_list(700, [&](int i) {
    if (i == 300) return event_item(i, ", \"labels\": {\"x\": \"y\",}");  // a trailing comma: not JSON
    if (i == 400) return event_item(i, ", \"generation\": 123456789012345678901234567890");
    if (i == 500) return event_item(i, ", \"annotations\": {\"deep\": " + deep + "}");
    return event_item(i);
  });
  REQUIRE(text.size() > (1u << 20));
  std::string err;
  auto pods = failed_pods(scan_json(text, err));
  CHECK(pods.size() == 699);
  CHECK(!pods.count("web-300"));
  CHECK(pods.count("web-400"));
  CHECK(pods.count("web-500"));
  CHECK(pods.count("web-699"));
  // The diagnostic names the broken item's first line.
  uint64_t item_line = line_of(text, "\"name\": \"e300\"") - 1;
  CHECK(err.find(fmt::format("in.json:{}: a list item that is not valid JSON", item_line)) != std::string::npos);
  CHECK(err.find("not valid JSON\n") == std::string::npos);

  // A small list is read whole, and item by item when that fails.
  std::string small = event_list(3, [](int i) { return event_item(i, i == 1 ? ", \"x\": tru" : ""); });
  pods = failed_pods(scan_json(small, err));
  CHECK(pods == std::set<std::string>{"web-0", "web-2"});
  CHECK(err.find(fmt::format("in.json:{}: a list item", line_of(small, "\"name\": \"e1\"") - 1)) != std::string::npos);
  // A single small object with a number beyond 64 bits and nesting beyond 1024 is read too.
  std::string one = "{\"kind\": \"Event\", \"x\": 99999999999999999999999, \"y\": " + deep + "," +
                    event_item(7).substr(5);
  CHECK(failed_pods(scan_json(one, err)) == std::set<std::string>{"web-7"});
  CHECK(err.empty());
}

TEST_CASE("a JSON list cut short keeps its complete items and says it was cut", "[parsers][k8s][documents]") {
  std::string text = event_list(700, [](int i) { return event_item(i); });
  std::string cut = text.substr(0, text.find("\"name\": \"e650\""));
  std::string err;
  auto pods = failed_pods(scan_json(cut, err));
  CHECK(pods.size() == 650);
  CHECK(err.find("in.json:1: the input ends inside this JSON list (cut short?); its 650 complete items were read") !=
        std::string::npos);
  // Small lists too.
  cut = event_list(5, [](int i) { return event_item(i); });
  cut.resize(cut.find("\"name\": \"e3\""));
  CHECK(failed_pods(scan_json(cut, err)).size() == 3);
  CHECK(err.find("3 complete items were read") != std::string::npos);
}

TEST_CASE("PodList and EventList items without kind, as the API server sends them", "[parsers][k8s][documents]") {
  // `kubectl get --raw /api/v1/namespaces/shop/pods`: one line, items without kind.
  std::string err;
  std::string podlist = test::read_file(test::source_path("samples/k8s/pods.podlist-api.json"));
  auto pods = failed_pods(scan_json(podlist, err));
  CHECK(pods == std::set<std::string>{"api-7c9d8b6f5-x2k4p", "web-5d8f7c9b4-q7lzt", "worker-6b7c8d9f-m3n8v"});
  CHECK(err.empty());
  // An EventList whose items lack kind, and whose involvedObject lacks it too.
  std::string events = event_list(2, [](int i) {
    std::string e = event_item(i);
    e.replace(e.find("\"kind\": \"Pod\", "), 15, "");
    return e;
  });
  CHECK(failed_pods(scan_json(events, err)).size() == 2);
  // The same pods in a large list (read item by item) without kind.
  std::string item = podlist.substr(podlist.find("{\"metadata\""));
  item = item.substr(0, item.find(",{\"metadata\""));
  std::string big = event_list(400, [&](int i) {
    std::string p = item;
    p.replace(p.find("api-7c9d8b6f5-x2k4p"), 19, "api-" + std::to_string(i));
    return p;
  }, "PodList");
  REQUIRE(big.size() > (1u << 20));
  CHECK(failed_pods(scan_json(big, err)).size() == 400);
}

TEST_CASE("a JSON document on one line longer than the line cap is read whole", "[parsers][k8s][documents]") {
  // The API's answer (`kubectl get --raw`) is one line of any size; the input
  // stage cuts lines at max_line_bytes, and hands a document's line over in pieces.
  std::string text = event_list(50, [](int i) { return event_item(i); });
  std::string one_line;
  for (char c : text)
    if (c != '\n') one_line.push_back(c);
  std::string path = "/tmp/pullscan-parsers-test-one-line.json";
  std::ofstream(path, std::ios::binary) << "W0305 a warning kubectl printed first\n" << one_line << "\n";
  ScanOptions opt;
  opt.read.max_line_bytes = 4096;
  opt.read.block_bytes = 4096;
  opt.format = "k8s-json";
  std::ostringstream diag_text;
  Diagnostics diag(diag_text);
  std::vector<Event> out;
  InputInfo info;
  info.path = path;
  InputClock clock;
  REQUIRE(scan_path(path, 0, opt, diag, info, out, clock));
  CHECK(failed_pods(out).size() == 50);
  CHECK(diag_text.str().empty());
  CHECK(info.lines == 2);
  std::remove(path.c_str());
}

TEST_CASE("YAML read in process: a stray token or a broken document costs that document only",
          "[parsers][k8s][documents]") {
  // yaml-cpp 0.7's LoadAll loops forever on `"a",` (issue #1040): the child
  // process was killed after 2 s and the whole stream lost. Each document is
  // now loaded alone, so the fuzz target can read in process.
  std::string good = test::read_file(test::source_path("samples/k8s/events.list.yaml"));
  for (YamlReader where : {YamlReader::in_process, YamlReader::child_process}) {
    std::vector<Event> alone, after_stray, after_broken;
    std::vector<JournalEntry> entries;
    DocumentState s1, s2, s3;
    std::string error;
    REQUIRE(decode_yaml_documents(good, LineContext{}, alone, entries, s1, error, where));
    REQUIRE(!alone.empty());
    auto start = std::chrono::steady_clock::now();
    CHECK(decode_yaml_documents("\"a\",\n---\n" + good, LineContext{}, after_stray, entries, s2, error, where));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK(after_stray.size() == alone.size());
    CHECK(!decode_yaml_documents("a: b\n  c: d\n---\n" + good, LineContext{}, after_broken, entries, s3, error, where));
    CHECK(error.find("YAML: ") == 0);
    CHECK(error.find("at line 2") != std::string::npos);
    CHECK(after_broken.size() == alone.size());
  }
}

TEST_CASE("a pasted terminal session: the command and the CLI's headers name the image", "[parsers][pasted][session]") {
  // Constructed from docker's, crictl's and podman's own output shapes.
  auto ev = parse(
      "$ docker pull acme/private-api:2\n"
      "Error response from daemon: pull access denied for acme/private-api, repository does not exist or may "
      "require 'docker login': denied: requested access to the resource is denied\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].image == "docker.io/acme/private-api:2");  // the command's tag, not :latest
  ev = parse(
      "root@node-1:~# crictl pull registry.local:5000/team/app:v3\n"
      "FATA[0001] pulling image: rpc error: code = Unknown desc = 401 Unauthorized\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].image == "registry.local:5000/team/app:v3");
  ev = parse(
      "Trying to pull quay.io/acme/widget:3.0...\n"
      "Error: initializing source docker://quay.io/acme/widget:3.0: reading manifest 3.0 in quay.io/acme/widget: "
      "manifest unknown\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].image == "quay.io/acme/widget:3.0");
  // The header names an image; it is no attempt of its own.
  CHECK(parse("Unable to find image 'acme/tools:2.1' locally\n").empty());
  CHECK(parse("$ kubectl run web --image=nginx:1.25 --restart=Never\npod/web created\n").empty());
}

TEST_CASE("a paste that says a pull failed is an attempt even when its cause is unknown", "[parsers][pasted]") {
  auto ev = parse(
      "Error while pulling image: Get https://index.docker.io/v1/repositories/acme/widget/images: dial tcp "
      "10.9.8.7:443: connect: protocol not available\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].kind == EventKind::pull_failed);
  CHECK(ev[0].image == "docker.io/acme/widget:latest");
}

TEST_CASE("a CLI's successful pull is a succeeded attempt", "[parsers][pasted]") {
  struct Case { const char* text; const char* image; };
  const Case cases[] = {
      {"$ docker pull acme/tools:2.1\n2.1: Pulling from acme/tools\na1b2c3d4e5f6: Pull complete\n"
       "Digest: sha256:0123456789abcdef\nStatus: Downloaded newer image for acme/tools:2.1\ndocker.io/acme/tools:2.1\n",
       "docker.io/acme/tools:2.1"},
      {"$ docker pull nginx:1.25\n1.25: Pulling from library/nginx\nDigest: sha256:0123\n"
       "Status: Image is up to date for nginx:1.25\n", "docker.io/library/nginx:1.25"},
      {"# crictl pull busybox:1.36\nImage is up to date for sha256:4c1a0e3c5f7b\n", "docker.io/library/busybox:1.36"},
      {"$ sudo ctr -n k8s.io images pull docker.io/library/redis:7\n"
       "docker.io/library/redis:7:                                                       resolved       |++++++|\n"
       "layer-sha256:abc:                                                                 done           |++++++|\n"
       "elapsed: 3.1 s                                                                    total:  11.2 M (3.6 MiB/s)\n"
       "unpacking linux/amd64 sha256:0123456789abcdef...\ndone: 412.6ms\n", "docker.io/library/redis:7"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto ev = parse(c.text);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].kind == EventKind::pull_succeeded);
    CHECK(ev[0].image == c.image);
  }
}

TEST_CASE("event rows as other tools print them: e2e dumps, CI summaries, kubectl before 1.2", "[parsers][pasted]") {
  // Shapes: the e2e framework's `dumpEventsInNamespace`, a CI job's event
  // summary, and `kubectl describe` before the Type column (tab separated,
  // lowercase reasons, `{kubelet NODE}` in From). Values constructed.
  auto ev = parse(
      "INFO: At 2025-01-02 03:04:05 +0000 UTC - event for web-1: {kubelet node-3} Failed: Failed to pull image "
      "\"acme/web:1.0\": rpc error: code = NotFound desc = acme/web:1.0: not found\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].pod == "web-1");
  CHECK(ev[0].node == "node-3");
  CHECK(ev[0].image == "docker.io/acme/web:1.0");
  CHECK(ev[0].time_ns == civil_to_ns(2025, 1, 2, 3, 4, 5, 0));
  ev = parse("* 2025-01-02T03:04:05Z 6x kubelet: Failed to pull image \"acme/web:1.0\": rpc error: code = NotFound "
             "desc = acme/web:1.0: not found\n");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].count == 6);
  ev = parse(
      "  FirstSeen\tLastSeen\tCount\tFrom\t\t\tSubobjectPath\t\tReason\t\tMessage\n"
      "  1m\t\t30s\t\t3\t{kubelet node-3}\tspec.containers{web}\tpulling\t\tpulling image \"acme/web:1.0\"\n"
      "  1m\t\t30s\t\t3\t{kubelet node-3}\tspec.containers{web}\tfailed\t\tFailed to pull image \"acme/web:1.0\": "
      "Error: image acme/web:1.0 not found\n");
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].kind == EventKind::pull_started);
  CHECK(ev[1].kind == EventKind::pull_failed);
  CHECK(ev[1].count == 3);
  CHECK(ev[1].node == "node-3");
}

TEST_CASE("an events list as a bare YAML sequence is read as Kubernetes objects", "[parsers][k8s]") {
  std::string format;
  auto ev = parse(
      "- apiVersion: v1\n  count: 4\n  involvedObject:\n    kind: Pod\n    name: web-1\n    namespace: shop\n"
      "  kind: Event\n  lastTimestamp: \"2025-01-02T03:04:05Z\"\n"
      "  message: 'Failed to pull image \"acme/web:1.0\": rpc error: code = NotFound desc = not found'\n"
      "  reason: Failed\n  source:\n    host: node-3\n  type: Warning\n",
      &format);
  CHECK(format == "k8s-yaml");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].count == 4);
  CHECK(ev[0].pod == "web-1");
}
