#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"

namespace strato::network::api {

namespace {

const std::vector<attribute> network_attributes{
  {"name", kind::string},
  {"description", kind::string},
  {"admin_state_up", kind::boolean},
  {"shared", kind::boolean},
  {"router:external", kind::boolean},
  {"mtu", kind::integer},
  {"port_security_enabled", kind::boolean},
  {"provider:network_type", kind::string},
  {"provider:physical_network", kind::string, true, true, true},
  {"provider:segmentation_id", kind::integer, true, true, true},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"availability_zone_hints", kind::list, true, false},
  {"dns_domain", kind::string},
  {"qos_policy_id", kind::any, true, true, true},
  {"is_default", kind::boolean},
};

bool as_bool(const json& v) {
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  auto s = v.get<std::string>();
  return s == "1" || s == "t" || s == "true" || s == "True" || s == "on"
         || s == "y" || s == "yes";
}

int64_t as_int(const json& v) {
  return v.is_number() ? v.get<int64_t>() : std::stoll(v.get<std::string>());
}

/// Attributes Neutron's policy gives to admins only.
status admin_only(const json& body, const auth_context& caller) {
  if (service::is_admin(caller)) {
    return {};
  }
  for (const char* key : {"shared", "router:external", "provider:network_type",
                          "provider:physical_network",
                          "provider:segmentation_id"}) {
    if (body.contains(key)) {
      return fault(errc::forbidden, "PolicyNotAuthorized",
                   std::string{"(rule:create_network:"} + key
                     + ") is disallowed by policy");
    }
  }
  return {};
}

int default_mtu(const std::string& type) {
  if (type == "vxlan") {
    return 1450;
  }
  if (type == "gre") {
    return 1458;
  }
  return 1500;
}

void read_network(const json& body, pb::Network& n) {
  read_meta(body, *n.mutable_meta());
  if (body.contains("admin_state_up")) {
    n.set_admin_state_up(as_bool(body["admin_state_up"]));
  }
  if (body.contains("shared")) {
    n.set_shared(as_bool(body["shared"]));
  }
  if (body.contains("router:external")) {
    n.set_external(as_bool(body["router:external"]));
  }
  if (body.contains("port_security_enabled")) {
    n.set_port_security_enabled(as_bool(body["port_security_enabled"]));
  }
  if (body.contains("mtu")) {
    n.set_mtu(static_cast<int32_t>(as_int(body["mtu"])));
  }
  if (body.contains("provider:network_type")) {
    n.set_network_type(body["provider:network_type"].get<std::string>());
  }
  if (body.contains("provider:physical_network")
      && body["provider:physical_network"].is_string()) {
    n.set_physical_network(body["provider:physical_network"].get<std::string>());
  }
  if (body.contains("provider:segmentation_id")
      && !body["provider:segmentation_id"].is_null()) {
    n.set_segmentation_id(as_int(body["provider:segmentation_id"]));
  }
}

} // namespace

void neutron_api::install_networks(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/networks",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, n] : r.networks()) {
                   if (network_visible(caller, n)) {
                     out.push_back(render_network(r, n, caller));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "networks", std::move(items));
             }));
  routes.add(http::method::get, base + "/networks/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto n = r.networks().find(id);
                 return n == r.networks().end() || !network_visible(caller, n->second)
                          ? json{}
                          : render_network(r, n->second, caller);
               });
               if (item.is_null()) {
                 not_found(reply, "NetworkNotFound", "Network", id);
                 return;
               }
               reply_show(req, reply, "network", std::move(item));
             }));
  routes.add(http::method::post, base + "/networks",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "network");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, network_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               if (auto st = admin_only(*body, caller); !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               if (!project) {
                 fail(reply, project.error());
                 return;
               }
               pb::Network n;
               auto now = neutron_now();
               auto* m = n.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(1);
               n.set_admin_state_up(true);
               n.set_port_security_enabled(true);
               read_network(*body, n);
               bool explicit_mtu = body->contains("mtu");
               auto id = m->id();
               change(req, reply, *project, {{"network", 1}},
                      [n, now, explicit_mtu](const registry& r) mutable
                      -> result<events> {
                        auto out = r.ensure_default_group(n.meta().project_id(), now);
                        auto made = r.decide_create_network(n);
                        if (!made) {
                          return made.error();
                        }
                        auto& put = *made->front().mutable_network_put();
                        if (!explicit_mtu) {
                          put.set_mtu(default_mtu(put.network_type()));
                        }
                        out.insert(out.end(), made->begin(), made->end());
                        return out;
                      },
                      201,
                      [id, caller](const registry& r) {
                        return json{{"network", render_network(
                                                  r, r.networks().at(id), caller)}};
                      });
             }));
  routes.add(http::method::put, base + "/networks/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "network");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, network_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               if (auto st = admin_only(*body, caller); !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto update = *body;
               change(req, reply, "", {},
                      [id, update, caller](const registry& r) -> result<events> {
                        auto n = r.networks().find(id);
                        if (n == r.networks().end()
                            || !visible(caller, n->second.meta().project_id())) {
                          return fault(errc::not_found, "NetworkNotFound",
                                       "Network " + id + " could not be found.");
                        }
                        auto next = n->second;
                        read_network(update, next);
                        next.mutable_meta()->set_updated_at(neutron_now());
                        return r.decide_update_network(next);
                      },
                      200,
                      [id, caller](const registry& r) {
                        return json{{"network", render_network(
                                                  r, r.networks().at(id), caller)}};
                      });
             }));
  routes.add(http::method::delete_, base + "/networks/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto n = r.networks().find(id);
                 return n == r.networks().end() ? std::string{"\n"}
                                                : n->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 not_found(reply, "NetworkNotFound", "Network", id);
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_network(id); },
                      false);
             }));
}

} // namespace strato::network::api
