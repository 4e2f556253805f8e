#pragma once

/// The "placement" service module: spawns the scheduler shards and the
/// scheduler client, registers it as "scheduler" (scheduler_protocol.hpp),
/// and serves the Placement REST API under /placement.

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::scheduler {

[[nodiscard]] std::unique_ptr<service::service_module> make_placement_module();

} // namespace strato::scheduler
