#include <caf/actor_system_config.hpp>

#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"

namespace strato::compute_agent {

void register_agent_message_types(caf::actor_system_config& config) {
  config.add_message_type<hypervisor::instance_info>(
      "strato.hypervisor.instance_info");
  config.add_message_type<hypervisor::host_inventory>(
      "strato.hypervisor.host_inventory");
  config.add_message_type<hypervisor::lifecycle_event>(
      "strato.hypervisor.lifecycle_event");
  config.add_message_type<instance_command>(
      "strato.compute_agent.instance_command");
  config.add_message_type<instance_outcome>(
      "strato.compute_agent.instance_outcome");
  config.add_message_type<host_guests>("strato.compute_agent.host_guests");
  config.add_message_type<expected_instances>(
      "strato.compute_agent.expected_instances");
  config.add_message_type<power_sync_report>(
      "strato.compute_agent.power_sync_report");
  // What agents send the scheduler when they register and report health.
  config.add_message_type<scheduler::compute_host>(
      "strato.scheduler.compute_host");
  config.add_message_type<scheduler::host_registration>(
      "strato.scheduler.host_registration");
}

} // namespace strato::compute_agent
