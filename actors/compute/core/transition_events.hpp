#pragma once

/// The events transitions.cpp and moves.cpp build an operation's steps
/// from (internal to the compute core).

#include <string>
#include <utility>
#include <vector>

#include "actors/compute/core/instance_model.hpp"

namespace strato::compute::internal {

/// A StateChanged with these states (optionals left unset).
[[nodiscard]] pb::InstanceEvent state_event(std::string vm_state,
                                            std::string task_state,
                                            int32_t power_state,
                                            int64_t now_us);

/// The same vm_state and power, another task_state.
[[nodiscard]] pb::InstanceEvent next_task(const instance_model& m,
                                          std::string task, int64_t now_us);

/// The same task, the next stage of it (move_stage).
[[nodiscard]] pb::InstanceEvent next_stage(const instance_model& m,
                                           std::string stage, int64_t now_us);

/// ActionFinished for the operation in flight.
[[nodiscard]] pb::InstanceEvent finished(const instance_model& m,
                                         int64_t now_us, bool failed = false,
                                         std::string message = {});

[[nodiscard]] pb::InstanceEvent with_host(pb::InstanceEvent ev,
                                          const std::string& host);

/// Running servers end an operation active, powered-off ones stopped.
[[nodiscard]] std::pair<std::string, int32_t> settled(int32_t power_state);

} // namespace strato::compute::internal
