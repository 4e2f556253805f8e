#pragma once

/// The host gateway's operations that move a server's ports and volumes
/// along with its guest (core/moves.hpp names when each runs):
///
///   land           bind the ports to the host, connect the volumes to it,
///                  spawn the guest with both (a guest left by an earlier
///                  try is replaced), power it off again if it should not
///                  run, mark the ports plugged          ("spawn", "resize")
///   restore        the same for a guest that is still on the host: its
///                  disks attached again, powered on, its claim taken back
///                  from the target it leaves (`other_host`)
///   migrate_out    the source guest powered off, its disks taken off
///   live_prepare   the volumes connected to the target
///   live_post      the ports bound to the target (after the hypervisor
///                  moved the guest) and marked plugged
///   live_rollback  the claim taken back, the volumes connected to the
///                  source again
///   offload        the guest destroyed, its claim freed, the ports
///                  unbound, the volumes disconnected
///   abort_boot     what a failed boot took: the guest, the ports (compute's
///                  deleted, the user's unbound), the claim
///
/// Each is a chain of idempotent calls, so a step resumed after a crash runs
/// it again harmlessly. The guest's parts go to the gateway itself as
/// `guest_only` operations (compute agents or simulated hosts).

#include <caf/fwd.hpp>

#include <functional>

#include "actors/compute/entity/host_ops.hpp"
#include "runtime/core/error.hpp"

namespace strato::compute {

struct move_context {
  caf::event_based_actor* self = nullptr;
  caf::actor gateway; ///< Runs guest_only operations.
  caf::actor network; ///< "network"; may be invalid (no ports to move).
  caf::actor volume;  ///< "volume"; may be invalid (no volumes to move).
  /// Frees the instance's allocations (offload, abort_boot).
  std::function<void(const std::string& uuid)> free_allocations;
};

using move_done = std::function<void(result<host_op_result>)>;

/// Whether `op_name` is one of the operations above.
[[nodiscard]] bool is_move_step(const std::string& op_name);

/// Runs `op` (one of the operations above, by `op.op`).
void run_move_step(const move_context& ctx, const host_op& op, move_done done);

} // namespace strato::compute
