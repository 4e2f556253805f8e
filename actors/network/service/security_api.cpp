#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/core/ids.hpp"

namespace strato::network::api {

namespace {

const std::vector<attribute> group_attributes{
  {"name", kind::string},
  {"description", kind::string},
  {"stateful", kind::boolean},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"shared", kind::boolean, true, false},
};

const std::vector<attribute> rule_attributes{
  {"security_group_id", kind::string, true, false},
  {"direction", kind::string, true, false},
  {"ethertype", kind::string, true, false},
  {"protocol", kind::any, true, false, true},
  {"port_range_min", kind::integer, true, false, true},
  {"port_range_max", kind::integer, true, false, true},
  {"remote_ip_prefix", kind::string, true, false, true},
  {"remote_group_id", kind::string, true, false, true},
  {"remote_address_group_id", kind::string, true, false, true},
  {"description", kind::string},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
};

status bad(std::string_view type, std::string message) {
  return fault(errc::invalid_argument, type, std::move(message));
}

status group_not_found(const std::string& id) {
  return fault(errc::not_found, "SecurityGroupNotFound",
               "Security group " + id + " does not exist");
}

std::optional<int32_t> optional_int(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) {
    return std::nullopt;
  }
  const auto& v = body[key];
  return static_cast<int32_t>(v.is_number() ? v.get<int64_t>()
                                            : std::stoll(v.get<std::string>()));
}

/// Neutron's rule checks (securitygroups_db._validate_*).
result<pb::SecurityGroupRule> read_rule(const json& body) {
  pb::SecurityGroupRule r;
  r.set_security_group_id(str_of(body, "security_group_id"));
  r.set_direction(str_of(body, "direction"));
  r.set_ethertype(body.contains("ethertype") ? str_of(body, "ethertype") : "IPv4");
  if (r.direction() != "ingress" && r.direction() != "egress") {
    return bad("HTTPBadRequest", "Invalid input for direction. Reason: '"
                                   + r.direction()
                                   + "' is not in ['ingress', 'egress'].");
  }
  if (r.ethertype() != "IPv4" && r.ethertype() != "IPv6") {
    return bad("HTTPBadRequest", "Invalid input for ethertype. Reason: '"
                                   + r.ethertype()
                                   + "' is not in ['IPv4', 'IPv6'].");
  }
  if (body.contains("protocol") && !body["protocol"].is_null()) {
    const auto& p = body["protocol"];
    auto proto = p.is_string() ? p.get<std::string>() : p.dump();
    if (proto != "any" && proto != "0") {
      r.set_protocol(proto);
    }
  }
  auto min = optional_int(body, "port_range_min");
  auto max = optional_int(body, "port_range_max");
  if ((min || max) && r.protocol().empty()) {
    return bad("SecurityGroupProtocolRequiredWithPorts",
               "Must also specify protocol if port range is given.");
  }
  const auto& proto = r.protocol();
  if (proto == "tcp" || proto == "udp" || proto == "6" || proto == "17") {
    if (min && max && (*min > *max || *min < 1 || *max > 65535)) {
      return bad("SecurityGroupInvalidPortRange",
                 "For TCP/UDP protocols, port_range_min must be <= "
                 "port_range_max");
    }
  }
  if (min) {
    r.set_port_range_min(*min);
  }
  if (max) {
    r.set_port_range_max(*max);
  }
  auto prefix = body.contains("remote_ip_prefix") && body["remote_ip_prefix"].is_string()
                  ? body["remote_ip_prefix"].get<std::string>()
                  : std::string{};
  auto group = body.contains("remote_group_id") && body["remote_group_id"].is_string()
                 ? body["remote_group_id"].get<std::string>()
                 : std::string{};
  if (!prefix.empty() && !group.empty()) {
    return bad("SecurityGroupRemoteGroupAndRemoteIpPrefix",
               "Only remote_ip_prefix or remote_group_id may be provided.");
  }
  if (!prefix.empty()) {
    auto parsed = parse_prefix(prefix);
    if (!parsed) {
      if (auto ip = parse_ip(prefix)) {
        parsed = parsed_prefix{{*ip, ip->version == 4 ? 32 : 128}, false};
      }
    }
    if (!parsed) {
      return bad("HTTPBadRequest", "Invalid input for remote_ip_prefix. "
                                   "Reason: '" + prefix
                                   + "' is not a valid IP subnet.");
    }
    if ((parsed->prefix.network.version == 4) != (r.ethertype() == "IPv4")) {
      return bad("SecurityGroupRuleParameterConflict",
                 "Conflicting value ethertype " + r.ethertype()
                   + " for CIDR " + prefix);
    }
    r.set_remote_ip_prefix(parsed->prefix.to_string());
  }
  r.set_remote_group_id(group);
  return r;
}

} // namespace

void neutron_api::install_security_groups(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/security-groups",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto list = [this, req, reply, caller]() {
                 auto items = client->view().read([&](const registry& r) {
                   std::vector<json> out;
                   for (const auto& [id, g] : r.security_groups()) {
                     if (visible(caller, g.meta().project_id())) {
                       out.push_back(render_group(r, g));
                     }
                   }
                   return out;
                 });
                 reply_list(req, reply, "security_groups", std::move(items));
               };
               bool has_default = client->view().read([&](const registry& r) {
                 return caller.project_id.empty()
                        || r.default_group(caller.project_id) != nullptr;
               });
               if (has_default) {
                 list();
                 return;
               }
               // Neutron makes a project's default group on first sight.
               client->submit("", {},
                              [project = caller.project_id](const registry& r) {
                                return result<events>{
                                  r.ensure_default_group(project, neutron_now())};
                              },
                              req.request_id,
                              [list, reply](status st) {
                                if (!st.ok()) {
                                  fail(reply, st);
                                  return;
                                }
                                list();
                              });
             }));
  routes.add(http::method::get, base + "/security-groups/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto g = r.security_groups().find(id);
                 return g == r.security_groups().end()
                            || !visible(caller, g->second.meta().project_id())
                          ? json{}
                          : render_group(r, g->second);
               });
               if (item.is_null()) {
                 fail(reply, group_not_found(id));
                 return;
               }
               reply_show(req, reply, "security_group", std::move(item));
             }));
  routes.add(http::method::post, base + "/security-groups",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "security_group");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, group_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               if (!project) {
                 fail(reply, project.error());
                 return;
               }
               if (str_of(*body, "name") == "default") {
                 fail(reply, 409, "SecurityGroupDefaultAlreadyExists",
                      "Default security group already exists.");
                 return;
               }
               pb::SecurityGroup g;
               auto now = neutron_now();
               auto* m = g.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(1);
               g.set_stateful(bool_of(*body, "stateful", true));
               read_meta(*body, *m);
               auto id = m->id();
               change(req, reply, *project, {{"security_group", 1}},
                      [g, now](const registry& r) -> result<events> {
                        auto out = r.ensure_default_group(g.meta().project_id(), now);
                        auto made = r.decide_create_group(g);
                        if (!made) {
                          return made.error();
                        }
                        out.insert(out.end(), made->begin(), made->end());
                        return out;
                      },
                      201,
                      [id](const registry& r) {
                        return json{{"security_group",
                                     render_group(r, r.security_groups().at(id))}};
                      });
             }));
  routes.add(http::method::put, base + "/security-groups/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "security_group");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, group_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto update = *body;
               change(req, reply, "", {},
                      [id, update, caller](const registry& r) -> result<events> {
                        auto g = r.security_groups().find(id);
                        if (g == r.security_groups().end()
                            || !visible(caller, g->second.meta().project_id())) {
                          return group_not_found(id);
                        }
                        auto next = g->second;
                        read_meta(update, *next.mutable_meta());
                        if (update.contains("stateful")) {
                          next.set_stateful(bool_of(update, "stateful", true));
                        }
                        next.mutable_meta()->set_updated_at(neutron_now());
                        return r.decide_update_group(next);
                      },
                      200,
                      [id](const registry& r) {
                        return json{{"security_group",
                                     render_group(r, r.security_groups().at(id))}};
                      });
             }));
  routes.add(http::method::delete_, base + "/security-groups/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto g = r.security_groups().find(id);
                 return g == r.security_groups().end() ? std::string{"\n"}
                                                       : g->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 fail(reply, group_not_found(id));
                 return;
               }
               bool admin = caller.admin();
               remove(req, reply, owner,
                      [id, admin](const registry& r) {
                        return r.decide_delete_group(id, admin);
                      },
                      false);
             }));
  install_rules(routes);
}

void neutron_api::install_rules(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/security-group-rules",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, rule] : r.rules()) {
                   if (visible(caller, rule.meta().project_id())) {
                     out.push_back(render_rule(rule));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "security_group_rules", std::move(items));
             }));
  routes.add(http::method::get, base + "/security-group-rules/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto it = r.rules().find(id);
                 return it == r.rules().end()
                            || !visible(caller, it->second.meta().project_id())
                          ? json{}
                          : render_rule(it->second);
               });
               if (item.is_null()) {
                 fail(reply, 404, "SecurityGroupRuleNotFound",
                      "Security group rule " + id + " does not exist");
                 return;
               }
               reply_show(req, reply, "security_group_rule", std::move(item));
             }));
  routes.add(http::method::post, base + "/security-group-rules",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "security_group_rule");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, rule_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               auto rule = read_rule(*body);
               if (!project || !rule) {
                 fail(reply, !project ? project.error() : rule.error());
                 return;
               }
               auto now = neutron_now();
               auto* m = rule->mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(0);
               m->set_description(str_of(*body, "description"));
               auto id = m->id();
               change(req, reply, *project, {{"security_group_rule", 1}},
                      [r = *rule, caller](const registry& reg) -> result<events> {
                        auto g = reg.security_groups().find(r.security_group_id());
                        if (g == reg.security_groups().end()
                            || !visible(caller, g->second.meta().project_id())) {
                          return group_not_found(r.security_group_id());
                        }
                        return reg.decide_create_rule(r);
                      },
                      201,
                      [id](const registry& r) {
                        return json{{"security_group_rule",
                                     render_rule(r.rules().at(id))}};
                      });
             }));
  routes.add(http::method::delete_, base + "/security-group-rules/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto it = r.rules().find(id);
                 return it == r.rules().end() ? std::string{"\n"}
                                              : it->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 fail(reply, 404, "SecurityGroupRuleNotFound",
                      "Security group rule " + id + " does not exist");
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_rule(id); },
                      false);
             }));
}

} // namespace strato::network::api
