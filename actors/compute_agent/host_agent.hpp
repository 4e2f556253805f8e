#pragma once

/// The agent of one compute host (protocol: agent_protocol.hpp). It owns the
/// host's driver, runs every driver call on a blocking pool and answers by
/// message; calls for one instance run one at a time, in arrival order.

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato {
class blocking_pool;
} // namespace strato

namespace strato::compute_agent {

struct agent_options {
  std::string hostname;
  std::shared_ptr<hypervisor::hypervisor_driver> driver;
  /// Where driver calls run. Shared: an agent still handling a message
  /// after its owner stopped may post one more call, so the pool lives as
  /// long as any agent using it.
  std::shared_ptr<blocking_pool> pool;
  /// The "scheduler" actor; invalid: no registration or health reports.
  caf::actor scheduler;
  /// Nova's sync_power_state_interval (600 s); zero turns it off.
  std::chrono::milliseconds power_sync_interval{std::chrono::minutes{10}};
  /// How often the driver is probed and the host's health reported.
  std::chrono::milliseconds health_interval{std::chrono::seconds{10}};
  /// How long the scheduler and the listener get to answer.
  std::chrono::milliseconds ask_timeout{std::chrono::seconds{10}};
};

[[nodiscard]] caf::actor spawn_host_agent(caf::actor_system& system,
                                          agent_options options);

} // namespace strato::compute_agent
