#include <doctest/doctest.h>

#include "runtime/api/params.hpp"

using namespace strato::api;
using strato::http::param_list;

TEST_CASE("booleans accept oslo's words in any case") {
  for (auto yes : {"1", "t", "true", "on", "y", "yes", "TRUE", " Yes ", "On"}) {
    CAPTURE(yes);
    CHECK(*parse_bool_param("all_tenants", yes));
  }
  for (auto no : {"0", "f", "false", "off", "n", "no", "False", "NO"}) {
    CAPTURE(no);
    CHECK_FALSE(*parse_bool_param("all_tenants", no));
  }
}

TEST_CASE("other words are 400 naming the parameter") {
  for (auto bad : {"", "2", "yess", "nope", "truee", "-1"}) {
    CAPTURE(bad);
    auto value = parse_bool_param("all_tenants", bad);
    REQUIRE_FALSE(value.ok());
    CHECK(value.error().code() == strato::errc::invalid_argument);
  }
  CHECK(parse_bool_param("all_tenants", "maybe").error().message()
        == "Value 'maybe' for 'all_tenants' is not a boolean.");
}

TEST_CASE("bool_param falls back when absent and reads the last value") {
  param_list query;
  CHECK(*bool_param(query, "deleted", true));
  query.add("deleted", "no");
  query.add("deleted", "yes");
  CHECK(*bool_param(query, "deleted", false));
  query.add("deleted", "x");
  CHECK_FALSE(bool_param(query, "deleted", false).ok());
}

TEST_CASE("int_param checks integers and bounds with oslo's messages") {
  param_list query;
  CHECK_FALSE(int_param(query, "offset", 0, 100)->has_value());
  query.add("offset", " 42 ");
  CHECK(**int_param(query, "offset", 0, 100) == 42);
  auto check = [](std::string value) {
    param_list q;
    q.add("offset", std::move(value));
    auto parsed = int_param(q, "offset", 0, 100);
    return parsed.ok() ? std::string{"ok"} : parsed.error().message();
  };
  CHECK(check("x") == "offset must be an integer");
  CHECK(check("1.0") == "offset must be an integer");
  CHECK(check("") == "offset must be an integer");
  CHECK(check("-1") == "offset must be >= 0");
  CHECK(check("101") == "offset must be <= 100");
  CHECK(check("+7") == "ok");
  CHECK(check("99999999999999999999") == "offset must be <= 100");
  CHECK(check("-99999999999999999999") == "offset must be >= 0");
}
