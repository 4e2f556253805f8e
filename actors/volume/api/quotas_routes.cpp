// os-quota-sets through the tenant quota ledger, plus the small documents
// the clients read: /limits, /extensions, /os-availability-zone.

#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

const std::vector<std::string>& cinder_resources() {
  static const std::vector<std::string> names{"volumes", "gigabytes", "snapshots",
                                              "backups", "backup_gigabytes"};
  return names;
}

int64_t value_in(const tenant::quota_amounts& m, const std::string& key, int64_t fallback) {
  auto it = m.find(key);
  return it == m.end() ? fallback : it->second;
}

/// Cinder's quota_set: the five resources, per-type entries for the
/// default type, groups and per_volume_gigabytes.
json quota_set_view(const std::string& project_id, const tenant::quota_report& r,
                    bool usage, bool with_id) {
  json out = json::object();
  if (with_id) {
    out["id"] = project_id;
  }
  auto entry = [&](const std::string& key, int64_t limit) -> json {
    if (!usage) {
      return limit;
    }
    return {{"limit", limit},
            {"in_use", value_in(r.in_use, key, 0)},
            {"reserved", value_in(r.reserved, key, 0)},
            {"allocated", 0}};
  };
  for (const auto& name : cinder_resources()) {
    out[name] = entry(name, value_in(r.limits, name, -1));
  }
  for (const auto* name : {"volumes", "gigabytes", "snapshots"}) {
    out[std::string{name} + "_" + std::string{default_type_name}] = entry("", -1);
  }
  out["groups"] = entry("", 10);
  out["per_volume_gigabytes"] = entry("", -1);
  return out;
}

bool may_see_quota(const call& c, const std::string& project_id) {
  return service::is_admin(c.caller) || c.caller.project_id == project_id;
}

void show_quota(const volume_api& api, call& c, bool defaults) {
  auto target = std::string{c.req.path_param("target_project")};
  if (!may_see_quota(c, target)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow volume_extension:quotas:show to be performed."});
    return;
  }
  auto usage_flag = c.req.query("usage");
  bool usage = !defaults && usage_flag && (*usage_flag == "True" || *usage_flag == "true" || *usage_flag == "1");
  if (!api.services().tenant || defaults) {
    tenant::quota_report report;
    report.limits = tenant::default_quota_limits();
    api.send(c, 200, {{"quota_set", quota_set_view(target, report, usage, true)}});
    return;
  }
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<tenant::quota_report>(api.services().tenant, target,
                                caf::make_message(tenant::quota_show_atom::value),
                                [&api, shared, target, usage](result<tenant::quota_report> r) {
                                  if (!r) {
                                    api.fail(*shared, r.error());
                                    return;
                                  }
                                  api.send(*shared, 200,
                                           {{"quota_set", quota_set_view(target, *r, usage, true)}});
                                });
}

void update_quota(const volume_api& api, call& c) {
  if (!service::is_admin(c.caller)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow volume_extension:quotas:update to be performed."});
    return;
  }
  auto body = api.body(c, schemas().quota_update);
  if (!body) {
    return;
  }
  tenant::quota_amounts limits;
  for (const auto& [key, value] : (*body)["quota_set"].items()) {
    if (std::ranges::find(cinder_resources(), key) == cinder_resources().end()) {
      continue; // per-type and group quotas are not enforced here
    }
    auto n = value.is_number() ? value.get<int64_t>() : std::stoll(value.get<std::string>());
    if (n < -1) {
      api.fail(c, {errc::invalid_argument, "Invalid input received: Quota limit " + std::to_string(n)
                                             + " for " + key + " must be -1 or greater."});
      return;
    }
    limits[key] = n;
  }
  if (!api.services().tenant) {
    api.fail(c, {errc::not_implemented, "No quota service runs on this node."});
    return;
  }
  auto target = std::string{c.req.path_param("target_project")};
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<tenant::quota_report>(api.services().tenant, target,
                                caf::make_message(tenant::quota_set_atom::value, std::move(limits),
                                                  shared->req.request_id),
                                [&api, shared, target](result<tenant::quota_report> r) {
                                  if (!r) {
                                    api.fail(*shared, r.error());
                                    return;
                                  }
                                  api.send(*shared, 200,
                                           {{"quota_set", quota_set_view(target, *r, false, false)}});
                                });
}

void limits(const volume_api& api, call& c) {
  tenant::quota_report report;
  report.limits = tenant::default_quota_limits();
  auto view = [&](const tenant::quota_report& r) {
    auto used = [&](const char* k) { return value_in(r.in_use, k, 0); };
    auto limit = [&](const char* k) { return value_in(r.limits, k, -1); };
    return json{{"limits",
                 {{"rate", json::array()},
                  {"absolute",
                   {{"totalSnapshotsUsed", used("snapshots")},
                    {"maxTotalBackups", limit("backups")},
                    {"maxTotalVolumeGigabytes", limit("gigabytes")},
                    {"maxTotalSnapshots", limit("snapshots")},
                    {"maxTotalBackupGigabytes", limit("backup_gigabytes")},
                    {"totalBackupGigabytesUsed", used("backup_gigabytes")},
                    {"maxTotalVolumes", limit("volumes")},
                    {"totalVolumesUsed", used("volumes")},
                    {"totalBackupsUsed", used("backups")},
                    {"totalGigabytesUsed", used("gigabytes")}}}}}};
  };
  if (!api.services().tenant || c.caller.project_id.empty()) {
    api.send(c, 200, view(report));
    return;
  }
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<tenant::quota_report>(api.services().tenant, shared->caller.project_id,
                                caf::make_message(tenant::quota_show_atom::value),
                                [&api, shared, view](result<tenant::quota_report> r) {
                                  if (!r) {
                                    api.fail(*shared, r.error());
                                    return;
                                  }
                                  api.send(*shared, 200, view(*r));
                                });
}

} // namespace

void volume_api::install_quotas(http::router& routes) {
  using http::method;
  add(routes, method::get, "/os-quota-sets/{target_project}",
      [this](call& c) { show_quota(*this, c, false); });
  add(routes, method::get, "/os-quota-sets/{target_project}/defaults",
      [this](call& c) { show_quota(*this, c, true); });
  add(routes, method::put, "/os-quota-sets/{target_project}",
      [this](call& c) { update_quota(*this, c); });
  add(routes, method::get, "/limits", [this](call& c) { limits(*this, c); });
}

void volume_api::install_misc(http::router& routes) {
  using http::method;
  add(routes, method::get, "/extensions",
      [this](call& c) { send(c, 200, {{"extensions", json::array()}}); });
  add(routes, method::get, "/os-availability-zone", [this](call& c) {
    send(c, 200, {{"availabilityZoneInfo",
                   json::array({{{"zoneName", "nova"}, {"zoneState", {{"available", true}}}}})}});
  });
}

} // namespace strato::volume
