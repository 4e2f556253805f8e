// Limits, quota sets, availability zones and server groups.

#include "actors/compute/api/compute_api.hpp"
#include "actors/tenant/quota_protocol.hpp"
#include "runtime/core/ids.hpp"

namespace strato::compute {

namespace {

/// Limits and usage of the caller's project: the tenant ledger's when it
/// runs, else the defaults and the server index's counts.
void with_quota(const compute_api& self, const call& c,
                const std::string& project,
                std::function<void(tenant::quota_report)> next) {
  if (!self.tenant) {
    tenant::quota_report r;
    r.limits = {{"instances", 10}, {"cores", 20}, {"ram", 51200},
                {"key_pairs", 100}, {"server_groups", 10},
                {"server_group_members", 10}};
    self.servers->read([&](const auto& servers) {
      for (const auto& [id, s] : servers) {
        if (s.model.created.project_id() == project) {
          r.in_use["instances"] += 1;
          r.in_use["cores"] += s.model.flavor.vcpus();
          r.in_use["ram"] += s.model.flavor.ram_mb();
        }
      }
      return 0;
    });
    next(std::move(r));
    return;
  }
  actor::ask<tenant::quota_report>(
    *self.sys, self.tenant,
    caf::make_message(project, caf::make_message(tenant::quota_show_atom::value)),
    std::chrono::seconds{30},
    [c, next = std::move(next)](result<tenant::quota_report> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      next(std::move(*r));
    });
}

int64_t amount(const tenant::quota_amounts& m, const std::string& key,
               int64_t fallback) {
  auto it = m.find(key);
  return it == m.end() ? fallback : it->second;
}

void limits(const compute_api& self, call& c) {
  with_quota(self, c, c.caller.project_id, [c](tenant::quota_report r) {
    auto groups_used = int64_t{0};
    json abs{{"maxServerMeta", 128},
             {"maxTotalKeypairs", amount(r.limits, "key_pairs", 100)},
             {"maxServerGroups", amount(r.limits, "server_groups", 10)},
             {"maxServerGroupMembers",
              amount(r.limits, "server_group_members", 10)},
             {"maxTotalCores", amount(r.limits, "cores", 20)},
             {"maxTotalInstances", amount(r.limits, "instances", 10)},
             {"maxTotalRAMSize", amount(r.limits, "ram", 51200)},
             {"totalCoresUsed", amount(r.in_use, "cores", 0)},
             {"totalInstancesUsed", amount(r.in_use, "instances", 0)},
             {"totalRAMUsed", amount(r.in_use, "ram", 0)},
             {"totalServerGroupsUsed", groups_used}};
    if (!c.at_least(39)) {
      abs["maxImageMeta"] = 128;
    }
    if (!c.at_least(57)) {
      abs["maxPersonality"] = 5;
      abs["maxPersonalitySize"] = 10240;
    }
    if (!c.at_least(36)) {
      abs["maxSecurityGroupRules"] = 20;
      abs["maxSecurityGroups"] = 10;
      abs["maxTotalFloatingIps"] = 10;
      abs["totalFloatingIpsUsed"] = 0;
      abs["totalSecurityGroupsUsed"] = 0;
    }
    c.send(200, {{"limits", {{"rate", json::array()}, {"absolute", abs}}}});
  });
}

json quota_set(const call& c, const std::string& project,
               const tenant::quota_amounts& limits) {
  json q{{"id", project},
         {"cores", amount(limits, "cores", 20)},
         {"instances", amount(limits, "instances", 10)},
         {"ram", amount(limits, "ram", 51200)},
         {"key_pairs", amount(limits, "key_pairs", 100)},
         {"metadata_items", 128},
         {"server_groups", amount(limits, "server_groups", 10)},
         {"server_group_members", amount(limits, "server_group_members", 10)}};
  if (!c.at_least(57)) {
    q["injected_file_content_bytes"] = 10240;
    q["injected_file_path_bytes"] = 255;
    q["injected_files"] = 5;
  }
  if (!c.at_least(36)) {
    q["fixed_ips"] = -1;
    q["floating_ips"] = 10;
    q["security_group_rules"] = 20;
    q["security_groups"] = 10;
  }
  return q;
}

/// PUT os-quota-sets/{project}: admins set limits in the tenant ledger.
void update_quota(const compute_api& self, call& c) {
  if (!c.admin()) {
    c.fail({errc::forbidden, "Policy doesn't allow "
                             "os_compute_api:os-quota-sets:update to be "
                             "performed."});
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  if (!body->contains("quota_set") || !(*body)["quota_set"].is_object()) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "quota_set. 'quota_set' is a required "
                                    "property"});
    return;
  }
  tenant::quota_amounts limits;
  for (const auto& [key, value] : (*body)["quota_set"].items()) {
    if (key == "force") {
      continue;
    }
    if (!value.is_number_integer() || value.get<int64_t>() < -1) {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                        + key + "."});
      return;
    }
    limits[key] = value.get<int64_t>();
  }
  std::string project{*c.req.path_params.get("project")};
  if (!self.tenant) {
    c.fail({errc::not_implemented, "Quotas are not enforced on this node."});
    return;
  }
  actor::ask<tenant::quota_report>(
    *self.sys, self.tenant,
    caf::make_message(project,
                      caf::make_message(tenant::quota_set_atom::value, limits,
                                        c.req.request_id)),
    std::chrono::seconds{30},
    [c, project](result<tenant::quota_report> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      auto q = quota_set(c, project, r->limits);
      q.erase("id");
      c.send(200, {{"quota_set", q}});
    });
}

// -- server groups ------------------------------------------------------------

json render_group(const call& c, const pb::ServerGroup& g) {
  json out{{"id", g.id()},
           {"name", g.name()},
           {"members", std::vector<std::string>{g.members().begin(),
                                                g.members().end()}}};
  if (c.at_least(64)) {
    out["policy"] = g.policy();
    out["rules"] = g.max_server_per_host() > 0
                     ? json{{"max_server_per_host", g.max_server_per_host()}}
                     : json::object();
  } else {
    out["policies"] = json::array({g.policy()});
    out["metadata"] = json::object();
  }
  if (c.at_least(13)) {
    out["project_id"] = g.project_id();
    out["user_id"] = g.user_id();
  }
  return out;
}

bool known_policy(const std::string& p) {
  return p == "affinity" || p == "anti-affinity" || p == "soft-affinity"
         || p == "soft-anti-affinity";
}

void create_group(const compute_api& self, call& c) {
  auto body = body_of(c);
  if (!body) {
    return;
  }
  const auto& in = body->value("server_group", json::object());
  if (!in.is_object() || !in.contains("name") || !in["name"].is_string()) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "server_group. 'name' is a required "
                                    "property"});
    return;
  }
  std::string policy;
  if (c.at_least(64)) {
    policy = in.value("policy", "");
  } else if (in.contains("policies") && in["policies"].is_array()
             && in["policies"].size() == 1 && in["policies"][0].is_string()) {
    policy = in["policies"][0].get<std::string>();
  }
  if (!known_policy(policy)) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "policy. Value: " + policy
                                      + ". '" + policy + "' is not one of "
                                      "['anti-affinity', 'affinity', "
                                      "'soft-anti-affinity', "
                                      "'soft-affinity']"});
    return;
  }
  pb::CatalogCommand cmd;
  auto* g = cmd.add_events()->mutable_server_group_created();
  g->set_id(new_uuid());
  g->set_name(in["name"].get<std::string>());
  g->set_project_id(c.caller.project_id);
  g->set_user_id(c.caller.user_id);
  g->set_policy(policy);
  if (in.contains("rules") && in["rules"].contains("max_server_per_host")) {
    g->set_max_server_per_host(in["rules"]["max_server_per_host"].get<int64_t>());
  }
  auto group = *g;
  self.write_catalog(cmd, c, [c, group] {
    c.send(200, {{"server_group", render_group(c, group)}});
  });
}

std::optional<pb::ServerGroup> find_group(const compute_api& self,
                                          const call& c) {
  std::string id{*c.req.path_params.get("id")};
  auto g = self.catalog->read([&](const catalog& cat) {
    auto it = cat.server_groups.find(id);
    return it != cat.server_groups.end()
               && (c.admin() || it->second.project_id() == c.caller.project_id)
             ? std::optional<pb::ServerGroup>{it->second}
             : std::nullopt;
  });
  if (!g) {
    c.fail({errc::not_found, "Instance group " + id + " could not be found."});
  }
  return g;
}

} // namespace

void compute_api::install_misc(http::router& routes) const {
  const std::string base = "/compute/v2.1";
  using http::method;
  routes.add(method::get, base + "/limits",
             wrap([this](call& c) { limits(*this, c); }));
  routes.add(method::get, base + "/os-quota-sets/{project}",
             wrap([this](call& c) {
               std::string project{*c.req.path_params.get("project")};
               if (!c.admin() && project != c.caller.project_id) {
                 c.fail({errc::forbidden, "Policy doesn't allow "
                                          "os_compute_api:os-quota-sets:show "
                                          "to be performed."});
                 return;
               }
               with_quota(*this, c, project,
                          [c, project](tenant::quota_report r) {
                            c.send(200, {{"quota_set",
                                          quota_set(c, project, r.limits)}});
                          });
             }));
  routes.add(method::put, base + "/os-quota-sets/{project}",
             wrap([this](call& c) { update_quota(*this, c); }));
  routes.add(method::get, base + "/os-quota-sets/{project}/defaults",
             wrap([](call& c) {
               std::string project{*c.req.path_params.get("project")};
               c.send(200, {{"quota_set", quota_set(c, project, {})}});
             }));
  auto zones = [](bool detail) {
    return [detail](call& c) {
      json zone{{"zoneName", "nova"},
                {"zoneState", {{"available", true}}},
                {"hosts", nullptr}};
      if (detail && !c.admin()) {
        c.fail({errc::forbidden, "Policy doesn't allow "
                                 "os_compute_api:os-availability-zone:detail "
                                 "to be performed."});
        return;
      }
      c.send(200, {{"availabilityZoneInfo", json::array({zone})}});
    };
  };
  routes.add(method::get, base + "/os-availability-zone", wrap(zones(false)));
  routes.add(method::get, base + "/os-availability-zone/detail",
             wrap(zones(true)));
  routes.add(method::get, base + "/os-server-groups", wrap([this](call& c) {
               bool all = c.admin() && c.req.query("all_projects");
               json items = json::array();
               catalog->read([&](const struct catalog& cat) {
                 for (const auto& [id, g] : cat.server_groups) {
                   if (all || g.project_id() == c.caller.project_id) {
                     items.push_back(render_group(c, g));
                   }
                 }
                 return 0;
               });
               c.send(200, {{"server_groups", items}});
             }));
  routes.add(method::post, base + "/os-server-groups",
             wrap([this](call& c) { create_group(*this, c); }));
  routes.add(method::get, base + "/os-server-groups/{id}",
             wrap([this](call& c) {
               if (auto g = find_group(*this, c)) {
                 c.send(200, {{"server_group", render_group(c, *g)}});
               }
             }));
  routes.add(method::delete_, base + "/os-server-groups/{id}",
             wrap([this](call& c) {
               auto g = find_group(*this, c);
               if (!g) {
                 return;
               }
               pb::CatalogCommand cmd;
               cmd.add_events()->mutable_server_group_deleted()->set_id(g->id());
               write_catalog(cmd, c, [c] { c.send(204, nullptr); });
             }));
}

} // namespace strato::compute
