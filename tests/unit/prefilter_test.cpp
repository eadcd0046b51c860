// core/prefilter: the literal gate of the hot loop must find every needle at
// every alignment (the SSE2 path and the scalar tail) and nothing else.
#include <catch2/catch.hpp>

#include "core/prefilter.h"

using namespace pullscan;

TEST_CASE("prefilter finds each literal at every offset", "[core][prefilter]") {
  LiteralPrefilter pre({"mage", "next host", "fetch failed"});
  for (const std::string needle : {"mage", "next host", "fetch failed"}) {
    for (size_t off = 0; off < 40; ++off) {
      std::string hay(off, 'x');
      hay += needle;
      hay += std::string(off % 7, 'y');
      INFO(needle << " at " << off);
      CHECK(pre.find(hay) == off);
    }
  }
}

TEST_CASE("prefilter rejects near misses and honours the start position", "[core][prefilter]") {
  LiteralPrefilter pre({"mage"});
  CHECK(pre.find("magnet magma mag") == std::string_view::npos);
  CHECK(pre.find(std::string(100, 'a')) == std::string_view::npos);
  std::string two = "image ... image";
  CHECK(pre.find(two, 0) == 1);
  CHECK(pre.find(two, 2) == 11);
  CHECK_THROWS(LiteralPrefilter({"abc"}));
}

TEST_CASE("the pull literals select the lines a pull leaves", "[core][prefilter]") {
  LiteralPrefilter pre(pull_literals());
  CHECK(pre.matches(R"(level=info msg="PullImage \"nginx\"")"));
  CHECK(pre.matches(R"(level=info msg="trying next host" host=registry-1.docker.io)"));
  CHECK(pre.matches("Error: InvalidImageName"));
  CHECK(pre.matches("Error response from daemon: toomanyrequests"));
  CHECK_FALSE(pre.matches(R"(level=info msg="StartContainer for \"abc\" returns successfully")"));
  CHECK_FALSE(pre.matches("Started Session 42 of user root."));
}

TEST_CASE("count_newlines", "[core][prefilter]") {
  std::string s;
  for (int i = 0; i < 100; ++i) s += std::string(static_cast<size_t>(i % 17), 'a') + "\n";
  CHECK(count_newlines(s) == 100);
  CHECK(count_newlines("") == 0);
}
