#pragma once

/// How the HTTP handlers and the "network" actor change the registry: for a
/// create, reserve the project's quota with the tenant actor (when the
/// tenant module runs; without it there is no quota enforcement), submit the
/// decision to the registry entity, then commit the reservation, or roll it
/// back if the registry refused. Deletes release quota after they are
/// durable. Nothing here blocks: results come to callbacks on actor threads.

#include <caf/fwd.hpp>
#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/network/registry_entity.hpp"
#include "actors/tenant/quota_protocol.hpp"

namespace strato::network {

class dataplane;

class network_client {
public:
  using decide_fn = std::function<result<events>(const registry&)>;

  network_client(caf::actor_system& sys, caf::actor region, caf::actor tenant,
                 std::shared_ptr<shared_registry> shared,
                 std::chrono::milliseconds timeout = std::chrono::seconds{30});

  /// Reserves `reserve` for `project` (nothing when empty), runs `decide` on
  /// the registry entity and calls `done` with the outcome.
  void submit(std::string project, tenant::quota_amounts reserve,
              decide_fn decide, std::string request_id,
              std::function<void(status)> done) const;

  /// Gives back quota after a delete; fire and forget (the tenant entity
  /// records it as an event).
  void release(const std::string& project, tenant::quota_amounts amounts,
               const std::string& request_id) const;

  /// Driver calls follow every accepted command from now on.
  void set_dataplane(std::shared_ptr<dataplane> plane) {
    dataplane_ = std::move(plane);
  }

  [[nodiscard]] const shared_registry& view() const {
    return *shared_;
  }
  [[nodiscard]] const caf::actor& tenant() const {
    return tenant_;
  }
  [[nodiscard]] caf::actor_system& system() const {
    return sys_;
  }
  [[nodiscard]] std::chrono::milliseconds timeout() const {
    return timeout_;
  }

private:
  caf::actor_system& sys_;
  caf::actor region_;
  caf::actor tenant_;
  std::shared_ptr<shared_registry> shared_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<dataplane> dataplane_;
};

/// The quota a batch of delete events gives back, by Neutron resource name
/// ("network", "subnet", ...); ports only when `count_ports` (ports Neutron
/// makes for routers and floating IPs were never reserved).
[[nodiscard]] tenant::quota_amounts released_by(const events& evs,
                                                bool count_ports);

} // namespace strato::network
