#pragma once

/// The rules of the tasks that span hosts, and of undoing what a failed
/// step left behind, as stages (`move_stage`) within Nova's task_states.
/// Every stage is one host operation whose outcome is recorded before the
/// next starts, so a crash resumes the stage (operations are idempotent).
///
/// Cold migrate / resize (S the source, T the target):
///   resize_prep         pick T                     (transitions.cpp)
///   resize_migrating    "migrate_out" on S: guest off, volumes off it
///   resize_migrated     "resize" on T: ports bound to T, volumes connected
///                       to T, the guest spawned there with both -> resized
///   resize_confirming   destroy on S                (transitions.cpp)
///   resize_reverting    destroy on T, then stage "source": "restore" on S
///                       (ports and volumes back on S, the guest started)
/// A failed resize_migrating goes to stage "rollback" ("restore" on S); a
/// failed resize_migrated first to "rollback_dest" (destroy on T).
///
/// Live migration ("migrating" once T is picked):
///   ""        "live_prepare" on T: volumes connected to T
///   migrate   "live_migrate" S -> T: the hypervisor moves the guest
///   post      "live_post" on T: ports bound to T and plugged -> host T
/// A failure before "post" goes to "rollback" ("live_rollback" on S:
/// volumes back on S); a failure in "post" leaves the server in error on T.
///
/// "restore" and "live_rollback" name the target they leave (`other_host`):
/// the server's claim goes back from it to the source.
///
/// Shelve offload: "offload" destroys the guest, unbinds the ports,
/// disconnects the volumes and frees the host's claim. Unshelve spawns as a
/// boot does; a failed spawn goes to "rollback" ("offload" again) and ends
/// shelved_offloaded.
///
/// A failed boot goes to stage "cleanup": the volumes are released first
/// (delete_on_termination ones deleted), then "abort_boot" destroys what
/// the host has, deletes the ports compute made, unbinds the user's, frees
/// the allocations; the server ends in error with the step's fault.

#include <optional>
#include <string>
#include <vector>

#include "actors/compute/core/transitions.hpp"

namespace strato::compute {

/// The server's task is decided here (a move, a stage of an undo).
[[nodiscard]] bool is_move(const instance_model& m);
/// A failure of the server's current step needs an undo stage.
[[nodiscard]] bool must_undo(const instance_model& m);

[[nodiscard]] std::optional<host_step> next_move_step(const instance_model& m);

[[nodiscard]] std::vector<pb::InstanceEvent>
move_step_succeeded(const instance_model& m, const step_outcome& out,
                    int64_t now_us);

[[nodiscard]] std::vector<pb::InstanceEvent>
move_step_failed(const instance_model& m, const std::string& message,
                 int64_t now_us);

/// ResourcesBound for what a step bound to `host`.
[[nodiscard]] pb::InstanceEvent bound_event(const std::string& host,
                                            const step_outcome& out,
                                            int64_t now_us);

} // namespace strato::compute
