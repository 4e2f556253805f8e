#pragma once

/// Attaching and detaching volumes (Nova's os-volume_attachments) as pure
/// rules over `instance_model`, in the manner of transitions.hpp.
///
/// An attachment (a `pb::VolumeAttachment` in `instance_model::volumes`)
/// moves through phases, each left by one step whose outcome is recorded
/// before the next step starts:
///
///   reserving ──reserve──> connecting ──connect + hypervisor attach──>
///   completing ──complete──> attached ──detach──> (gone)
///        │                     │  │
///        │ failed              │  └ failed ──> rolling_back ──roll_back──> (gone)
///        ▼                     └──────────────────┘
///      (gone)
///
/// "reserve", "connect", "complete" are the volume service's attach_reserve,
/// attach_connect and attach_complete; "detach" removes the disk from the
/// guest and then calls detach_complete (a failed hypervisor detach leaves
/// the attachment attached); "roll_back" removes the disk if it got there
/// and calls attach_unreserve. While the server is being deleted, every
/// attachment is "release"d (removed from the guest and the volume, errors
/// logged but not kept) before the guest is destroyed. Every step is
/// idempotent, so an entity restarted mid-way resumes the step its
/// attachment's phase names.
///
/// Attach and detach are checked as Nova's `check_instance_lock` and
/// `check_instance_state` (vm_states active, paused, stopped, resized,
/// soft-delete, shelved, shelved_offloaded; task_state None). An attach
/// records ActionStarted "attach_volume" and the attachment in phase
/// reserving; a detach ActionStarted "detach_volume" and phase detaching;
/// the step that ends it records ActionFinished.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/compute/core/instance_model.hpp"

namespace strato::compute {

struct volume_attach_request {
  std::string volume_id;
  std::string device; ///< "" lets the server pick the next free one.
  std::string tag;
  bool delete_on_termination = false;
  std::string bdm_uuid;
  std::string request_id;
  std::string user_id;
  std::string project_id;
  bool admin = false;
  int64_t now_us = 0;
};

struct volume_detach_request {
  std::string volume_id;
  std::string request_id;
  std::string user_id;
  std::string project_id;
  bool admin = false;
  int64_t now_us = 0;
};

/// Nova's state checks for attach_volume (`attach` true) or detach_volume.
[[nodiscard]] status check_volume_action(const instance_model& m, bool attach,
                                         bool admin);

/// "/dev/vdb", "/dev/vdc", ...: the first device no attachment uses (the
/// root disk is /dev/vda); past /dev/vdz errc::forbidden, Nova's
/// TooManyDiskDevices (403).
[[nodiscard]] result<std::string> next_free_device(const instance_model& m);

/// The events that begin an attach: ActionStarted and the attachment in
/// phase reserving. Refuses a volume this server already has (Nova's
/// "Invalid volume: volume <id> already attached", invalid_argument) and a
/// device in use (conflict).
[[nodiscard]] result<std::vector<pb::InstanceEvent>>
begin_attach(const instance_model& m, const volume_attach_request& req);

/// The events that begin a detach; not_found when the server has no such
/// attachment, invalid_argument when it is not attached (yet).
[[nodiscard]] result<std::vector<pb::InstanceEvent>>
begin_detach(const instance_model& m, const volume_detach_request& req);

/// One step of an attach or detach.
struct volume_step {
  /// create, reserve, connect, complete, detach, roll_back, release
  std::string op;
  std::string volume_id;
  std::string attachment_id; ///< "" before the reserve.
  std::string device;
  /// The guest's host; "" when there is no guest to change (offloaded, or
  /// still building: the spawn then takes the volume as one of its disks).
  std::string host;
  /// The hypervisor may have the disk: roll_back and release detach it.
  bool on_guest = false;
  /// release: the volume is deleted afterwards (delete_on_termination).
  bool delete_volume = false;

  [[nodiscard]] bool operator==(const volume_step&) const = default;
};

/// The step the first unsettled attachment needs; nullopt when every
/// attachment is attached (and the server is neither being deleted nor
/// cleaning up after a failed boot, which release every volume).
///
/// Volumes of a block device mapping (`boot`) are recorded with the create:
/// phase "creating" for those compute makes (a "create" step asks the
/// volume service and waits until the volume is available), "reserving"
/// for the user's. Their steps belong to the "create" action; a failure
/// fails the boot (transitions.hpp step_failed), whose clean-up releases
/// them.
[[nodiscard]] std::optional<volume_step> next_volume_step(const instance_model& m);

/// The events after `step` succeeded; `attachment_id` is what "reserve" got.
[[nodiscard]] std::vector<pb::InstanceEvent>
volume_step_succeeded(const instance_model& m, const volume_step& step,
                      const std::string& attachment_id, int64_t now_us);

/// The events after `step` failed with `message`.
[[nodiscard]] std::vector<pb::InstanceEvent>
volume_step_failed(const instance_model& m, const volume_step& step,
                   const std::string& message, int64_t now_us);

} // namespace strato::compute
