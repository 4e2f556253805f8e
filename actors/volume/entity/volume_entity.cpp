#include "actors/volume/entity/volume_entity.hpp"

#include "actors/volume/volume_protocol.hpp"

#include <chrono>

#include "actors/tenant/quota_protocol.hpp"
#include "actors/image/image_protocol.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/core/ids.hpp"

namespace strato::volume {

namespace {

using self_ptr = actor::entity_actor<volume_aggregate>*;

bool is_transitional(volume_status s) {
  return s == pb::VOLUME_STATUS_CREATING || s == pb::VOLUME_STATUS_EXTENDING
         || s == pb::VOLUME_STATUS_DELETING
         || s == pb::VOLUME_STATUS_RESTORING_BACKUP;
}

/// Runs the driver step that the volume's current status calls for.
void run_driver_step(self_ptr self) {
  auto& model = self->state.model;
  auto rec = model.record;
  auto services = model.services;
  auto hdl = caf::actor_cast<caf::actor>(self);
  services->pool->post([rec, services, hdl] {
    auto& driver = *services->driver;
    driver_outcome out;
    auto take = [&out](result<volume_file> r) {
      if (r) {
        out.file = std::move(*r);
      } else {
        out.outcome = r.error();
      }
    };
    switch (rec.status) {
      case pb::VOLUME_STATUS_CREATING:
        out.operation = "create";
        if (rec.source_path.empty()) {
          take(driver.create(rec.id, rec.size_gb));
        } else if (rec.source.kind_case() == pb::VolumeSource::kImageId) {
          take(driver.from_image(rec.source_path, rec.source_format, rec.id,
                                 rec.size_gb));
        } else if (rec.source.kind_case() == pb::VolumeSource::kBackupId) {
          take(driver.restore(rec.source_path, rec.id, rec.size_gb));
        } else {
          take(driver.clone(rec.source_path, rec.id, rec.size_gb));
        }
        break;
      case pb::VOLUME_STATUS_EXTENDING:
        out.operation = "extend";
        out.outcome = driver.extend(rec.id, rec.extend_to_gb);
        break;
      case pb::VOLUME_STATUS_DELETING:
        out.operation = "delete";
        out.outcome = driver.remove(rec.id);
        break;
      case pb::VOLUME_STATUS_RESTORING_BACKUP:
        out.operation = "restore";
        take(driver.restore(rec.source_path, rec.id, rec.size_gb));
        break;
      default:
        return;
    }
    caf::anon_send(hdl, driver_done_atom::value, std::move(out));
  });
}

/// Quota and image holds end when the work that needed them ends.
void release_after(self_ptr self, const std::string& operation, bool ok) {
  const auto& rec = self->state.model.record;
  const auto& services = *self->state.model.services;
  auto request_id = "req-volume-" + rec.id;
  if (operation == "create"
      && rec.source.kind_case() == pb::VolumeSource::kImageId && services.image) {
    caf::anon_send(services.image,
                   image::image_release{rec.source.image_id(), "volume",
                                        rec.id, request_id});
  }
  if (operation == "delete" && ok && services.tenant) {
    tenant::quota_amounts amounts{{"volumes", 1},
                                  {"gigabytes", static_cast<int64_t>(rec.size_gb)}};
    caf::anon_send(services.tenant, rec.project_id,
                   caf::make_message(tenant::quota_release_atom::value,
                                     std::move(amounts), request_id));
  }
}

template <class Reply>
caf::result<Reply> answer_with(self_ptr self, volume_decision decision,
                               std::string request_id,
                               std::function<Reply(const volume_record&)> reply,
                               bool start_driver) {
  if (!decision.ok()) {
    return actor::to_caf_error(decision.error());
  }
  if (decision->event_case() == pb::VolumeEvent::EVENT_NOT_SET) {
    return reply(self->state.model.record);
  }
  return actor::persist(self, {std::move(*decision)}, std::move(request_id),
                        [self, reply, start_driver](const volume_aggregate& m) {
                          if (start_driver) {
                            run_driver_step(self);
                          }
                          return reply(m.record);
                        });
}

caf::result<volume_record> answer(self_ptr self, volume_decision decision,
                                  std::string request_id,
                                  bool start_driver = false) {
  return answer_with<volume_record>(
    self, std::move(decision), std::move(request_id),
    [](const volume_record& r) { return r; }, start_driver);
}

void on_driver_done(self_ptr self, driver_outcome& out) {
  const auto& rec = self->state.model.record;
  auto at = now_us();
  volume_decision decision = status{};
  if (!out.outcome.ok()) {
    decision = decide_driver_failed(rec, out.outcome.message(), at);
  } else if (out.operation == "create") {
    bool bootable = rec.source.kind_case() == pb::VolumeSource::kImageId;
    decision = decide_create_finished(rec, out.file.path, out.file.format,
                                      bootable, at);
  } else if (out.operation == "extend") {
    decision = decide_extend_finished(rec, at);
  } else if (out.operation == "delete") {
    decision = decide_delete_finished(rec, at);
  } else if (out.operation == "restore") {
    decision = decide_busy_finish(rec, rec.busy_operation, at);
  }
  auto operation = out.operation;
  bool ok = out.outcome.ok();
  if (!decision.ok() || decision->event_case() == pb::VolumeEvent::EVENT_NOT_SET) {
    return; // Reset by an admin meanwhile: the outcome is stale.
  }
  actor::persist(self, {std::move(*decision)}, "req-volume-driver",
                 [self, operation, ok](const volume_aggregate&) {
                   release_after(self, operation, ok);
                   return true;
                 });
}

volume_connection connection_of(const volume_record& v,
                                const std::string& att_id) {
  volume_connection c;
  c.volume_id = v.id;
  c.attachment_id = att_id;
  c.driver_volume_type = "file";
  c.path = v.path;
  c.format = v.format.empty() ? "qcow2" : v.format;
  c.size_gb = v.size_gb;
  c.serial = v.id;
  return c;
}

attachment_info info_of(const volume_record& v, const std::string& att_id) {
  attachment_info info;
  info.attachment_id = att_id;
  info.volume_id = v.id;
  info.volume_status = std::string{to_string(v.status)};
  info.status = "detached";
  if (const auto* a = v.find_attachment(att_id)) {
    info.instance_uuid = a->instance_uuid;
    info.status = a->status;
    info.mountpoint = a->mountpoint;
  }
  return info;
}

} // namespace

volume_summary summarize(const volume_record& v) {
  volume_summary s;
  s.id = v.id;
  s.project_id = v.project_id;
  s.name = v.name;
  s.status = std::string{to_string(v.status)};
  s.size_gb = v.size_gb;
  s.multiattach = v.multiattach;
  s.bootable = v.bootable;
  for (const auto& a : v.attachments) {
    s.attachments.push_back(info_of(v, a.id));
  }
  return s;
}

namespace {

std::function<attachment_info(const volume_record&)>
info_reply(std::string att_id) {
  return [att_id](const volume_record& v) { return info_of(v, att_id); };
}

caf::message_handler attach_handlers(self_ptr self) {
  return {
    [self](attach_reserve& r) -> caf::result<attachment_info> {
      const auto& v = self->state.model.record;
      if (!r.project_id.empty() && v.project_id != r.project_id) {
        return actor::to_caf_error(volume_not_found(r.volume_id));
      }
      // Nova names no attachment id on reserve; one per (volume, instance).
      std::string att_id;
      for (const auto& a : v.attachments) {
        if (a.instance_uuid == r.instance_uuid) {
          att_id = a.id;
        }
      }
      if (att_id.empty()) {
        att_id = new_uuid();
      }
      return answer_with<attachment_info>(
        self, decide_reserve(v, att_id, r.instance_uuid, "rw", now_us()),
        r.request_id, info_reply(att_id), false);
    },
    [self](attach_connect& c) -> caf::result<volume_connection> {
      const auto& v = self->state.model.record;
      std::function<volume_connection(const volume_record&)> reply
        = [id = c.attachment_id](const volume_record& rec) {
            return connection_of(rec, id);
          };
      return answer_with<volume_connection>(
        self, decide_connect(v, c.attachment_id, c.host, c.mountpoint, now_us()),
        c.request_id, reply, false);
    },
    [self](attach_move& m) -> caf::result<volume_connection> {
      std::function<volume_connection(const volume_record&)> reply
        = [id = m.attachment_id](const volume_record& rec) {
            return connection_of(rec, id);
          };
      return answer_with<volume_connection>(
        self,
        decide_move(self->state.model.record, m.attachment_id, m.host,
                    now_us()),
        m.request_id, reply, false);
    },
    [self](attach_complete& c) -> caf::result<attachment_info> {
      return answer_with<attachment_info>(
        self,
        decide_attach_complete(self->state.model.record, c.attachment_id,
                               c.mountpoint, now_us()),
        c.request_id, info_reply(c.attachment_id), false);
    },
    [self](attach_unreserve& c) -> caf::result<attachment_info> {
      return answer_with<attachment_info>(
        self,
        decide_remove_attachment(self->state.model.record, c.attachment_id,
                                 now_us()),
        c.request_id, info_reply(c.attachment_id), false);
    },
    [self](detach_begin& c) -> caf::result<attachment_info> {
      return answer_with<attachment_info>(
        self,
        decide_begin_detach(self->state.model.record, c.attachment_id, now_us()),
        c.request_id, info_reply(c.attachment_id), false);
    },
    [self](detach_complete& c) -> caf::result<attachment_info> {
      return answer_with<attachment_info>(
        self,
        decide_remove_attachment(self->state.model.record, c.attachment_id,
                                 now_us()),
        c.request_id, info_reply(c.attachment_id), false);
    },
    [self](volume_lookup& l) -> caf::result<volume_summary> {
      const auto& v = self->state.model.record;
      if (!v.exists() || (!l.project_id.empty() && v.project_id != l.project_id)) {
        return actor::to_caf_error(volume_not_found(l.volume_id));
      }
      return summarize(v);
    },
  };
}

caf::message_handler command_handlers(self_ptr self) {
  return {
    [self](volume_create_cmd& c) {
      return answer(self, decide_create(self->state.model.record, c.spec, now_us()),
                    std::move(c.request_id), true);
    },
    [self](volume_update_cmd& c) {
      return answer(self, decide_update(self->state.model.record, c.spec, now_us()),
                    std::move(c.request_id));
    },
    [self](volume_extend_cmd& c) {
      return answer(self,
                    decide_extend(self->state.model.record, c.new_size_gb,
                                  c.allow_in_use, now_us()),
                    std::move(c.request_id), true);
    },
    [self](volume_delete_cmd& c) {
      return answer(self,
                    decide_delete(self->state.model.record, c.snapshot_count,
                                  c.force, now_us()),
                    std::move(c.request_id), true);
    },
    [self](volume_reset_cmd& c) {
      return answer(self,
                    decide_reset_status(self->state.model.record, c.status,
                                        c.clear_attachments, now_us()),
                    std::move(c.request_id));
    },
    [self](volume_busy_cmd& c) {
      return answer(self,
                    decide_busy_start(self->state.model.record, c.busy,
                                      c.operation_id, c.force, now_us()),
                    std::move(c.request_id));
    },
    [self](volume_release_cmd& c) {
      return answer(self,
                    decide_busy_finish(self->state.model.record, c.operation_id,
                                       now_us()),
                    std::move(c.request_id));
    },
    [self](volume_restore_cmd& c) -> caf::result<volume_record> {
      auto& rec = self->state.model.record;
      if (rec.exists() && rec.status != pb::VOLUME_STATUS_AVAILABLE) {
        return actor::to_caf_error(
          invalid_volume("Volume to be restored to must be available"));
      }
      auto decision = decide_busy_start(rec, pb::VOLUME_STATUS_RESTORING_BACKUP,
                                        c.backup_id, false, now_us(),
                                        c.backup_path);
      return answer(self, std::move(decision), std::move(c.request_id), true);
    },
    [self](volume_read_cmd) -> caf::result<volume_record> {
      if (!self->state.model.record.exists()) {
        return actor::to_caf_error(volume_not_found(""));
      }
      return self->state.model.record;
    },
    [self](driver_done_atom, driver_outcome& out) { on_driver_done(self, out); },
    [self](resume_atom) { return true; },
  };
}

} // namespace

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// A volume's stream stays short (tens of events over its life), so the
// module runs volume entities with snapshot_every = 0 and replays them whole.
std::string volume_aggregate::snapshot_state() const {
  return {};
}

status volume_aggregate::restore(std::string_view) {
  return {errc::corruption, "volume streams are never snapshotted"};
}

bool volume_aggregate::passivation_allowed() const {
  return !is_transitional(record.status);
}

caf::message_handler volume_behavior(self_ptr self) {
  if (is_transitional(self->state.model.record.status)
      && self->state.model.record.exists()) {
    run_driver_step(self); // Finish what the node was doing when it died.
  }
  return command_handlers(self).or_else(attach_handlers(self));
}

actor::entity_spawner make_volume_spawner(actor::entity_env env) {
  return actor::make_spawner<volume_aggregate>(std::move(env), volume_behavior);
}

} // namespace strato::volume
