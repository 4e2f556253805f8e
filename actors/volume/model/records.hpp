#pragma once

/// The block storage records as the entities and the read projection hold
/// them: plain structs folded from `schema/strato/volume/v1/volume.proto`
/// events, no CAF and no I/O. `apply_*` are total and side-effect free, so
/// an entity's state and the catalog's copy are the same fold of the same
/// events.
///
/// Volume statuses and the commands legal in them (Cinder's, decided in
/// volume_state.cpp):
///
///   creating ──driver ok──> available <──────────────┐
///      │                      │ │ │ │                  │
///      └─driver fails─> error │ │ │ └─reserve─> reserved ─connect─> attaching
///                             │ │ └─extend─> extending ─ok─┘        │
///                             │ └─backup─> backing-up ─done─┘     complete
///                             └─delete─> deleting ─ok─> (gone)      ▼
///                                          └─fails─> error_deleting in-use
///                                                      ─begin_detach─> detaching
///   os-reset_status (admin) sets any status.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strato/volume/v1/volume.pb.h"

namespace strato::volume {

namespace pb = strato::volume::v1;

using volume_status = pb::VolumeStatus;
using copy_status = pb::CopyStatus;

/// Cinder's spelling: "in-use", "backing-up", "error_deleting", ...
[[nodiscard]] std::string_view to_string(volume_status status) noexcept;
[[nodiscard]] std::string_view to_string(copy_status status) noexcept;
[[nodiscard]] std::optional<volume_status>
parse_volume_status(std::string_view text) noexcept;
[[nodiscard]] std::optional<copy_status>
parse_copy_status(std::string_view text) noexcept;

/// The id Cinder gives its built-in default type.
inline constexpr std::string_view default_type_name = "__DEFAULT__";
inline constexpr std::string_view default_type_id
  = "2f2b4c5e-0d1a-4a37-9a7a-5f1e0f2b6d11";

using string_map = std::map<std::string, std::string>;

struct attachment_record {
  std::string id;
  std::string volume_id;
  std::string instance_uuid;
  std::string host;
  std::string mountpoint;
  std::string attach_mode = "rw";
  /// "reserved", "attaching", "attached", "detaching".
  std::string status = "reserved";
  int64_t created_at_us = 0;
  int64_t attached_at_us = 0;
};

struct volume_record {
  std::string id;
  std::string project_id;
  std::string user_id;
  std::string name;
  std::string description;
  uint64_t size_gb = 0;
  std::string volume_type_id;
  std::string availability_zone;
  string_map metadata;
  pb::VolumeSource source;
  std::string source_path;   ///< The file the content comes from.
  std::string source_format;
  bool multiattach = false;
  bool bootable = false;
  volume_status status = pb::VOLUME_STATUS_UNSPECIFIED;
  std::string path;   ///< The file the driver made; empty until created.
  std::string format; ///< "qcow2" or "raw".
  std::string fail_reason;
  uint64_t extend_to_gb = 0;        ///< While extending.
  volume_status status_before_busy = pb::VOLUME_STATUS_UNSPECIFIED;
  std::string busy_operation;       ///< The backup holding the volume.
  std::vector<attachment_record> attachments;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  bool deleted = false;

  [[nodiscard]] bool exists() const noexcept {
    return status != pb::VOLUME_STATUS_UNSPECIFIED && !deleted;
  }
  [[nodiscard]] const attachment_record*
  find_attachment(std::string_view attachment_id) const;
  [[nodiscard]] std::string source_snapshot_id() const;
  [[nodiscard]] std::string source_volume_id() const;
};

/// A snapshot or a backup.
struct copy_record {
  std::string id;
  std::string project_id;
  std::string user_id;
  std::string volume_id;
  std::string name;
  std::string description;
  uint64_t size_gb = 0;
  string_map metadata;
  std::string container;
  std::string snapshot_id;
  std::string source_path;
  copy_status status = pb::COPY_STATUS_UNSPECIFIED;
  std::string path;
  uint64_t stored_bytes = 0;
  std::string fail_reason;
  std::string restoring_volume_id;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  bool deleted = false;

  [[nodiscard]] bool exists() const noexcept {
    return status != pb::COPY_STATUS_UNSPECIFIED && !deleted;
  }
};

struct volume_type_record {
  std::string id;
  std::string name;
  std::string description;
  bool is_public = true;
  string_map extra_specs;
  uint64_t version = 0; ///< Events in its stream (optimistic writes).
  bool deleted = false;
};

/// Folds one event into a record; `id` names the stream's entity.
void apply_volume_event(volume_record& v, const std::string& id,
                        const pb::VolumeEvent& ev);
void apply_copy_event(copy_record& c, const std::string& id,
                      const pb::CopyEvent& ev);
void apply_type_event(volume_type_record& t, const std::string& id,
                      const pb::VolumeTypeEvent& ev);

/// The built-in `__DEFAULT__` type every deployment has.
[[nodiscard]] volume_type_record default_volume_type();

} // namespace strato::volume
