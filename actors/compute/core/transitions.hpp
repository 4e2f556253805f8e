#pragma once

/// What each server action may do from each state, and the steps an
/// operation goes through, as pure functions over `instance_model`.
///
/// An action is checked the way Nova's `check_instance_lock` and
/// `check_instance_state` decorators check it (nova/compute/api.py): a
/// locked server refuses non-admins ("Instance <uuid> is locked"), then the
/// vm_state and task_state must be among the allowed ones, else a 409 with
/// the API's wording ("Cannot 'pause' instance <uuid> while it is in
/// vm_state stopped"). A refused action produces no events.
///
/// An accepted operation starts with ActionStarted + StateChanged (its first
/// task_state). The entity then runs `next_step`'s host operation, and folds
/// its outcome with `step_succeeded` / `step_failed` into the next
/// StateChanged, until the task_state is None again. Each step is recorded
/// before the next starts, so an entity restarted mid-operation finds the
/// step to resume in its state; host operations are idempotent.
///
/// Tasks that span hosts (moves) or must undo what failed have stages
/// (`move_stage`) within one Nova task_state; moves.hpp has their rules.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/compute/core/instance_model.hpp"

namespace strato::compute {

enum class action_kind : uint8_t {
  start,
  stop,
  reboot,
  reboot_hard,
  pause,
  unpause,
  suspend,
  resume,
  rebuild,
  resize,
  confirm_resize,
  revert_resize,
  migrate,
  live_migrate,
  shelve,
  shelve_offload,
  unshelve,
  lock,
  unlock,
  delete_,
  force_delete,
  update_metadata,
  interface_attach,
  interface_detach,
  /// Rebuild on another host because the server's host is down.
  evacuate,
};

inline constexpr action_kind all_actions[] = {
  action_kind::start,          action_kind::stop,
  action_kind::reboot,         action_kind::reboot_hard,
  action_kind::pause,          action_kind::unpause,
  action_kind::suspend,        action_kind::resume,
  action_kind::rebuild,        action_kind::resize,
  action_kind::confirm_resize, action_kind::revert_resize,
  action_kind::migrate,        action_kind::live_migrate,
  action_kind::shelve,         action_kind::shelve_offload,
  action_kind::unshelve,       action_kind::lock,
  action_kind::unlock,         action_kind::delete_,
  action_kind::force_delete,   action_kind::update_metadata,
  action_kind::interface_attach, action_kind::interface_detach,
  action_kind::evacuate,
};

/// The name the API uses in its 409 ("pause", "confirmResize", ...).
[[nodiscard]] std::string_view api_name(action_kind kind);
/// The os-instance-actions name ("reboot", "liveMigration", ...).
[[nodiscard]] std::string_view record_name(action_kind kind);

struct action_request {
  action_kind kind = action_kind::start;
  std::string request_id;
  std::string user_id;
  std::string project_id;
  bool admin = false;
  pb::Flavor new_flavor;  ///< resize
  std::string image_id;   ///< rebuild
  std::string target_host; ///< live migrate / migrate with a host
  std::string lock_reason;
  pb::RequestedNetwork interface; ///< interface attach / detach
  int64_t now_us = 0;
};

/// Nova's state checks for `kind`; ok or errc::invalid_transition (409).
[[nodiscard]] status check_action(const instance_model& m,
                                  action_kind kind, bool admin);

/// The events that begin `req` (after `check_action`): ActionStarted and
/// the first StateChanged, or for lock/unlock the whole change.
[[nodiscard]] result<std::vector<pb::InstanceEvent>>
begin_action(const instance_model& m, const action_request& req);

/// The events that record a new server and begin its boot.
[[nodiscard]] std::vector<pb::InstanceEvent>
begin_create(const pb::InstanceCreated& created, const std::string& request_id);

/// One host operation of an operation in flight.
struct host_step {
  std::string op;   ///< "pick", "spawn", "destroy", "power_on", ...
  std::string host; ///< The host to run it on ("" for pick).
  std::string other_host; ///< pick/check_host: a host to avoid; live_migrate: the target.
  bool hard = false;
  /// "spawn", "resize", "restore": the guest runs afterwards (a server
  /// that was stopped lands stopped).
  bool start_guest = true;

  [[nodiscard]] bool operator==(const host_step&) const = default;
};

/// What a host operation reports.
struct step_outcome {
  // A constructor rather than aggregate initialization, so that outcomes
  // that bind nothing need not name the fields that say what they bound.
  step_outcome(std::string picked = {}, int32_t power = 0,
               std::vector<pb::InstancePort> given = {}, bool did_bind = false,
               std::vector<std::string> volumes = {})
    : host(std::move(picked)),
      power_state(power),
      ports(std::move(given)),
      bound(did_bind),
      volume_ids(std::move(volumes)) {
  }

  std::string host;        ///< The picked host, for "pick".
  int32_t power_state = 0; ///< The guest's power state after it; 0: unknown.
  /// "networking": every port the server was given, bound to its host;
  /// steps that bind (`bound`): the ports they bound.
  std::vector<pb::InstancePort> ports;
  /// The step bound `ports` and connected `volume_ids` to `host` ("" when
  /// an offload unbound them): recorded as ResourcesBound.
  bool bound = false;
  std::vector<std::string> volume_ids;
};

/// The boot needs a networking step (ports made or taken and bound to the
/// picked host) between scheduling and spawning.
[[nodiscard]] bool needs_networking(const instance_model& m);

/// The host operation the server's current task_state calls for; nullopt
/// when no operation is in flight.
[[nodiscard]] std::optional<host_step> next_step(const instance_model& m);

/// The events after the current step succeeded.
[[nodiscard]] std::vector<pb::InstanceEvent>
step_succeeded(const instance_model& m, const step_outcome& out, int64_t now_us);

/// The events that end the operation after the current step failed: a boot
/// goes to error, other operations return to their vm_state.
[[nodiscard]] std::vector<pb::InstanceEvent>
step_failed(const instance_model& m, const std::string& message,
            int64_t now_us);

} // namespace strato::compute
