#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/core/ids.hpp"

#include <random>

namespace strato::network::api {

namespace {

const std::vector<attribute> router_attributes{
  {"name", kind::string},
  {"description", kind::string},
  {"admin_state_up", kind::boolean},
  {"external_gateway_info", kind::object, true, true, true},
  {"routes", kind::list, false, true},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"distributed", kind::boolean},
  {"ha", kind::boolean},
  {"availability_zone_hints", kind::list, true, false},
  {"flavor_id", kind::any, true, false, true},
  {"enable_ndp_proxy", kind::boolean},
};

thread_local std::mt19937_64 rng{std::random_device{}()};

status router_not_found(const std::string& id) {
  return fault(errc::not_found, "RouterNotFound",
               "Router " + id + " could not be found");
}

status read_router(const json& body, pb::Router& r) {
  read_meta(body, *r.mutable_meta());
  if (body.contains("admin_state_up")) {
    r.set_admin_state_up(bool_of(body, "admin_state_up", true));
  }
  if (body.contains("external_gateway_info")) {
    const auto& gw = body["external_gateway_info"];
    r.clear_gateway_fixed_ips();
    if (gw.is_null() || gw.empty()) {
      r.clear_gateway_network_id();
      r.set_enable_snat(true);
    } else {
      if (!gw.contains("network_id") || !gw["network_id"].is_string()) {
        return fault(errc::invalid_argument, "HTTPBadRequest",
                     "Invalid input for external_gateway_info. Reason: "
                     "network_id is required.");
      }
      r.set_gateway_network_id(gw["network_id"].get<std::string>());
      r.set_enable_snat(bool_of(gw, "enable_snat", true));
      for (const auto& f : (gw.contains("external_fixed_ips") && gw["external_fixed_ips"].is_array() ? gw["external_fixed_ips"] : json::array())) {
        auto* ip = r.add_gateway_fixed_ips();
        ip->set_subnet_id(str_of(f, "subnet_id"));
        ip->set_ip_address(str_of(f, "ip_address"));
      }
    }
  }
  if (body.contains("routes")) {
    r.clear_routes();
    for (const auto& route : body["routes"]) {
      if (!route.is_object() || !parse_prefix(str_of(route, "destination"))
          || !parse_ip(str_of(route, "nexthop"))) {
        return fault(errc::invalid_argument, "HTTPBadRequest",
                     "Invalid input for routes. Reason: '" + route.dump()
                       + "' is not a valid route.");
      }
      auto* h = r.add_routes();
      h->set_destination(route["destination"].get<std::string>());
      h->set_nexthop(route["nexthop"].get<std::string>());
    }
  }
  return {};
}

/// The interface answer Neutron gives for add/remove_router_interface.
json interface_info(const pb::Router& router, const pb::Port& port) {
  json subnets = json::array();
  for (const auto& f : port.fixed_ips()) {
    subnets.push_back(f.subnet_id());
  }
  return {{"id", router.meta().id()},
          {"tenant_id", router.meta().project_id()},
          {"project_id", router.meta().project_id()},
          {"port_id", port.meta().id()},
          {"network_id", port.network_id()},
          {"subnet_id", subnets.empty() ? json(nullptr) : subnets[0]},
          {"subnet_ids", subnets},
          {"tags", json::array()}};
}

} // namespace

void neutron_api::install_routers(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/routers",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, router] : r.routers()) {
                   if (visible(caller, router.meta().project_id())) {
                     out.push_back(render_router(router, caller));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "routers", std::move(items));
             }));
  routes.add(http::method::get, base + "/routers/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto it = r.routers().find(id);
                 return it == r.routers().end()
                            || !visible(caller, it->second.meta().project_id())
                          ? json{}
                          : render_router(it->second, caller);
               });
               if (item.is_null()) {
                 fail(reply, router_not_found(id));
                 return;
               }
               reply_show(req, reply, "router", std::move(item));
             }));
  routes.add(http::method::post, base + "/routers",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "router");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, router_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               if (!project) {
                 fail(reply, project.error());
                 return;
               }
               pb::Router router;
               auto now = neutron_now();
               auto* m = router.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(1);
               router.set_admin_state_up(true);
               router.set_enable_snat(true);
               if (auto st = read_router(*body, router); !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto id = m->id();
               change(req, reply, *project, {{"router", 1}},
                      [router, now](const registry& r) {
                        return r.decide_create_router(router, rng, now);
                      },
                      201,
                      [id, caller](const registry& r) {
                        return json{{"router", render_router(r.routers().at(id), caller)}};
                      });
             }));
  routes.add(http::method::put, base + "/routers/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "router");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, router_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto update = *body;
               change(req, reply, "", {},
                      [id, update, caller](const registry& r) -> result<events> {
                        auto it = r.routers().find(id);
                        if (it == r.routers().end()
                            || !visible(caller, it->second.meta().project_id())) {
                          return router_not_found(id);
                        }
                        auto next = it->second;
                        if (auto st = read_router(update, next); !st.ok()) {
                          return st;
                        }
                        auto now = neutron_now();
                        next.mutable_meta()->set_updated_at(now);
                        return r.decide_update_router(next, rng, now);
                      },
                      200,
                      [id, caller](const registry& r) {
                        return json{{"router", render_router(r.routers().at(id), caller)}};
                      });
             }));
  routes.add(http::method::delete_, base + "/routers/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto it = r.routers().find(id);
                 return it == r.routers().end() ? std::string{"\n"}
                                                : it->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 fail(reply, router_not_found(id));
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_router(id); },
                      false);
             }));
  for (bool adding : {true, false}) {
    auto path = base + "/routers/{id}/"
                + (adding ? "add_router_interface" : "remove_router_interface");
    routes.add(http::method::put, path,
               authed([this, adding](http::request& req, const http::responder& reply,
                                     auth_context& caller) {
                 handle_interface(req, reply, caller, adding);
               }));
  }
}

void neutron_api::handle_interface(http::request& req,
                                   const http::responder& reply,
                                   auth_context& caller, bool adding) const {
  std::string id{req.path_param("id")};
  auto body = strato::api::parse_json_body(req.body);
  if (!body.ok() || !body->is_object()) {
    fail(reply, 400, "HTTPBadRequest", "Malformed request body");
    return;
  }
  auto subnet_id = str_of(*body, "subnet_id");
  auto port_id = str_of(*body, "port_id");
  if (subnet_id.empty() == port_id.empty()) {
    fail(reply, 400, "BadRequest",
         "Bad router request: Either subnet_id or port_id must be specified.");
    return;
  }
  auto new_port = adding && port_id.empty() ? new_uuid() : port_id;
  auto removed = std::make_shared<json>();
  auto decide = [=](const registry& r) -> result<events> {
    auto it = r.routers().find(id);
    if (it == r.routers().end() || !visible(caller, it->second.meta().project_id())) {
      return router_not_found(id);
    }
    if (adding) {
      return r.decide_add_interface(id, subnet_id, port_id, new_port, rng,
                                    neutron_now());
    }
    auto evs = r.decide_remove_interface(id, subnet_id, port_id);
    if (evs) {
      for (const auto& e : *evs) {
        if (e.has_port_deleted()) {
          *removed = interface_info(it->second,
                                    r.ports().at(e.port_deleted().id()));
        }
      }
    }
    return evs;
  };
  change(req, reply, "", {}, decide, 200,
         [=](const registry& r) -> json {
           if (!adding) {
             return *removed;
           }
           return interface_info(r.routers().at(id), r.ports().at(new_port));
         });
}

} // namespace strato::network::api
