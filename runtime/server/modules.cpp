#include "runtime/server/modules.hpp"

#include "actors/tenant/tenant_module.hpp"

// One include and one line per service module; the order is the start order
// (a module sees the actors of the modules before it).

namespace strato::server {

service::service_modules make_service_modules(const node_config& /*config*/) {
  service::service_modules modules;
  modules.push_back(tenant::make_tenant_module());
  return modules;
}

} // namespace strato::server
