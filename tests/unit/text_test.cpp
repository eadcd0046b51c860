// core/text and core/error_chain: Go unquoting (containerd and klog values),
// JSON escaping, what a registry host answered.
#include <catch2/catch.hpp>

#include "core/error_chain.h"
#include "core/text.h"

using namespace pullscan;

TEST_CASE("go_unquote undoes strconv.Quote", "[core][text]") {
  CHECK(go_unquote(R"("PullImage \"nginx:bad\"")") == std::string("PullImage \"nginx:bad\""));
  CHECK(go_unquote(R"("a\\b\nc\td")") == std::string("a\\b\nc\td"));
  CHECK(go_unquote(R"("\x41\u00e9\U0001F600")") == std::string("A\xC3\xA9\xF0\x9F\x98\x80"));
  CHECK(go_unquote(R"("\101")") == std::string("A"));
  CHECK(go_unquote(R"("")") == std::string());
}

TEST_CASE("go_unquote rejects malformed input without guessing", "[core][text]") {
  CHECK_FALSE(go_unquote(R"("unterminated)"));
  CHECK_FALSE(go_unquote(R"("bad \q escape")"));
  CHECK_FALSE(go_unquote(R"("\x4")"));
  CHECK_FALSE(go_unquote("no quotes"));
  CHECK_FALSE(go_unquote(R"("trailing" junk)"));
}

TEST_CASE("go_unquote_at reads one value and reports where it ended", "[core][text]") {
  std::string_view s = R"(msg="x \"y\"" error="z")";
  size_t pos = 4;
  std::string out;
  REQUIRE(go_unquote_at(s, pos, out));
  CHECK(out == "x \"y\"");
  CHECK(s.substr(pos) == R"( error="z")");
}

TEST_CASE("kubelet's twice-quoted sync error needs two unquotes", "[core][text]") {
  // formats.md §2.4: the klog value holds a %q-quoted kubelet message.
  std::string klog_value =
      R"("failed to \"StartContainer\" for \"web\" with ErrImagePull: \"rpc error: code = NotFound desc = failed to pull and unpack image \\\"docker.io/library/nginx:bad\\\": not found\"")";
  auto once = go_unquote(klog_value);
  REQUIRE(once);
  size_t p = once->find("ErrImagePull: ") + 14;
  std::string twice;
  REQUIRE(go_unquote_at(*once, p, twice));
  CHECK(twice == R"(rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:bad": not found)");
}

TEST_CASE("json_escape always produces valid JSON string bodies", "[core][text]") {
  std::string out;
  json_escape("a\"b\\c\nd\x01\xff", out);
  CHECK(out == "a\\\"b\\\\c\\nd\\u0001\\ufffd");
}

TEST_CASE("ellipsize and printable keep evidence safe to print", "[core][text]") {
  CHECK(ellipsize("abcdef", 10) == "abcdef");
  CHECK(ellipsize("abcdefghijkl", 8) == "abcde…");
  CHECK(printable("a\x1b[31mb") == "a?[31mb");
  CHECK(printable(std::string_view("x\0y", 3)) == "x?y");
}

TEST_CASE("host_answer keeps what a mirror answered, not the request that asked", "[core][error_chain]") {
  // realpull mirror-fallback: containerd's `trying next host` errors.
  CHECK(host_answer("failed to do request: Head \"http://127.0.0.1:41542/v2/library/hello/manifests/1.0?ns=docker.io\": "
                    "dial tcp 127.0.0.1:41542: connect: connection refused") ==
        "dial tcp 127.0.0.1:41542: connect: connection refused");
  CHECK(host_answer("404 Not Found") == "404 Not Found");
  CHECK(host_answer("failed to do request: Get \"https://m.example/v2/\": net/http: TLS handshake timeout") ==
        "net/http: TLS handshake timeout");
  CHECK(host_answer(std::string(300, 'x'), 40).size() <= 40 + 3);
}

TEST_CASE("terminal_safe writes every control byte as \\xNN and keeps text", "[core][text]") {
  // ESC sequences (clear screen, OSC window title), C1 CSI raw and as UTF-8, DEL, NUL.
  CHECK(terminal_safe("node\x1b[2J\x1b]0;pwned\x07") == "node\\x1b[2J\\x1b]0;pwned\\x07");
  CHECK(terminal_safe("a\x9b" "31mb") == "a\\x9b31mb");
  CHECK(terminal_safe("a\xc2\x9b" "31mb") == "a\\x9b31mb");
  CHECK(terminal_safe(std::string("x\0y\x7f", 4)) == "x\\x00y\\x7f");
  // A newline in a name cannot start a line of its own; text layout keeps its own.
  CHECK(terminal_safe("pod\npullscan: all pulls OK") == "pod\\x0apullscan: all pulls OK");
  CHECK(terminal_safe_lines("one\ntwo\r\x1b") == "one\ntwo\\x0d\\x1b");
  // Printable ASCII and UTF-8 (including U+00A0 and up) are unchanged.
  CHECK(terminal_safe("nginx:1.27 → docker.io/ümlaut\xc2\xa0x") == "nginx:1.27 → docker.io/ümlaut\xc2\xa0x");
}

TEST_CASE("json_escape leaves no raw control byte and stays exact", "[core][text]") {
  std::string out;
  json_escape("a\x1b]0;t\x07\xc2\x9b" "b\xc2\xa0", out);
  CHECK(out == "a\\u001b]0;t\\u0007\\u009bb\xc2\xa0");
}
