#pragma once

/// Turns request input into JSON for validation: bodies (with the checks the
/// OpenStack services make before their schemas run) and query strings (in
/// the shape Nova's query-parameter schemas expect). Nothing here throws.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::api {

/// Deepest nesting of arrays/objects a body may have. Past this, parsing,
/// printing and comparing values would recurse deeper than a request needs.
inline constexpr size_t default_max_json_depth = 64;

struct json_body_options {
  /// Reject bodies whose top level is not an object (every OpenStack
  /// create/update body is one).
  bool require_object = true;
  size_t max_depth = default_max_json_depth;
};

/// Parses a request body. Failures are `errc::invalid_argument` (HTTP 400):
/// "Malformed request body" for empty or invalid JSON (Nova's wording), a
/// message naming the limit for bodies nested deeper than `max_depth`, and
/// "The request body must be a JSON object." for e.g. `[]` when
/// `require_object` is set. Duplicate keys keep the last value, as Python's
/// json module does.
[[nodiscard]] result<nlohmann::json>
parse_json_body(std::string_view body, json_body_options options = {});

/// The nesting depth of `value` (a scalar is 0, `[]` is 1), computed without
/// recursion; stops counting once past `limit` and returns `limit + 1`.
[[nodiscard]] size_t json_depth(const nlohmann::json& value, size_t limit);

/// Query parameters as Nova validates them: each name maps to the list of
/// its values in arrival order ({"limit": ["2"], "status": ["A", "B"]}).
[[nodiscard]] nlohmann::json query_to_json(const http::param_list& query);

} // namespace strato::api
