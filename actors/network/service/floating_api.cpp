#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/core/ids.hpp"

#include <random>

namespace strato::network::api {

namespace {

const std::vector<attribute> fip_attributes{
  {"floating_network_id", kind::string, true, false},
  {"floating_ip_address", kind::string, true, false},
  {"subnet_id", kind::string, true, false, true},
  {"port_id", kind::string, true, true, true},
  {"fixed_ip_address", kind::string, true, true, true},
  {"description", kind::string},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"dns_name", kind::string},
  {"dns_domain", kind::string},
  {"qos_policy_id", kind::any, true, true, true},
};

thread_local std::mt19937_64 rng{std::random_device{}()};

status fip_not_found(const std::string& id) {
  return fault(errc::not_found, "FloatingIPNotFound",
               "Floating IP " + id + " could not be found");
}

void read_association(const json& body, pb::FloatingIp& f) {
  read_meta(body, *f.mutable_meta());
  if (body.contains("port_id")) {
    f.set_port_id(body["port_id"].is_null() ? "" : body["port_id"].get<std::string>());
    f.clear_fixed_ip_address();
  }
  if (body.contains("fixed_ip_address") && body["fixed_ip_address"].is_string()) {
    f.set_fixed_ip_address(body["fixed_ip_address"].get<std::string>());
  }
}

/// The port a floating IP is to be associated with must be the caller's.
status check_port(const registry& r, const auth_context& caller,
                  const pb::FloatingIp& f) {
  if (f.port_id().empty()) {
    return {};
  }
  auto p = r.ports().find(f.port_id());
  if (p == r.ports().end() || !visible(caller, p->second.meta().project_id())) {
    return fault(errc::not_found, "PortNotFound",
                 "Port " + f.port_id() + " could not be found.");
  }
  return {};
}

} // namespace

void neutron_api::install_floating_ips(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/floatingips",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, f] : r.floating_ips()) {
                   if (visible(caller, f.meta().project_id())) {
                     out.push_back(render_floating_ip(r, f));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "floatingips", std::move(items));
             }));
  routes.add(http::method::get, base + "/floatingips/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto f = r.floating_ips().find(id);
                 return f == r.floating_ips().end()
                            || !visible(caller, f->second.meta().project_id())
                          ? json{}
                          : render_floating_ip(r, f->second);
               });
               if (item.is_null()) {
                 fail(reply, fip_not_found(id));
                 return;
               }
               reply_show(req, reply, "floatingip", std::move(item));
             }));
  routes.add(http::method::post, base + "/floatingips",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "floatingip");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, fip_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               if (!project) {
                 fail(reply, project.error());
                 return;
               }
               if (!body->contains("floating_network_id")) {
                 fail(reply, 400, "HTTPBadRequest",
                      "Failed to parse request. Required attribute "
                      "'floating_network_id' not specified");
                 return;
               }
               pb::FloatingIp f;
               auto now = neutron_now();
               auto* m = f.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(0);
               f.set_floating_network_id((*body)["floating_network_id"].get<std::string>());
               if (body->contains("floating_ip_address")) {
                 f.set_floating_ip_address((*body)["floating_ip_address"].get<std::string>());
               }
               read_association(*body, f);
               auto id = m->id();
               auto port_id = new_uuid();
               change(req, reply, *project, {{"floatingip", 1}},
                      [f, port_id, caller](const registry& r) -> result<events> {
                        if (auto st = check_port(r, caller, f); !st.ok()) {
                          return st;
                        }
                        return r.decide_create_floating_ip(f, port_id, rng);
                      },
                      201,
                      [id](const registry& r) {
                        return json{{"floatingip",
                                     render_floating_ip(r, r.floating_ips().at(id))}};
                      });
             }));
  routes.add(http::method::put, base + "/floatingips/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "floatingip");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, fip_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto update = *body;
               change(req, reply, "", {},
                      [id, update, caller](const registry& r) -> result<events> {
                        auto f = r.floating_ips().find(id);
                        if (f == r.floating_ips().end()
                            || !visible(caller, f->second.meta().project_id())) {
                          return fip_not_found(id);
                        }
                        auto next = f->second;
                        read_association(update, next);
                        next.mutable_meta()->set_updated_at(neutron_now());
                        if (auto st = check_port(r, caller, next); !st.ok()) {
                          return st;
                        }
                        return r.decide_update_floating_ip(next);
                      },
                      200,
                      [id](const registry& r) {
                        return json{{"floatingip",
                                     render_floating_ip(r, r.floating_ips().at(id))}};
                      });
             }));
  routes.add(http::method::delete_, base + "/floatingips/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto f = r.floating_ips().find(id);
                 return f == r.floating_ips().end() ? std::string{"\n"}
                                                    : f->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 fail(reply, fip_not_found(id));
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_floating_ip(id); },
                      false);
             }));
}

} // namespace strato::network::api
