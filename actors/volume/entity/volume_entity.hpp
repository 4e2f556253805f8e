#pragma once

/// A volume as an event-sourced entity (stream "volume/<id>"). Commands are
/// decided by model/volume_state.hpp; driver work (qemu-img) starts once
/// the event that begins it is durable, runs on the blocking pool, and its
/// outcome comes back as `(driver_done_atom, driver_outcome)` to be recorded
/// as the event that ends it. A volume found in a transitional status when
/// it loads (creating, extending, deleting, restoring-backup: the node died
/// mid-operation) re-runs the driver step, which is idempotent, and so
/// finishes what was acknowledged.
///
/// Protocol: the commands of commands.hpp (answer `volume_record`), the
/// attach messages of volume_protocol.hpp, and `resume_atom` (-> bool).

#include <memory>

#include "actors/volume/entity/commands.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::volume {

struct volume_aggregate {
  using event_type = pb::VolumeEvent;
  static constexpr std::string_view kind = "volume";

  volume_record record;
  std::shared_ptr<volume_services> services;

  void attach(const actor::entity_env& env) {
    services = std::static_pointer_cast<volume_services>(env.extension);
  }
  void apply(const event_type& ev) {
    apply_volume_event(record, record.id, ev);
  }
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  /// A volume with driver work in flight stays resident to hear its outcome.
  [[nodiscard]] bool passivation_allowed() const;
};

caf::message_handler volume_behavior(actor::entity_actor<volume_aggregate>* self);

[[nodiscard]] actor::entity_spawner make_volume_spawner(actor::entity_env env);

/// The volume as other services see it (volume_protocol.hpp).
[[nodiscard]] volume_summary summarize(const volume_record& v);

/// Microseconds since the Unix epoch, for event stamps.
[[nodiscard]] int64_t now_us();

} // namespace strato::volume
