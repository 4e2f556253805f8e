// os-interface (nova/api/openstack/compute/attach_interfaces.py): a
// server's ports, attaching one (a new port on a network, or the user's)
// and detaching one. Attach and detach run as operations on the instance
// entity (task interface_attaching / interface_detaching), so a crash
// between the port and the hypervisor resumes the step.

#include <algorithm>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/compute/entity/port_steps.hpp"
#include "actors/network/network_protocol.hpp"

namespace strato::compute {

namespace {

using ports = std::vector<network::port_info>;
constexpr auto network_timeout = std::chrono::seconds{30};
/// An attach waits for its operation: port, bind, plug into the guest.
constexpr auto attach_timeout = std::chrono::seconds{200};

std::string path(const call& c, std::string_view name) {
  return std::string{*c.req.path_params.get(name)};
}

/// attach_interfaces.py `_translate_interface_attachment_view`.
json attachment_view(const network::port_info& p) {
  json ips = json::array();
  for (const auto& ip : p.fixed_ips) {
    ips.push_back({{"subnet_id", ip.subnet_id}, {"ip_address", ip.ip_address}});
  }
  return {{"net_id", p.network_id},
          {"port_id", p.id},
          {"mac_addr", p.mac_address},
          {"port_state", p.status},
          {"fixed_ips", ips}};
}

void with_device_ports(const compute_api& self, const call& c,
                       const std::string& server_id,
                       std::function<void(ports&)> next) {
  if (!self.network) {
    c.fail({errc::not_implemented, "Network driver does not support this "
                                   "function."});
    return;
  }
  actor::ask<ports>(*self.sys, self.network,
                    caf::make_message(network::device_ports_atom::value,
                                      server_id),
                    network_timeout,
                    [c, next = std::move(next)](result<ports> r) {
                      if (!r) {
                        c.fail(r.error());
                        return;
                      }
                      next(*r);
                    });
}

void list_interfaces(const compute_api& self, call& c) {
  auto s = self.visible_server(c, path(c, "id"));
  if (!s) {
    return;
  }
  with_device_ports(self, c, s->model.id(), [c](ports& found) {
    json out = json::array();
    for (const auto& p : found) {
      out.push_back(attachment_view(p));
    }
    c.send(200, {{"interfaceAttachments", out}});
  });
}

void show_port(const compute_api& self, const call& c,
               const std::string& server_id, const std::string& port_id) {
  with_device_ports(self, c, server_id, [c, server_id, port_id](ports& found) {
    for (const auto& p : found) {
      if (p.id == port_id) {
        c.send(200, {{"interfaceAttachment", attachment_view(p)}});
        return;
      }
    }
    c.fail({errc::not_found, "Instance " + server_id
                               + " does not have a port with id " + port_id});
  });
}

/// The os-interface wording of a refusal: missing networks and ports are
/// 404 here (400 at server create), taken addresses 409.
status attach_refusal(const status& st, const pb::RequestedNetwork& req) {
  auto nova = nova_refusal(st, req);
  const auto& m = nova.message();
  if (m.rfind("Network ", 0) == 0 || m.rfind("Port id ", 0) == 0) {
    return {errc::not_found, m};
  }
  if (m.rfind("Fixed IP ", 0) == 0) {
    return {errc::conflict, m};
  }
  return nova;
}

/// Runs the attach on the entity, waits for it, then shows the new port.
void run_attach(const compute_api& self, const call& c,
                const server_record& s, const pb::RequestedNetwork& req) {
  action_request act;
  act.kind = action_kind::interface_attach;
  act.request_id = c.req.request_id;
  act.user_id = c.caller.user_id;
  act.project_id = c.caller.project_id;
  act.admin = c.admin();
  act.interface = req;
  std::vector<std::string> before;
  for (const auto& p : s.model.ports) {
    before.push_back(p.port_id());
  }
  auto id = s.model.id();
  self.ask_instance<bool>(
    id, caf::make_message(action_atom::value, std::move(act)),
    [&self, c, id, req, before](result<bool> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      actor::ask<std::string>(
        *self.sys, self.instance_region,
        caf::make_message(id, caf::make_message(await_atom::value)),
        attach_timeout, [&self, c, id, req, before](result<std::string> w) {
          if (!w || !w->empty()) {
            c.fail({errc::unavailable, "Failed to attach network adapter "
                                       "device to " + id});
            return;
          }
          with_device_ports(self, c, id, [c, req, before](ports& found) {
            for (auto it = found.rbegin(); it != found.rend(); ++it) {
              bool is_new = std::find(before.begin(), before.end(), it->id)
                            == before.end();
              if (it->id == req.port_id() || (req.port_id().empty() && is_new)) {
                c.send(200, {{"interfaceAttachment", attachment_view(*it)}});
                return;
              }
            }
            c.fail({errc::unavailable, "The attached port was not found."});
          });
        });
    });
}

void attach_interface(const compute_api& self, call& c) {
  auto s = self.visible_server(c, path(c, "id"));
  if (!s) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  pb::RequestedNetwork req;
  if (body->contains("interfaceAttachment")
      && (*body)["interfaceAttachment"].is_object()) {
    const auto& a = (*body)["interfaceAttachment"];
    req.set_network_id(a.value("net_id", ""));
    req.set_port_id(a.value("port_id", ""));
    if (a.contains("fixed_ips") && a["fixed_ips"].is_array()
        && !a["fixed_ips"].empty() && a["fixed_ips"][0].is_object()) {
      req.set_fixed_ip(a["fixed_ips"][0].value("ip_address", ""));
    }
  }
  if (!req.network_id().empty() && !req.port_id().empty()) {
    c.fail({errc::invalid_argument,
            "Must not input both network_id and port_id"});
    return;
  }
  if (!req.fixed_ip().empty() && req.network_id().empty()) {
    c.fail({errc::invalid_argument,
            "Must input network_id when request IP address"});
    return;
  }
  if (req.network_id().empty() && req.port_id().empty()) {
    c.fail({errc::invalid_argument,
            "No specific network was requested and none are available for "
            "project '" + s->model.created.project_id() + "'."});
    return;
  }
  if (!self.network) {
    c.fail({errc::not_implemented, "Network driver does not support this "
                                   "function."});
    return;
  }
  if (auto st = check_action(s->model, action_kind::interface_attach,
                             c.admin());
      !st.ok()) {
    c.fail(st);
    return;
  }
  network::port_request check;
  check.project_id = c.caller.project_id;
  check.admin = c.admin();
  check.network_id = req.network_id();
  check.port_id = req.port_id();
  check.fixed_ip = req.fixed_ip();
  check.device_id = s->model.id();
  actor::ask<bool>(*self.sys, self.network,
                   caf::make_message(network::port_check_atom::value, check),
                   network_timeout,
                   [&self, c, record = *s, req](result<bool> r) {
                     if (!r) {
                       c.fail(attach_refusal(r.error(), req));
                       return;
                     }
                     run_attach(self, c, record, req);
                   });
}

void detach_interface(const compute_api& self, call& c) {
  auto s = self.visible_server(c, path(c, "id"));
  if (!s) {
    return;
  }
  auto port_id = path(c, "port_id");
  if (s->model.find_port(port_id) == nullptr) {
    c.fail({errc::not_found, "Port " + port_id + " is not attached"});
    return;
  }
  action_request act;
  act.kind = action_kind::interface_detach;
  act.request_id = c.req.request_id;
  act.user_id = c.caller.user_id;
  act.project_id = c.caller.project_id;
  act.admin = c.admin();
  act.interface.set_port_id(port_id);
  self.ask_instance<bool>(
    s->model.id(), caf::make_message(action_atom::value, std::move(act)),
    [c](result<bool> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      c.send(202, nullptr);
    });
}

} // namespace

void compute_api::install_interfaces(http::router& routes) const {
  const std::string base = "/compute/v2.1/servers/{id}/os-interface";
  using http::method;
  routes.add(method::get, base,
             wrap([this](call& c) { list_interfaces(*this, c); }));
  routes.add(method::post, base,
             wrap([this](call& c) { attach_interface(*this, c); }));
  routes.add(method::get, base + "/{port_id}", wrap([this](call& c) {
               if (auto s = visible_server(c, path(c, "id"))) {
                 show_port(*this, c, s->model.id(), path(c, "port_id"));
               }
             }));
  routes.add(method::delete_, base + "/{port_id}",
             wrap([this](call& c) { detach_interface(*this, c); }));
}

} // namespace strato::compute
