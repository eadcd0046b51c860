// Catch2's main for the unit, rules, golden and realpull tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
