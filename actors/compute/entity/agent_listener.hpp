#pragma once

/// Listens to the compute agents: it subscribes to every host's agent,
/// answers their power-sync questions ("which instances do you expect on
/// this host, in which state?") from the server index, and turns what they
/// report (power-sync corrections, lifecycle events the hypervisor raised on
/// its own) into `power_sync_atom` commands for the instance entities, which
/// record them as events.

#include <caf/fwd.hpp>

#include <memory>

namespace strato::compute {

class server_index;

/// Spawns the listener and subscribes it to every host `compute_agent`
/// serves; an invalid `compute_agent` spawns nothing.
[[nodiscard]] caf::actor spawn_agent_listener(
  caf::actor_system& sys, caf::actor compute_agent, caf::actor instances,
  std::shared_ptr<const server_index> servers);

} // namespace strato::compute
