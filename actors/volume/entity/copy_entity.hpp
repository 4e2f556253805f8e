#pragma once

/// Snapshots (stream "volume_snapshot/<id>") and backups
/// ("volume_backup/<id>") as event-sourced entities. Both copy a volume's
/// file through the driver once their Created event is durable, and remove
/// it once DeleteStarted is; the outcome is recorded as the event that ends
/// the operation. A backup holds its volume in "backing-up" (the API asks
/// the volume entity first) and releases it when the copy is done.
///
/// Protocol: copy_create_cmd, copy_update_cmd, copy_delete_cmd,
/// copy_reset_cmd (each -> copy_record), (driver_done_atom, driver_outcome).

#include <memory>

#include "actors/volume/entity/commands.hpp"
#include "actors/volume/model/copy_state.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::volume {

template <copy_kind Kind>
struct copy_aggregate {
  using event_type = pb::CopyEvent;
  static constexpr std::string_view kind
    = Kind == copy_kind::snapshot ? "volume_snapshot" : "volume_backup";

  copy_record record;
  std::shared_ptr<volume_services> services;

  void attach(const actor::entity_env& env) {
    services = std::static_pointer_cast<volume_services>(env.extension);
  }
  void apply(const event_type& ev) {
    apply_copy_event(record, record.id, ev);
  }
  // Copy streams hold a handful of events: never snapshotted.
  [[nodiscard]] std::string snapshot_state() const {
    return {};
  }
  [[nodiscard]] status restore(std::string_view) {
    return {errc::corruption, "copy streams are never snapshotted"};
  }
  [[nodiscard]] bool passivation_allowed() const {
    return record.status != pb::COPY_STATUS_CREATING
           && record.status != pb::COPY_STATUS_DELETING;
  }
};

using snapshot_aggregate = copy_aggregate<copy_kind::snapshot>;
using backup_aggregate = copy_aggregate<copy_kind::backup>;

[[nodiscard]] actor::entity_spawner make_snapshot_spawner(actor::entity_env env);
[[nodiscard]] actor::entity_spawner make_backup_spawner(actor::entity_env env);

} // namespace strato::volume
