#pragma once

/// The block storage service as other services (Nova's compute) use it.
///
/// The volume module registers one actor as "volume" in the
/// `service::actor_directory` (it starts after the image module). Every
/// message below is an inspectable struct; the actor answers the requester
/// directly, or with a `caf::error` carrying a strato errc:
///   errc::not_found          no such volume/attachment, or the volume belongs
///                            to another project (Nova reports 404);
///   errc::invalid_transition the volume's status forbids the step (Cinder's
///                            "Invalid volume: ..."; the message says why);
///   errc::unavailable        the driver failed (the volume goes to error).
/// Every request carries the API request id (`req-<uuid>`), recorded as the
/// correlation id of the events it causes, and is idempotent for the same
/// attachment: a retried step after a crash answers as the first one did.
///
/// The attach flow (Cinder's v3 attachments, which Nova uses from 2.60 on;
/// the older os-reserve/os-initialize_connection/os-attach/os-detach/
/// os-unreserve actions map onto the same steps):
///
///   available ──attach_reserve──> reserved ──attach_connect──> attaching
///       ▲   (attachment "reserved")           (gives path + format)  │
///       │                                                     attach_complete
///       │◄──attach_unreserve (rollback, from reserved/attaching)     │
///       │                                                            ▼
///       └──── detach_complete <── detaching <──detach_begin──── in-use
///               (last attachment gone: available; otherwise in-use)
///
/// A multiattach volume may hold several attachments; status follows Cinder:
/// in-use while any attachment is attached.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strato::volume {

/// Reserves the volume for `instance_uuid` and creates an attachment in
/// state "reserved". `project_id` is the instance's project; a volume of
/// another project is not_found (empty: admin, any project).
/// Answers `attachment_info`.
struct attach_reserve {
  std::string volume_id;
  std::string instance_uuid;
  std::string project_id;
  std::string request_id;
};

/// Connects a reserved attachment to `host` (Cinder's initialize_connection /
/// attachment update with a connector): the volume goes to "attaching" and
/// the answer tells the hypervisor which file to give the guest.
/// Answers `volume_connection`.
struct attach_connect {
  std::string volume_id;
  std::string attachment_id;
  std::string host;       ///< Compute host name (the connector's host).
  std::string mountpoint; ///< Guest device, "/dev/vdb"; may be empty.
  std::string request_id;
};

/// The hypervisor attached the disk: attachment "attached", volume "in-use".
/// Answers `attachment_info`.
struct attach_complete {
  std::string volume_id;
  std::string attachment_id;
  std::string mountpoint;
  std::string request_id;
};

/// Undoes a reserve or a connect that never completed (attach failed or was
/// abandoned): the attachment is deleted; the volume goes back to
/// "available" (or stays "in-use" if other attachments are attached).
/// Answers `attachment_info` of the deleted attachment (status "detached").
struct attach_unreserve {
  std::string volume_id;
  std::string attachment_id;
  std::string request_id;
};

/// Starts detaching an attached attachment: volume "detaching".
/// Answers `attachment_info`.
struct detach_begin {
  std::string volume_id;
  std::string attachment_id;
  std::string request_id;
};

/// The hypervisor removed the disk: the attachment is deleted; the volume is
/// "available" when no attachment is left. Also accepted directly from
/// "in-use" (Cinder's attachment delete does both steps).
/// Answers `attachment_info` (status "detached").
struct detach_complete {
  std::string volume_id;
  std::string attachment_id;
  std::string request_id;
};

/// Points a connected attachment at another host as its server moves
/// (Cinder's attachment update with the new host's connector); "" leaves
/// it connected to no host (shelve offload). The attachment keeps its
/// status. Answers `volume_connection` for the new host; the same host
/// again answers it unchanged.
struct attach_move {
  std::string volume_id;
  std::string attachment_id;
  std::string host;
  std::string request_id;
};

/// Reads one volume as Nova needs it. Answers `volume_summary`.
struct volume_lookup {
  std::string volume_id;
  std::string project_id; ///< Empty: any project (admin).
};

/// Creates a volume for a server's block device mapping (Nova creates the
/// volumes of boot-from-volume requests itself), reserving the project's
/// volume quota as the API does. `volume_id` is chosen by the caller, so a
/// create retried after a crash answers the volume it made the first time.
/// At most one of `image_id` and `snapshot_id`; neither makes a blank
/// volume. `size_gb` 0 takes the source's size. Answers `volume_summary`
/// once the create is recorded (status "creating"); poll `volume_lookup`
/// until it is "available" (or "error").
///   errc::not_found         the image or snapshot is missing or not visible;
///   errc::invalid_argument  a size below the source's, an unusable source;
///   errc::quota_exceeded    the project's volume quota.
struct volume_create {
  std::string volume_id;
  std::string project_id;
  std::string user_id;
  std::string name;
  uint64_t size_gb = 0;
  std::string image_id;
  std::string snapshot_id;
  std::string volume_type; ///< Name or id; empty: the default type.
  std::string availability_zone;
  std::string request_id;
};

/// Deletes a volume (a server's delete_on_termination volume). A volume
/// already gone answers true; one still attached is invalid_transition.
struct volume_delete {
  std::string volume_id;
  std::string project_id; ///< Empty: any project.
  std::string request_id;
};

/// Reads one snapshot (a server's block device mapping names it).
/// Answers `snapshot_summary`.
struct snapshot_lookup {
  std::string snapshot_id;
  std::string project_id; ///< Empty: any project (admin).
};

struct snapshot_summary {
  std::string id;
  std::string volume_id;
  std::string status; ///< "available", "creating", ...
  uint64_t size_gb = 0;
};

struct attachment_info {
  std::string attachment_id;
  std::string volume_id;
  std::string instance_uuid;
  std::string status;        ///< "reserved", "attaching", "attached", "detached".
  std::string volume_status; ///< The volume's status after the step.
  std::string mountpoint;
};

/// How the hypervisor reaches the volume: a local file (driver_volume_type
/// "file"), in `format` ("qcow2" or "raw"), as a libvirt disk's source.
struct volume_connection {
  std::string volume_id;
  std::string attachment_id;
  std::string driver_volume_type; ///< "file".
  std::string path;               ///< Absolute path of the volume's file.
  std::string format;             ///< "qcow2" or "raw".
  uint64_t size_gb = 0;
  std::string serial; ///< The volume id, as the guest's disk serial.
};

struct volume_summary {
  std::string id;
  std::string project_id;
  std::string name;
  std::string status;
  uint64_t size_gb = 0;
  bool multiattach = false;
  bool bootable = false;
  std::vector<attachment_info> attachments;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attach_reserve& x) {
  return f(caf::meta::type_name("strato.volume.attach_reserve"), x.volume_id,
           x.instance_uuid, x.project_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attach_connect& x) {
  return f(caf::meta::type_name("strato.volume.attach_connect"), x.volume_id,
           x.attachment_id, x.host, x.mountpoint, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attach_complete& x) {
  return f(caf::meta::type_name("strato.volume.attach_complete"), x.volume_id,
           x.attachment_id, x.mountpoint, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attach_unreserve& x) {
  return f(caf::meta::type_name("strato.volume.attach_unreserve"),
           x.volume_id, x.attachment_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, detach_begin& x) {
  return f(caf::meta::type_name("strato.volume.detach_begin"), x.volume_id,
           x.attachment_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, detach_complete& x) {
  return f(caf::meta::type_name("strato.volume.detach_complete"), x.volume_id,
           x.attachment_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attach_move& x) {
  return f(caf::meta::type_name("strato.volume.attach_move"), x.volume_id,
           x.attachment_id, x.host, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volume_create& x) {
  return f(caf::meta::type_name("strato.volume.volume_create"), x.volume_id,
           x.project_id, x.user_id, x.name, x.size_gb, x.image_id,
           x.snapshot_id, x.volume_type, x.availability_zone, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volume_delete& x) {
  return f(caf::meta::type_name("strato.volume.volume_delete"), x.volume_id,
           x.project_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_lookup& x) {
  return f(caf::meta::type_name("strato.volume.snapshot_lookup"),
           x.snapshot_id, x.project_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, snapshot_summary& x) {
  return f(caf::meta::type_name("strato.volume.snapshot_summary"), x.id,
           x.volume_id, x.status, x.size_gb);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volume_lookup& x) {
  return f(caf::meta::type_name("strato.volume.volume_lookup"), x.volume_id,
           x.project_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, attachment_info& x) {
  return f(caf::meta::type_name("strato.volume.attachment_info"),
           x.attachment_id, x.volume_id, x.instance_uuid, x.status,
           x.volume_status, x.mountpoint);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volume_connection& x) {
  return f(caf::meta::type_name("strato.volume.volume_connection"),
           x.volume_id, x.attachment_id, x.driver_volume_type, x.path,
           x.format, x.size_gb, x.serial);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, volume_summary& x) {
  return f(caf::meta::type_name("strato.volume.volume_summary"), x.id,
           x.project_id, x.name, x.status, x.size_gb, x.multiattach,
           x.bootable, x.attachments);
}

} // namespace strato::volume
