#pragma once

/// Conversion between strato::status and caf::error at the actor boundary.
/// Strato errors travel as category "strato" with the message as context.

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>

#include "runtime/core/error.hpp"

namespace strato::actor {

[[nodiscard]] caf::error to_caf_error(const status& st);
[[nodiscard]] caf::error to_caf_error(errc code, std::string message);

/// Maps CAF's own errors (timeouts, dead actors) to the nearest errc.
[[nodiscard]] status from_caf_error(const caf::error& err);

/// Makes `to_string(caf::error)` readable for strato errors.
void register_error_category(caf::actor_system_config& cfg);

} // namespace strato::actor
