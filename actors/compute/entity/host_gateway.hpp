#pragma once

/// The host gateway: runs the instance entities' host operations
/// (host_ops.hpp) on whatever this node has.
///
/// - "pick"/"check_host" ask the "scheduler" (select_destinations, which
///   claims the flavor's resources for the instance); without one, hosts are
///   taken round-robin from the compute agents, or from the simulated hosts.
/// - Guest operations go to the "compute-agent" router for the host; without
///   agents, to simulated in-memory hosts (the node then runs without a
///   hypervisor, which tests and the churn benchmark use).
/// - "delete" destroys the guest and frees the instance's allocations.
/// - With a "network" actor, the ports' part of "networking" and "delete"
///   (port_steps.hpp) runs around the guest's part.
/// - Landing a server ("spawn", "resize", "restore") and the other steps
///   of a move (move_steps.hpp) bind its ports and connect its volumes on
///   the host around the guest's part.

#include <caf/fwd.hpp>

#include <string>
#include <vector>

namespace strato::compute {

struct gateway_options {
  caf::actor scheduler;     ///< "scheduler"; may be invalid.
  caf::actor compute_agent; ///< "compute-agent"; may be invalid.
  caf::actor image;         ///< "image"; may be invalid.
  caf::actor network;       ///< "network"; may be invalid (no ports).
  caf::actor volume;        ///< "volume"; may be invalid (no volumes).
  /// Hosts to simulate when there is no compute agent.
  std::vector<std::string> simulated_hosts{"compute-1", "compute-2"};
};

[[nodiscard]] caf::actor spawn_host_gateway(caf::actor_system& sys,
                                            gateway_options options);

} // namespace strato::compute
