#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"

#include <random>

namespace strato::network::api {

namespace {

const std::vector<attribute> port_attributes{
  {"name", kind::string},
  {"description", kind::string},
  {"network_id", kind::string, true, false},
  {"admin_state_up", kind::boolean},
  {"mac_address", kind::string},
  {"fixed_ips", kind::list},
  {"device_id", kind::string},
  {"device_owner", kind::string},
  {"allowed_address_pairs", kind::list},
  {"security_groups", kind::list, true, true, true},
  {"port_security_enabled", kind::boolean},
  {"binding:host_id", kind::string},
  {"binding:vnic_type", kind::string},
  {"binding:profile", kind::object, true, true, true},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"extra_dhcp_opts", kind::list},
  {"dns_name", kind::string},
  {"qos_policy_id", kind::any, true, true, true},
  {"propagate_uplink_status", kind::boolean},
};

thread_local std::mt19937_64 rng{std::random_device{}()};

bool truthy(const json& v) {
  return v.is_boolean() ? v.get<bool>()
                        : v.get<std::string>() == "true" || v.get<std::string>() == "True";
}

status bad(std::string type, std::string message) {
  return fault(errc::invalid_argument, type, std::move(message));
}

/// The requested fixed IPs, if the body has them.
result<std::optional<std::vector<ip_request>>> read_fixed_ips(const json& body) {
  if (!body.contains("fixed_ips")) {
    return std::optional<std::vector<ip_request>>{};
  }
  std::vector<ip_request> out;
  for (const auto& f : body["fixed_ips"]) {
    if (!f.is_object()) {
      return bad("HTTPBadRequest", "Invalid input for fixed_ips. Reason: '"
                                     + f.dump() + "' is not a dictionary.");
    }
    ip_request r;
    r.subnet_id = str_of(f, "subnet_id");
    r.ip_address = str_of(f, "ip_address");
    if (r.subnet_id.empty() && r.ip_address.empty()) {
      return bad("HTTPBadRequest", "Invalid input for fixed_ips. Reason: "
                                   "an entry needs subnet_id or ip_address.");
    }
    if (!r.ip_address.empty() && !parse_ip(r.ip_address)) {
      return bad("HTTPBadRequest", "Invalid input for fixed_ips. Reason: '"
                                     + r.ip_address
                                     + "' is not a valid IP address.");
    }
    out.push_back(r);
  }
  return std::optional<std::vector<ip_request>>{std::move(out)};
}

/// Copies the attributes of `body` into `p` (create and update).
status read_port(const json& body, pb::Port& p, const auth_context& caller) {
  read_meta(body, *p.mutable_meta());
  if (body.contains("admin_state_up")) {
    p.set_admin_state_up(truthy(body["admin_state_up"]));
  }
  for (const char* key : {"device_id", "device_owner", "mac_address"}) {
    if (body.contains(key)) {
      auto v = body[key].get<std::string>();
      std::string_view k{key};
      k == "device_id"      ? p.set_device_id(v)
      : k == "device_owner" ? p.set_device_owner(v)
                            : p.set_mac_address(v);
    }
  }
  if (body.contains("binding:host_id") || body.contains("binding:profile")) {
    if (!service::is_admin(caller)) {
      return fault(errc::forbidden, "PolicyNotAuthorized",
                   "(rule:update_port:binding:host_id) is disallowed by "
                   "policy");
    }
    if (body.contains("binding:host_id")) {
      p.set_host_id(body["binding:host_id"].get<std::string>());
    }
  }
  if (body.contains("binding:vnic_type")) {
    p.set_vnic_type(body["binding:vnic_type"].get<std::string>());
  }
  if (body.contains("port_security_enabled")) {
    p.set_port_security_enabled(truthy(body["port_security_enabled"]));
  }
  if (body.contains("security_groups")) {
    p.clear_security_group_ids();
    for (const auto& g : string_list(body["security_groups"])) {
      p.add_security_group_ids(g);
    }
  }
  if (body.contains("allowed_address_pairs")) {
    p.clear_allowed_address_pairs();
    for (const auto& a : body["allowed_address_pairs"]) {
      if (!a.is_object() || !a.contains("ip_address")
          || (!parse_ip(str_of(a, "ip_address"))
              && !parse_prefix(str_of(a, "ip_address")))) {
        return bad("HTTPBadRequest",
                   "Invalid input for allowed_address_pairs. Reason: '"
                     + a.dump() + "' is not a valid IP address.");
      }
      auto* pair = p.add_allowed_address_pairs();
      pair->set_ip_address(a["ip_address"].get<std::string>());
      pair->set_mac_address(str_of(a, "mac_address"));
    }
  }
  if (!p.port_security_enabled()) {
    if (p.security_group_ids_size() != 0) {
      return fault(errc::invalid_argument,
                   "PortSecurityAndIPRequiredForSecurityGroups",
                   "Port security must be enabled and port must have an IP "
                   "address in order to use security groups.");
    }
    if (p.allowed_address_pairs_size() != 0) {
      return fault(errc::conflict, "AddressPairAndPortSecurityRequired",
                   "Port Security must be enabled in order to have allowed "
                   "address pairs on a port.");
    }
  }
  return {};
}

status port_not_found(const std::string& id) {
  return fault(errc::not_found, "PortNotFound",
               "Port " + id + " could not be found.");
}

} // namespace

void neutron_api::install_ports(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/ports",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, p] : r.ports()) {
                   if (visible(caller, p.meta().project_id())) {
                     out.push_back(render_port(p, caller));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "ports", std::move(items));
             }));
  routes.add(http::method::get, base + "/ports/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto p = r.ports().find(id);
                 return p == r.ports().end()
                            || !visible(caller, p->second.meta().project_id())
                          ? json{}
                          : render_port(p->second, caller);
               });
               if (item.is_null()) {
                 not_found(reply, "PortNotFound", "Port", id);
                 return;
               }
               reply_show(req, reply, "port", std::move(item));
             }));
  routes.add(http::method::post, base + "/ports",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "port");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, port_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               if (!body->contains("network_id")) {
                 fail(reply, 400, "HTTPBadRequest",
                      "Failed to parse request. Required attribute "
                      "'network_id' not specified");
                 return;
               }
               auto project = owner_project(*body, caller);
               auto ips = read_fixed_ips(*body);
               if (!project || !ips) {
                 fail(reply, !project ? project.error() : ips.error());
                 return;
               }
               pb::Port p;
               auto now = neutron_now();
               auto* m = p.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(1);
               p.set_network_id((*body)["network_id"].get<std::string>());
               p.set_admin_state_up(true);
               p.set_status("DOWN");
               p.set_vnic_type("normal");
               bool security_given = body->contains("port_security_enabled");
               bool groups_given = body->contains("security_groups");
               p.set_port_security_enabled(true);
               if (auto st = read_port(*body, p, caller); !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto id = m->id();
               auto requested = *ips;
               change(req, reply, *project, {{"port", 1}},
                      [p, requested, now, caller, security_given,
                       groups_given](const registry& r) mutable -> result<events> {
                        auto n = r.networks().find(p.network_id());
                        if (n == r.networks().end()
                            || !network_visible(caller, n->second)) {
                          return fault(errc::not_found, "NetworkNotFound",
                                       "Network " + p.network_id()
                                         + " could not be found.");
                        }
                        if (!security_given) {
                          p.set_port_security_enabled(
                            n->second.port_security_enabled());
                        }
                        auto out = r.ensure_default_group(p.meta().project_id(), now);
                        bool add_default = p.port_security_enabled() && !groups_given;
                        auto made = r.decide_create_port(
                          p, requested.value_or(std::vector<ip_request>{}),
                          requested.has_value(), rng);
                        if (!made) {
                          return made.error();
                        }
                        if (add_default) {
                          const auto* g = r.default_group(p.meta().project_id());
                          made->front().mutable_port_put()->add_security_group_ids(
                            g != nullptr ? g->meta().id()
                                         : out.front().security_group_put().meta().id());
                        }
                        out.insert(out.end(), made->begin(), made->end());
                        return out;
                      },
                      201,
                      [id, caller](const registry& r) {
                        return json{{"port", render_port(r.ports().at(id), caller)}};
                      });
             }));
  routes.add(http::method::put, base + "/ports/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "port");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, port_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto ips = read_fixed_ips(*body);
               if (!ips) {
                 fail(reply, ips.error());
                 return;
               }
               auto update = *body;
               auto requested = *ips;
               change(req, reply, "", {},
                      [id, update, requested, caller](const registry& r)
                      -> result<events> {
                        auto p = r.ports().find(id);
                        if (p == r.ports().end()
                            || !visible(caller, p->second.meta().project_id())) {
                          return port_not_found(id);
                        }
                        auto next = p->second;
                        if (auto st = read_port(update, next, caller); !st.ok()) {
                          return st;
                        }
                        next.mutable_meta()->set_updated_at(neutron_now());
                        return r.decide_update_port(next, requested);
                      },
                      200,
                      [id, caller](const registry& r) {
                        return json{{"port", render_port(r.ports().at(id), caller)}};
                      });
             }));
  routes.add(http::method::delete_, base + "/ports/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto p = r.ports().find(id);
                 return p == r.ports().end() ? std::string{"\n"}
                                             : p->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 not_found(reply, "PortNotFound", "Port", id);
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_port(id, true); },
                      true);
             }));
}

} // namespace strato::network::api
