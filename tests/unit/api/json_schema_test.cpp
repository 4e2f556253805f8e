#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "runtime/api/json_schema.hpp"

using namespace strato::api;
using nlohmann::json;

namespace {

schema compile(const json& definition, schema_options options = {}) {
  auto compiled = schema::compile(definition, std::move(options));
  REQUIRE(compiled.ok());
  return *compiled;
}

/// Keystone's user create schema (keystone/identity/schema.py), trimmed.
json keystone_user_create() {
  auto name = json{{"type", "string"}, {"minLength", 1}, {"maxLength", 255},
                   {"pattern", "[\\S]+"}};
  return {
    {"type", "object"},
    {"properties",
     {{"name", name},
      {"default_project_id", {{"type", {"string", "null"}}}},
      {"domain_id", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64},
                     {"pattern", "^[a-zA-Z0-9-]+$"}}},
      {"enabled", {{"type", "boolean"}}},
      {"password", {{"type", {"string", "null"}}}}}},
    {"required", {"name"}},
    {"additionalProperties", true},
  };
}

} // namespace

TEST_CASE("a schema compiles once and validates many values") {
  auto users = compile(keystone_user_create());
  CHECK(users.validate(json{{"name", "alice"}}).ok());
  CHECK(users.validate(json{{"name", "bob"}, {"enabled", true}, {"x", 1}}).ok());
  CHECK(users.is_valid(json{{"name", "carol"}, {"password", nullptr}}));
  CHECK_FALSE(users.is_valid(json{{"enabled", true}}));
  CHECK(users.definition() == keystone_user_create());
}

TEST_CASE("each message style names the failing field its service's way") {
  auto s = compile({{"type", "object"},
                    {"properties",
                     {{"user",
                       {{"type", "object"},
                        {"properties", {{"name", {{"type", "string"}}}}}}}}}});
  auto error = s.check(json{{"user", {{"name", 5}}}});
  REQUIRE(error);
  CHECK(error->path == std::vector<std::string>{"user", "name"});
  CHECK(error->value == "5");
  CHECK(error->reason == "5 is not of type 'string'");
  CHECK(error->message(message_style::nova_body)
        == "Invalid input for field/attribute name. Value: 5. 5 is not of "
           "type 'string'");
  CHECK(error->message(message_style::keystone)
        == "Invalid input for field 'user/name': 5 is not of type 'string'");
  CHECK(error->message(message_style::nova_query)
        == "Invalid input for query parameters user. Value: 5. 5 is not of "
           "type 'string'");
}

TEST_CASE("query parameters validate in Nova's list-of-values shape") {
  auto s = compile({{"type", "object"},
                    {"properties",
                     {{"limit",
                       {{"type", "array"},
                        {"items", {{"type", "string"},
                                   {"pattern", "^[0-9]*$"}}}}}}},
                    {"additionalProperties", true}});
  strato::http::param_list query;
  query.add("limit", "abc");
  auto st = s.validate(query_to_json(query), message_style::nova_query);
  CHECK(st.message()
        == "Invalid input for query parameters limit. Value: abc. 'abc' does "
           "not match '^[0-9]*$'");
}

TEST_CASE("string lengths count code points, not bytes") {
  auto s = compile({{"type", "string"}, {"minLength", 2}, {"maxLength", 3}});
  CHECK(s.is_valid("\xc3\xa9\xc3\xa9\xc3\xa9"));      // "ééé": 6 bytes
  CHECK(s.is_valid("\xf0\x9f\x98\x80\xf0\x9f\x98\x80")); // two emoji
  CHECK_FALSE(s.is_valid("\xe4\xb8\xad"));              // one CJK character
  CHECK_FALSE(s.is_valid("abcd"));
}

TEST_CASE("values nested deeper than the limit fail before any keyword") {
  auto s = compile({{"type", "array"}, {"uniqueItems", true}});
  json deep = json::array();
  for (int i = 0; i < 100; ++i) {
    deep = json::array({deep});
  }
  auto error = s.check(deep);
  REQUIRE(error);
  CHECK(error->reason == "The value is nested deeper than 64 levels");
  CHECK_FALSE(s.is_valid(deep));
  json shallow = json::array();
  for (int i = 0; i < 63; ++i) {
    shallow = json::array({shallow});
  }
  CHECK(s.is_valid(shallow));
  auto strict = compile({{"type", "array"}}, {.max_depth = 2});
  CHECK(strict.is_valid(json::parse("[[1]]")));
  CHECK_FALSE(strict.is_valid(json::parse("[[[1]]]")));
}

TEST_CASE("patterns match long strings without exhausting the stack") {
  auto s = compile({{"type", "string"}, {"pattern", "^(a|b)*$"}});
  CHECK(s.is_valid(std::string(200000, 'a')));
  CHECK_FALSE(s.is_valid(std::string(200000, 'a') + "c"));
}

TEST_CASE("numeric strings meet minimum and maximum only when asked") {
  auto definition = json{{"type", {"integer", "string"}},
                         {"pattern", "^[0-9]*$"},
                         {"minimum", 1},
                         {"maximum", 10}};
  auto standard = compile(definition);
  auto nova = compile(definition, {.numeric_strings = true});
  CHECK(standard.is_valid("0"));
  CHECK(standard.is_valid("99"));
  CHECK(nova.validate("0").message() == "0 is less than the minimum of 1");
  CHECK(nova.validate("99").message()
        == "99 is greater than the maximum of 10");
  CHECK_FALSE(nova.is_valid(0));
  auto loose = compile({{"minimum", 1}}, {.numeric_strings = true});
  CHECK(loose.is_valid(" 5 ")); // Python's int() strips whitespace
  CHECK_FALSE(loose.is_valid(" -5 "));
  CHECK(loose.is_valid("+5"));
  CHECK_FALSE(loose.is_valid("-1e3"));
  CHECK(loose.is_valid("abc")); // not a number: the bound does not apply
  CHECK(loose.validate("0.5").message()
        == "0.5 is less than the minimum of 1");
}

TEST_CASE("custom formats extend and override the built-in ones") {
  auto s = compile({{"type", "string"}, {"format", "flavor-name"}},
                   {.formats = {{"flavor-name", [](std::string_view text) {
                                   return text.starts_with("m1.");
                                 }}}});
  CHECK(s.is_valid("m1.small"));
  CHECK(s.validate("big").message() == "'big' is not a 'flavor-name'");
  auto strict_uuid = compile(
    {{"format", "uuid"}},
    {.formats = {{"uuid", [](std::string_view t) { return t.size() == 36; }}}});
  CHECK_FALSE(strict_uuid.is_valid("0123456789abcdef0123456789abcdef"));
  auto unknown = compile({{"format", "no-such-format"}});
  CHECK(unknown.is_valid("anything"));
}

TEST_CASE("broken schemas fail to compile with the keyword named") {
  auto message = [](const json& definition) {
    auto compiled = schema::compile(definition);
    REQUIRE_FALSE(compiled.ok());
    CHECK(compiled.error().code() == strato::errc::invalid_argument);
    return compiled.error().message();
  };
  CHECK(message({{"type", "strng"}})
        == "invalid schema at '#': 'type' names an unknown type 'strng'");
  CHECK(message({{"properties", {{"a", {{"minLength", -1}}}}}})
        == "invalid schema at '#/properties/a': 'minLength' must be a "
           "non-negative integer");
  CHECK(message({{"pattern", "(?<=a)b"}}).find("'pattern' is not a supported")
        != std::string::npos);
  CHECK(message({{"$ref", "#/definitions/x"}}).find("'$ref' is not supported")
        != std::string::npos);
  CHECK(message({{"anyOf", json::array()}}).find("non-empty array")
        != std::string::npos);
  CHECK(message({{"multipleOf", 0}}).find("greater than 0")
        != std::string::npos);
  CHECK(message(json::array()).find("a schema must be an object")
        != std::string::npos);
  CHECK(message({{"items", {{"enum", 1}}}})
        == "invalid schema at '#/items': 'enum' must be an array");
}

TEST_CASE("annotations and unknown keywords are ignored") {
  auto s = compile({{"description", "a name"},
                    {"title", "Name"},
                    {"default", "x"},
                    {"$schema", "http://json-schema.org/draft-04/schema#"},
                    {"x-vendor", {{"anything", true}}},
                    {"type", "string"}});
  CHECK(s.is_valid("y"));
  CHECK_FALSE(s.is_valid(1));
}

TEST_CASE("copies share one compiled schema across threads") {
  auto s = compile({{"type", "object"},
                    {"properties",
                     {{"name", {{"type", "string"}, {"pattern", "^[a-z]+$"}}}}},
                    {"required", {"name"}}});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([copy = s, &failures] {
      for (int i = 0; i < 500; ++i) {
        if (!copy.is_valid(json{{"name", "abc"}})
            || copy.is_valid(json{{"name", "ABC"}})) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
}

TEST_CASE("a Nova server-create schema reports the innermost failure") {
  auto s = compile(json::parse(R"({
    "type": "object",
    "properties": {
      "server": {
        "type": "object",
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 255},
          "imageRef": {"type": "string", "format": "uuid"},
          "flavorRef": {"type": ["string", "integer"], "minLength": 1},
          "metadata": {
            "type": "object",
            "patternProperties": {
              "^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}
            },
            "additionalProperties": false
          },
          "networks": {
            "oneOf": [
              {"type": "array", "items": {"type": "object",
                 "properties": {"uuid": {"type": "string", "format": "uuid"},
                                "fixed_ip": {"type": "string",
                                             "oneOf": [{"format": "ipv4"},
                                                       {"format": "ipv6"}]}},
                 "additionalProperties": false}},
              {"type": "string", "enum": ["none", "auto"]}
            ]
          }
        },
        "required": ["name", "flavorRef"],
        "additionalProperties": false
      }
    },
    "required": ["server"],
    "additionalProperties": false
  })"));
  auto base = json::parse(R"({"server": {"name": "vm", "flavorRef": "1",
    "imageRef": "70a599e0-31e7-49b7-b260-868f441e862b",
    "metadata": {"role": "db"},
    "networks": [{"uuid": "70a599e0-31e7-49b7-b260-868f441e862b",
                  "fixed_ip": "10.0.0.4"}]}})");
  CHECK(s.validate(base).ok());
  auto bad_image = base;
  bad_image["server"]["imageRef"] = "nope";
  CHECK(s.validate(bad_image).message()
        == "Invalid input for field/attribute imageRef. Value: nope. 'nope' "
           "is not a 'uuid'");
  auto bad_meta = base;
  bad_meta["server"]["metadata"] = {{"bad/key", "x"}};
  CHECK(s.validate(bad_meta).message()
        == "Invalid input for field/attribute metadata. Value: {'bad/key': "
           "'x'}. 'bad/key' does not match any of the regexes: "
           "'^[a-zA-Z0-9-_:. ]{1,255}$'");
  auto auto_net = base;
  auto_net["server"]["networks"] = "auto";
  CHECK(s.validate(auto_net).ok());
  auto bad_net = base;
  bad_net["server"]["networks"] = "some";
  CHECK(s.validate(bad_net).message()
        == "Invalid input for field/attribute networks. Value: some. 'some' "
           "is not valid under any of the given schemas");
  CHECK(s.validate(json::object()).message()
        == "'server' is a required property");
}
