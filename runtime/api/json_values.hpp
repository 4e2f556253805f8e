#pragma once

/// Comparisons of JSON values with Python's semantics, which JSON Schema
/// keywords (enum, const, uniqueItems, minimum, ...) inherit from
/// jsonschema: numbers compare by value across integer and float (1 == 1.0),
/// and booleans are never equal to numbers (true != 1).

#include <string>

#include <nlohmann/json.hpp>

namespace strato::api {

/// Deep equality with the semantics above.
[[nodiscard]] bool json_equal(const nlohmann::json& a, const nlohmann::json& b);

/// A string equal for two values exactly when `json_equal` holds; sorting
/// these finds duplicates in O(n log n).
[[nodiscard]] std::string canonical_key(const nlohmann::json& value);

/// Three-way comparison of two numbers (negative, zero, positive), exact
/// between integers and to long double precision otherwise.
[[nodiscard]] int compare_numbers(const nlohmann::json& a,
                                  const nlohmann::json& b) noexcept;

} // namespace strato::api
