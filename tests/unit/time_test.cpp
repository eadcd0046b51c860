// core/timeutil: the timestamp shapes of containerd, journald, klog and events.
#include <catch2/catch.hpp>

#include "core/timeutil.h"

using namespace pullscan;

TEST_CASE("ISO 8601 timestamps as the logs write them", "[core][time]") {
  bool zone = false;
  auto t = parse_iso8601("2026-11-22T11:21:02.776710021Z", zone);
  REQUIRE(t);
  CHECK(zone);
  CHECK(format_iso_ms(*t) == "2026-11-22T11:21:02.776Z");
  auto plus = parse_iso8601("2024-06-13T22:28:42.361881615+02:00", zone);
  REQUIRE(plus);
  CHECK(format_iso_ms(*plus) == "2024-06-13T20:28:42.361Z");
  auto compact = parse_iso8601("2025-02-12T06:25:29.149489+0000", zone);
  REQUIRE(compact);
  CHECK(format_iso_ms(*compact) == "2025-02-12T06:25:29.149Z");
  auto naive = parse_iso8601("2024-05-01 12:00:00", zone);
  REQUIRE(naive);
  CHECK_FALSE(zone);
  CHECK_FALSE(parse_iso8601("2024-13-01T00:00:00Z", zone));
  CHECK_FALSE(parse_iso8601("yesterday", zone));
}

TEST_CASE("year-less times re-base to the year found later", "[core][time]") {
  int64_t naive = civil_to_ns(kNaiveYear, 2, 29, 1, 2, 3, 0);
  CHECK(format_iso_ms(rebase_year(naive, 2024)) == "2024-02-29T01:02:03.000Z");
  CHECK(format_iso_ms(rebase_year(naive, 2023)) == "2023-02-28T01:02:03.000Z");
  CHECK(year_of(rebase_year(civil_to_ns(kNaiveYear, 12, 31, 23, 59, 59, 0), 1999)) == 1999);
  CHECK(month_from_abbrev("Nov") == 11);
  CHECK(month_from_abbrev("nov") == 0);
}

TEST_CASE("Go durations", "[core][time]") {
  CHECK(parse_go_duration_ms("5m0s") == 300000);
  CHECK(parse_go_duration_ms("49.18401355s") == 49184);
  CHECK(parse_go_duration_ms("1m21.284220239s") == 81284);
  CHECK(parse_go_duration_ms("500ms") == 500);
  CHECK(parse_go_duration_ms("1.5\xC2\xB5s") == 0);
  CHECK(parse_go_duration_ms("0s") == 0);
  CHECK_FALSE(parse_go_duration_ms("5 minutes"));
  CHECK_FALSE(parse_go_duration_ms(""));
}
