#pragma once

/// The compiled form of a JSON Schema, shared by schema_compile.cpp and
/// schema_validate.cpp; not part of the public API. Every pointer to JSON
/// points into `schema::impl::definition`, which owns the schema text and
/// never changes after compilation.

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/api/json_schema.hpp"

namespace strato::api::internal {

/// Bits of the JSON types a `type` keyword admits.
enum type_bits : uint8_t {
  type_array = 1 << 0,
  type_boolean = 1 << 1,
  type_integer = 1 << 2,
  type_null = 1 << 3,
  type_number = 1 << 4,
  type_object = 1 << 5,
  type_string = 1 << 6,
};

struct compiled_pattern {
  std::string source;
  std::regex regex;
};

struct node;
using node_ptr = std::unique_ptr<node>;

struct dependency {
  std::string property;
  std::vector<std::string> required; ///< The array form.
  node_ptr schema;                   ///< The schema form.
};

struct node {
  const nlohmann::json* definition = nullptr;

  uint8_t types = 0; ///< 0 when there is no `type` keyword.
  std::vector<std::string> type_names;
  const nlohmann::json* enum_values = nullptr;
  const nlohmann::json* const_value = nullptr;

  std::optional<uint64_t> min_length;
  std::optional<uint64_t> max_length;
  std::optional<compiled_pattern> pattern;
  std::string format_name;
  const format_checker* format = nullptr; ///< Null: unknown, always passes.

  const nlohmann::json* minimum = nullptr;
  const nlohmann::json* maximum = nullptr;
  bool exclusive_minimum = false; ///< Draft 4's boolean modifier.
  bool exclusive_maximum = false;
  const nlohmann::json* exclusive_minimum_value = nullptr; ///< Draft 6.
  const nlohmann::json* exclusive_maximum_value = nullptr;
  const nlohmann::json* multiple_of = nullptr;

  node_ptr items;                   ///< `items` as one schema.
  std::vector<node_ptr> tuple_items; ///< `items` as an array.
  bool has_tuple_items = false;
  bool additional_items_allowed = true;
  node_ptr additional_items;
  std::optional<uint64_t> min_items;
  std::optional<uint64_t> max_items;
  bool unique_items = false;

  std::vector<std::pair<std::string, node_ptr>> properties; ///< Sorted.
  std::vector<std::pair<compiled_pattern, node_ptr>> pattern_properties;
  bool additional_properties_allowed = true;
  node_ptr additional_properties;
  std::vector<std::string> required;
  std::optional<uint64_t> min_properties;
  std::optional<uint64_t> max_properties;
  std::vector<dependency> dependencies;

  std::vector<node_ptr> all_of;
  std::vector<node_ptr> any_of;
  std::vector<node_ptr> one_of;
  node_ptr not_schema;
};

} // namespace strato::api::internal

namespace strato::api {

struct schema::impl {
  nlohmann::json definition;
  bool numeric_strings = false;
  size_t max_depth = default_max_json_depth;
  /// Built-in and custom checkers; nodes point into this list.
  std::vector<std::pair<std::string, format_checker>> formats;
  internal::node root;
};

} // namespace strato::api
