// report: the JSON contract (parsed back with simdjson) and the text layout.
#include <catch2/catch.hpp>
#include <simdjson.h>

#include "../helpers.h"
#include "report/columns.h"
#include "report/report.h"

using namespace pullscan;

TEST_CASE("JSON report follows the pullscan.report/v1 contract", "[report][json]") {
  auto res = test::run_tool(test::scan_options({"samples/realpull/toomanyrequests-429.short.txt"}, "json"));
  CHECK(res.code == 1);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(res.out).get(doc) == simdjson::SUCCESS);
  CHECK(std::string_view(doc["schema"]) == "pullscan.report/v1");
  simdjson::dom::element in0 = doc["inputs"].at(0);
  CHECK(std::string_view(in0["path"]) == "samples/realpull/toomanyrequests-429.short.txt");
  CHECK(std::string_view(in0["format"]) == "journal-short");
  CHECK(int64_t(in0["lines"]) == 172);
  CHECK(int64_t(doc["summary"]["attempts"]) == 1);
  CHECK(int64_t(doc["summary"]["failed"]) == 1);
  CHECK(int64_t(doc["summary"]["succeeded"]) == 0);
  CHECK(int64_t(doc["summary"]["by_class"]["rate_limited"]) == 1);
  simdjson::dom::element a = doc["attempts"].at(0);
  CHECK(int64_t(a["id"]) == 1);
  CHECK(std::string_view(a["image"]) == "docker.io/library/hello:1.0");
  CHECK(std::string_view(a["registry"]) == "docker.io");
  CHECK(std::string_view(a["node"]) == "vm");
  CHECK(std::string_view(a["outcome"]) == "failed");
  CHECK(std::string_view(a["class"]) == "rate_limited");
  CHECK(!std::string_view(a["rule"]).empty());
  CHECK(std::string_view(a["error"]).find("429 Too Many Requests") != std::string_view::npos);
  CHECK(std::string_view(a["first_seen"]) == "2026-11-22T11:21:02.747Z");
  CHECK(std::string_view(a["last_seen"]) == "2026-11-22T11:21:02.776Z");
  CHECK(a["duration_ms"].is_null());
  CHECK(std::string_view(a["sources"].at(0)) == "containerd");
  CHECK(int64_t(a["evidence"].at(0)["input"]) == 0);
  CHECK(int64_t(a["evidence"].at(0)["line"]) == 94);
  simdjson::dom::element f = doc["findings"].at(0);
  CHECK(std::string_view(f["class"]) == "rate_limited");
  CHECK(std::string_view(f["registry"]) == "docker.io");
  CHECK(int64_t(f["attempts"]) == 1);
  CHECK(std::string_view(f["nodes"].at(0)) == "vm");
  CHECK(std::string_view(f["images"].at(0)) == "docker.io/library/hello:1.0");
  CHECK(!std::string_view(f["title"]).empty());
  CHECK(!std::string_view(f["explanation"]).empty());
  CHECK(simdjson::dom::array(f["fix"]).size() >= 1);
}

TEST_CASE("a pasted fragment without timestamps gives one attempt and one finding", "[report][json]") {
  Options o;
  o.command = Command::explain;
  o.output = "json";
  o.text = "Error response from daemon: toomanyrequests: You have reached your pull rate limit";
  auto res = test::run_tool(o);
  CHECK(res.code == 1);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.parse(res.out).get(doc) == simdjson::SUCCESS);
  CHECK(int64_t(doc["summary"]["attempts"]) == 1);
  CHECK(simdjson::dom::array(doc["findings"]).size() == 1);
  CHECK(doc["attempts"].at(0)["first_seen"].is_null());
}

TEST_CASE("text report: verdict, findings with fix, inputs", "[report][text]") {
  auto res = test::run_tool(test::scan_options({"samples/journal/realpull-several.journal.txt"}));
  CHECK(res.code == 1);
  const std::string& t = res.out;
  CHECK(t.rfind("pullscan: 5 of 6 pull attempts failed, 1 succeeded\n  by class  ", 0) == 0);
  CHECK(t.find("[rate_limited]") != std::string::npos);
  CHECK(t.find("  fix       1. ") != std::string::npos);
  CHECK(t.find("── Inputs") != std::string::npos);
  CHECK(t.find("── Succeeded") != std::string::npos);
  // Readable at 100 columns: only unbreakable tokens (URLs) and commands
  // longer than the value column (which are never split) may exceed it.
  size_t pos = 0;
  while (pos < t.size()) {
    size_t nl = t.find('\n', pos);
    std::string line = t.substr(pos, nl - pos);
    pos = nl == std::string::npos ? t.size() : nl + 1;
    if (line.find("http") != std::string::npos || line.find('/') != std::string::npos) continue;
    bool long_command = false;
    for (size_t open = line.find('`'), close; open != std::string::npos && (close = line.find('`', open + 1)) != std::string::npos;
         open = line.find('`', close + 1))
      long_command |= display_width(line.substr(open, close - open + 1)) > 100 - 12;
    if (long_command) continue;
    size_t cols = 0;
    for (unsigned char c : line) cols += (c & 0xC0) != 0x80;
    INFO(line);
    CHECK(cols <= 100);
  }
}

TEST_CASE("the verdict says what still fails, where, and what recovered", "[report][text]") {
  auto state_of = [](std::vector<std::string> paths) {
    std::string out = test::run_tool(test::scan_options(std::move(paths))).out;
    size_t at = out.find("\n  state     ");
    return at == std::string::npos ? std::string() : out.substr(at + 13, out.find('\n', at + 1) - at - 13);
  };
  CHECK(state_of({"samples/stories/one-node-dns.journal.txt"}) == "1 problem still failing, on 1 of 3 nodes");
  CHECK(state_of({"samples/stories/recovered-rate-limit.journal.txt"}) ==
        "the problem recovered: each failing image pulled fine later");
  CHECK(state_of({"samples/stories/recovered-rate-limit.journal.txt", "samples/stories/one-node-dns.journal.txt"}) ==
        "1 problem still failing, on 1 of 3 nodes; 1 recovered");
  CHECK(state_of({"samples/realpull/mirror-fallback.short.txt"}) ==
        "1 image worked only after a mirror failed (see Mirrors and registry config)");
  CHECK(state_of({"samples/realpull/success.short.txt"}).empty());
}

TEST_CASE("secrets in logs never reach the report", "[report][redact]") {
  Options o;
  o.command = Command::explain;
  o.text =
      "Failed to pull image \"reg.local/app:1\": failed to do request: Head \"https://robot:Sup3rS3cret@reg.local/v2/app/manifests/1\": "
      "x509: certificate signed by unknown authority\n";
  auto res = test::run_tool(o);
  CHECK(res.out.find("Sup3rS3cret") == std::string::npos);
  o.output = "json";
  res = test::run_tool(o);
  CHECK(res.out.find("Sup3rS3cret") == std::string::npos);
  CHECK(res.out.find("robot:***@reg.local") != std::string::npos);
}

TEST_CASE("exit codes: 0 clean, 1 failures, 2 unreadable input", "[report][exit]") {
  CHECK(test::run_tool(test::scan_options({"samples/realpull/success.short.txt"})).code == 0);
  CHECK(test::run_tool(test::scan_options({"samples/realpull/dns-nxdomain.short.txt"})).code == 1);
  auto missing = test::run_tool(test::scan_options({"/nonexistent/file"}));
  CHECK(missing.code == 2);
  CHECK(missing.err == "pullscan: /nonexistent/file: No such file or directory\n");
  // One unreadable input among good ones is a warning; the rest is analysed.
  auto mixed = test::run_tool(test::scan_options({"/nonexistent/file", "samples/realpull/dns-nxdomain.short.txt"}));
  CHECK(mixed.code == 1);
  CHECK(mixed.out.find("dns_failure") != std::string::npos);
}

TEST_CASE("the YAML report is the JSON report in YAML's block style, every value keeping its type", "[report][yaml]") {
  std::string yaml;
  REQUIRE(json_to_yaml(R"({"schema": "x/v1", "n": 3, "none": null, "ok": true, "empty": [], "obj": {},
    "list": [{"id": 1, "tags": ["a", "yes"]}, {"id": 2, "tags": []}], "nested": [[1, 2], []],
    "tricky": "1.0", "esc": "a\u001b[31m\n\"q\"", "on": 1, "map": {"k": {"deep": "v"}}})", yaml));
  CHECK(yaml ==
        "schema: \"x/v1\"\n"
        "\"n\": 3\n"  // a YAML 1.1 boolean, like "on"
        "none: null\n"
        "ok: true\n"
        "empty: []\n"
        "obj: {}\n"
        "list:\n"
        "- id: 1\n"
        "  tags:\n"
        "  - \"a\"\n"
        "  - \"yes\"\n"
        "- id: 2\n"
        "  tags: []\n"
        "nested:\n"
        "- - 1\n"
        "  - 2\n"
        "- []\n"
        "tricky: \"1.0\"\n"
        "esc: \"a\\u001b[31m\\n\\\"q\\\"\"\n"
        "\"on\": 1\n"
        "map:\n"
        "  k:\n"
        "    deep: \"v\"\n");
  CHECK_FALSE(json_to_yaml(R"({"a": )", yaml));
  CHECK_FALSE(json_to_yaml(R"({"a": 1} trailing)", yaml));
  // U+FFFF may not appear raw in YAML.
  REQUIRE(json_to_yaml("[\"\xEF\xBF\xBF\"]", yaml));
  CHECK(yaml == "- \"\\uFFFF\"\n");
}

TEST_CASE("the wide report: one row per finding under kubectl-style headers", "[report][wide]") {
  auto res = test::run_tool(test::scan_options({"samples/journal/realpull-several.journal.txt"}, "wide"));
  CHECK(res.code == 1);
  std::vector<std::string> rows;
  for (size_t start = 0, nl; (nl = res.out.find('\n', start)) != std::string::npos; start = nl + 1)
    rows.push_back(res.out.substr(start, nl - start));
  REQUIRE(rows.size() == 6);  // the header and the 5 findings of the text report
  CHECK(rows[0].rfind("CLASS", 0) == 0);
  for (std::string_view header : {"REGISTRY", "IMAGES", "NODES", "ATTEMPTS", "FIRST SEEN", "LAST SEEN", "FAILING"})
    CHECK(rows[0].find(header) != std::string::npos);
  CHECK(rows[1].rfind("not_found ", 0) == 0);
  CHECK(rows[1].find("127.0.0.1:41500/realpull/hello:2.0-does-not-exist") != std::string::npos);
  CHECK(rows[1].find(" vm ") != std::string::npos);
  CHECK(rows[1].find("2026-11-22T11:20:45Z") != std::string::npos);
  CHECK(rows[1].substr(rows[1].size() - 3) == "yes");
  // Columns line up: each header starts where its values do.
  const size_t images_at = rows[0].find("IMAGES");
  for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][images_at - 1] == ' ');
  CHECK(rows[1].find("127.0.0.1:41500/") == images_at);
}

TEST_CASE("display columns, not bytes: the report's own rules and arrows are one column each", "[report][columns]") {
  CHECK(display_width("──→—") == 4);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("日本") == 4);       // East Asian wide
  CHECK(display_width("e\u0301") == 1);   // a combining accent takes no column
  CHECK(display_width("\xff") == 1);      // a stray byte (escaped before it gets here) counts as one
  CHECK(pad_right("→", 3) == "→  ");
  CHECK(pad_right("wider", 2) == "wider");
}

TEST_CASE("a fix command is never split across lines, whatever the width", "[report][text]") {
  for (size_t width : {60, 80, 100, 200}) {
    Options o = test::scan_options({"samples/realpull/toomanyrequests-429.short.txt"}, "text");
    o.width = width;
    auto res = test::run_tool(o);
    INFO("width " << width);
    // The token pipeline of the first fix, 260 columns: whole on one line.
    CHECK(res.out.find("`TOKEN=$(curl -s \"https://auth.docker.io/token?service=registry.docker.io&scope=repository:library/"
                       "hello:pull\" | jq -r .token); curl -sI -H \"Authorization: Bearer $TOKEN\" "
                       "https://registry-1.docker.io/v2/library/hello/manifests/1.0 | grep -i ratelimit`") != std::string::npos);
    // Prose still wraps at the width: no line without a backtick passes it.
    size_t start = 0;
    for (size_t nl; (nl = res.out.find('\n', start)) != std::string::npos; start = nl + 1) {
      const std::string line = res.out.substr(start, nl - start);
      if (line.find('`') == std::string::npos && line.find(' ', 12) != std::string::npos &&
          line.find("http") == std::string::npos)
        CHECK(display_width(line) <= width);
    }
  }
}
