#pragma once

/// The "network" actor: network_protocol.hpp's messages for compute, turned
/// into registry decisions through a network_client.

#include <caf/fwd.hpp>

#include <memory>
#include <string>

#include "actors/network/network_client.hpp"
#include "actors/network/network_protocol.hpp"

namespace strato::network {

[[nodiscard]] caf::actor
spawn_network_actor(caf::actor_system& sys,
                    std::shared_ptr<const network_client> client);

/// `port` as compute sees it.
[[nodiscard]] port_info make_port_info(const registry& reg, const pb::Port& port);

/// The current time as Neutron prints it: "2026-11-25T10:40:37Z".
[[nodiscard]] std::string neutron_now();

} // namespace strato::network
