#include "actors/volume/entity/copy_entity.hpp"

#include "actors/tenant/quota_protocol.hpp"
#include "actors/volume/entity/volume_entity.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::volume {

namespace {

template <copy_kind Kind>
using self_ptr = actor::entity_actor<copy_aggregate<Kind>>*;

template <copy_kind Kind>
void run_driver_step(self_ptr<Kind> self) {
  auto rec = self->state.model.record;
  auto services = self->state.model.services;
  auto hdl = caf::actor_cast<caf::actor>(self);
  services->pool->post([rec, services, hdl] {
    auto& driver = *services->driver;
    driver_outcome out;
    if (rec.status == pb::COPY_STATUS_CREATING) {
      out.operation = "create";
      auto made = Kind == copy_kind::snapshot
                    ? driver.snapshot(rec.source_path, rec.id)
                    : driver.backup(rec.source_path, rec.id);
      if (made) {
        out.file = std::move(*made);
      } else {
        out.outcome = made.error();
      }
    } else if (rec.status == pb::COPY_STATUS_DELETING) {
      out.operation = "delete";
      out.outcome = Kind == copy_kind::snapshot ? driver.remove_snapshot(rec.id)
                                                : driver.remove_backup(rec.id);
    } else {
      return;
    }
    caf::anon_send(hdl, driver_done_atom::value, std::move(out));
  });
}

template <copy_kind Kind>
void after_driver(self_ptr<Kind> self, const std::string& operation, bool ok) {
  const auto& rec = self->state.model.record;
  const auto& services = *self->state.model.services;
  auto request_id = "req-volume-" + rec.id;
  if (Kind == copy_kind::backup && operation == "create" && services.volumes) {
    caf::anon_send(services.volumes, rec.volume_id,
                   caf::make_message(volume_release_cmd{rec.id, request_id}));
  }
  if (operation == "delete" && ok && services.tenant) {
    auto size = static_cast<int64_t>(rec.size_gb);
    tenant::quota_amounts amounts
      = Kind == copy_kind::snapshot
          ? tenant::quota_amounts{{"snapshots", 1}, {"gigabytes", size}}
          : tenant::quota_amounts{{"backups", 1}, {"backup_gigabytes", size}};
    caf::anon_send(services.tenant, rec.project_id,
                   caf::make_message(tenant::quota_release_atom::value,
                                     std::move(amounts), request_id));
  }
}

template <copy_kind Kind>
void on_driver_done(self_ptr<Kind> self, driver_outcome& out) {
  const auto& rec = self->state.model.record;
  copy_decision decision = status{};
  if (!out.outcome.ok()) {
    decision = decide_copy_failed(rec, out.outcome.message(), now_us());
  } else if (out.operation == "create") {
    decision = decide_copy_finished(rec, out.file.path, out.file.stored_bytes,
                                    now_us());
  } else {
    decision = decide_copy_deleted(rec, now_us());
  }
  if (!decision.ok()) {
    return; // Reset by an admin meanwhile: the outcome is stale.
  }
  auto operation = out.operation;
  bool ok = out.outcome.ok();
  actor::persist(self, {std::move(*decision)}, "req-volume-driver",
                 [self, operation, ok](const copy_aggregate<Kind>&) {
                   after_driver<Kind>(self, operation, ok);
                   return true;
                 });
}

template <copy_kind Kind>
caf::result<copy_record> answer(self_ptr<Kind> self, copy_decision decision,
                                std::string request_id, bool start_driver) {
  if (!decision.ok()) {
    return actor::to_caf_error(decision.error());
  }
  if (decision->event_case() == pb::CopyEvent::EVENT_NOT_SET) {
    return self->state.model.record;
  }
  return actor::persist(self, {std::move(*decision)}, std::move(request_id),
                        [self, start_driver](const copy_aggregate<Kind>& m) {
                          if (start_driver) {
                            run_driver_step<Kind>(self);
                          }
                          return m.record;
                        });
}

template <copy_kind Kind>
caf::message_handler copy_behavior(self_ptr<Kind> self) {
  const auto& rec = self->state.model.record;
  if (rec.exists()
      && (rec.status == pb::COPY_STATUS_CREATING
          || rec.status == pb::COPY_STATUS_DELETING)) {
    run_driver_step<Kind>(self); // Finish what a crash interrupted.
  }
  return {
    [self](copy_create_cmd& c) {
      return answer<Kind>(self,
                          decide_copy_create(self->state.model.record,
                                             std::move(c.created), now_us()),
                          std::move(c.request_id), true);
    },
    [self](copy_update_cmd& c) {
      return answer<Kind>(self,
                          decide_copy_update(self->state.model.record, Kind,
                                             c.name, c.description, c.metadata,
                                             now_us()),
                          std::move(c.request_id), false);
    },
    [self](copy_delete_cmd& c) {
      return answer<Kind>(self,
                          decide_copy_delete(self->state.model.record, Kind,
                                             c.force, now_us()),
                          std::move(c.request_id), true);
    },
    [self](copy_reset_cmd& c) {
      return answer<Kind>(self,
                          decide_copy_reset(self->state.model.record, Kind,
                                            c.status, now_us()),
                          std::move(c.request_id), false);
    },
    [self](driver_done_atom, driver_outcome& out) {
      on_driver_done<Kind>(self, out);
    },
    [self](resume_atom) { return true; },
  };
}

} // namespace

actor::entity_spawner make_snapshot_spawner(actor::entity_env env) {
  return actor::make_spawner<snapshot_aggregate>(
    std::move(env), copy_behavior<copy_kind::snapshot>);
}

actor::entity_spawner make_backup_spawner(actor::entity_env env) {
  return actor::make_spawner<backup_aggregate>(std::move(env),
                                               copy_behavior<copy_kind::backup>);
}

} // namespace strato::volume
