#include "runtime/server/modules.hpp"

#include "actors/compute/api/compute_module.hpp"
#include "actors/compute_agent/compute_agent_module.hpp"
#include "actors/image/service/image_module.hpp"
#include "actors/network/service/network_module.hpp"
#include "actors/scheduler/service/placement_module.hpp"
#include "actors/tenant/tenant_module.hpp"
#include "actors/volume/volume_module.hpp"

// One include and one line per service module; the order is the start order
// (a module finds the actors of those before it in the actor directory):
// quotas first, then the scheduler the compute hosts register with, images
// before the volumes made from them, networks, the compute hosts, and compute,
// which uses them all.

namespace strato::server {

service::service_modules make_service_modules(const node_config& /*config*/) {
  service::service_modules modules;
  modules.push_back(tenant::make_tenant_module());
  modules.push_back(scheduler::make_placement_module());
  modules.push_back(image::make_image_module());
  modules.push_back(volume::make_volume_module());
  modules.push_back(network::make_network_module());
  modules.push_back(compute_agent::make_compute_agent_module());
  modules.push_back(compute::make_compute_module());
  return modules;
}

} // namespace strato::server
