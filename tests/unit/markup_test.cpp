// report/markup.h and the Markdown report: values from logs stay text in
// Markdown and HTML (no tag, link, emphasis or table cell of their own), and
// the ticket summary holds the verdict, the table and each finding's fix.
#include <catch2/catch.hpp>

#include "../helpers.h"
#include "report/markup.h"
#include "report/report.h"

using namespace pullscan;

TEST_CASE("Markdown text: markup characters are escaped, link-like words become code", "[report][markdown]") {
  CHECK(markdown_text("node-a") == "node-a");
  CHECK(markdown_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(markdown_text("[click](x) *bold* _i_ ~s~ a|b #h") == "\\[click\\](x) \\*bold\\* \\_i\\_ \\~s\\~ a\\|b \\#h");
  CHECK(markdown_text("see https://evil.example/login now") == "see `https://evil.example/login` now");
  CHECK(markdown_text("www.evil.example") == "`www.evil.example`");
  CHECK(markdown_text("mail me@evil.example") == "mail `me@evil.example`");
  CHECK(markdown_text("&lt;b&gt;") == "&amp;lt;b&amp;gt;");
  // Control bytes and newlines cannot start a line (a heading, a fence) of their own.
  CHECK(markdown_text("a\n# pwned\x1b[2J") == "a\\\\x0a\\# pwned\\\\x1b\\[2J");
}

TEST_CASE("Markdown code spans hold any backticks and pipes", "[report][markdown]") {
  CHECK(markdown_code("vm") == "`vm`");
  CHECK(markdown_code("a`b") == "``a`b``");
  CHECK(markdown_code("`x") == "`` `x ``");
  CHECK(markdown_code("a|b", MarkdownPlace::table_cell) == "`a\\|b`");
  CHECK(markdown_code("a|b") == "`a|b`");
  CHECK(markdown_fence("x") == "```");
  CHECK(markdown_fence("a ```` b") == "`````");
}

TEST_CASE("report prose splits into words and code; commands are told from values", "[report][markup]") {
  auto pieces = split_code_spans("run `crane ls x` and compare with `v1` then `dangling");
  REQUIRE(pieces.size() == 5);
  CHECK(!pieces[0].code);
  CHECK(pieces[1].code);
  CHECK(pieces[1].text == "crane ls x");
  CHECK(pieces[3].text == "v1");
  CHECK(pieces[4].text == " then `dangling");
  CHECK(looks_like_command("crane ls x"));
  CHECK(looks_like_command("journalctl -u containerd | grep x"));
  CHECK_FALSE(looks_like_command("v1"));
  CHECK_FALSE(looks_like_command("capabilities = [\"pull\"]"));
  CHECK_FALSE(looks_like_command("[host.\"https://x\"]"));
  CHECK_FALSE(looks_like_command("Foo bar"));
}

TEST_CASE("HTML text escapes every character HTML acts on", "[report][html]") {
  CHECK(html_text("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(html_text("n\x1b]0;t\x07") == "n\\x1b]0;t\\x07");
  CHECK(html_prose("run `a <b>` now") == "run <code>a &lt;b&gt;</code> now");
}

TEST_CASE("the Markdown report: verdict heading, findings table, fix steps with their commands", "[report][markdown]") {
  auto res = test::run_tool(test::scan_options({"samples/journal/realpull-several.journal.txt"}, "markdown"));
  CHECK(res.code == 1);
  const std::string& md = res.out;
  CHECK(md.rfind("## pullscan: 5 of 6 pull attempts failed, 1 succeeded\n", 0) == 0);
  CHECK(md.find("| # | Class | Attempts | Registry | Nodes | State |\n|--:|") != std::string::npos);
  CHECK(md.find("| 1 | `not_found` | 1 | `127.0.0.1:41500` | `vm` | **still failing** |") != std::string::npos);
  CHECK(md.find("### 1. Image tag, digest or repository not found (`not_found`)") != std::string::npos);
  CHECK(md.find("   ```sh\n   crane ls 127.0.0.1:41500/realpull/hello\n") != std::string::npos);
  // Every finding has its section, each fence is closed.
  for (int i = 1; i <= 5; ++i) CHECK(md.find("\n### " + std::to_string(i) + ". ") != std::string::npos);
  size_t fences = 0;
  for (size_t p = md.find("```"); p != std::string::npos; p = md.find("```", p + 3)) {
    ++fences;
    while (p + 3 < md.size() && md[p + 3] == '`') ++p;
  }
  CHECK(fences % 2 == 0);
}
