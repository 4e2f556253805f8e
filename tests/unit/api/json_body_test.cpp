#include <doctest/doctest.h>

#include "runtime/api/json_body.hpp"

using namespace strato::api;
using nlohmann::json;

namespace {

std::string nest(size_t depth, char open, char close) {
  return std::string(depth, open) + std::string(depth, close);
}

} // namespace

TEST_CASE("a JSON object body parses") {
  auto body = parse_json_body(R"({"server": {"name": "vm", "n": [1, 2]}})");
  REQUIRE(body.ok());
  CHECK((*body)["server"]["name"] == "vm");
}

TEST_CASE("malformed bodies are 400 with Nova's message") {
  for (auto text : {"", "   ", "{", "{\"a\": }", "{'a': 1}", "nul", "{} x",
                    "{\"a\": 1e999}", "\xff"}) {
    CAPTURE(text);
    auto body = parse_json_body(text);
    REQUIRE_FALSE(body.ok());
    CHECK(body.error().code() == strato::errc::invalid_argument);
    CHECK(body.error().message() == "Malformed request body");
  }
}

TEST_CASE("non-object bodies fail unless allowed") {
  auto list = parse_json_body("[1, 2]");
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().message() == "The request body must be a JSON object.");
  auto allowed = parse_json_body("[1, 2]", {.require_object = false});
  REQUIRE(allowed.ok());
  CHECK(allowed->size() == 2);
  CHECK(parse_json_body("\"x\"", {.require_object = false}).ok());
}

TEST_CASE("bodies nested past the limit are refused before parsing") {
  auto deep = parse_json_body("{\"a\":" + nest(64, '[', ']') + "}");
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().message()
        == "Malformed request body: JSON nested deeper than 64 levels");
  CHECK(parse_json_body("{\"a\":" + nest(63, '[', ']') + "}").ok());
  // Brackets inside strings do not count.
  CHECK(parse_json_body("{\"a\": \"" + nest(100, '[', ']') + "\\\"[[\"}").ok());
  auto hostile = parse_json_body(std::string(1 << 20, '['));
  REQUIRE_FALSE(hostile.ok());
  CHECK(hostile.error().message().find("nested deeper") != std::string::npos);
  CHECK_FALSE(parse_json_body("[[[1]]]", {.require_object = false,
                                          .max_depth = 2})
                .ok());
}

TEST_CASE("duplicate keys keep the last value, as Python's json does") {
  auto body = parse_json_body(R"({"a": 1, "a": 2})");
  REQUIRE(body.ok());
  CHECK((*body)["a"] == 2);
}

TEST_CASE("json_depth counts containers without recursing") {
  CHECK(json_depth(1, 10) == 0);
  CHECK(json_depth(json::array(), 10) == 1);
  CHECK(json_depth(json::parse(R"({"a": [{"b": []}]})"), 10) == 4);
  json deep = json::array();
  for (int i = 0; i < 100000; ++i) {
    deep = json::array({std::move(deep)});
  }
  CHECK(json_depth(deep, 64) == 65);
}

TEST_CASE("query parameters become lists of values per name") {
  strato::http::param_list query;
  query.add("status", "A");
  query.add("limit", "2");
  query.add("status", "B");
  CHECK(query_to_json(query)
        == json{{"status", {"A", "B"}}, {"limit", {"2"}}});
  CHECK(query_to_json({}) == json::object());
}
