#pragma once

/// The controller's membership actor (protocol: cluster_protocol.hpp): who
/// is in the cluster, whether each node is alive, and what follows when one
/// is not.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>

namespace strato {
namespace store {
class event_store;
} // namespace store
namespace service {
class host_board;
} // namespace service
} // namespace strato

namespace strato::cluster {

struct membership_options {
  /// Where "node/<name>" streams are written; must outlive the actor.
  store::event_store* store = nullptr;
  /// Told `set_host_up` for the hosts of nodes that come and go; may be
  /// invalid (no scheduler on this controller).
  caf::actor scheduler;
  /// The "compute-agent" router that remote agents are attached to.
  caf::actor agent_router;
  /// Where host reachability is published for the APIs; may be null.
  service::host_board* hosts = nullptr;
  /// How often nodes are asked to beat.
  std::chrono::milliseconds heartbeat{1000};
  /// A node silent for this long is declared down.
  std::chrono::milliseconds suspect_after{5000};
};

[[nodiscard]] caf::actor spawn_membership(caf::actor_system& system,
                                          membership_options options);

} // namespace strato::cluster
