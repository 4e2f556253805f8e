#include <doctest/doctest.h>

#include "runtime/api/json_schema.hpp"

using namespace strato::api;
using nlohmann::json;

namespace {

/// The reason `instance` fails `definition`, or "" when it passes.
std::string reason(const json& definition, const json& instance) {
  auto compiled = schema::compile(definition);
  REQUIRE(compiled.ok());
  auto error = compiled->check(instance);
  return error ? error->reason : "";
}

} // namespace

TEST_CASE("type admits one type or a list, with draft 4's number rules") {
  CHECK(reason({{"type", "integer"}}, 3) == "");
  CHECK(reason({{"type", "integer"}}, 3.0) == "3.0 is not of type 'integer'");
  CHECK(reason({{"type", "number"}}, 3) == "");
  CHECK(reason({{"type", "number"}}, false)
        == "False is not of type 'number'");
  CHECK(reason({{"type", {"string", "null"}}}, nullptr) == "");
  CHECK(reason({{"type", {"string", "null"}}}, 1)
        == "1 is not of type 'string', 'null'");
  CHECK(reason({{"type", "object"}}, json::array())
        == "[] is not of type 'object'");
  CHECK(reason({{"type", "array"}}, json::object())
        == "{} is not of type 'array'");
  CHECK(reason({{"type", "boolean"}}, "true")
        == "'true' is not of type 'boolean'");
}

TEST_CASE("enum and const compare like Python, keeping booleans apart") {
  auto choices = json{{"enum", {"a", 1, nullptr, json::object()}}};
  CHECK(reason(choices, "a") == "");
  CHECK(reason(choices, 1.0) == "");
  CHECK(reason(choices, json::object()) == "");
  CHECK(reason(choices, true)
        == "True is not one of ['a', 1, None, {}]");
  CHECK(reason(choices, "b") == "'b' is not one of ['a', 1, None, {}]");
  CHECK(reason({{"const", {{"k", {1, 2}}}}}, {{"k", {1.0, 2}}}) == "");
  CHECK(reason({{"const", "x"}}, "y") == "'x' was expected");
  CHECK(reason({{"const", 0}}, false) == "0 was expected");
}

TEST_CASE("string keywords apply only to strings") {
  CHECK(reason({{"minLength", 2}}, "a") == "'a' is too short");
  CHECK(reason({{"maxLength", 1}}, "ab") == "'ab' is too long");
  CHECK(reason({{"minLength", 2}}, 1) == "");
  CHECK(reason({{"pattern", "b"}}, "abc") == ""); // a search, not a match
  CHECK(reason({{"pattern", "^b"}}, "abc") == "'abc' does not match '^b'");
  CHECK(reason({{"pattern", "^b"}}, 5) == "");
  CHECK(reason({{"format", "ipv4"}}, "1.2.3.256")
        == "'1.2.3.256' is not a 'ipv4'");
  CHECK(reason({{"format", "ipv4"}}, 7) == "");
}

TEST_CASE("minimum and maximum, inclusive and exclusive in both drafts") {
  CHECK(reason({{"minimum", 1}}, 1) == "");
  CHECK(reason({{"minimum", 1}}, 0) == "0 is less than the minimum of 1");
  CHECK(reason({{"minimum", 1}, {"exclusiveMinimum", true}}, 1)
        == "1 is less than or equal to the minimum of 1");
  CHECK(reason({{"maximum", 2.5}}, 3)
        == "3 is greater than the maximum of 2.5");
  CHECK(reason({{"maximum", 2}, {"exclusiveMaximum", true}}, 2.0)
        == "2.0 is greater than or equal to the maximum of 2");
  CHECK(reason({{"exclusiveMinimum", 0}}, 0)
        == "0 is less than or equal to the minimum of 0");
  CHECK(reason({{"exclusiveMaximum", 10}}, 9.5) == "");
  CHECK(reason({{"minimum", 0}}, "-5") == ""); // strings are skipped
  CHECK(reason({{"minimum", -1}}, json(uint64_t{18446744073709551615u}))
        == "");
  CHECK(reason({{"maximum", 0}}, json(uint64_t{18446744073709551615u}))
        == "18446744073709551615 is greater than the maximum of 0");
  CHECK(reason({{"minimum", 0}}, json(int64_t{-9223372036854775807 - 1}))
        == "-9223372036854775808 is less than the minimum of 0");
}

TEST_CASE("multipleOf works for integers and floats") {
  CHECK(reason({{"multipleOf", 3}}, 9) == "");
  CHECK(reason({{"multipleOf", 3}}, -9) == "");
  CHECK(reason({{"multipleOf", 3}}, 10) == "10 is not a multiple of 3");
  CHECK(reason({{"multipleOf", 0.25}}, 1.75) == "");
  CHECK(reason({{"multipleOf", 2}}, 4.5) == "4.5 is not a multiple of 2");
}

TEST_CASE("array keywords: items, tuples, counts and uniqueness") {
  CHECK(reason({{"items", {{"type", "integer"}}}}, {1, 2, "x"})
        == "'x' is not of type 'integer'");
  auto tuple = json{{"items", {{{"type", "string"}}, {{"type", "integer"}}}}};
  CHECK(reason(tuple, {"a", 1, true}) == "");
  tuple["additionalItems"] = false;
  CHECK(reason(tuple, {"a", 1, true})
        == "Additional items are not allowed (True was unexpected)");
  tuple["additionalItems"] = {{"type", "boolean"}};
  CHECK(reason(tuple, {"a", 1, true}) == "");
  CHECK(reason(tuple, {"a", 1, 2}) == "2 is not of type 'boolean'");
  CHECK(reason({{"minItems", 2}}, {1}) == "[1] is too short");
  CHECK(reason({{"maxItems", 1}}, {1, 2}) == "[1, 2] is too long");
  CHECK(reason({{"uniqueItems", true}}, {1, "1", true, nullptr}) == "");
  CHECK(reason({{"uniqueItems", true}}, {{{"a", 1}}, {{"a", 1.0}}})
        == "[{'a': 1}, {'a': 1.0}] has non-unique elements");
  CHECK(reason({{"uniqueItems", false}}, {1, 1}) == "");
}

TEST_CASE("object keywords: properties, patterns, required, extras, counts") {
  auto s = json{{"properties", {{"a", {{"type", "integer"}}}}},
                {"patternProperties", {{"^x-", {{"type", "string"}}}}},
                {"additionalProperties", false},
                {"required", {"a"}}};
  CHECK(reason(s, {{"a", 1}, {"x-y", "z"}}) == "");
  CHECK(reason(s, {{"a", 1}, {"x-y", 2}}) == "2 is not of type 'string'");
  CHECK(reason(s, {{"x-y", "z"}}) == "'a' is a required property");
  CHECK(reason(s, {{"a", 1}, {"b", 1}, {"c", 2}})
        == "'b', 'c' do not match any of the regexes: '^x-'");
  auto plain = json{{"properties", {{"a", json::object()}}},
                    {"additionalProperties", false}};
  CHECK(reason(plain, {{"b", 1}, {"a", 1}})
        == "Additional properties are not allowed ('b' was unexpected)");
  auto typed = json{{"additionalProperties", {{"type", "integer"}}}};
  CHECK(reason(typed, {{"b", 1}}) == "");
  CHECK(reason(typed, {{"b", "1"}}) == "'1' is not of type 'integer'");
  CHECK(reason({{"minProperties", 1}}, json::object())
        == "{} does not have enough properties");
  CHECK(reason({{"maxProperties", 1}}, {{"a", 1}, {"b", true}})
        == "{'a': 1, 'b': True} has too many properties");
  CHECK(reason({{"required", {"a"}}}, json::array()) == "");
}

TEST_CASE("dependencies in list and schema form") {
  auto s = json{{"dependencies",
                 {{"a", {"b"}}, {"c", {{"required", {"d"}}}}}}};
  CHECK(reason(s, {{"a", 1}, {"b", 2}}) == "");
  CHECK(reason(s, {{"a", 1}}) == "'b' is a dependency of 'a'");
  CHECK(reason(s, {{"c", 1}}) == "'d' is a required property");
  CHECK(reason(s, {{"b", 1}}) == "");
}

TEST_CASE("combinators: allOf, anyOf, oneOf and not") {
  auto all = json{{"allOf", {{{"type", "string"}}, {{"maxLength", 2}}}}};
  CHECK(reason(all, "ab") == "");
  CHECK(reason(all, "abc") == "'abc' is too long");
  auto any = json{{"anyOf", {{{"type", "string"}}, {{"minimum", 5}}}}};
  CHECK(reason(any, "x") == "");
  CHECK(reason(any, 6) == "");
  CHECK(reason(any, 1)
        == "1 is not valid under any of the given schemas");
  auto one = json{{"oneOf", {{{"type", "integer"}}, {{"minimum", 0}}}}};
  CHECK(reason(one, -1) == "");
  CHECK(reason(one, 0.5) == "");
  CHECK(reason(one, 5) == "5 is valid under each of {'minimum': 0}, "
                          "{'type': 'integer'}");
  CHECK(reason(one, -0.5)
        == "-0.5 is not valid under any of the given schemas");
  auto never = json{{"not", {{"type", "null"}}}};
  CHECK(reason(never, 0) == "");
  CHECK(reason(never, nullptr)
        == "None should not be valid under {'type': 'null'}");
}

TEST_CASE("the first failing keyword in OpenStack order is reported") {
  // type before everything else, properties before required before
  // additionalProperties, as Nova's schemas are written.
  auto s = json{{"type", "object"},
                {"properties", {{"a", {{"type", "string"}}}}},
                {"required", {"b"}},
                {"additionalProperties", false}};
  CHECK(reason(s, "x") == "'x' is not of type 'object'");
  CHECK(reason(s, {{"a", 1}, {"c", 1}}) == "1 is not of type 'string'");
  CHECK(reason(s, {{"a", "x"}, {"c", 1}}) == "'b' is a required property");
  CHECK(reason(s, {{"b", 1}, {"c", 1}})
        == "Additional properties are not allowed ('b', 'c' were "
           "unexpected)");
}
