#include "actors/compute_agent/power_sync.hpp"

#include <optional>

namespace strato::compute_agent {

namespace {

using hypervisor::power_state;

bool is_off(power_state state) {
  return state == power_state::shutdown || state == power_state::crashed ||
         state == power_state::nostate;
}

/// The one correction for an instance, if it needs any (Nova's
/// `_sync_instance_power_state`).
std::optional<power_sync_action> decide(const expected_instance& instance,
                                        power_state observed) {
  const auto& vm_state = instance.vm_state;
  // The guest stopped under an instance meant to run (or be paused): the
  // record follows the hypervisor, as Nova's stop API does.
  if ((vm_state == "active" || vm_state == "paused") && is_off(observed)) {
    return power_sync_action::record_stopped;
  }
  // A guest runs that the user stopped: it is the hypervisor that is wrong.
  if (vm_state == "stopped" &&
      (observed == power_state::running || observed == power_state::paused)) {
    return power_sync_action::powered_off;
  }
  if (observed != instance.power_state) {
    return power_sync_action::record_power_state;
  }
  return std::nullopt;
}

} // namespace

power_sync_plan
plan_power_sync(const std::string& hostname, const expected_instances& expected,
                const std::map<std::string, power_state>& observed,
                const std::set<std::string>& busy) {
  power_sync_plan plan;
  plan.report.hostname = hostname;
  std::set<std::string> known;
  for (const auto& instance : expected.instances) {
    known.insert(instance.uuid);
    if (instance.task_in_flight || busy.count(instance.uuid) > 0) {
      continue;
    }
    ++plan.report.checked;
    auto it = observed.find(instance.uuid);
    auto state = it == observed.end() ? power_state::nostate : it->second;
    auto action = decide(instance, state);
    if (!action) {
      continue;
    }
    plan.report.corrections.push_back(
      {instance.uuid, *action, state, instance.vm_state});
    if (*action == power_sync_action::powered_off) {
      plan.power_off.push_back(instance.uuid);
    }
  }
  for (const auto& [uuid, state] : observed) {
    if (known.count(uuid) == 0) {
      plan.report.unknown_guests.push_back(uuid);
    }
  }
  return plan;
}

} // namespace strato::compute_agent
