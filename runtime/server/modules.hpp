#pragma once

#include "runtime/server/config.hpp"
#include "runtime/service/service_module.hpp"

namespace strato::server {

/// Every service module this node runs, in start order.
[[nodiscard]] service::service_modules make_service_modules(const node_config& config);

} // namespace strato::server
