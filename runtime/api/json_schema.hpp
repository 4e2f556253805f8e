#pragma once

/// JSON Schema validation with OpenStack's semantics and messages. Services
/// transcribe Nova's/Keystone's schemas as `nlohmann::json` literals, compile
/// them once at start-up and validate every request against the compiled
/// form, which holds precompiled regexes and needs no lookups by keyword.
///
/// The dialect is draft 4 as `jsonschema.Draft4Validator` implements it,
/// plus `const` and numeric `exclusiveMinimum`/`exclusiveMaximum` from
/// draft 6. Supported keywords: type, enum, const, minLength, maxLength,
/// pattern, format, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
/// multipleOf, items (schema or tuple), additionalItems, minItems, maxItems,
/// uniqueItems, properties, patternProperties, additionalProperties,
/// required, minProperties, maxProperties, dependencies, allOf, anyOf, oneOf,
/// not. Annotations (description, title, default, $schema, id, definitions)
/// and unknown keywords are ignored, as jsonschema ignores them; `$ref` is
/// refused at compile time rather than silently ignored.
///
/// Semantics follow jsonschema: "integer" excludes 1.0, booleans are never
/// numbers, lengths count code points, `pattern` is an unanchored search,
/// unknown formats pass, and keywords that do not apply to a value's type
/// are skipped. Patterns use std::regex ECMAScript, which covers what
/// OpenStack schemas use; Python-only syntax (lookbehind, `(?P<..>)`) fails
/// at compile time, and `$` does not match before a trailing newline.
///
/// Only the first error is reported, as the services do. Keywords are
/// checked in a fixed order that matches how OpenStack writes its schemas
/// (type, enum/const, string, number, array, properties, required,
/// additionalProperties, combinators), so the error chosen is the one Nova
/// reports for the same input in nearly all cases. Property names are
/// visited in sorted order, where Python uses the schema's order.
///
/// A compiled `schema` is immutable, cheap to copy (shared) and safe to use
/// from many threads at once.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/api/json_body.hpp"
#include "runtime/core/error.hpp"

namespace strato::api {

/// How a validation failure reads; each mirrors one service's wording.
enum class message_style : uint8_t {
  /// Nova/Cinder bodies: "Invalid input for field/attribute <last path
  /// element>. Value: <str(value)>. <reason>".
  nova_body,
  /// Nova query strings (validated as `query_to_json`): "Invalid input for
  /// query parameters <name>. Value: <value>. <reason>".
  nova_query,
  /// Keystone: "Invalid input for field '<a/b/c>': <reason>" (the first line
  /// of what Keystone prints; it appends jsonschema's schema dump).
  keystone,
};

/// Checks one `format` value; receives the string being validated.
using format_checker = std::function<bool(std::string_view)>;

struct schema_options {
  /// Nova's validator also applies minimum/maximum to strings that parse as
  /// numbers ("0" fails `minimum: 1`), for fields typed
  /// ['integer', 'string']. Off for standard semantics. Nova's int()
  /// conversion also truncates floats before comparing (0.5 passes
  /// `maximum: 0`); that quirk is not reproduced.
  bool numeric_strings = false;
  /// Formats beyond the built-in uuid, date-time, email, ipv4, ipv6, cidr
  /// and uri; a name given here replaces the built-in one.
  std::vector<std::pair<std::string, format_checker>> formats{};
  /// Values nested deeper than this fail before any keyword runs.
  size_t max_depth = default_max_json_depth;
};

/// The first failure, with the parts each message style needs.
struct validation_error {
  /// From the root to the failing value: object keys and array indexes.
  std::vector<std::string> path;
  /// Python's str() of the failing value.
  std::string value;
  /// jsonschema's message ("'name' is a required property").
  std::string reason;

  [[nodiscard]] std::string message(message_style style) const;
};

class schema {
public:
  /// Compiles `definition`; fails with `errc::invalid_argument` naming the
  /// offending keyword (bad value types, invalid regexes, unknown type
  /// names, `$ref`).
  [[nodiscard]] static result<schema>
  compile(const nlohmann::json& definition, schema_options options = {});

  /// `status::success()` or `errc::invalid_argument` with the message in
  /// `style`.
  [[nodiscard]] status
  validate(const nlohmann::json& instance,
           message_style style = message_style::nova_body) const;

  /// The first failure, if any.
  [[nodiscard]] std::optional<validation_error>
  check(const nlohmann::json& instance) const;

  /// Whether `instance` is valid, without building a message.
  [[nodiscard]] bool is_valid(const nlohmann::json& instance) const;

  /// The definition this schema was compiled from.
  [[nodiscard]] const nlohmann::json& definition() const noexcept;

  struct impl;

private:
  explicit schema(std::shared_ptr<const impl> self) : self_(std::move(self)) {
  }

  std::shared_ptr<const impl> self_;
};

} // namespace strato::api
