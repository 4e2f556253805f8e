// GET/POST /volumes, GET /volumes/detail, GET/PUT/DELETE /volumes/{id},
// GET /volumes/summary.

#include "actors/image/image_protocol.hpp"
#include "actors/volume/api/list_query.hpp"
#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

constexpr uint64_t gib = uint64_t{1} << 30;

/// A create in progress: what the request asked, what was resolved.
struct create_flow {
  call c;
  create_volume_spec spec;
  std::string image_id;
  std::string reservation;
};

std::optional<std::string> string_field(const json& o, const char* a,
                                        const char* b = nullptr) {
  for (const auto* key : {a, b}) {
    if (key != nullptr && o.contains(key) && o[key].is_string()) {
      return o[key].get<std::string>();
    }
  }
  return std::nullopt;
}

status type_not_found(const std::string& name) {
  return {errc::not_found, "Volume type with name " + name + " could not be found."};
}

/// Resolves the type and the content source from the catalog; fills spec.
status resolve_sources(const call& c, const json& v, create_volume_spec& spec,
                       const catalog_contents& cat) {
  auto type_name = string_field(v, "volume_type").value_or("");
  const auto* type = cat.find_type(type_name.empty()
                                     ? std::string{default_type_name}
                                     : type_name);
  if (type == nullptr) {
    return type_not_found(type_name);
  }
  spec.volume_type_id = type->id;
  if (auto it = type->extra_specs.find("multiattach");
      it != type->extra_specs.end() && it->second == "<is> True") {
    spec.multiattach = true;
  }
  auto need_size = [&](uint64_t source_gb, const char* what) -> status {
    if (spec.size_gb == 0) {
      spec.size_gb = source_gb;
    } else if (spec.size_gb < source_gb) {
      return {errc::invalid_argument,
              "Invalid input received: Volume size '" + std::to_string(spec.size_gb)
                + "'GB cannot be smaller than the " + what + " size "
                + std::to_string(source_gb) + "GB. They must be >= original "
                + what + " size."};
    }
    return {};
  };
  if (auto snap_id = string_field(v, "snapshot_id")) {
    auto it = cat.snapshots.find(*snap_id);
    if (it == cat.snapshots.end() || !visible(c, it->second.project_id)) {
      return {errc::not_found, "Snapshot " + *snap_id + " could not be found."};
    }
    if (it->second.status != pb::COPY_STATUS_AVAILABLE) {
      return {errc::invalid_argument,
              "Invalid snapshot: Originating snapshot status must be one of "
              "'available' values"};
    }
    spec.source.set_snapshot_id(*snap_id);
    spec.source_path = it->second.path;
    spec.source_format = "qcow2";
    return need_size(it->second.size_gb, "snapshot");
  }
  if (auto src_id = string_field(v, "source_volid")) {
    auto it = cat.volumes.find(*src_id);
    if (it == cat.volumes.end() || !visible(c, it->second.project_id)) {
      return volume_not_found(*src_id);
    }
    if (it->second.status != pb::VOLUME_STATUS_AVAILABLE
        && it->second.status != pb::VOLUME_STATUS_IN_USE) {
      return invalid_volume("Unable to clone volumes that are in an error "
                            "state or not available.");
    }
    spec.source.set_source_volid(*src_id);
    spec.source_path = it->second.path;
    spec.source_format = it->second.format;
    return need_size(it->second.size_gb, "source volume");
  }
  if (auto backup_id = string_field(v, "backup_id"); backup_id && c.at_least(47)) {
    auto it = cat.backups.find(*backup_id);
    if (it == cat.backups.end() || !visible(c, it->second.project_id)) {
      return {errc::not_found, "Backup " + *backup_id + " could not be found."};
    }
    if (it->second.status != pb::COPY_STATUS_AVAILABLE) {
      return {errc::invalid_argument,
              "Invalid backup: Backup status must be available"};
    }
    spec.source.set_backup_id(*backup_id);
    spec.source_path = it->second.path;
    spec.source_format = "qcow2";
    return need_size(it->second.size_gb, "backup");
  }
  return {};
}

void finish_create(const volume_api& api, std::shared_ptr<create_flow> flow);

void reserve_and_create(const volume_api& api, std::shared_ptr<create_flow> flow) {
  if (flow->spec.size_gb == 0) {
    api.fail(flow->c, {errc::invalid_argument,
                       "Invalid input received: Invalid volume size provided "
                       "for create request: None (size argument must be an "
                       "integer (or string representation of an integer) and "
                       "greater than zero)."});
    return;
  }
  tenant::quota_amounts deltas{
    {"volumes", 1}, {"gigabytes", static_cast<int64_t>(flow->spec.size_gb)}};
  api.reserve(flow->spec.project_id, std::move(deltas), flow->c.req.request_id,
              [&api, flow](result<std::string> reservation) {
                if (!reservation) {
                  api.fail(flow->c, reservation.error());
                  return;
                }
                flow->reservation = std::move(*reservation);
                finish_create(api, flow);
              });
}

void finish_create(const volume_api& api, std::shared_ptr<create_flow> flow) {
  volume_create_cmd cmd{flow->spec, flow->c.req.request_id};
  api.ask<volume_record>(
    api.services().volumes, flow->spec.id, caf::make_message(std::move(cmd)),
    [&api, flow](result<volume_record> created) {
      const auto& project = flow->spec.project_id;
      if (!created) {
        api.rollback(project, flow->reservation, flow->c.req.request_id);
        api.fail(flow->c, created.error());
        return;
      }
      api.commit(project, flow->reservation, flow->c.req.request_id);
      auto body = api.catalog().read([&](const catalog_contents& cat) {
        return volume_detail(api, flow->c, *created, cat);
      });
      api.send(flow->c, 202, {{"volume", body}});
    });
}

void create_from_image(const volume_api& api, std::shared_ptr<create_flow> flow) {
  if (!api.services().image) {
    api.fail(flow->c, {errc::invalid_argument,
                       "Invalid input received: the image service is not "
                       "running on this node."});
    return;
  }
  bool admin = service::is_admin(flow->c.caller);
  image::image_use use{flow->image_id, admin ? "" : flow->c.caller.project_id,
                       "volume", flow->spec.id, flow->c.req.request_id};
  actor::ask<image::image_info>(
    api.system(), api.services().image, caf::make_message(std::move(use)),
    std::chrono::seconds{30}, [&api, flow](result<image::image_info> info) {
      if (!info) {
        auto st = info.error().code() == errc::not_found
                    ? status{errc::not_found, "Image " + flow->image_id
                                                + " could not be found."}
                    : status{errc::invalid_argument,
                             "Invalid image: " + info.error().message()};
        api.fail(flow->c, st);
        return;
      }
      auto bytes = std::max(info->virtual_size, info->size);
      auto image_gb = std::max<uint64_t>((bytes + gib - 1) / gib, info->min_disk);
      if (flow->spec.size_gb == 0) {
        flow->spec.size_gb = std::max<uint64_t>(image_gb, 1);
      }
      flow->spec.source.set_image_id(flow->image_id);
      flow->spec.source_path = info->file_path;
      flow->spec.source_format = info->disk_format.empty() ? "raw" : info->disk_format;
      reserve_and_create(api, flow);
    });
}

void create_volume(const volume_api& api, call& c) {
  if (auto st = service::require_project_member(c.caller); !st.ok()) {
    api.fail(c, st);
    return;
  }
  auto body = api.body(c, schemas().volume_create);
  if (!body) {
    return;
  }
  const auto& v = (*body)["volume"];
  auto flow = std::make_shared<create_flow>();
  auto& spec = flow->spec;
  spec.id = new_uuid();
  spec.project_id = c.caller.project_id;
  spec.user_id = c.caller.user_id;
  spec.name = string_field(v, "name", "display_name").value_or("");
  spec.description = string_field(v, "description", "display_description").value_or("");
  spec.availability_zone = string_field(v, "availability_zone").value_or("nova");
  if (v.contains("size") && !v["size"].is_null()) {
    auto size = parse_size(v["size"]);
    if (!size) {
      api.fail(c, size.error());
      return;
    }
    spec.size_gb = *size;
  }
  if (v.contains("metadata") && v["metadata"].is_object()) {
    for (const auto& [key, value] : v["metadata"].items()) {
      spec.metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  if (v.value("multiattach", false)) {
    api.fail(c, {errc::invalid_argument,
                 "The multiattach parameter is no longer supported; use a "
                 "volume type with the multiattach extra spec."});
    return;
  }
  auto resolved = api.catalog().read(
    [&](const catalog_contents& cat) { return resolve_sources(c, v, spec, cat); });
  if (!resolved.ok()) {
    api.fail(c, resolved);
    return;
  }
  flow->c = std::move(c);
  flow->image_id = string_field(v, "imageRef", "image_id").value_or("");
  if (!flow->image_id.empty() && spec.source.kind_case() == pb::VolumeSource::KIND_NOT_SET) {
    create_from_image(api, flow);
    return;
  }
  if (spec.source.kind_case() == pb::VolumeSource::KIND_NOT_SET) {
    spec.source.set_blank(true);
  }
  reserve_and_create(api, flow);
}

void list_volumes(const volume_api& api, call& c, bool detail) {
  auto query = parse_list_query(c, volume_sort_keys());
  if (!query) {
    api.fail(c, query.error());
    return;
  }
  auto listed = api.catalog().read([&](const catalog_contents& cat) -> result<json> {
    std::vector<const volume_record*> rows;
    for (const auto& [id, v] : cat.volumes) {
      if (matches_volume(c, *query, v)) {
        rows.push_back(&v);
      }
    }
    auto page = paginate_rows(*query, rows, volume_sort_value);
    if (!page) {
      return page.error();
    }
    json items = json::array();
    for (const auto* v : page->rows) {
      items.push_back(detail ? volume_detail(api, c, *v, cat)
                             : volume_summary_view(api, c, *v));
    }
    json out = {{"volumes", items}};
    add_page_links(api, c, out, "volumes", detail, *page);
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

/// Finds a visible volume or answers 404.
const volume_record* find_volume(const call& c, const catalog_contents& cat,
                                 const std::string& id) {
  auto it = cat.volumes.find(id);
  if (it == cat.volumes.end() || !visible(c, it->second.project_id)) {
    return nullptr;
  }
  return &it->second;
}

void show_volume(const volume_api& api, call& c) {
  auto id = std::string{c.req.path_param("volume_id")};
  auto body = api.catalog().read([&](const catalog_contents& cat) -> std::optional<json> {
    const auto* v = find_volume(c, cat, id);
    if (v == nullptr) {
      return std::nullopt;
    }
    return volume_detail(api, c, *v, cat);
  });
  if (!body) {
    api.fail(c, volume_not_found(id));
    return;
  }
  api.send(c, 200, {{"volume", *body}});
}

/// Sends `cmd` to a volume the caller may change, then answers with
/// `respond(record)`.
void change_volume(const volume_api& api, call& c, caf::message cmd,
                   std::function<void(const call&, const volume_record&)> respond) {
  auto id = std::string{c.req.path_param("volume_id")};
  auto owner = api.catalog().read([&](const catalog_contents& cat) {
    const auto* v = find_volume(c, cat, id);
    return v == nullptr ? std::string{} : v->project_id;
  });
  if (owner.empty()) {
    api.fail(c, volume_not_found(id));
    return;
  }
  if (!service::may_write(c.caller, owner)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow volume:update to be performed."});
    return;
  }
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<volume_record>(api.services().volumes, id, std::move(cmd),
                         [&api, shared, respond](result<volume_record> r) {
                           if (!r) {
                             api.fail(*shared, r.error());
                             return;
                           }
                           respond(*shared, *r);
                         });
}

void update_volume(const volume_api& api, call& c) {
  auto body = api.body(c, schemas().volume_update);
  if (!body) {
    return;
  }
  const auto& v = (*body)["volume"];
  update_volume_spec spec;
  spec.name = string_field(v, "name", "display_name");
  spec.description = string_field(v, "description", "display_description");
  if (v.contains("metadata") && v["metadata"].is_object()) {
    spec.metadata = v["metadata"].get<string_map>();
  }
  change_volume(api, c, caf::make_message(volume_update_cmd{spec, c.req.request_id}),
                [&api](const call& done, const volume_record& r) {
                  auto body = api.catalog().read([&](const catalog_contents& cat) {
                    return volume_detail(api, done, r, cat);
                  });
                  api.send(done, 200, {{"volume", body}});
                });
}

void delete_volume(const volume_api& api, call& c) {
  auto id = std::string{c.req.path_param("volume_id")};
  auto snapshots = api.catalog().read(
    [&](const catalog_contents& cat) { return cat.snapshots_of(id); });
  change_volume(api, c,
                caf::make_message(volume_delete_cmd{snapshots, false, c.req.request_id}),
                [&api](const call& done, const volume_record&) {
                  api.send_empty(done, 202);
                });
}

void volume_summary(const volume_api& api, call& c) {
  auto body = api.catalog().read([&](const catalog_contents& cat) {
    uint64_t count = 0;
    uint64_t size = 0;
    bool all = all_projects(c);
    for (const auto& [id, v] : cat.volumes) {
      if (all || v.project_id == c.caller.project_id) {
        ++count;
        size += v.size_gb;
      }
    }
    json summary = {{"total_count", count}, {"total_size", size}};
    if (c.at_least(36)) {
      summary["metadata"] = json::object();
    }
    return json{{"volume-summary", summary}};
  });
  api.send(c, 200, body);
}

/// Cinder's volume metadata API: GET/POST (merge)/PUT (replace) on
/// /metadata, GET/PUT/DELETE on /metadata/{key}. Changes are volume update
/// events, so a merge never loses a concurrent one.
void show_metadata(const volume_api& api, call& c, bool one_key) {
  auto id = std::string{c.req.path_param("volume_id")};
  auto key = std::string{c.req.path_param("key")};
  auto found = api.catalog().read([&](const catalog_contents& cat) -> std::optional<string_map> {
    const auto* v = find_volume(c, cat, id);
    if (v == nullptr) {
      return std::nullopt;
    }
    return v->metadata;
  });
  if (!found) {
    api.fail(c, volume_not_found(id));
    return;
  }
  if (!one_key) {
    api.send(c, 200, {{"metadata", *found}});
    return;
  }
  auto it = found->find(key);
  if (it == found->end()) {
    api.fail(c, {errc::not_found, "Metadata item was not found."});
    return;
  }
  api.send(c, 200, {{"meta", {{it->first, it->second}}}});
}

void set_metadata(const volume_api& api, call& c, bool replace) {
  auto body = api.body(c, schemas().metadata_set);
  if (!body) {
    return;
  }
  update_volume_spec spec;
  auto given = (*body)["metadata"].is_object() ? (*body)["metadata"].get<string_map>()
                                               : string_map{};
  if (replace) {
    spec.metadata = given;
  } else {
    spec.metadata_set = given;
  }
  change_volume(api, c, caf::make_message(volume_update_cmd{spec, c.req.request_id}),
                [&api](const call& done, const volume_record& r) {
                  api.send(done, 200, {{"metadata", r.metadata}});
                });
}

void set_metadata_item(const volume_api& api, call& c) {
  auto body = api.body(c, schemas().metadata_item);
  if (!body) {
    return;
  }
  auto key = std::string{c.req.path_param("key")};
  const auto& meta = (*body)["meta"];
  if (!meta.contains(key)) {
    api.fail(c, {errc::invalid_argument, "Request body and URI mismatch"});
    return;
  }
  update_volume_spec spec;
  spec.metadata_set[key] = meta[key].get<std::string>();
  change_volume(api, c, caf::make_message(volume_update_cmd{spec, c.req.request_id}),
                [&api, key](const call& done, const volume_record& r) {
                  auto it = r.metadata.find(key);
                  api.send(done, 200,
                           {{"meta", {{key, it == r.metadata.end() ? "" : it->second}}}});
                });
}

void delete_metadata_item(const volume_api& api, call& c) {
  update_volume_spec spec;
  spec.metadata_removed.emplace_back(c.req.path_param("key"));
  change_volume(api, c, caf::make_message(volume_update_cmd{spec, c.req.request_id}),
                [&api](const call& done, const volume_record&) {
                  api.send_empty(done, 200);
                });
}

} // namespace

void volume_api::install_volumes(http::router& routes) {
  using http::method;
  add(routes, method::get, "/volumes",
      [this](call& c) { list_volumes(*this, c, false); });
  add(routes, method::get, "/volumes/detail",
      [this](call& c) { list_volumes(*this, c, true); });
  add(routes, method::get, "/volumes/summary",
      [this](call& c) { volume_summary(*this, c); });
  add(routes, method::post, "/volumes",
      [this](call& c) { create_volume(*this, c); });
  add(routes, method::get, "/volumes/{volume_id}",
      [this](call& c) { show_volume(*this, c); });
  add(routes, method::put, "/volumes/{volume_id}",
      [this](call& c) { update_volume(*this, c); });
  add(routes, method::delete_, "/volumes/{volume_id}",
      [this](call& c) { delete_volume(*this, c); });
  add(routes, method::get, "/volumes/{volume_id}/metadata",
      [this](call& c) { show_metadata(*this, c, false); });
  add(routes, method::post, "/volumes/{volume_id}/metadata",
      [this](call& c) { set_metadata(*this, c, false); });
  add(routes, method::put, "/volumes/{volume_id}/metadata",
      [this](call& c) { set_metadata(*this, c, true); });
  add(routes, method::get, "/volumes/{volume_id}/metadata/{key}",
      [this](call& c) { show_metadata(*this, c, true); });
  add(routes, method::put, "/volumes/{volume_id}/metadata/{key}",
      [this](call& c) { set_metadata_item(*this, c); });
  add(routes, method::delete_, "/volumes/{volume_id}/metadata/{key}",
      [this](call& c) { delete_metadata_item(*this, c); });
}

} // namespace strato::volume
