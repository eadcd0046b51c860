// input: blocks of whole lines from plain and gzip files; over-long lines are
// cut once and the rest of the input survives; memory stays one buffer.
#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "input/line_source.h"

using namespace pullscan;

namespace {

std::string temp_path(const char* name) { return std::string("/tmp/pullscan-input-test-") + name; }

std::vector<std::pair<uint64_t, std::string>> read_lines(const std::string& path, ReadOptions opt, bool& any_cut) {
  std::string error;
  auto r = open_input(path, opt, error);
  REQUIRE(r);
  std::vector<std::pair<uint64_t, std::string>> lines;
  LineBlock b;
  any_cut = false;
  while (r->next(b)) {
    if (b.cut) {
      any_cut = true;
      lines.emplace_back(b.first_line, std::string(b.text));
      continue;
    }
    uint64_t n = b.first_line;
    size_t pos = 0;
    while (pos < b.text.size()) {
      size_t nl = b.text.find('\n', pos);
      size_t end = nl == std::string_view::npos ? b.text.size() : nl;
      lines.emplace_back(n++, std::string(b.text.substr(pos, end - pos)));
      pos = end + 1;
    }
  }
  CHECK(r->error().empty());
  return lines;
}

}  // namespace

TEST_CASE("plain and gzip inputs read the same lines", "[input]") {
  std::string text;
  for (int i = 1; i <= 5000; ++i) text += "line " + std::to_string(i) + "\n";
  text += "last line without newline";
  std::string plain = temp_path("plain.txt"), gz = temp_path("plain.txt.gz");
  std::ofstream(plain, std::ios::binary) << text;
  gzFile g = gzopen(gz.c_str(), "wb");
  gzwrite(g, text.data(), static_cast<unsigned>(text.size()));
  gzclose(g);
  ReadOptions opt;
  opt.block_bytes = 4096;  // many blocks
  bool cut = false;
  auto a = read_lines(plain, opt, cut);
  auto b = read_lines(gz, opt, cut);
  REQUIRE(a.size() == 5001);
  CHECK(a == b);
  CHECK(a[0] == std::make_pair(uint64_t(1), std::string("line 1")));
  CHECK(a[4999] == std::make_pair(uint64_t(5000), std::string("line 5000")));
  CHECK(a[5000].second == "last line without newline");
  std::remove(plain.c_str());
  std::remove(gz.c_str());
}

TEST_CASE("an over-long line is cut once and the rest still reads", "[input]") {
  std::string path = temp_path("huge.txt");
  std::string huge(300000, 'x');
  std::ofstream(path, std::ios::binary) << "before\n" << huge << "\nafter\n";
  ReadOptions opt;
  opt.block_bytes = 8192;
  opt.max_line_bytes = 65536;
  bool cut = false;
  auto lines = read_lines(path, opt, cut);
  CHECK(cut);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].second == "before");
  CHECK(lines[1].first == 2);
  CHECK(lines[1].second.size() == 65536);
  CHECK(lines[2] == std::make_pair(uint64_t(3), std::string("after")));
  std::remove(path.c_str());
}

TEST_CASE("a truncated gzip file reports an error after what it could read", "[input]") {
  std::string gz = temp_path("trunc.gz");
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + " some more text to compress\n";
  gzFile g = gzopen(gz.c_str(), "wb");
  gzwrite(g, text.data(), static_cast<unsigned>(text.size()));
  gzclose(g);
  std::ifstream in(gz, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(gz, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() / 2);
  std::string error;
  auto r = open_input(gz, ReadOptions{}, error);
  REQUIRE(r);
  LineBlock b;
  uint64_t got = 0;
  while (r->next(b)) got += std::count(b.text.begin(), b.text.end(), '\n');
  CHECK(got > 0);
  CHECK(got < 20000);
  // In a person's words: cut short, and how much came out; never zlib's "<fd:5>".
  CHECK(r->error().find("the input is cut short: its gzip data ends early, after ") == 0);
  CHECK(r->error().find("<fd:") == std::string::npos);
  std::remove(gz.c_str());
}

namespace {

// `text` compressed by libarchive's writer (a raw single file), as xz, zstd
// and bzip2 write it.
std::string compress(const std::string& text, Compression c) {
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  if (c == Compression::xz) archive_write_add_filter_xz(a);
  if (c == Compression::zstd) archive_write_add_filter_zstd(a);
  if (c == Compression::bzip2) archive_write_add_filter_bzip2(a);
  if (c == Compression::gzip) archive_write_add_filter_gzip(a);
  std::string out(text.size() + 65536, '\0');
  size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_pathname(e, "x");
  archive_write_header(a, e);
  archive_write_data(a, text.data(), text.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

// Everything open_input("-") reads when stdin is a pipe holding `bytes`.
std::string read_stdin_pipe(const std::string& bytes, std::string& error) {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  std::thread writer([&] {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(p[1], bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(p[1]);
  });
  int saved = ::dup(STDIN_FILENO);
  ::dup2(p[0], STDIN_FILENO);
  ::close(p[0]);
  std::string text;
  auto r = open_input("-", ReadOptions{}, error);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  if (r) {
    LineBlock b;
    while (r->next(b)) text += b.text;
    error = r->error();
  }
  writer.join();
  return text;
}

}  // namespace

TEST_CASE("xz, zstd and bzip2 are decompressed on stdin and in files, whatever the name", "[input]") {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "line " + std::to_string(i) + " of a compressed journal\n";
  for (Compression c : {Compression::xz, Compression::zstd, Compression::bzip2, Compression::gzip}) {
    INFO(to_string(c));
    std::string packed = compress(text, c);
    CHECK(sniff_compression(packed) == c);
    std::string error;
    CHECK(read_stdin_pipe(packed, error) == text);
    CHECK(error.empty());
    std::string path = temp_path("compressed.log");  // no telling extension
    std::ofstream(path, std::ios::binary | std::ios::trunc) << packed;
    bool cut = false;
    auto lines = read_lines(path, ReadOptions{}, cut);
    REQUIRE(lines.size() == 3000);
    CHECK(lines[2999].second == "line 2999 of a compressed journal");
    std::remove(path.c_str());
  }
  // Plain text on a pipe is handed over as it is.
  std::string error;
  CHECK(read_stdin_pipe("BZ is not bzip2\nplain\n", error) == "BZ is not bzip2\nplain\n");
}

TEST_CASE("cut-short xz and zstd on stdin keep what came before and say so", "[input]") {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "line " + std::to_string(i * 7919) + " of a compressed journal\n";
  for (Compression c : {Compression::xz, Compression::zstd}) {
    INFO(to_string(c));
    std::string packed = compress(text, c);
    std::string error;
    std::string got = read_stdin_pipe(packed.substr(0, packed.size() / 2), error);
    CHECK(!got.empty());
    CHECK(text.compare(0, got.size(), got) == 0);
    CHECK(error.find("the input is cut short: its " + std::string(to_string(c)) + " data ends early, after ") == 0);
    // Too short for any text: nothing opens, and the reason is the same.
    CHECK(read_stdin_pipe(packed.substr(0, 20), error).empty());
    CHECK(error.find("cut short") != std::string::npos);
  }
}

TEST_CASE("missing files and directories are refused with a reason", "[input]") {
  std::string error;
  CHECK_FALSE(open_input("/nonexistent/pullscan", ReadOptions{}, error));
  CHECK(error == "No such file or directory");
  CHECK_FALSE(open_input("/tmp", ReadOptions{}, error));
  CHECK(error.find("directory") != std::string::npos);
}
