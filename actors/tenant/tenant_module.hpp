#pragma once

/// The "tenant" service module: the shard region of the projects' quota
/// ledgers, registered as "tenant" for the other services.

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::tenant {

[[nodiscard]] std::unique_ptr<service::service_module> make_tenant_module();

} // namespace strato::tenant
