#pragma once

/// The "network" service module (Neutron v2.0 under /network/v2.0): the
/// registry entity's shard region, the "network" actor compute uses
/// (network_protocol.hpp), and the HTTP API.

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::network {

[[nodiscard]] std::unique_ptr<service::service_module> make_network_module();

} // namespace strato::network
