#pragma once

/// The instance entity's view of the world below it: one "host gateway"
/// actor runs host operations (pick a host, spawn, power off, ...) for it.
/// The gateway hides whether a scheduler and compute agents are running on
/// this node (it then asks them) or not (it then simulates hosts), so the
/// entity's state machine is the same either way.
///
///   (host_op_atom, host_op) -> host_op_result, or an error whose message
///                              the entity records as the step's failure.
///
/// With a "network" actor, "networking" makes or takes the instance's
/// ports and binds them to its host, "spawn" plugs them and marks them
/// plugged (ACTIVE), and "delete" deletes the ports compute created and
/// detaches the ones the user passed in.
///
/// Moves (core/moves.hpp) land a server on a host: "spawn" and "resize"
/// bind its ports to the host, connect its volumes to it (the volume
/// service's attach_move) and spawn the guest with both; "restore" does
/// the same for a guest that is still there (attaches the disks, powers it
/// on); "migrate_out" powers the source guest off and takes its disks off;
/// "live_prepare" / "live_post" / "live_rollback" connect the volumes to the
/// target, bind the ports after the hypervisor moved the guest, or connect
/// the volumes back; "offload" destroys the guest, unbinds the ports and
/// disconnects the volumes; "abort_boot" takes back what a failed boot
/// took (guest, ports, allocations).
///
/// Every operation is idempotent for the same instance, so a step resumed
/// after a crash may run twice: attaching a volume the guest has and
/// detaching one it has not (or from a guest that is gone) succeed.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "strato/compute/v1/compute.pb.h"

namespace strato::compute {

using host_op_atom = caf::atom_constant<caf::atom("hostop")>;

/// A volume as the hypervisor attaches it, once the volume service has
/// connected it to the host.
struct connected_disk {
  std::string volume_id;
  std::string path;
  std::string format;
  std::string device; ///< "/dev/vdb".
};

struct host_op {
  /// See transitions.hpp `host_step`, plus "console", "attach_volume" and
  /// "detach_volume".
  std::string op;
  std::string uuid;
  std::string host;
  std::string other_host;
  bool hard = false;
  std::string request_id;
  std::string project_id;
  std::string user_id;
  std::string name;
  int32_t vcpus = 1;
  int64_t ram_mb = 512;
  int64_t disk_gb = 1;
  int64_t ephemeral_gb = 0;
  int64_t swap_mb = 0;
  std::string flavor_name;
  std::map<std::string, std::string> extra_specs;
  std::string image_id;
  std::string availability_zone;
  std::string server_group;
  std::string server_group_policy;
  std::map<std::string, std::string> metadata;
  /// "attach_volume" / "detach_volume": the disk, as the volume service
  /// connected it.
  std::string volume_id;
  std::string volume_path;
  std::string volume_format;
  std::string device; ///< "/dev/vdb".
  /// "networking": what the create asked for.
  std::vector<compute::v1::RequestedNetwork> networks;
  /// "spawn" plugs these; "delete" deletes or detaches them; moves bind
  /// them to the host they land on.
  std::vector<compute::v1::InstancePort> ports;
  /// The attached volumes: landing steps connect them to their host and
  /// give them to the guest; "migrate_out" takes them off the source.
  std::vector<compute::v1::VolumeAttachment> volumes;
  /// "spawn", "resize", "restore": the guest runs afterwards.
  bool start_guest = true;
  /// The guest's part of a landing: the volumes as disks to spawn with.
  std::vector<connected_disk> disks;
  /// Runs only the guest's part of a "spawn" or "delete"; the gateway's
  /// outer call does the ports' part around it.
  bool guest_only = false;
  /// The step is run again after the entity restarted: what it did before
  /// the crash may already be done (a "pick" may have claimed a host).
  bool resumed = false;
};

struct host_op_result {
  // A constructor rather than aggregate initialization, so that results
  // written before `ports` existed need not name it.
  host_op_result(std::string host_name = {}, int32_t power = 0,
                 std::string text = {},
                 std::vector<compute::v1::InstancePort> given = {})
    : host(std::move(host_name)),
      power_state(power),
      output(std::move(text)),
      ports(std::move(given)) {
  }

  std::string host;
  int32_t power_state = 0;
  std::string output; ///< "console": the log.
  /// "networking": the ports given to the instance, bound to its host;
  /// steps that bind (`bound`): the ports they bound.
  std::vector<compute::v1::InstancePort> ports;
  /// The step bound `ports` and connected `volume_ids` to `host`.
  bool bound = false;
  std::vector<std::string> volume_ids;
};

} // namespace strato::compute

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::compute::host_op)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::compute::host_op_result)
