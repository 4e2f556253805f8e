#pragma once

/// The "compute-agent" actor: routes `(hostname, message)` to that host's
/// agent (see agent_protocol.hpp). It is linked to every agent, so stopping
/// the router stops them.
///
/// Besides routing it answers:
///   (agent_hosts_atom)                          -> std::vector<std::string>
///   (agent_subscribe_atom, caf::actor listener) -> bool
///       subscribes `listener` on every host at once.

#include <caf/fwd.hpp>

#include <map>
#include <string>

namespace strato::compute_agent {

[[nodiscard]] caf::actor
spawn_agent_router(caf::actor_system& system,
                   std::map<std::string, caf::actor> agents);

} // namespace strato::compute_agent
