// Bundle stage: every layout in samples/bundles/ packed as each archive kind
// gives the same report as the folder; the result does not depend on the
// thread count or the piece size; each safety limit stops reading with a
// clear line; hostile entries (unsafe names, links, devices) are never
// followed; truncated and corrupt archives keep what was read. Archives are
// written here with libarchive, so the tests need no tar or zip binaries.
#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bundle/bundle.h"
#include "core/timeutil.h"
#include "../helpers.h"

using namespace pullscan;
namespace fs = std::filesystem;

namespace {

struct Entry {
  Entry(std::string n, std::string d = "", mode_t t = AE_IFREG, std::string l = "")
      : name(std::move(n)), data(std::move(d)), type(t), link(std::move(l)) {}
  std::string name;
  std::string data;
  mode_t type;
  std::string link;  // symlink target or hard link name
};

enum class Pack { tar, tar_gz, tar_xz, tar_zst, zip };

// Writes entries as an archive at path.
void write_archive(const std::string& path, const std::vector<Entry>& entries, Pack pack) {
  archive* a = archive_write_new();
  if (pack == Pack::zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (pack == Pack::tar_gz) archive_write_add_filter_gzip(a);
    if (pack == Pack::tar_xz) archive_write_add_filter_xz(a);
    if (pack == Pack::tar_zst) archive_write_add_filter_zstd(a);
  }
  REQUIRE(archive_write_open_filename(a, path.c_str()) == ARCHIVE_OK);
  for (const Entry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, 1795000000, 0);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.link.c_str());
    if (e.type == AE_IFREG && !e.link.empty()) archive_entry_set_hardlink(entry, e.link.c_str());
    if (e.type == AE_IFCHR) archive_entry_set_rdev(entry, makedev(1, 3));
    archive_entry_set_size(entry, e.type == AE_IFREG && e.link.empty() ? static_cast<la_int64_t>(e.data.size()) : 0);
    REQUIRE(archive_write_header(a, entry) == ARCHIVE_OK);
    if (e.type == AE_IFREG && e.link.empty()) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// The regular files under dir, as entries named from dir's own name down.
std::vector<Entry> entries_of(const fs::path& dir) {
  std::vector<Entry> out;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) out.push_back({fs::relative(f, dir).string(), test::read_file(f.string())});
  return out;
}

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/pullscan-bundle-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

test::RunOutput scan(const std::vector<std::string>& paths, const std::string& output = "json",
                     BundleOptions bundle = {}, unsigned threads = 0) {
  Options o;
  o.paths = paths;
  o.output = output;
  o.no_db = true;
  o.bundle = bundle;
  o.scan.threads = threads;
  o.width = 400;  // unwrapped, so lines can be searched
  return test::run_tool(o);
}

const std::string kFailure =
    "Nov 21 08:00:01 node-x containerd[811]: time=\"2026-11-21T08:00:01.400000000Z\" level=error "
    "msg=\"PullImage \\\"nginx:1.27\\\" failed\" error=\"failed to pull and unpack image "
    "\\\"docker.io/library/nginx:1.27\\\": failed to resolve reference \\\"docker.io/library/nginx:1.27\\\": "
    "docker.io/library/nginx:1.27: not found\"\n";

}  // namespace

TEST_CASE("each bundle layout gives the same report as a folder and as every archive kind", "[bundle]") {
  TempDir tmp;
  for (const auto& layout : fs::directory_iterator(test::source_path("samples/bundles"))) {
    if (!layout.is_directory()) continue;
    std::string name = layout.path().filename().string();
    SECTION(name) {
      std::string dir = layout.path().string();
      std::string expected = scan({dir}).out;
      replace_all(expected, dir + "/", "<bundle>/");
      replace_all(expected, "\"" + dir + "\"", "\"<bundle>\"");
      REQUIRE(expected.find("\"node\"") != std::string::npos);
      for (auto [pack, ext] : {std::pair{Pack::tar, ".tar"}, std::pair{Pack::tar_gz, ".tar.gz"},
                               std::pair{Pack::tar_xz, ".tar.xz"}, std::pair{Pack::tar_zst, ".tar.zst"},
                               std::pair{Pack::zip, ".zip"}}) {
        std::string archive = tmp / (name + ext);
        write_archive(archive, entries_of(dir), pack);
        // The folder's own mtimes and the archive's differ; neither decides a year here.
        test::RunOutput res = scan({archive});
        std::string actual = res.out;
        replace_all(actual, archive + ":", "<bundle>/");
        replace_all(actual, "\"" + archive + "\"", "\"<bundle>\"");
        INFO(archive << "\n" << res.err);
        CHECK(actual == expected);
        CHECK(res.code == (name == "healthy" ? 0 : 1));  // failed pulls found, except in the healthy bundle
      }
      // And nested: the tar.gz inside a zip, as a ticket attachment arrives.
      std::string inner = tmp / (name + "-inner.tar.gz");
      write_archive(inner, entries_of(dir), Pack::tar_gz);
      std::string outer = tmp / (name + "-outer.zip");
      write_archive(outer, {{name + ".tar.gz", test::read_file(inner)}}, Pack::zip);
      std::string actual = scan({outer}).out;
      replace_all(actual, outer + ":" + name + ".tar.gz:", "<bundle>/");
      replace_all(actual, "\"" + outer + "\"", "\"<bundle>\"");
      CHECK(actual == expected);
    }
  }
}

TEST_CASE("bundle reports name the layout, nodes and what each file was read as", "[bundle]") {
  std::string text = scan({test::source_path("samples/bundles/kind")}, "text").out;
  CHECK(text.find("kind export logs in kind-logs/, 2 nodes (pullscan-control-plane, pullscan-worker)") != std::string::npos);
  CHECK(text.find("containerd log of pullscan-worker") != std::string::npos);
  CHECK(text.find("skipped collector metadata") != std::string::npos);
  text = scan({test::source_path("samples/bundles/rke2")}, "text").out;
  // Raw logs carry no host: the node comes from the collector's folder name.
  CHECK(text.find("nodes     node-d") != std::string::npos);
  CHECK(text.find("year 2026 from the bundle's name (node-d-2026-11-22_16_05_11)") != std::string::npos);
  text = scan({test::source_path("samples/bundles/sosreport")}, "text").out;
  // Collected on 2 January: December's lines are the year before.
  CHECK(text.find("2026-12-31 23:58:00 → 2027-01-01 00:01:00 UTC") != std::string::npos);
}

TEST_CASE("a healthy bundle reports no failed pull: pod logs and command outputs are program logs", "[bundle]") {
  // samples/bundles/healthy: an application's database and webhook errors, a
  // metrics-server that cannot reach the API server, a secret listing with
  // `secrets "regcred" not found`, and one pull that worked. Read as pastes,
  // two of them were failed pulls (tls_unknown_authority, pull_secret_missing).
  std::string json = scan({test::source_path("samples/bundles/healthy")}, "json").out;
  CHECK(json.find("\"failed\": 0") != std::string::npos);
  CHECK(json.find("\"succeeded\": 1") != std::string::npos);
  CHECK(role_of(plan_member("support-bundle-x/cluster-resources/pods/logs/shop/api-1/api.log")) == InputRole::program_log);
  CHECK(role_of(plan_member("support-bundle-x/host-collectors/run-host/anything.txt")) == InputRole::program_log);
  CHECK(role_of(plan_member("kind-logs/node-a/kubelet.log")) == InputRole::as_given);
  CHECK(role_of(plan_member("support-bundle-x/cluster-resources/events/shop.json")) == InputRole::as_given);
}

TEST_CASE("layout plans from member paths", "[bundle]") {
  MemberPlan p = plan_member("support-bundle-2026-11-21T09_30_00/host-collectors/journald/node-a/containerd.txt");
  CHECK(p.node == "node-a");
  CHECK(p.read_as == "containerd log");
  CHECK(p.layout == "troubleshoot.sh support bundle");
  p = plan_member("b/host-collectors/node-c/journald/kubelet.txt");  // collectors run as a DaemonSet
  CHECK(p.node == "node-c");
  CHECK(p.read_as == "kubelet log");
  CHECK(plan_member("b/cluster-resources/configmaps/shop.json").skip_reason != "");
  CHECK(plan_member("b/cluster-resources/events/shop.json").read_as == "events");
  CHECK(plan_member("sosreport-db-1-2025-02-03-abcdefg/sos_commands/logs/journalctl_--no-pager").node == "db-1");
  CHECK(plan_member("sosreport-db-1-2025-02-03-abcdefg/sos_commands/containerd/journalctl_--no-pager_--unit_containerd").read_as ==
        "containerd log");
  CHECK(plan_member("sosreport-db-1-2025-02-03-abcdefg/proc/cpuinfo").skip_reason == "system state, not a log");
  CHECK(plan_member("logs/kind-worker2/kubelet.log").node == "kind-worker2");
  CHECK(plan_member("eks_i-0abc_2025-01-01_0101-UTC_0.7.8/kubelet/kubelet.log").node.empty());
  CHECK(plan_member("dump/kube-system/events.json").read_as == "events");
  CHECK(plan_member("dump/nodes.json").skip_reason != "");
  CHECK(plan_member("x/var/lib/rancher/rke2/agent/containerd/containerd.log").read_as == "containerd log");
  CHECK(plan_member("x/photo.PNG").skip_reason != "");
}

TEST_CASE("collection time from bundle names", "[bundle]") {
  auto iso = [](std::string_view n) {
    std::optional<int64_t> t = collected_time_from_name(n);
    return t ? format_iso_ms(*t) : std::string("-");
  };
  CHECK(iso("support-bundle-2024-01-02T03_04_05") == "2024-01-02T03:04:05.000Z");
  CHECK(iso("eks_i-0abc_2024-05-06_0708-UTC_0.7.8") == "2024-05-06T07:08:00.000Z");
  CHECK(iso("node-1-2024-05-06_07_08_09") == "2024-05-06T07:08:09.000Z");
  CHECK(iso("sosreport-web-2024-05-06-abcdefg") == "2024-05-06T00:00:00.000Z");
  CHECK(iso("sosreport-web.1234-20240506070809") == "2024-05-06T07:08:09.000Z");
  CHECK(iso("kind-logs") == "-");
  CHECK(iso("build-2024-13-01") == "-");
}

TEST_CASE("a large member is scanned in pieces with the same result whatever the thread count", "[bundle]") {
  TempDir tmp;
  // A real journal of many pulls, decompressed into a folder, and as a tar.zst.
  std::string journal;
  {
    std::string gz = test::source_path("samples/journal/realpull-all.short-iso.txt.gz");
    Options o = test::scan_options({gz}, "json");
    std::string direct = test::run_tool(o).out;
    REQUIRE(direct.find("\"attempts\"") != std::string::npos);
  }
  std::string plain = tmp / "plain.txt";
  REQUIRE(std::system(("gzip -dc " + test::source_path("samples/journal/realpull-all.short-iso.txt.gz") + " > " + plain).c_str()) == 0);
  journal = test::read_file(plain);
  REQUIRE(journal.size() > 200000);
  fs::create_directories(tmp / "b/node-1");
  std::ofstream(tmp / "b/node-1/journal.log") << journal;
  write_archive(tmp / "b.tar.zst", {{"node-1/journal.log", journal}}, Pack::tar_zst);
  BundleOptions small;
  small.chunk_bytes = 64 * 1024;  // many pieces
  std::string one = scan({tmp / "b.tar.zst"}, "text", small, 1).out;
  std::string four = scan({tmp / "b.tar.zst"}, "text", small, 4).out;
  std::string whole = scan({tmp / "b.tar.zst"}, "text", {}, 2).out;
  CHECK(one == four);
  CHECK(one == whole);
  // The folder reads the same member the same way.
  std::string folder = scan({tmp / "b"}, "text", small, 3).out;
  std::string archive_lines = one.substr(0, one.find("── Inputs"));
  std::string folder_lines = folder.substr(0, folder.find("── Inputs"));
  replace_all(archive_lines, tmp / "b.tar.zst:", "@");
  replace_all(folder_lines, tmp / "b/", "@");
  CHECK(archive_lines == folder_lines);
}

TEST_CASE("bundle safety limits stop reading with a clear line and keep what was read", "[bundle]") {
  TempDir tmp;
  std::string filler(200 * 1024, '\n');
  std::vector<Entry> entries = {{"a/node-1/containerd.log", kFailure}, {"b/filler.log", filler}, {"c/node-2/containerd.log", kFailure}};
  write_archive(tmp / "limits.tar.gz", entries, Pack::tar_gz);

  SECTION("decompressed bytes") {
    BundleOptions o;
    o.max_bytes = 100 * 1024;
    test::RunOutput res = scan({tmp / "limits.tar.gz"}, "text", o);
    CHECK(res.err.find("limit 100 KB; raise it with --max-bytes") != std::string::npos);
    CHECK(res.out.find("1 pull attempt failed") != std::string::npos);  // node-1's, read before the limit
    CHECK(res.code == 1);
  }
  SECTION("members") {
    BundleOptions o;
    o.max_members = 2;
    test::RunOutput res = scan({tmp / "limits.tar.gz"}, "text", o);
    CHECK(res.err.find("stopped after 2 files and archive entries") != std::string::npos);
    CHECK(res.out.find("1 pull attempt failed") != std::string::npos);
  }
  SECTION("nesting depth") {
    std::string level = tmp / "n0.tar";
    write_archive(level, {{"node-1/containerd.log", kFailure}}, Pack::tar);
    for (int d = 1; d <= 5; ++d) {
      std::string next = tmp / ("n" + std::to_string(d) + ".tar.gz");
      write_archive(next, {{"inner" + std::to_string(d) + ".tar", test::read_file(level)}}, Pack::tar_gz);
      level = next;
    }
    BundleOptions o;
    o.max_depth = 3;
    test::RunOutput res = scan({level}, "text", o);
    CHECK(res.out.find("archive nested more than 3 deep, not read") != std::string::npos);
    o.max_depth = 8;
    res = scan({level}, "text", o);
    CHECK(res.out.find("1 pull attempt failed") != std::string::npos);
  }
}

TEST_CASE("hostile bundle entries are never followed", "[bundle]") {
  TempDir tmp;
  write_archive(tmp / "hostile.tar",
                {{"../../escape/containerd.log", kFailure},
                 {"/etc/pullscan-abs.log", kFailure},
                 {"ok/../../up.log", kFailure},
                 {"link-to-passwd", "", AE_IFLNK, "/etc/passwd"},
                 {"hard", "", AE_IFREG, "ok/node-1/containerd.log"},
                 {"dev-null", "", AE_IFCHR},
                 {"fifo", "", AE_IFIFO},
                 {"ok/node-1/containerd.log", kFailure}},
                Pack::tar);
  test::RunOutput res = scan({tmp / "hostile.tar"}, "json");
  CHECK(res.out.find("unsafe member name (absolute or with '..'), not read") != std::string::npos);
  CHECK(res.out.find("symbolic link, not followed") != std::string::npos);
  CHECK(res.out.find("hard link, not followed") != std::string::npos);
  CHECK(res.out.find("not a regular file (device, socket or pipe)") != std::string::npos);
  // Only the one safe member counts; nothing was written outside (or at all).
  CHECK(res.out.find("\"failed\": 1,") != std::string::npos);
  CHECK(!fs::exists(tmp.path.parent_path().parent_path() / "escape"));
  CHECK(!fs::exists("/etc/pullscan-abs.log"));

  // A folder: a symlink to a file and one to a directory outside are not followed.
  fs::create_directories(tmp / "dir/node-1");
  fs::create_directories(tmp / "outside");
  std::ofstream(tmp / "outside/containerd.log") << kFailure;
  std::ofstream(tmp / "dir/node-1/containerd.log") << kFailure;
  fs::create_symlink(tmp / "outside/containerd.log", tmp / "dir/stolen.log");
  fs::create_directory_symlink(tmp / "outside", tmp / "dir/outside-link");
  REQUIRE(mkfifo((tmp / "dir/pipe").c_str(), 0600) == 0);  // reading it would block forever
  res = scan({tmp / "dir"}, "json");
  CHECK(res.out.find("\"failed\": 1,") != std::string::npos);
  CHECK(res.out.find("symbolic link, not followed") != std::string::npos);
  CHECK(res.out.find("not a regular file") != std::string::npos);
}

TEST_CASE("a truncated or corrupt archive reports where and keeps what was read", "[bundle]") {
  TempDir tmp;
  std::string filler;
  for (int i = 0; i < 4000; ++i) filler += "Nov 21 08:00:01 node-x systemd[1]: unrelated line number " + std::to_string(i) + " with some padding text\n";
  write_archive(tmp / "whole.tar.gz", {{"node-1/containerd.log", kFailure}, {"node-2/journal.log", filler}, {"node-3/containerd.log", kFailure}},
                Pack::tar_gz);
  std::string bytes = test::read_file(tmp / "whole.tar.gz");
  std::ofstream(tmp / "cut.tar.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  test::RunOutput res = scan({tmp / "cut.tar.gz"}, "text");
  CHECK(res.err.find("cut.tar.gz") != std::string::npos);
  CHECK(res.out.find("1 pull attempt failed") != std::string::npos);  // node-1's
  CHECK(res.code == 1);

  std::string junk = bytes.substr(0, 20);
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xff));
  std::ofstream(tmp / "junk.tar.gz", std::ios::binary) << junk;
  res = scan({tmp / "junk.tar.gz", test::source_path("samples/realpull/dns-nxdomain.short.txt")}, "text");
  CHECK(res.err.find("junk.tar.gz") != std::string::npos);
  CHECK(res.out.find("dns_failure") != std::string::npos);  // the run went on with the next input
}

TEST_CASE("single compressed files (.xz, .zst) are read like plain ones", "[bundle]") {
  TempDir tmp;
  std::string text = test::read_file(test::source_path("samples/realpull/dns-nxdomain.short.txt"));
  for (const char* cmd : {"xz -c", "zstd -q -c"}) {
    std::string ext = std::string(cmd).rfind("xz", 0) == 0 ? ".xz" : ".zst";
    std::string out = tmp / ("j.txt" + ext);
    std::string plain = tmp / "j.txt";
    std::ofstream(plain) << text;
    if (std::system((std::string(cmd) + " " + plain + " > " + out + " 2>/dev/null").c_str()) != 0) {
      WARN(cmd << " not installed; libarchive writer used instead");
      archive* a = archive_write_new();
      archive_write_set_format_raw(a);
      ext == ".xz" ? archive_write_add_filter_xz(a) : archive_write_add_filter_zstd(a);
      archive_write_open_filename(a, out.c_str());
      archive_entry* e = archive_entry_new();
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_pathname(e, "j.txt");
      archive_write_header(a, e);
      archive_write_data(a, text.data(), text.size());
      archive_entry_free(e);
      archive_write_close(a);
      archive_write_free(a);
    }
    CHECK(container_kind(out) == ContainerKind::compressed);
    test::RunOutput res = scan({out}, "text");
    CHECK(res.out.find("dns_failure") != std::string::npos);
    CHECK(res.out.find(out + "\n") != std::string::npos);
  }
}

TEST_CASE("archives are read 4 levels deep, the bundle the first; a 5th is refused on stderr", "[bundle]") {
  TempDir tmp;
  // The innermost holds a gzipped log: a compressed file is not an archive,
  // so it does not count as a level.
  std::string gz_log;
  {
    std::string plain = tmp / "containerd.log";
    std::ofstream(plain) << kFailure;
    REQUIRE(std::system(("gzip -c " + plain + " > " + plain + ".gz").c_str()) == 0);
    gz_log = test::read_file(plain + ".gz");
  }
  auto nested = [&](int levels) {
    std::string level = tmp / "l1.tar.gz";
    write_archive(level, {{"node-1/containerd.log.gz", gz_log}}, Pack::tar_gz);
    for (int d = 2; d <= levels; ++d) {
      std::string next = tmp / ("l" + std::to_string(d) + ".tar.gz");
      write_archive(next, {{"inner" + std::to_string(d - 1) + ".tar.gz", test::read_file(level)}}, Pack::tar_gz);
      level = next;
    }
    return level;
  };
  test::RunOutput four = scan({nested(4)}, "text");
  CHECK(four.code == 1);
  CHECK(four.out.find("1 pull attempt failed") != std::string::npos);
  CHECK(four.err.find("nested") == std::string::npos);

  test::RunOutput five = scan({nested(5)}, "text");
  CHECK(five.err.find("archive nested more than 4 deep, not read (the bundle itself is the first level)") !=
        std::string::npos);
  CHECK(five.out.find("skipped archive nested more than 4 deep, not read") != std::string::npos);
  CHECK(five.code == 2);  // nothing at all could be read
}

TEST_CASE("skipped members are listed a few per reason, the rest counted", "[bundle]") {
  TempDir tmp;
  std::vector<Entry> entries;
  for (int i = 0; i < 30; ++i) entries.push_back({"b/link-" + std::to_string(i + 10), "", AE_IFLNK, "/etc/passwd"});
  entries.push_back({"b/node-1/containerd.log", kFailure});
  write_archive(tmp / "links.tar", entries, Pack::tar);
  test::RunOutput json = scan({tmp / "links.tar"}, "json");
  size_t listed = 0;
  for (size_t p = json.out.find("symbolic link, not followed"); p != std::string::npos;
       p = json.out.find("symbolic link, not followed", p + 1))
    ++listed;
  CHECK(listed == 8);
  CHECK(json.out.find("\"more_skipped\": 22") != std::string::npos);
  // Events still point at the record of their member.
  CHECK(json.out.find("\"failed\": 1,") != std::string::npos);
  test::RunOutput text = scan({tmp / "links.tar"}, "text");
  CHECK(text.out.find("1 file read, 30 skipped") != std::string::npos);
  CHECK(text.out.find("symbolic link, not followed: link-10, link-11, link-12, link-13 and 26 more") !=
        std::string::npos);
}

TEST_CASE("a bundle or compressed file that yields nothing is listed as unreadable, exit 2", "[bundle]") {
  TempDir tmp;
  std::string text = test::read_file(test::source_path("samples/realpull/dns-nxdomain.short.txt"));
  std::ofstream(tmp / "j.txt") << text;
  REQUIRE(std::system(("zstd -q -c " + (tmp / "j.txt") + " > " + (tmp / "j.zst")).c_str()) == 0);
  std::ofstream(tmp / "cut.zst", std::ios::binary) << test::read_file(tmp / "j.zst").substr(0, 20);
  test::RunOutput res = scan({tmp / "cut.zst"}, "json");
  CHECK(res.code == 2);
  CHECK(res.out.find("\"status\": \"unreadable\"") != std::string::npos);
  CHECK(res.out.find("the input is cut short: its zstd data ends early, before any text") != std::string::npos);
  // Among readable inputs it is listed too, and the run goes by the others.
  res = scan({tmp / "cut.zst", test::source_path("samples/realpull/dns-nxdomain.short.txt")}, "text");
  CHECK(res.code == 1);
  CHECK(res.out.find("could not be read: the input is cut short") != std::string::npos);

  fs::create_directory(tmp / "empty");
  res = scan({tmp / "empty"}, "text");
  CHECK(res.code == 2);
  CHECK(res.out.find("could not be read: holds no files") != std::string::npos);
}
