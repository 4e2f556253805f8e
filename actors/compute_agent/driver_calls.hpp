#pragma once

/// Driver calls as the agent's blocking-pool jobs: each runs on a pool
/// thread and turns the driver's answer into the reply message (the value,
/// or a caf::error made from the driver's status).

#include <caf/message.hpp>

#include <functional>

#include "actors/compute_agent/agent_protocol.hpp"

namespace strato::compute_agent::internal {

using driver_work = std::function<caf::message(hypervisor::hypervisor_driver&)>;

/// Runs the command; replies instance_outcome with the power state after.
[[nodiscard]] driver_work operation_work(instance_command command);
/// Nova's force stop: off at once, no graceful shutdown.
[[nodiscard]] driver_work forced_power_off_work(const std::string& uuid);
[[nodiscard]] driver_work info_work(const std::string& uuid);
[[nodiscard]] driver_work console_work(const std::string& uuid,
                                       uint64_t max_bytes);
[[nodiscard]] driver_work list_work(const std::string& hostname);
[[nodiscard]] driver_work inventory_work();

/// The driver call for one command.
[[nodiscard]] status run_command(hypervisor::hypervisor_driver& driver,
                                 const instance_command& command);

} // namespace strato::compute_agent::internal
