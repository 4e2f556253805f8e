#pragma once

/// A service (compute, image, volume, network, placement, ...) as a node
/// composes it. The node starts the modules in the order `make_service_modules`
/// lists them, lets each install its HTTP routes, and stops them in reverse.
/// Modules find each other's actors by name in the `actor_directory` (the
/// scheduler is "scheduler", tenants' quota ledger "tenant", ...): a module
/// only sees the actors of modules started before it.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/identity/service/identity_service.hpp"
#include "runtime/core/error.hpp"
#include "runtime/http/router.hpp"
#include "runtime/service/host_board.hpp"

namespace strato {
class blocking_pool;
namespace store {
class event_store;
} // namespace store
namespace server {
struct node_config;
} // namespace server
} // namespace strato

namespace strato::service {

/// Named actor handles. Written while the node starts (one thread), only
/// read afterwards.
class actor_directory {
public:
  void put(std::string name, caf::actor handle) {
    actors_[std::move(name)] = std::move(handle);
  }
  /// The actor registered under `name`; an invalid handle when none is.
  [[nodiscard]] caf::actor get(std::string_view name) const {
    auto it = actors_.find(name);
    return it == actors_.end() ? caf::actor{} : it->second;
  }

private:
  std::map<std::string, caf::actor, std::less<>> actors_;
};

/// What the node shares with its services.
struct service_context {
  caf::actor_system& system;
  store::event_store& store;
  blocking_pool& pool;
  const server::node_config& config;
  /// Base URL the clients reach this node at ("http://127.0.0.1:8080").
  std::string public_url;
  /// `identity.authenticate(req)` turns X-Auth-Token into the caller.
  const identity::identity_service& identity;
  actor_directory& actors;
  /// Reachability of compute hosts on other nodes (the cluster membership
  /// writes it); null on a node that runs no cluster.
  const host_board* hosts = nullptr;
};

class service_module {
public:
  virtual ~service_module() = default;

  [[nodiscard]] virtual std::string_view name() const = 0;

  /// Spawns the module's actors and registers those others use. May block
  /// (loading projections, checking drivers); the node is not serving yet.
  [[nodiscard]] virtual status start(service_context& context) = 0;

  /// Adds the module's routes. Paths under a service prefix that no module
  /// routes are answered 501 by the node.
  virtual void install(http::router& routes) = 0;

  /// Called before the actor system stops; release drivers and threads.
  virtual void stop() {
  }
};

using service_modules = std::vector<std::unique_ptr<service_module>>;

} // namespace strato::service
