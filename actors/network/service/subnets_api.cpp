#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/core/ids.hpp"

namespace strato::network::api {

namespace {

const std::vector<attribute> subnet_attributes{
  {"name", kind::string},
  {"description", kind::string},
  {"network_id", kind::string, true, false},
  {"ip_version", kind::integer, true, false},
  {"cidr", kind::string, true, false},
  {"gateway_ip", kind::string, true, true, true},
  {"allocation_pools", kind::list},
  {"dns_nameservers", kind::list},
  {"host_routes", kind::list},
  {"enable_dhcp", kind::boolean},
  {"ipv6_ra_mode", kind::string, true, false, true},
  {"ipv6_address_mode", kind::string, true, false, true},
  {"subnetpool_id", kind::string, true, false, true},
  {"prefixlen", kind::integer, true, false},
  {"use_default_subnetpool", kind::boolean, true, false},
  {"project_id", kind::string, true, false},
  {"tenant_id", kind::string, true, false},
  {"tags", kind::list},
  {"service_types", kind::list},
  {"segment_id", kind::any, true, true, true},
  {"dns_publish_fixed_ip", kind::boolean},
};

status bad(std::string message) {
  return fault(errc::invalid_argument, "HTTPBadRequest", std::move(message));
}

/// Copies the updatable attributes of `body` into `s`.
status read_subnet(const json& body, pb::Subnet& s) {
  read_meta(body, *s.mutable_meta());
  if (body.contains("enable_dhcp")) {
    const auto& v = body["enable_dhcp"];
    s.set_enable_dhcp(v.is_boolean() ? v.get<bool>()
                                     : v.get<std::string>() == "true"
                                         || v.get<std::string>() == "True");
  }
  if (body.contains("gateway_ip")) {
    s.set_gateway_ip(body["gateway_ip"].is_null()
                       ? std::string{}
                       : body["gateway_ip"].get<std::string>());
  }
  if (body.contains("dns_nameservers")) {
    s.clear_dns_nameservers();
    for (const auto& d : string_list(body["dns_nameservers"])) {
      if (!parse_ip(d)) {
        return bad("Invalid input for dns_nameservers. Reason: '" + d
                   + "' is not a valid nameserver. '" + d
                   + "' is not a valid IP address.");
      }
      s.add_dns_nameservers(d);
    }
  }
  if (body.contains("host_routes")) {
    s.clear_host_routes();
    for (const auto& r : body["host_routes"]) {
      if (!r.is_object() || !r.contains("destination") || !r.contains("nexthop")
          || !parse_prefix(str_of(r, "destination"))
          || !parse_ip(str_of(r, "nexthop"))) {
        return bad("Invalid input for host_routes. Reason: '" + r.dump()
                   + "' is not a valid host route.");
      }
      auto* h = s.add_host_routes();
      h->set_destination(r["destination"].get<std::string>());
      h->set_nexthop(r["nexthop"].get<std::string>());
    }
  }
  if (body.contains("allocation_pools")) {
    s.clear_allocation_pools();
    for (const auto& p : body["allocation_pools"]) {
      if (!p.is_object() || !p.contains("start") || !p.contains("end")
          || !p["start"].is_string() || !p["end"].is_string()) {
        return bad("Invalid input for allocation_pools. Reason: Invalid data "
                   "format for IP pool: '" + p.dump() + "'.");
      }
      auto* a = s.add_allocation_pools();
      a->set_start(p["start"].get<std::string>());
      a->set_end(p["end"].get<std::string>());
    }
  }
  return {};
}

bool subnet_visible(const registry& r, const auth_context& caller,
                    const pb::Subnet& s) {
  if (visible(caller, s.meta().project_id())) {
    return true;
  }
  auto n = r.networks().find(s.network_id());
  return n != r.networks().end() && network_visible(caller, n->second);
}

status not_found_subnet(const std::string& id) {
  return fault(errc::not_found, "SubnetNotFound",
               "Subnet " + id + " could not be found.");
}

} // namespace

void neutron_api::install_subnets(http::router& routes) const {
  std::string base{prefix};
  routes.add(http::method::get, base + "/subnets",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto items = client->view().read([&](const registry& r) {
                 std::vector<json> out;
                 for (const auto& [id, s] : r.subnets()) {
                   if (subnet_visible(r, caller, s)) {
                     out.push_back(render_subnet(s));
                   }
                 }
                 return out;
               });
               reply_list(req, reply, "subnets", std::move(items));
             }));
  routes.add(http::method::get, base + "/subnets/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto item = client->view().read([&](const registry& r) {
                 auto s = r.subnets().find(id);
                 return s == r.subnets().end() || !subnet_visible(r, caller, s->second)
                          ? json{}
                          : render_subnet(s->second);
               });
               if (item.is_null()) {
                 not_found(reply, "SubnetNotFound", "Subnet", id);
                 return;
               }
               reply_show(req, reply, "subnet", std::move(item));
             }));
  routes.add(http::method::post, base + "/subnets",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto body = body_object(req, reply, "subnet");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, subnet_attributes, false);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto project = owner_project(*body, caller);
               if (!project) {
                 fail(reply, project.error());
                 return;
               }
               for (const char* key : {"network_id", "ip_version"}) {
                 if (!body->contains(key)) {
                   fail(reply, 400, "HTTPBadRequest",
                        std::string{"Failed to parse request. Required "
                                    "attribute '"} + key + "' not specified");
                   return;
                 }
               }
               if (!body->contains("cidr")) {
                 fail(reply, 400, "BadRequest",
                      "Bad subnet request: a subnetpool must be specified in "
                      "the absence of a cidr.");
                 return;
               }
               pb::Subnet s;
               auto now = neutron_now();
               auto* m = s.mutable_meta();
               m->set_id(new_uuid());
               m->set_project_id(*project);
               m->set_created_at(now);
               m->set_updated_at(now);
               m->set_revision_number(0);
               s.set_network_id((*body)["network_id"].get<std::string>());
               auto version = (*body)["ip_version"];
               s.set_ip_version(version.is_number()
                                  ? version.get<int>()
                                  : std::atoi(version.get<std::string>().c_str()));
               if (s.ip_version() != 4 && s.ip_version() != 6) {
                 fail(reply, 400, "HTTPBadRequest",
                      "Invalid input for ip_version. Reason: '"
                        + version.dump() + "' is not in [4, 6].");
                 return;
               }
               s.set_cidr((*body)["cidr"].get<std::string>());
               s.set_enable_dhcp(true);
               if (auto st = read_subnet(*body, s); !st.ok()) {
                 fail(reply, st);
                 return;
               }
               if (!body->contains("gateway_ip")) {
                 // Neutron's default gateway: the first host address.
                 if (auto p = parse_prefix(s.cidr()); p && p->prefix.size() > 2) {
                   s.set_gateway_ip(ip_address{p->prefix.network.version,
                                               p->prefix.network.value + 1}
                                      .to_string());
                 }
               }
               for (const char* key : {"ipv6_ra_mode", "ipv6_address_mode"}) {
                 if (body->contains(key) && (*body)[key].is_string()) {
                   auto v = (*body)[key].get<std::string>();
                   key == std::string_view{"ipv6_ra_mode"} ? s.set_ipv6_ra_mode(v)
                                                           : s.set_ipv6_address_mode(v);
                 }
               }
               auto id = m->id();
               change(req, reply, *project, {{"subnet", 1}},
                      [s, caller](const registry& r) -> result<events> {
                        auto n = r.networks().find(s.network_id());
                        if (n == r.networks().end()
                            || !network_visible(caller, n->second)) {
                          return fault(errc::not_found, "NetworkNotFound",
                                       "Network " + s.network_id()
                                         + " could not be found.");
                        }
                        if (!visible(caller, n->second.meta().project_id())) {
                          return fault(errc::forbidden, "HTTPForbidden",
                                       "Tenant " + s.meta().project_id()
                                         + " not allowed to create subnet on "
                                           "this network");
                        }
                        return r.decide_create_subnet(s);
                      },
                      201,
                      [id](const registry& r) {
                        return json{{"subnet", render_subnet(r.subnets().at(id))}};
                      });
             }));
  routes.add(http::method::put, base + "/subnets/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = body_object(req, reply, "subnet");
               if (!body) {
                 return;
               }
               if (auto st = check_attributes(*body, subnet_attributes, true);
                   !st.ok()) {
                 fail(reply, st);
                 return;
               }
               auto update = *body;
               change(req, reply, "", {},
                      [id, update, caller](const registry& r) -> result<events> {
                        auto s = r.subnets().find(id);
                        if (s == r.subnets().end()
                            || !visible(caller, s->second.meta().project_id())) {
                          return not_found_subnet(id);
                        }
                        auto next = s->second;
                        if (auto st = read_subnet(update, next); !st.ok()) {
                          return st;
                        }
                        next.mutable_meta()->set_updated_at(neutron_now());
                        return r.decide_update_subnet(next);
                      },
                      200,
                      [id](const registry& r) {
                        return json{{"subnet", render_subnet(r.subnets().at(id))}};
                      });
             }));
  routes.add(http::method::delete_, base + "/subnets/{id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               std::string id{req.path_param("id")};
               auto owner = client->view().read([&](const registry& r) {
                 auto s = r.subnets().find(id);
                 return s == r.subnets().end() ? std::string{"\n"}
                                               : s->second.meta().project_id();
               });
               if (owner == "\n" || !visible(caller, owner)) {
                 not_found(reply, "SubnetNotFound", "Subnet", id);
                 return;
               }
               remove(req, reply, owner,
                      [id](const registry& r) { return r.decide_delete_subnet(id); },
                      false);
             }));
}

} // namespace strato::network::api
