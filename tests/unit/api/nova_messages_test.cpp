#include <doctest/doctest.h>

#include "runtime/api/json_schema.hpp"

using strato::api::schema;
using strato::api::schema_options;

namespace {

struct nova_case {
  const char* schema;
  const char* instance;
  bool numeric_strings;
  const char* expected;
};

/// Expected messages were produced by Nova's own validator
/// (nova.api.validation.validators._SchemaValidator, jsonschema 4.10) for
/// the same schema and instance; "OK" means it accepted the instance.
const nova_case nova_cases[] = {
  {R"({"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5}}, "required": ["name"], "additionalProperties": false})",
   R"({})", false,
   R"('name' is a required property)"},
  {R"({"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5}}, "required": ["name"], "additionalProperties": false})",
   R"({"name": ""})", false,
   R"(Invalid input for field/attribute name. Value: . '' is too short)"},
  {R"({"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5}}, "required": ["name"], "additionalProperties": false})",
   R"({"name": "abcdef"})", false,
   R"(Invalid input for field/attribute name. Value: abcdef. 'abcdef' is too long)"},
  {R"({"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5}}, "required": ["name"], "additionalProperties": false})",
   R"({"name": "h\u00e9llo"})", false,
   R"(OK)"},
  {R"({"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false})",
   R"({"name": "a", "foo": 1})", false,
   R"(Additional properties are not allowed ('foo' was unexpected))"},
  {R"({"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": false})",
   R"({"name": "a", "foo": 1, "bar": 2})", false,
   R"(Additional properties are not allowed ('bar', 'foo' were unexpected))"},
  {R"({"type": "object", "properties": {"name": {"type": "string"}}})",
   R"({"name": 1})", false,
   R"(Invalid input for field/attribute name. Value: 1. 1 is not of type 'string')"},
  {R"({"type": "object", "properties": {"name": {"type": ["string", "null"]}}})",
   R"({"name": true})", false,
   R"(Invalid input for field/attribute name. Value: True. True is not of type 'string', 'null')"},
  {R"({"type": "string", "pattern": "^[a-z]+$"})",
   R"("abc1")", false,
   R"('abc1' does not match '^[a-z]+$')"},
  {R"({"type": "object", "properties": {"s": {"enum": ["a", "b"]}}})",
   R"({"s": "x"})", false,
   R"(Invalid input for field/attribute s. Value: x. 'x' is not one of ['a', 'b'])"},
  {R"({"type": "object", "properties": {"s": {"enum": ["a", 1, null, true]}}})",
   R"({"s": 1.0})", false,
   R"(OK)"},
  {R"({"type": "object", "properties": {"s": {"enum": ["a", 1, null, true]}}})",
   R"({"s": false})", false,
   R"(Invalid input for field/attribute s. Value: False. False is not one of ['a', 1, None, True])"},
  {R"({"type": "integer", "minimum": 1})",
   R"(0)", false,
   R"(0 is less than the minimum of 1)"},
  {R"({"type": "integer", "maximum": 10, "exclusiveMaximum": true})",
   R"(10)", false,
   R"(10 is greater than or equal to the maximum of 10)"},
  {R"({"type": "number", "minimum": 1.5})",
   R"(1)", false,
   R"(1 is less than the minimum of 1.5)"},
  {R"({"type": "integer"})",
   R"(1.0)", false,
   R"(1.0 is not of type 'integer')"},
  {R"({"type": "number"})",
   R"(true)", false,
   R"(True is not of type 'number')"},
  {R"({"type": "array", "items": {"type": "string"}, "minItems": 1})",
   R"([])", false,
   R"([] is too short)"},
  {R"({"type": "array", "items": {"type": "string"}})",
   R"(["a", 2])", false,
   R"(Invalid input for field/attribute 1. Value: 2. 2 is not of type 'string')"},
  {R"({"type": "array", "uniqueItems": true})",
   R"([1, "a", 1.0])", false,
   R"([1, 'a', 1.0] has non-unique elements)"},
  {R"({"type": "array", "uniqueItems": true})",
   R"([1, true])", false,
   R"(OK)"},
  {R"({"type": "array", "maxItems": 1})",
   R"([{"a": null}, [1, 2.5]])", false,
   R"([{'a': None}, [1, 2.5]] is too long)"},
  {R"({"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string", "maxLength": 2}}, "additionalProperties": false})",
   R"({"abc": "xyz"})", false,
   R"(Invalid input for field/attribute abc. Value: xyz. 'xyz' is too long)"},
  {R"({"type": "object", "patternProperties": {"^[a-z]+$": {"type": "string"}}, "additionalProperties": false})",
   R"({"ABC": "x", "1": "y"})", false,
   R"('1', 'ABC' do not match any of the regexes: '^[a-z]+$')"},
  {R"({"type": "string", "format": "uuid"})",
   R"("nope")", false,
   R"('nope' is not a 'uuid')"},
  {R"({"type": "string", "format": "ipv4"})",
   R"("1.2.3")", false,
   R"('1.2.3' is not a 'ipv4')"},
  {R"({"type": "string", "format": "date-time"})",
   R"("2012-13-01")", false,
   R"('2012-13-01' is not a 'date-time')"},
  {R"({"anyOf": [{"type": "string"}, {"type": "integer"}]})",
   R"(1.5)", false,
   R"(1.5 is not valid under any of the given schemas)"},
  {R"({"oneOf": [{"type": "integer"}, {"minimum": 0}]})",
   R"(5)", false,
   R"(5 is valid under each of {'minimum': 0}, {'type': 'integer'})"},
  {R"({"oneOf": [{"type": "integer"}, {"type": "string"}]})",
   R"(null)", false,
   R"(None is not valid under any of the given schemas)"},
  {R"({"not": {"type": "string"}})",
   R"("x")", false,
   R"('x' should not be valid under {'type': 'string'})"},
  {R"({"allOf": [{"type": "string"}, {"maxLength": 1}]})",
   R"("ab")", false,
   R"('ab' is too long)"},
  {R"({"type": "object", "minProperties": 1})",
   R"({})", false,
   R"({} does not have enough properties)"},
  {R"({"type": "object", "maxProperties": 1})",
   R"({"a": 1, "b": 2})", false,
   R"({'a': 1, 'b': 2} has too many properties)"},
  {R"({"type": "object", "dependencies": {"a": ["b"]}})",
   R"({"a": 1})", false,
   R"('b' is a dependency of 'a')"},
  {R"({"type": "object", "properties": {"server": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name", "flavorRef"]}}, "required": ["server"]})",
   R"({"server": {"name": "x"}})", false,
   R"(Invalid input for field/attribute server. Value: {'name': 'x'}. 'flavorRef' is a required property)"},
  {R"({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "integer"}}}}}})",
   R"({"a": [{"b": 1}, {"b": "x"}]})", false,
   R"(Invalid input for field/attribute b. Value: x. 'x' is not of type 'integer')"},
  {R"({"type": "string", "maxLength": 2})",
   R"("it's")", false,
   R"("it's" is too long)"},
  {R"({"type": "string", "maxLength": 2})",
   R"("a\"b'c")", false,
   R"('a"b\'c' is too long)"},
  {R"({"type": "string", "maxLength": 2})",
   R"("tab\there\n\u0001\u007f\u00a0\u00e9\u4e2d\ud83d\ude00")", false,
   R"('tab\there\n\x01\x7f\xa0é中😀' is too long)"},
  {R"({"type": "integer"})",
   R"(12345678901234567890)", false,
   R"(OK)"},
  {R"({"type": "integer", "multipleOf": 3})",
   R"(7)", false,
   R"(7 is not a multiple of 3)"},
  {R"({"type": "number", "multipleOf": 0.5})",
   R"(1.25)", false,
   R"(1.25 is not a multiple of 0.5)"},
  {R"({"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1, "minLength": 1})",
   R"("0")", true,
   R"(0 is less than the minimum of 1)"},
  {R"({"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1, "minLength": 1})",
   R"("a")", true,
   R"('a' does not match '^[0-9]*$')"},
  {R"({"type": "object", "properties": {"a": {"type": "object"}}})",
   R"({"a": [1, {"k": [null, false]}]})", false,
   R"(Invalid input for field/attribute a. Value: [1, {'k': [None, False]}]. [1, {'k': [None, False]}] is not of type 'object')"},
};

} // namespace

TEST_CASE("messages match Nova's validator for the same schema and input") {
  for (const auto& c : nova_cases) {
    CAPTURE(c.schema);
    CAPTURE(c.instance);
    auto compiled = schema::compile(nlohmann::json::parse(c.schema),
                                    {.numeric_strings = c.numeric_strings});
    REQUIRE(compiled.ok());
    auto st = compiled->validate(nlohmann::json::parse(c.instance));
    CHECK((st.ok() ? std::string{"OK"} : st.message()) == c.expected);
    if (!st.ok()) {
      CHECK(st.code() == strato::errc::invalid_argument);
    }
  }
}
