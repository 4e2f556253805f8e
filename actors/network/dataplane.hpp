#pragma once

/// Carries registry changes to the host's network driver: after a command's
/// events are durable, the segments of created or deleted networks and the
/// routers whose interfaces, gateway, routes or floating IPs changed are
/// converged through the driver. Driver calls block, so they run on the
/// blocking pool, one at a time and in event order (a delete never overtakes
/// the create before it). Failures are logged; the driver's calls are
/// idempotent, so a later change or a restart converges again.
///
/// Instance ports are plugged by the compute host (it knows the device);
/// DHCP needs a network:dhcp port and is not carried yet.

#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "actors/network/registry_entity.hpp"
#include "drivers/network/network_driver.hpp"

namespace strato {
class blocking_pool;
} // namespace strato

namespace strato::network {

class dataplane {
public:
  dataplane(std::unique_ptr<network_driver> driver, blocking_pool& pool,
            std::shared_ptr<const shared_registry> view);

  /// Queues the driver calls that `evs` (already applied) call for.
  void changed(const events& evs);

  /// Ensures the bridge and every segment and router the registry holds
  /// (at start, after a restart).
  void converge_all();

private:
  void enqueue(std::function<void(network_driver&)> call);
  void drain();
  void ensure_network(const std::string& id);
  void ensure_router(const std::string& id);

  std::unique_ptr<network_driver> driver_;
  blocking_pool& pool_;
  std::shared_ptr<const shared_registry> view_;
  std::mutex mutex_;
  std::deque<std::function<void(network_driver&)>> queue_;
  bool running_ = false;
};

/// The driver's view of a router, from the registry.
[[nodiscard]] std::optional<router_config> router_config_of(const registry& r,
                                                            const std::string& id);

} // namespace strato::network
