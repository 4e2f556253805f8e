#pragma once

/// Nova's `_sync_power_states` as a pure rule: given what the compute service
/// recorded and what the hypervisor reports, what to record and what to
/// power off. No CAF, no I/O; the agent carries the plan out.

#include <set>

#include "actors/compute_agent/agent_protocol.hpp"

namespace strato::compute_agent {

struct power_sync_plan {
  power_sync_report report;
  /// Guests to force off (their corrections say `powered_off`).
  std::vector<std::string> power_off;
};

/// Compares `expected` with the hypervisor's `observed` guests. Instances
/// with a task in flight, or in `busy` (the agent is running an operation on
/// them), are left alone; a recorded instance the hypervisor lacks is
/// observed as `nostate`.
[[nodiscard]] power_sync_plan
plan_power_sync(const std::string& hostname, const expected_instances& expected,
                const std::map<std::string, hypervisor::power_state>& observed,
                const std::set<std::string>& busy);

} // namespace strato::compute_agent
