#include "actors/compute_agent/agent_protocol.hpp"

namespace strato::compute_agent {

const char* to_string(instance_operation op) {
  switch (op) {
    case instance_operation::spawn:
      return "spawn";
    case instance_operation::destroy:
      return "destroy";
    case instance_operation::power_on:
      return "power_on";
    case instance_operation::power_off:
      return "power_off";
    case instance_operation::reboot_soft:
    case instance_operation::reboot_hard:
      return "reboot";
    case instance_operation::pause:
      return "pause";
    case instance_operation::unpause:
      return "unpause";
    case instance_operation::suspend:
      return "suspend";
    case instance_operation::resume:
      return "resume";
    case instance_operation::resize:
      return "resize";
    case instance_operation::live_migrate:
      return "live_migrate";
    case instance_operation::attach_volume:
      return "attach_volume";
    case instance_operation::detach_volume:
      return "detach_volume";
    case instance_operation::attach_interface:
      return "attach_interface";
    case instance_operation::detach_interface:
      return "detach_interface";
  }
  return "unknown";
}

const char* to_string(power_sync_action action) {
  switch (action) {
    case power_sync_action::record_power_state:
      return "record_power_state";
    case power_sync_action::record_stopped:
      return "record_stopped";
    case power_sync_action::powered_off:
      return "powered_off";
  }
  return "unknown";
}

} // namespace strato::compute_agent
