#pragma once

/// Installs every service's routes on the node's router. Services that are
/// not built yet answer every request under their prefix with a 501 in their
/// own error format, never with an empty success.

#include <caf/fwd.hpp>

#include <functional>
#include <string>

#include "runtime/http/router.hpp"
#include "runtime/server/config.hpp"

namespace strato {
class blocking_pool;
namespace store {
class event_store;
} // namespace store
} // namespace strato

namespace strato::server {

/// Checks a request's token; services that are not built still refuse
/// unauthenticated requests with 401 before saying 501.
using authenticator = std::function<status(const http::request&)>;

struct service_context {
  caf::actor_system& system;
  store::event_store& store;
  blocking_pool& pool;
  const node_config& config;
  std::string public_url;
  authenticator authenticate;
};

void install_services(http::router& routes, const service_context& context);

} // namespace strato::server
