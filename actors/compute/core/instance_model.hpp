#pragma once

/// One server as the fold of its event stream "instance/<uuid>": Nova's
/// vm_state, task_state and power_state plus what the server was created
/// with. Plain data, no CAF and no I/O, so that the instance entity, the
/// server list projection and the tests fold events the same way.
///
///   building ──spawned──> active <──> stopped / paused / suspended
///      │                    │  ▲
///      ▼                    ▼  │ confirm / revert
///    error                resized          shelved_offloaded ──> active
///
/// task_state names the step an operation is at ("" is Nova's None); a
/// server whose task_state is set has an operation in flight, which the
/// entity resumes after a crash.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/error.hpp"
#include "strato/compute/v1/compute.pb.h"

namespace strato::compute {

namespace pb = strato::compute::v1;

/// Nova's power_state numbers (nova/compute/power_state.py).
namespace power {
inline constexpr int32_t nostate = 0;
inline constexpr int32_t running = 1;
inline constexpr int32_t paused = 3;
inline constexpr int32_t shutdown = 4;
inline constexpr int32_t crashed = 6;
inline constexpr int32_t suspended = 7;
} // namespace power

struct instance_model {
  using event_type = pb::InstanceEvent;
  static constexpr std::string_view kind = "instance";

  /// What the server was created with; name, description, metadata and
  /// tags are kept current here as updates arrive.
  pb::InstanceCreated created;
  std::string vm_state;
  std::string task_state;
  int32_t power_state = power::nostate;
  std::string host;
  std::string previous_host;
  pb::Flavor flavor;
  std::optional<pb::Flavor> old_flavor;
  std::string image_id;
  int64_t launched_at_us = 0;
  int64_t updated_at_us = 0;
  bool locked = false;
  std::string locked_reason;
  std::string locked_by;
  bool deleted = false;
  int64_t deleted_at_us = 0;
  std::string fault;
  /// The operation in flight (its Nova action name and request id).
  std::string current_action;
  std::string current_request_id;
  /// The parameters of the operation in flight.
  pb::ActionStarted pending;
  /// Where a migration or resize goes, once picked.
  std::string migration_target;
  /// The step of a multi-host task that comes next (transitions.hpp).
  std::string move_stage;
  /// Volumes attached or being attached/detached, in attach order.
  std::vector<pb::VolumeAttachment> volumes;
  /// The ports the server is plugged into, in attach order.
  std::vector<pb::InstancePort> ports;

  [[nodiscard]] bool exists() const {
    return !created.id().empty() && !deleted;
  }
  [[nodiscard]] const std::string& id() const {
    return created.id();
  }

  void apply(const event_type& event);
  /// Adds `port`, or replaces the one with its id (a resumed step).
  void put_port(const pb::InstancePort& port);
  [[nodiscard]] const pb::InstancePort*
  find_port(const std::string& port_id) const;
  [[nodiscard]] pb::InstanceSnapshot snapshot() const;
  void restore(const pb::InstanceSnapshot& snap);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  /// An entity with an operation in flight stays resident.
  [[nodiscard]] bool passivation_allowed() const {
    return task_state.empty() && !volume_work_pending();
  }
  /// Some attachment is between steps of an attach or detach.
  [[nodiscard]] bool volume_work_pending() const;
  [[nodiscard]] const pb::VolumeAttachment*
  find_volume(const std::string& volume_id) const;
};

/// The API status Nova derives from vm_state and task_state
/// (nova/api/openstack/common.py `_STATE_MAP`); "UNKNOWN" otherwise.
[[nodiscard]] std::string_view api_status(std::string_view vm_state,
                                          std::string_view task_state);

/// Nova's OS-EXT-STS:power_state values are the numbers above.
[[nodiscard]] inline std::string_view
api_status(const instance_model& m) {
  return api_status(m.vm_state, m.task_state);
}

} // namespace strato::compute
