// Cinder's view builders (cinder/api/v2/views/volumes.py,
// v3/views/volumes.py, views/snapshots.py, v3/views/backups.py,
// v3/views/types.py, v3/views/attachments.py) field for field.

#include <ctime>

#include <fmt/format.h>

#include "actors/volume/api/volume_api.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

json links(const volume_api& api, const call& c, const std::string& project,
           const std::string& collection, const std::string& id) {
  return json::array(
    {{{"rel", "self"},
      {"href", api.project_url(c, project) + "/" + collection + "/" + id}},
     {{"rel", "bookmark"},
      {"href", api.bookmark_url(c, project) + "/" + collection + "/" + id}}});
}

json or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json attachments_of(const volume_record& v, bool admin) {
  auto out = json::array();
  for (const auto& a : v.attachments) {
    if (a.status != "attached") {
      continue; // Cinder lists only attached ones on the volume.
    }
    out.push_back({{"id", v.id},
                   {"attachment_id", a.id},
                   {"volume_id", v.id},
                   {"server_id", a.instance_uuid},
                   {"host_name", admin ? or_null(a.host) : json(nullptr)},
                   {"device", a.mountpoint},
                   {"attached_at", cinder_time(a.attached_at_us)}});
  }
  return out;
}

} // namespace

json cinder_time(int64_t at_us) {
  if (at_us == 0) {
    return nullptr;
  }
  auto secs = static_cast<time_t>(at_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, at_us % 1'000'000);
}

json volume_summary_view(const volume_api& api, const call& c,
                         const volume_record& v) {
  return {{"id", v.id},
          {"name", v.name},
          {"links", links(api, c, v.project_id, "volumes", v.id)}};
}

json volume_detail(const volume_api& api, const call& c,
                   const volume_record& v, const catalog_contents& catalog) {
  bool admin = service::is_admin(c.caller);
  const auto* type = catalog.find_type(v.volume_type_id);
  json out = {
    {"id", v.id},
    {"status", std::string{to_string(v.status)}},
    {"size", v.size_gb},
    {"availability_zone", v.availability_zone},
    {"created_at", cinder_time(v.created_at_us)},
    {"updated_at", cinder_time(v.updated_at_us)},
    {"name", v.name},
    {"description", v.description},
    {"volume_type", type != nullptr ? json(type->name) : json(nullptr)},
    {"snapshot_id", or_null(v.source_snapshot_id())},
    {"source_volid", or_null(v.source_volume_id())},
    {"metadata", v.metadata},
    {"links", links(api, c, v.project_id, "volumes", v.id)},
    {"user_id", v.user_id},
    {"bootable", v.bootable ? "true" : "false"},
    {"encrypted", false},
    {"replication_status", nullptr},
    {"consistencygroup_id", nullptr},
    {"multiattach", v.multiattach},
    {"attachments", attachments_of(v, admin)},
    {"os-vol-tenant-attr:tenant_id", v.project_id},
  };
  if (admin) {
    out["migration_status"] = nullptr;
    out["os-vol-host-attr:host"] = "strato@file#file";
    out["os-vol-mig-status-attr:migstat"] = nullptr;
    out["os-vol-mig-status-attr:name_id"] = nullptr;
  }
  if (v.source.kind_case() == pb::VolumeSource::kImageId) {
    out["volume_image_metadata"] = {{"image_id", v.source.image_id()}};
  }
  if (c.at_least(13)) {
    out["group_id"] = nullptr;
  }
  if (admin && c.at_least(21)) {
    out["provider_id"] = nullptr;
  }
  if (c.at_least(48)) {
    out["shared_targets"] = false;
    out["service_uuid"] = nullptr;
  }
  if (admin && c.at_least(61)) {
    out["cluster_name"] = nullptr;
  }
  if (c.at_least(63)) {
    out["volume_type_id"] = v.volume_type_id;
  }
  if (c.at_least(65)) {
    out["consumes_quota"] = true;
  }
  return out;
}

json snapshot_view(const call& c, const copy_record& s) {
  json out = {{"id", s.id},
              {"created_at", cinder_time(s.created_at_us)},
              {"updated_at", cinder_time(s.updated_at_us)},
              {"name", s.name},
              {"description", s.description},
              {"volume_id", s.volume_id},
              {"status", std::string{to_string(s.status)}},
              {"size", s.size_gb},
              {"metadata", s.metadata},
              {"os-extended-snapshot-attributes:project_id", s.project_id},
              {"os-extended-snapshot-attributes:progress",
               s.status == pb::COPY_STATUS_AVAILABLE ? "100%" : "0%"}};
  if (c.at_least(14)) {
    out["group_snapshot_id"] = nullptr;
  }
  if (c.at_least(41)) {
    out["user_id"] = s.user_id;
  }
  if (c.at_least(65)) {
    out["consumes_quota"] = true;
  }
  return out;
}

json backup_summary(const volume_api& api, const call& c, const copy_record& b) {
  return {{"id", b.id},
          {"name", b.name},
          {"links", links(api, c, b.project_id, "backups", b.id)}};
}

json backup_detail(const volume_api& api, const call& c, const copy_record& b) {
  json out = {
    {"id", b.id},
    {"status", std::string{to_string(b.status)}},
    {"size", b.size_gb},
    {"object_count", b.status == pb::COPY_STATUS_AVAILABLE ? 1 : 0},
    {"availability_zone", "nova"},
    {"container", or_null(b.container)},
    {"created_at", cinder_time(b.created_at_us)},
    {"updated_at", cinder_time(b.updated_at_us)},
    {"name", b.name},
    {"description", b.description},
    {"fail_reason", or_null(b.fail_reason)},
    {"volume_id", b.volume_id},
    {"links", links(api, c, b.project_id, "backups", b.id)},
    {"is_incremental", false},
    {"has_dependent_backups", false},
    {"snapshot_id", or_null(b.snapshot_id)},
    {"data_timestamp", cinder_time(b.created_at_us)},
  };
  if (c.at_least(18) && service::is_admin(c.caller)) {
    out["os-backup-project-attr:project_id"] = b.project_id;
  }
  if (c.at_least(43)) {
    out["metadata"] = b.metadata;
  }
  if (c.at_least(56) && service::is_admin(c.caller)) {
    out["user_id"] = b.user_id;
  }
  return out;
}

json type_view(const call& c, const volume_type_record& t) {
  json out = {{"id", t.id},
              {"name", t.name},
              {"is_public", t.is_public},
              {"description", or_null(t.description)},
              {"extra_specs", t.extra_specs}};
  if (service::is_admin(c.caller)) {
    out["qos_specs_id"] = nullptr;
    out["os-volume-type-access:is_public"] = t.is_public;
  }
  return out;
}

json attachment_view(const attachment_record& a, bool detail) {
  static const std::map<std::string, std::string> shown{
    {"reserved", "reserved"},
    {"attaching", "attaching"},
    {"attached", "attached"},
    {"detaching", "detaching"}};
  json out = {{"id", a.id},
              {"status", shown.at(a.status)},
              {"instance", or_null(a.instance_uuid)},
              {"volume_id", a.volume_id}};
  if (detail) {
    out["attached_at"] = a.attached_at_us == 0 ? json("") : cinder_time(a.attached_at_us);
    out["detached_at"] = "";
    out["attach_mode"] = a.attach_mode;
    out["connection_info"] = nullptr;
  }
  return out;
}

} // namespace strato::volume
