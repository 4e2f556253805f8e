// Snapshots (/snapshots) and backups (/backups, /backups/{id}/restore).

#include "actors/volume/api/list_query.hpp"
#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "actors/volume/model/copy_state.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/api/params.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

std::optional<std::string> text_of(const json& o, const char* a,
                                   const char* b = nullptr) {
  for (const auto* key : {a, b}) {
    if (key != nullptr && o.contains(key) && o[key].is_string()) {
      return o[key].get<std::string>();
    }
  }
  return std::nullopt;
}

bool truthy(const json& o, const char* key) {
  if (!o.contains(key)) {
    return false;
  }
  const auto& v = o[key];
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  if (v.is_string()) {
    auto parsed = api::parse_bool_param(key, v.get<std::string>());
    return parsed && *parsed;
  }
  return false;
}

string_map metadata_of(const json& o) {
  string_map out;
  if (o.contains("metadata") && o["metadata"].is_object()) {
    for (const auto& [k, v] : o["metadata"].items()) {
      out[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return out;
}

bool is_snapshot(copy_kind kind) {
  return kind == copy_kind::snapshot;
}

const char* singular(copy_kind kind) {
  return is_snapshot(kind) ? "snapshot" : "backup";
}

caf::actor region_of(const volume_api& api, copy_kind kind) {
  return is_snapshot(kind) ? api.services().snapshots : api.services().backups;
}

json copy_detail(const volume_api& api, const call& c, copy_kind kind,
                 const copy_record& r) {
  return is_snapshot(kind) ? snapshot_view(c, r) : backup_detail(api, c, r);
}

const std::map<std::string, copy_record>& records_of(const catalog_contents& cat,
                                                     copy_kind kind) {
  return is_snapshot(kind) ? cat.snapshots : cat.backups;
}

std::optional<copy_record> find_copy(const volume_api& api, const call& c,
                                     copy_kind kind, const std::string& id) {
  return api.catalog().read([&](const catalog_contents& cat) -> std::optional<copy_record> {
    const auto& records = records_of(cat, kind);
    auto it = records.find(id);
    if (it == records.end() || !visible(c, it->second.project_id)) {
      return std::nullopt;
    }
    return it->second;
  });
}

void list_copies(const volume_api& api, call& c, copy_kind kind, bool detail) {
  auto query = parse_list_query(c, copy_sort_keys());
  if (!query) {
    api.fail(c, query.error());
    return;
  }
  auto collection = std::string{singular(kind)} + "s";
  auto listed = api.catalog().read([&](const catalog_contents& cat) -> result<json> {
    std::vector<const copy_record*> rows;
    for (const auto& [id, r] : records_of(cat, kind)) {
      if (matches_copy(c, *query, r)) {
        rows.push_back(&r);
      }
    }
    auto page = paginate_rows(*query, rows, copy_sort_value);
    if (!page) {
      return page.error();
    }
    json items = json::array();
    for (const auto* r : page->rows) {
      if (is_snapshot(kind) || detail) {
        items.push_back(copy_detail(api, c, kind, *r));
      } else {
        items.push_back(backup_summary(api, c, *r));
      }
    }
    json out = {{collection, items}};
    add_page_links(api, c, out, collection, detail, *page);
    if (c.at_least(45) && query->with_count) {
      out["count"] = rows.size();
    }
    return out;
  });
  if (!listed) {
    api.fail(c, listed.error());
    return;
  }
  api.send(c, 200, *listed);
}

void show_copy(const volume_api& api, call& c, copy_kind kind) {
  auto id = std::string{c.req.path_param("copy_id")};
  auto found = find_copy(api, c, kind, id);
  if (!found) {
    api.fail(c, copy_not_found(kind, id));
    return;
  }
  api.send(c, 200, {{singular(kind), copy_detail(api, c, kind, *found)}});
}

/// Reserves quota, then asks the copy entity to create; `before` runs
/// first (a backup holds the volume) and `undo` if the create fails.
void create_copy(const volume_api& api, std::shared_ptr<call> c, copy_kind kind,
                 copy_create_cmd cmd, bool force) {
  auto size = static_cast<int64_t>(cmd.created.size_gb());
  tenant::quota_amounts deltas
    = is_snapshot(kind) ? tenant::quota_amounts{{"snapshots", 1}, {"gigabytes", size}}
                        : tenant::quota_amounts{{"backups", 1}, {"backup_gigabytes", size}};
  auto project = cmd.created.project_id();
  api.reserve(project, std::move(deltas), c->req.request_id,
              [&api, c, kind, cmd, project, force](result<std::string> reservation) mutable {
    if (!reservation) {
      api.fail(*c, reservation.error());
      return;
    }
    auto id = cmd.created.id();
    auto on_created = [&api, c, kind, project, res = *reservation](result<copy_record> r) {
      if (!r) {
        api.rollback(project, res, c->req.request_id);
        api.fail(*c, r.error());
        return;
      }
      api.commit(project, res, c->req.request_id);
      auto body = is_snapshot(kind) ? json{{"snapshot", snapshot_view(*c, *r)}}
                                    : json{{"backup", backup_summary(api, *c, *r)}};
      api.send(*c, 202, body);
    };
    auto create = [&api, kind, id, cmd, on_created]() mutable {
      api.ask<copy_record>(region_of(api, kind), id, caf::make_message(std::move(cmd)),
                           on_created);
    };
    if (is_snapshot(kind)) {
      create();
      return;
    }
    // A backup holds its volume in backing-up until the copy is done.
    volume_busy_cmd busy{pb::VOLUME_STATUS_BACKING_UP, id, force, c->req.request_id};
    api.ask<volume_record>(api.services().volumes, cmd.created.volume_id(),
                           caf::make_message(std::move(busy)),
                           [&api, c, project, res = *reservation, create](result<volume_record> held) mutable {
                             if (!held) {
                               api.rollback(project, res, c->req.request_id);
                               api.fail(*c, held.error());
                               return;
                             }
                             create();
                           });
  });
}

void start_copy(const volume_api& api, call& c, copy_kind kind) {
  if (auto st = service::require_project_member(c.caller); !st.ok()) {
    api.fail(c, st);
    return;
  }
  const auto& schema = is_snapshot(kind) ? schemas().snapshot_create : schemas().backup_create;
  auto body = api.body(c, schema);
  if (!body) {
    return;
  }
  const auto& b = (*body)[singular(kind)];
  auto volume_id = b["volume_id"].get<std::string>();
  bool force = truthy(b, "force");
  auto volume = api.catalog().read([&](const catalog_contents& cat) -> std::optional<volume_record> {
    auto it = cat.volumes.find(volume_id);
    if (it == cat.volumes.end() || !visible(c, it->second.project_id)) {
      return std::nullopt;
    }
    return it->second;
  });
  if (!volume) {
    api.fail(c, volume_not_found(volume_id));
    return;
  }
  if (auto st = check_copyable(*volume, force, singular(kind)); !st.ok()) {
    api.fail(c, st);
    return;
  }
  copy_create_cmd cmd;
  auto& created = cmd.created;
  created.set_id(new_uuid());
  created.set_project_id(c.caller.project_id);
  created.set_user_id(c.caller.user_id);
  created.set_volume_id(volume_id);
  created.set_name(text_of(b, "name", "display_name").value_or(""));
  created.set_description(text_of(b, "description", "display_description").value_or(""));
  created.set_size_gb(volume->size_gb);
  auto metadata = metadata_of(b);
  created.mutable_metadata()->insert(metadata.begin(), metadata.end());
  created.set_source_path(volume->path);
  if (!is_snapshot(kind)) {
    created.set_container(text_of(b, "container").value_or("volumebackups"));
  }
  cmd.request_id = c.req.request_id;
  create_copy(api, std::make_shared<call>(std::move(c)), kind, std::move(cmd), force);
}

/// Sends a command to a copy the caller may change; answers with `respond`.
void change_copy(const volume_api& api, call& c, copy_kind kind, caf::message cmd,
                 std::function<void(const call&, const copy_record&)> respond) {
  auto id = std::string{c.req.path_param("copy_id")};
  auto found = find_copy(api, c, kind, id);
  if (!found) {
    api.fail(c, copy_not_found(kind, id));
    return;
  }
  if (!service::may_write(c.caller, found->project_id)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow this operation to be performed."});
    return;
  }
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<copy_record>(region_of(api, kind), id, std::move(cmd),
                       [&api, shared, respond](result<copy_record> r) {
                         if (!r) {
                           api.fail(*shared, r.error());
                           return;
                         }
                         respond(*shared, *r);
                       });
}

void update_copy(const volume_api& api, call& c, copy_kind kind) {
  const auto& schema = is_snapshot(kind) ? schemas().snapshot_update : schemas().backup_update;
  auto body = api.body(c, schema);
  if (!body) {
    return;
  }
  const auto& b = (*body)[singular(kind)];
  copy_update_cmd cmd;
  cmd.name = text_of(b, "name", "display_name");
  cmd.description = text_of(b, "description", "display_description");
  if (b.contains("metadata")) {
    cmd.metadata = metadata_of(b);
  }
  cmd.request_id = c.req.request_id;
  change_copy(api, c, kind, caf::make_message(std::move(cmd)),
              [&api, kind](const call& done, const copy_record& r) {
                auto body = is_snapshot(kind) ? json{{"snapshot", snapshot_view(done, r)}}
                                              : json{{"backup", backup_summary(api, done, r)}};
                api.send(done, 200, body);
              });
}

void delete_copy(const volume_api& api, call& c, copy_kind kind) {
  change_copy(api, c, kind, caf::make_message(copy_delete_cmd{false, c.req.request_id}),
              [&api](const call& done, const copy_record&) { api.send_empty(done, 202); });
}

void restore_backup(const volume_api& api, call& c) {
  auto body = api.body(c, schemas().backup_restore);
  if (!body) {
    return;
  }
  auto id = std::string{c.req.path_param("copy_id")};
  auto backup = find_copy(api, c, copy_kind::backup, id);
  if (!backup) {
    api.fail(c, copy_not_found(copy_kind::backup, id));
    return;
  }
  if (backup->status != pb::COPY_STATUS_AVAILABLE) {
    api.fail(c, {errc::invalid_argument, "Invalid backup: Backup status must be available"});
    return;
  }
  const auto& r = (*body)["restore"];
  auto target = text_of(r, "volume_id");
  auto shared = std::make_shared<call>(std::move(c));
  auto answer = [&api, shared, id](result<volume_record> v) {
    if (!v) {
      api.fail(*shared, v.error());
      return;
    }
    api.send(*shared, 202, {{"restore", {{"backup_id", id},
                                         {"volume_id", v->id},
                                         {"volume_name", v->name}}}});
  };
  if (target) {
    auto volume = api.catalog().read([&](const catalog_contents& cat) -> std::optional<volume_record> {
      auto it = cat.volumes.find(*target);
      if (it == cat.volumes.end() || !visible(*shared, it->second.project_id)) {
        return std::nullopt;
      }
      return it->second;
    });
    if (!volume) {
      api.fail(*shared, volume_not_found(*target));
      return;
    }
    if (volume->size_gb < backup->size_gb) {
      api.fail(*shared, invalid_volume("volume size " + std::to_string(volume->size_gb)
                                       + " is too small to restore backup of size "
                                       + std::to_string(backup->size_gb) + "."));
      return;
    }
    api.ask<volume_record>(api.services().volumes, *target,
                           caf::make_message(volume_restore_cmd{id, backup->path,
                                                                shared->req.request_id}),
                           answer);
    return;
  }
  // No target: a new volume of the backup's size, created from it.
  create_volume_spec spec;
  spec.id = new_uuid();
  spec.project_id = shared->caller.project_id;
  spec.user_id = shared->caller.user_id;
  spec.name = text_of(r, "name").value_or("restore_backup_" + id);
  spec.size_gb = backup->size_gb;
  spec.volume_type_id = std::string{default_type_id};
  spec.source.set_backup_id(id);
  spec.source_path = backup->path;
  spec.source_format = "qcow2";
  tenant::quota_amounts deltas{{"volumes", 1},
                               {"gigabytes", static_cast<int64_t>(spec.size_gb)}};
  api.reserve(spec.project_id, std::move(deltas), shared->req.request_id,
              [&api, shared, spec, answer](result<std::string> reservation) {
    if (!reservation) {
      api.fail(*shared, reservation.error());
      return;
    }
    api.ask<volume_record>(
      api.services().volumes, spec.id,
      caf::make_message(volume_create_cmd{spec, shared->req.request_id}),
      [&api, shared, spec, answer, res = *reservation](result<volume_record> v) {
        if (v) {
          api.commit(spec.project_id, res, shared->req.request_id);
        } else {
          api.rollback(spec.project_id, res, shared->req.request_id);
        }
        answer(std::move(v));
      });
  });
}

void reset_copy(const volume_api& api, call& c, copy_kind kind) {
  auto parsed = api::parse_json_body(c.req.body);
  if (!parsed) {
    api.fail(c, parsed.error());
    return;
  }
  if (!service::is_admin(c.caller)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow this operation to be performed."});
    return;
  }
  if (!parsed->contains("os-reset_status")) {
    api.fail(c, {errc::not_implemented, "Only os-reset_status is implemented."});
    return;
  }
  auto status_text = (*parsed)["os-reset_status"].value("status", std::string{});
  auto status = parse_copy_status(status_text);
  if (!status) {
    api.fail(c, {errc::invalid_argument, "Invalid input received: Must specify a valid status"});
    return;
  }
  change_copy(api, c, kind, caf::make_message(copy_reset_cmd{*status, c.req.request_id}),
              [&api](const call& done, const copy_record&) { api.send_empty(done, 202); });
}

} // namespace

void volume_api::install_snapshots(http::router& routes) {
  using http::method;
  constexpr auto k = copy_kind::snapshot;
  add(routes, method::get, "/snapshots", [this](call& c) { list_copies(*this, c, k, false); });
  add(routes, method::get, "/snapshots/detail",
      [this](call& c) { list_copies(*this, c, k, true); });
  add(routes, method::post, "/snapshots", [this](call& c) { start_copy(*this, c, k); });
  add(routes, method::get, "/snapshots/{copy_id}", [this](call& c) { show_copy(*this, c, k); });
  add(routes, method::put, "/snapshots/{copy_id}", [this](call& c) { update_copy(*this, c, k); });
  add(routes, method::delete_, "/snapshots/{copy_id}",
      [this](call& c) { delete_copy(*this, c, k); });
  add(routes, method::post, "/snapshots/{copy_id}/action",
      [this](call& c) { reset_copy(*this, c, k); });
}

void volume_api::install_backups(http::router& routes) {
  using http::method;
  constexpr auto k = copy_kind::backup;
  add(routes, method::get, "/backups", [this](call& c) { list_copies(*this, c, k, false); });
  add(routes, method::get, "/backups/detail", [this](call& c) { list_copies(*this, c, k, true); });
  add(routes, method::post, "/backups", [this](call& c) { start_copy(*this, c, k); });
  add(routes, method::get, "/backups/{copy_id}", [this](call& c) { show_copy(*this, c, k); });
  add(routes, method::put, "/backups/{copy_id}", [this](call& c) { update_copy(*this, c, k); });
  add(routes, method::delete_, "/backups/{copy_id}", [this](call& c) { delete_copy(*this, c, k); });
  add(routes, method::post, "/backups/{copy_id}/restore",
      [this](call& c) { restore_backup(*this, c); });
  add(routes, method::post, "/backups/{copy_id}/action",
      [this](call& c) { reset_copy(*this, c, k); });
}

} // namespace strato::volume
