#pragma once

/// Cinder's rules for snapshots and backups (both "copies" of a volume):
///
///   creating ──driver ok──> available ──delete──> deleting ──ok──> (gone)
///      └──driver fails──> error ──delete──┘          └─fails─> error_deleting
///
/// Pure functions from (record, command) to the event to persist, or the
/// error Cinder answers (400 "Invalid snapshot: ..." / "Invalid backup: ...").
/// An event without a case means "already done" (a retry): persist nothing.

#include <optional>
#include <string>

#include "actors/volume/model/records.hpp"
#include "runtime/core/error.hpp"

namespace strato::volume {

enum class copy_kind : uint8_t { snapshot, backup };

using copy_decision = result<pb::CopyEvent>;

[[nodiscard]] copy_decision decide_copy_create(const copy_record& c,
                                               pb::CopyEvent::Created created,
                                               int64_t now_us);
[[nodiscard]] copy_decision
decide_copy_update(const copy_record& c, copy_kind kind,
                   const std::optional<std::string>& name,
                   const std::optional<std::string>& description,
                   const std::optional<string_map>& metadata, int64_t now_us);
[[nodiscard]] copy_decision decide_copy_delete(const copy_record& c,
                                               copy_kind kind, bool force,
                                               int64_t now_us);
[[nodiscard]] copy_decision decide_copy_reset(const copy_record& c,
                                              copy_kind kind,
                                              copy_status status,
                                              int64_t now_us);
[[nodiscard]] copy_decision decide_copy_finished(const copy_record& c,
                                                 const std::string& path,
                                                 uint64_t stored_bytes,
                                                 int64_t now_us);
[[nodiscard]] copy_decision decide_copy_failed(const copy_record& c,
                                               const std::string& reason,
                                               int64_t now_us);
[[nodiscard]] copy_decision decide_copy_deleted(const copy_record& c,
                                                int64_t now_us);

/// "Snapshot <id> could not be found." / "Backup <id> could not be found."
[[nodiscard]] status copy_not_found(copy_kind kind, const std::string& id);

} // namespace strato::volume
