#pragma once

/// A node's link to the controllers it joins (`--join host:port,...`): it
/// connects to a controller's membership actor, says hello with the node's
/// compute agents, beats while connected, and when the connection drops or
/// the controller no longer knows it, connects and joins again (trying the
/// controllers in turn). Agents are told the scheduler of each controller
/// they join, so they register their hosts there.
///
/// The link is linked to the agents it brings: they stop with it.
///
///   (leave_atom) -> bool   says goodbye to the controller (clean shutdown);
///                          false when not connected.
///   (members_atom) -> bool whether the node is joined right now.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace strato {
class blocking_pool;
} // namespace strato

namespace strato::cluster {

struct link_options {
  std::string name;
  std::string incarnation;
  std::vector<std::string> roles;
  std::map<std::string, caf::actor> agents;
  /// Host and port of each controller's cluster endpoint.
  std::vector<std::pair<std::string, uint16_t>> controllers;
  /// Where the blocking connect runs; must outlive the link.
  blocking_pool* pool = nullptr;
  /// Connect through CAF's OpenSSL module (the system loaded it).
  bool tls = false;
  std::chrono::milliseconds retry{500};
};

[[nodiscard]] caf::actor spawn_cluster_link(caf::actor_system& system,
                                            link_options options);

} // namespace strato::cluster
