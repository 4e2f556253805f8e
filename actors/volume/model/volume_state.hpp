#pragma once

/// Cinder's rules for what may happen to a volume in each status: pure
/// functions from (record, command) to the events to persist, or the error
/// Cinder answers with. Refusals are `errc::invalid_argument` (HTTP 400)
/// with Cinder's "Invalid volume: ..." text, as Cinder's InvalidVolume is a
/// 400; the entity persists nothing for them. The diagram is in records.hpp.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/volume/model/records.hpp"
#include "runtime/core/error.hpp"

namespace strato::volume {

struct create_volume_spec {
  std::string id;
  std::string project_id;
  std::string user_id;
  std::string name;
  std::string description;
  uint64_t size_gb = 0;
  std::string volume_type_id;
  std::string availability_zone = "nova";
  string_map metadata;
  pb::VolumeSource source;
  std::string source_path; ///< Resolved by the API: the file to copy.
  std::string source_format;
  bool multiattach = false;
};

struct update_volume_spec {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<string_map> metadata; ///< Replaces all metadata.
  string_map metadata_set;             ///< Keys added or overwritten.
  /// Keys removed; an absent key is a 404, as Cinder's DELETE of one item.
  std::vector<std::string> metadata_removed;
  std::optional<bool> bootable;
};

using volume_decision = result<pb::VolumeEvent>;

[[nodiscard]] volume_decision decide_create(const volume_record& v,
                                            const create_volume_spec& spec,
                                            int64_t now_us);
[[nodiscard]] volume_decision decide_update(const volume_record& v,
                                            const update_volume_spec& spec,
                                            int64_t now_us);
/// `allow_in_use`: microversion 3.42 extends attached volumes.
[[nodiscard]] volume_decision decide_extend(const volume_record& v,
                                            uint64_t new_size_gb,
                                            bool allow_in_use, int64_t now_us);
/// `force`: os-force_delete, any status but attached.
[[nodiscard]] volume_decision decide_delete(const volume_record& v,
                                            size_t snapshot_count, bool force,
                                            int64_t now_us);
[[nodiscard]] volume_decision decide_reset_status(const volume_record& v,
                                                  volume_status status,
                                                  bool clear_attachments,
                                                  int64_t now_us);
/// A snapshot or backup may copy the volume now (`force` allows in-use).
[[nodiscard]] status check_copyable(const volume_record& v, bool force,
                                    std::string_view what);
/// Backup/restore hold the volume in `busy` until `decide_busy_finish`.
[[nodiscard]] volume_decision decide_busy_start(const volume_record& v,
                                                volume_status busy,
                                                const std::string& operation_id,
                                                bool force, int64_t now_us,
                                                const std::string& source_path = {});
[[nodiscard]] volume_decision
decide_busy_finish(const volume_record& v, const std::string& operation_id,
                   int64_t now_us);

// The driver's outcomes. They are accepted only in the status that started
// the operation, so a late or repeated outcome after an admin reset is
// refused (invalid_transition) instead of overwriting the reset.
[[nodiscard]] volume_decision decide_create_finished(const volume_record& v,
                                                     const std::string& path,
                                                     const std::string& format,
                                                     bool bootable,
                                                     int64_t now_us);
[[nodiscard]] volume_decision decide_extend_finished(const volume_record& v,
                                                     int64_t now_us);
[[nodiscard]] volume_decision decide_delete_finished(const volume_record& v,
                                                     int64_t now_us);
/// The failure event for the operation in progress (creating -> error,
/// extending -> error_extending, deleting -> error_deleting,
/// restoring-backup -> error_restoring).
[[nodiscard]] volume_decision decide_driver_failed(const volume_record& v,
                                                   const std::string& reason,
                                                   int64_t now_us);

// The attach flow (volume_protocol.hpp).
[[nodiscard]] volume_decision
decide_reserve(const volume_record& v, const std::string& attachment_id,
               const std::string& instance_uuid, const std::string& mode,
               int64_t now_us);
[[nodiscard]] volume_decision decide_connect(const volume_record& v,
                                             const std::string& attachment_id,
                                             const std::string& host,
                                             const std::string& mountpoint,
                                             int64_t now_us);
[[nodiscard]] volume_decision
decide_attach_complete(const volume_record& v, const std::string& attachment_id,
                       const std::string& mountpoint, int64_t now_us);
[[nodiscard]] volume_decision
decide_begin_detach(const volume_record& v, const std::string& attachment_id,
                    int64_t now_us);
/// Points a connected (attaching or attached) attachment at `host`, as a
/// server moves; the same host again is already done.
[[nodiscard]] volume_decision decide_move(const volume_record& v,
                                          const std::string& attachment_id,
                                          const std::string& host,
                                          int64_t now_us);
/// Deletes the attachment (unreserve, detach, attachment delete).
[[nodiscard]] volume_decision
decide_remove_attachment(const volume_record& v,
                         const std::string& attachment_id, int64_t now_us);

/// "Invalid volume: <reason>" as errc::invalid_argument.
[[nodiscard]] status invalid_volume(const std::string& reason);
[[nodiscard]] status volume_not_found(const std::string& id);

} // namespace strato::volume
