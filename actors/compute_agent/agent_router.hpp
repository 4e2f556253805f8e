#pragma once

/// The "compute-agent" actor: routes `(hostname, message)` to that host's
/// agent (see agent_protocol.hpp). It is linked to the agents of its own
/// node, so stopping the router stops them; agents of other nodes are
/// attached by the cluster membership and only monitored (their node owns
/// them).
///
/// Besides routing it answers:
///   (agent_hosts_atom)                          -> std::vector<std::string>
///   (agent_subscribe_atom, caf::actor listener) -> bool
///       subscribes `listener` on every host at once, and on every host
///       attached later.
///   (agent_attach_atom, hostname, agent) / (agent_detach_atom, hostname)
///       see agent_protocol.hpp.

#include <caf/fwd.hpp>

#include <chrono>
#include <map>
#include <string>

namespace strato::compute_agent {

/// `attach_grace`: for this long after the start, a request for a host no
/// agent serves waits for one to be attached (compute nodes re-joining a
/// restarted controller) instead of failing at once.
[[nodiscard]] caf::actor
spawn_agent_router(caf::actor_system& system,
                   std::map<std::string, caf::actor> agents,
                   std::chrono::milliseconds attach_grace = {});

} // namespace strato::compute_agent
