#pragma once

/// The tenant entity's command handlers (the protocol in quota_protocol.hpp)
/// and the spawner its shard region uses.

#include <chrono>
#include <functional>

#include "actors/tenant/tenant.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::tenant {

/// Microseconds since the Unix epoch; tests replace it to move time.
using clock_fn = std::function<int64_t()>;

[[nodiscard]] int64_t system_clock_us();

caf::message_handler tenant_behavior(actor::entity_actor<tenant>* self);

/// The spawner for a "tenant" shard region; `clock` decides expiry.
[[nodiscard]] actor::entity_spawner make_tenant_spawner(actor::entity_env env,
                                                        clock_fn clock = {});

} // namespace strato::tenant
