#pragma once

/// Typed query parameters with OpenStack's parsing rules.

#include <optional>
#include <string_view>

#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::api {

/// oslo.utils' bool_from_string(strict=True): "1", "t", "true", "on", "y",
/// "yes" and "0", "f", "false", "off", "n", "no", in any case and with
/// surrounding whitespace. Anything else fails with Cinder's message
/// "Value 'x' for 'name' is not a boolean." (errc::invalid_argument).
[[nodiscard]] result<bool> parse_bool_param(std::string_view name,
                                            std::string_view value);

/// The last `name` parameter as a bool, or `fallback` when absent.
[[nodiscard]] result<bool> bool_param(const http::param_list& query,
                                      std::string_view name, bool fallback);

/// The last `name` parameter as an integer within [min, max], or nullopt
/// when absent. Messages are oslo's validate_integer ones: "name must be an
/// integer", "name must be >= min", "name must be <= max".
[[nodiscard]] result<std::optional<int64_t>>
int_param(const http::param_list& query, std::string_view name, int64_t min,
          int64_t max);

} // namespace strato::api
