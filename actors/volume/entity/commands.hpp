#pragma once

/// The commands the volume service's HTTP handlers and its own entities send
/// to volume, snapshot and backup entities through their shard regions
/// (`(id, command)`), and what the entities share. Process-local; the
/// cross-service protocol is volume_protocol.hpp.

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>

#include "actors/volume/model/volume_state.hpp"
#include "drivers/volume/volume_driver.hpp"

namespace strato {
class blocking_pool;
namespace store {
class event_store;
} // namespace store
} // namespace strato

namespace strato::volume {

using driver_done_atom = caf::atom_constant<caf::atom("vdrvdone")>;
using resume_atom = caf::atom_constant<caf::atom("vresume")>;

/// What every volume service entity reaches: the driver, the pool it runs
/// on, and the other actors. Filled while the module starts, read after.
struct volume_services {
  std::shared_ptr<volume_driver> driver;
  blocking_pool* pool = nullptr;
  /// Volume types are written straight to their streams (admin-only, rare)
  /// with optimistic concurrency instead of through an entity.
  store::event_store* store = nullptr;
  caf::actor volumes;   ///< Region of volume entities.
  caf::actor snapshots; ///< Region of snapshot entities.
  caf::actor backups;   ///< Region of backup entities.
  caf::actor tenant;    ///< Quota ledger; invalid: no quota enforcement.
  caf::actor image;     ///< Image service; invalid: no images.
};

// --- volume entity commands; each answers the volume_record after it ---

struct volume_create_cmd {
  create_volume_spec spec;
  std::string request_id;
};
struct volume_update_cmd {
  update_volume_spec spec;
  std::string request_id;
};
struct volume_extend_cmd {
  uint64_t new_size_gb = 0;
  bool allow_in_use = false;
  std::string request_id;
};
struct volume_delete_cmd {
  size_t snapshot_count = 0;
  bool force = false;
  std::string request_id;
};
struct volume_reset_cmd {
  volume_status status = pb::VOLUME_STATUS_UNSPECIFIED;
  bool clear_attachments = false;
  std::string request_id;
};
/// Holds the volume in `busy` (backing-up) for `operation_id`.
struct volume_busy_cmd {
  volume_status busy = pb::VOLUME_STATUS_BACKING_UP;
  std::string operation_id;
  bool force = false;
  std::string request_id;
};
struct volume_release_cmd {
  std::string operation_id;
  std::string request_id;
};
/// Overwrites the volume with a backup (restoring-backup, then available).
struct volume_restore_cmd {
  std::string backup_id;
  std::string backup_path;
  std::string request_id;
};
/// Answers the current record (the strongly consistent read).
struct volume_read_cmd {};

// --- snapshot and backup entity commands; each answers the copy_record ---

struct copy_create_cmd {
  pb::CopyEvent::Created created;
  std::string request_id;
};
struct copy_update_cmd {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<string_map> metadata;
  std::string request_id;
};
struct copy_delete_cmd {
  bool force = false;
  std::string request_id;
};
struct copy_reset_cmd {
  copy_status status = pb::COPY_STATUS_UNSPECIFIED;
  std::string request_id;
};

/// A driver call's outcome, sent back to the entity that started it.
struct driver_outcome {
  std::string operation; ///< "create", "extend", "delete", "restore", ...
  status outcome;
  volume_file file;
};

} // namespace strato::volume

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::copy_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_create_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_update_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_extend_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_delete_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_reset_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_busy_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_release_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_restore_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::volume_read_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::copy_create_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::copy_update_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::copy_delete_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::copy_reset_cmd)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::volume::driver_outcome)
