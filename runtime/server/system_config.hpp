#pragma once

/// The CAF configuration every kind of node starts its actor system with.

#include <caf/actor_system_config.hpp>

#include "runtime/server/config.hpp"

namespace strato::server {

/// Nodes talk TLS to each other when a certificate and key are configured.
[[nodiscard]] inline bool cluster_tls(const node_config& config) {
  return !config.cluster_tls_cert.empty() && !config.cluster_tls_key.empty();
}

struct node_system_config : caf::actor_system_config {
  /// `with_middleman`: the node talks to other nodes (remote actors).
  node_system_config(const node_config& config, bool with_middleman);
};

} // namespace strato::server
