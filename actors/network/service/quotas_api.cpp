#include <caf/all.hpp>

#include "actors/network/service/service_impl.hpp"
#include "runtime/actor/ask.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/service/policy.hpp"

namespace strato::network::api {

namespace {

/// Neutron's resources and default limits (neutron.conf [quotas]).
const tenant::quota_amounts neutron_defaults{
  {"network", 100},        {"subnet", 100},         {"port", 500},
  {"router", 10},          {"floatingip", 50},      {"security_group", 10},
  {"security_group_rule", 100},
};

json limits_of(const tenant::quota_report& report) {
  json out = json::object();
  for (const auto& [name, def] : neutron_defaults) {
    auto it = report.limits.find(name);
    out[name] = it == report.limits.end() ? def : it->second;
  }
  return out;
}

json details_of(const tenant::quota_report& report) {
  json out = json::object();
  auto get = [](const tenant::quota_amounts& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? int64_t{0} : it->second;
  };
  auto limits = limits_of(report);
  for (const auto& [name, def] : neutron_defaults) {
    out[name] = {{"limit", limits[name]},
                 {"used", get(report.in_use, name)},
                 {"reserved", get(report.reserved, name)}};
  }
  return out;
}

} // namespace

void neutron_api::install_quotas(http::router& routes) const {
  std::string base{prefix};
  // One handler per shape: read (limits or details) and write (set or reset).
  auto read = [this](bool details) {
    return authed([this, details](http::request& req, const http::responder& reply,
                                  auth_context& caller) {
      std::string project{req.path_param("project_id")};
      if (!caller.admin() && project != caller.project_id) {
        fail(reply, 403, "HTTPForbidden",
             "Non-admin is not authorized to access quotas for another "
             "project");
        return;
      }
      auto answer = [reply, details](const tenant::quota_report& report) {
        reply.send(json_response(
          200, json{{"quota", details ? details_of(report) : limits_of(report)}}));
      };
      if (!client->tenant()) {
        answer({}); // no tenant module: defaults, nothing enforced
        return;
      }
      actor::ask<tenant::quota_report>(
        client->system(), client->tenant(),
        caf::make_message(project, caf::make_message(tenant::quota_show_atom::value)),
        client->timeout(), [answer, reply](result<tenant::quota_report> r) {
          if (!r.ok()) {
            fail(reply, r.error());
            return;
          }
          answer(*r);
        });
    });
  };
  routes.add(http::method::get, base + "/quotas/{project_id}", read(false));
  routes.add(http::method::get, base + "/quotas/{project_id}/details", read(true));
  routes.add(http::method::get, base + "/quotas/{project_id}/default",
             authed([](http::request&, const http::responder& reply, auth_context&) {
               reply.send(json_response(200, json{{"quota", limits_of({})}}));
             }));
  routes.add(http::method::get, base + "/quotas",
             authed([](http::request&, const http::responder& reply, auth_context&) {
               reply.send(json_response(200, json{{"quotas", json::array()}}));
             }));
  auto write = [this](bool reset) {
    return authed([this, reset](http::request& req, const http::responder& reply,
                                auth_context& caller) {
      std::string project{req.path_param("project_id")};
      if (!caller.admin()) {
        fail(reply, 403, "HTTPForbidden",
             "Only admin can update quotas");
        return;
      }
      tenant::quota_amounts limits;
      if (reset) {
        limits = neutron_defaults;
      } else {
        auto body = body_object(req, reply, "quota");
        if (!body) {
          return;
        }
        for (const auto& [name, value] : body->items()) {
          if (neutron_defaults.count(name) == 0 || !value.is_number_integer()
              || value.get<int64_t>() < -1) {
            fail(reply, 400, "HTTPBadRequest",
                 "Invalid input for " + name + ". Reason: '" + value.dump()
                   + "' is not a valid quota.");
            return;
          }
          limits[name] = value.get<int64_t>();
        }
      }
      if (!client->tenant()) {
        fail(reply, 501, "HTTPNotImplemented",
             "Quotas cannot be changed: the tenant service is not running.");
        return;
      }
      actor::ask<tenant::quota_report>(
        client->system(), client->tenant(),
        caf::make_message(project, caf::make_message(tenant::quota_set_atom::value,
                                                     limits, req.request_id)),
        client->timeout(), [reply, reset](result<tenant::quota_report> r) {
          if (!r.ok()) {
            fail(reply, r.error());
            return;
          }
          reply.send(reset ? http::response::empty(204)
                           : json_response(200, json{{"quota", limits_of(*r)}}));
        });
    });
  };
  routes.add(http::method::put, base + "/quotas/{project_id}", write(false));
  routes.add(http::method::delete_, base + "/quotas/{project_id}", write(true));
}

void neutron_api::install_extensions(http::router& routes) const {
  static const std::vector<std::pair<std::string, std::string>> extensions{
    {"agent", "agent"},
    {"allowed-address-pairs", "Allowed Address Pairs"},
    {"binding", "Port Binding"},
    {"external-net", "Neutron external network"},
    {"ext-gw-mode", "Neutron L3 Configurable external gateway mode"},
    {"extraroute", "Neutron Extra Route"},
    {"fip-port-details", "Floating IP Port Details Extension"},
    {"net-mtu", "Network MTU"},
    {"pagination", "Pagination support"},
    {"port-security", "Port Security"},
    {"project-id", "project_id field enabled"},
    {"provider", "Provider Network"},
    {"quotas", "Quota management support"},
    {"quota_details", "Quota details management support"},
    {"router", "Neutron L3 Router"},
    {"security-group", "security-group"},
    {"sorting", "Sorting support"},
    {"standard-attr-description", "standard-attr-description"},
    {"standard-attr-revisions", "Resource revision numbers"},
    {"standard-attr-tag", "Tag support for resources with standard attribute"},
    {"standard-attr-timestamp", "Resource timestamps"},
    {"stateful-security-group", "Stateful security group"},
  };
  auto render = [](const std::pair<std::string, std::string>& e) {
    return json{{"alias", e.first},      {"name", e.second},
                {"description", e.second}, {"updated", "2013-01-01T00:00:00-00:00"},
                {"links", json::array()}};
  };
  std::string base{prefix};
  routes.add(http::method::get, base + "/extensions",
             authed([render](http::request&, const http::responder& reply,
                             auth_context&) {
               json list = json::array();
               for (const auto& e : extensions) {
                 list.push_back(render(e));
               }
               reply.send(json_response(200, json{{"extensions", list}}));
             }));
  routes.add(http::method::get, base + "/extensions/{alias}",
             authed([render](http::request& req, const http::responder& reply,
                             auth_context&) {
               auto alias = req.path_param("alias");
               for (const auto& e : extensions) {
                 if (e.first == alias) {
                   reply.send(json_response(200, json{{"extension", render(e)}}));
                   return;
                 }
               }
               fail(reply, 404, "ExtensionNotFound",
                    "Extension with alias " + std::string{alias}
                      + " does not exist");
             }));
}

} // namespace strato::network::api
