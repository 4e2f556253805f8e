#include "actors/network/network_actor.hpp"

#include <caf/all.hpp>

#include <ctime>
#include <algorithm>
#include <random>

#include "runtime/actor/caf_error.hpp"
#include "runtime/core/ids.hpp"

namespace strato::network {

std::string neutron_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

port_info make_port_info(const registry& reg, const pb::Port& port) {
  port_info out;
  out.id = port.meta().id();
  out.project_id = port.meta().project_id();
  out.network_id = port.network_id();
  out.mac_address = port.mac_address();
  out.device_id = port.device_id();
  out.device_owner = port.device_owner();
  out.host_id = port.host_id();
  out.status = port.status();
  out.port_security_enabled = port.port_security_enabled();
  out.security_group_ids.assign(port.security_group_ids().begin(),
                                port.security_group_ids().end());
  for (const auto& f : port.fixed_ips()) {
    auto ip = parse_ip(f.ip_address());
    out.fixed_ips.push_back({f.subnet_id(), f.ip_address(),
                             ip ? ip->version : 4});
  }
  if (auto n = reg.networks().find(port.network_id());
      n != reg.networks().end()) {
    out.network_name = n->second.meta().name();
    out.network_type = n->second.network_type();
    out.segmentation_id = n->second.segmentation_id();
    out.mtu = n->second.mtu();
  }
  return out;
}

namespace {

using client_ptr = std::shared_ptr<const network_client>;

thread_local std::mt19937_64 rng{std::random_device{}()};

status port_not_found(const std::string& id) {
  return fault(errc::not_found, "PortNotFound",
               "Port " + id + " could not be found.");
}

/// Runs `decide` and answers `rp` with the port's info afterwards.
void change_port(const client_ptr& client, caf::response_promise rp,
                 std::string project, tenant::quota_amounts reserve,
                 network_client::decide_fn decide, std::string port_id,
                 std::string request_id) {
  client->submit(std::move(project), std::move(reserve), std::move(decide),
                 std::move(request_id),
                 [client, rp, port_id](status st) mutable {
                   if (!st.ok()) {
                     rp.deliver(actor::to_caf_error(st));
                     return;
                   }
                   auto info = client->view().read([&](const registry& r) {
                     auto p = r.ports().find(port_id);
                     return p == r.ports().end()
                              ? port_info{}
                              : make_port_info(r, p->second);
                   });
                   rp.deliver(std::move(info));
                 });
}

network_client::decide_fn attach_decision(port_request req,
                                          std::string new_id) {
  return [req = std::move(req), new_id](const registry& r) -> result<events> {
    auto now = neutron_now();
    if (!req.port_id.empty()) {
      auto p = r.ports().find(req.port_id);
      if (p == r.ports().end()
          || (!req.admin && p->second.meta().project_id() != req.project_id)) {
        return port_not_found(req.port_id);
      }
      const auto& cur = p->second;
      if (!cur.device_id().empty() && cur.device_id() != req.device_id) {
        return fault(errc::conflict, "PortInUse",
                     "Unable to complete operation on port " + cur.meta().id()
                       + " for network " + cur.network_id()
                       + ". Port already has an attached device "
                       + cur.device_id() + ".");
      }
      auto next = cur;
      next.set_device_id(req.device_id);
      next.set_device_owner(req.device_owner);
      next.mutable_meta()->set_updated_at(now);
      return r.decide_update_port(next, std::nullopt);
    }
    auto n = r.networks().find(req.network_id);
    if (n == r.networks().end()
        || (!req.admin && !n->second.shared()
            && n->second.meta().project_id() != req.project_id)) {
      return fault(errc::not_found, "NetworkNotFound",
                   "Network " + req.network_id + " could not be found.");
    }
    auto out = r.ensure_default_group(req.project_id, now);
    pb::Port draft;
    auto* m = draft.mutable_meta();
    m->set_id(new_id);
    m->set_project_id(req.project_id);
    m->set_created_at(now);
    m->set_updated_at(now);
    m->set_revision_number(1);
    draft.set_network_id(req.network_id);
    draft.set_admin_state_up(true);
    draft.set_status("DOWN");
    draft.set_device_id(req.device_id);
    draft.set_device_owner(req.device_owner);
    draft.set_vnic_type("normal");
    draft.set_port_security_enabled(n->second.port_security_enabled());
    std::vector<ip_request> ips;
    if (!req.fixed_ip.empty()) {
      ips.push_back({"", req.fixed_ip});
    }
    auto port = r.decide_create_port(draft, ips, !ips.empty(), rng);
    if (!port) {
      return port.error();
    }
    // The default group may be decided in this same command, so it is
    // added after the port's checks, which only know applied groups.
    if (draft.port_security_enabled()) {
      const auto* g = r.default_group(req.project_id);
      port->front().mutable_port_put()->add_security_group_ids(
        g != nullptr ? g->meta().id()
                     : out.front().security_group_put().meta().id());
    }
    out.insert(out.end(), port->begin(), port->end());
    return out;
  };
}

network_client::decide_fn
port_update(std::string port_id,
            std::function<void(pb::Port&)> change) {
  return [port_id, change](const registry& r) -> result<events> {
    auto p = r.ports().find(port_id);
    if (p == r.ports().end()) {
      return port_not_found(port_id);
    }
    auto next = p->second;
    change(next);
    next.mutable_meta()->set_updated_at(neutron_now());
    return r.decide_update_port(next, std::nullopt);
  };
}

/// Nova's `_get_available_networks`: own unshared networks, then shared.
std::vector<network_summary> available_networks(const registry& r,
                                                const std::string& project) {
  std::vector<std::pair<std::string, network_summary>> own;
  std::vector<std::pair<std::string, network_summary>> shared;
  for (const auto& [id, n] : r.networks()) {
    network_summary s{id,
                      n.meta().name(),
                      n.meta().project_id(),
                      n.shared(),
                      n.admin_state_up(),
                      n.external()};
    auto key = n.meta().created_at() + id;
    if (n.shared()) {
      shared.emplace_back(std::move(key), std::move(s));
    } else if (n.meta().project_id() == project) {
      own.emplace_back(std::move(key), std::move(s));
    }
  }
  std::sort(own.begin(), own.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(shared.begin(), shared.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<network_summary> out;
  for (auto* list : {&own, &shared}) {
    for (auto& [key, s] : *list) {
      out.push_back(std::move(s));
    }
  }
  return out;
}

caf::behavior network_main(caf::event_based_actor* self, client_ptr client) {
  return {
    [self, client](port_attach_atom, port_request& req) {
      auto rp = self->make_response_promise();
      bool creating = req.port_id.empty();
      auto id = creating ? new_uuid() : req.port_id;
      tenant::quota_amounts reserve;
      if (creating) {
        reserve["port"] = 1;
      }
      auto project = req.project_id;
      auto request_id = req.request_id;
      change_port(client, rp, project, std::move(reserve),
                  attach_decision(std::move(req), id), id, request_id);
      return rp;
    },
    [client](port_check_atom, port_request& req) -> caf::result<bool> {
      auto id = req.port_id.empty() ? new_uuid() : req.port_id;
      auto decided = client->view().read([&](const registry& r) {
        return attach_decision(req, id)(r);
      });
      if (!decided) {
        return actor::to_caf_error(decided.error());
      }
      return true;
    },
    [self, client](port_bind_atom, std::string& port_id, std::string& host,
                   std::string& request_id) {
      auto rp = self->make_response_promise();
      auto unchanged = client->view().read([&](const registry& r) {
        auto p = r.ports().find(port_id);
        return p != r.ports().end() && p->second.host_id() == host
                 ? std::optional<port_info>{make_port_info(r, p->second)}
                 : std::nullopt;
      });
      if (unchanged) {
        rp.deliver(std::move(*unchanged)); // Bound there already.
        return rp;
      }
      change_port(client, rp, "", {}, port_update(port_id, [host](pb::Port& p) {
                    if (p.host_id() != host) {
                      // Plugged on the old host only: DOWN until the new
                      // host plugs it (ML2 does the same on a rebind).
                      if (!p.host_id().empty() || host.empty()) {
                        p.set_status("DOWN");
                      }
                      p.set_host_id(host);
                    }
                  }),
                  port_id, request_id);
      return rp;
    },
    [self, client](port_plugged_atom, std::string& port_id,
                   std::string& request_id) {
      auto rp = self->make_response_promise();
      change_port(client, rp, "", {}, port_update(port_id, [](pb::Port& p) {
                    p.set_status("ACTIVE");
                  }),
                  port_id, request_id);
      return rp;
    },
    [self, client](port_detach_atom, std::string& port_id,
                   std::string& request_id) {
      auto rp = self->make_response_promise();
      change_port(client, rp, "", {}, port_update(port_id, [](pb::Port& p) {
                    p.clear_host_id();
                    p.clear_device_id();
                    p.clear_device_owner();
                    p.set_status("DOWN");
                  }),
                  port_id, request_id);
      return rp;
    },
    [self, client](port_delete_atom, std::string& port_id,
                   std::string& request_id) {
      auto rp = self->make_response_promise();
      auto project = std::make_shared<std::string>();
      auto decide = [port_id, project](const registry& r) -> result<events> {
        auto p = r.ports().find(port_id);
        if (p == r.ports().end()) {
          return events{}; // already gone: deleting is idempotent
        }
        *project = p->second.meta().project_id();
        return r.decide_delete_port(port_id, false);
      };
      client->submit("", {}, decide, request_id,
                     [client, rp, project, request_id](status st) mutable {
                       if (!st.ok()) {
                         rp.deliver(actor::to_caf_error(st));
                         return;
                       }
                       if (!project->empty()) {
                         client->release(*project, {{"port", 1}}, request_id);
                       }
                       rp.deliver(true);
                     });
      return rp;
    },
    [client](available_networks_atom, const std::string& project_id) {
      return client->view().read([&](const registry& r) {
        return available_networks(r, project_id);
      });
    },
    [client](device_ports_atom, const std::string& device_id) {
      return client->view().read([&](const registry& r) {
        std::vector<std::pair<std::string, port_info>> found;
        for (const auto& [id, p] : r.ports()) {
          if (p.device_id() == device_id) {
            found.emplace_back(p.meta().created_at() + id,
                               make_port_info(r, p));
          }
        }
        std::sort(found.begin(), found.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<port_info> out;
        for (auto& [key, info] : found) {
          out.push_back(std::move(info));
        }
        return out;
      });
    },
  };
}

} // namespace

caf::actor spawn_network_actor(caf::actor_system& sys, client_ptr client) {
  return sys.spawn(network_main, std::move(client));
}

} // namespace strato::network
