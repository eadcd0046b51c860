// input: blocks of whole lines from plain and gzip files; over-long lines are
// cut once and the rest of the input survives; memory stays one buffer.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cstdio>
#include <fstream>

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
  CHECK_FALSE(r->error().empty());
  std::remove(gz.c_str());
}

TEST_CASE("missing files and directories are refused with a reason", "[input]") {
  std::string error;
  CHECK_FALSE(open_input("/nonexistent/pullscan", ReadOptions{}, error));
  CHECK(error == "No such file or directory");
  CHECK_FALSE(open_input("/tmp", ReadOptions{}, error));
  CHECK(error.find("directory") != std::string::npos);
}
