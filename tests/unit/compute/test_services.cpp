#include "tests/unit/compute/test_services.hpp"

#include "actors/network/network_protocol.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::testing {

namespace {

namespace net = strato::network;
namespace vol = strato::volume;

net::port_info info_of(const std::string& id, const test_port& p) {
  net::port_info out;
  out.id = id;
  out.network_id = p.network_id;
  out.network_name = "net";
  out.mac_address = "fa:16:3e:00:00:01";
  out.fixed_ips = {{"sub", "10.0.0.5", 4}};
  out.device_id = p.device_id;
  out.host_id = p.host;
  out.status = p.status;
  return out;
}

caf::error no_port(const std::string& id) {
  return actor::to_caf_error(errc::not_found, "PortNotFound\nPort " + id
                                                + " could not be found.");
}

vol::volume_connection connection(const std::string& id,
                                  const test_volume& v) {
  return {id, v.attachment_id, "file", "/volumes/" + id, "qcow2", v.size_gb,
          id};
}

vol::attachment_info attachment(const std::string& id, const test_volume& v) {
  return {v.attachment_id, id, "", v.attachment_status, v.status, ""};
}

caf::error no_volume(const std::string& id) {
  return actor::to_caf_error(errc::not_found,
                             "Volume " + id + " could not be found.");
}

} // namespace

caf::behavior test_network_service(caf::event_based_actor*,
                                   std::shared_ptr<port_book> book) {
  using result_info = caf::result<net::port_info>;
  auto change = [book](const std::string& id,
                       const std::function<void(test_port&)>& f) -> result_info {
    std::lock_guard guard{book->mutex};
    auto it = book->ports.find(id);
    if (it == book->ports.end()) {
      return no_port(id);
    }
    f(it->second);
    return info_of(id, it->second);
  };
  return {
    [book](net::port_attach_atom, net::port_request& req) -> result_info {
      std::lock_guard guard{book->mutex};
      auto id = req.port_id.empty() ? "port-" + std::to_string(book->next++)
                                    : req.port_id;
      auto& p = book->ports[id];
      if (req.port_id.empty()) {
        p.network_id = req.network_id;
      }
      p.device_id = req.device_id;
      return info_of(id, p);
    },
    [](net::port_check_atom, net::port_request&) { return true; },
    [change](net::port_bind_atom, const std::string& id,
             const std::string& host, const std::string&) {
      return change(id, [&](test_port& p) {
        if (p.host != host && (!p.host.empty() || host.empty())) {
          p.status = "DOWN";
        }
        p.host = host;
      });
    },
    [change](net::port_plugged_atom, const std::string& id,
             const std::string&) {
      return change(id, [](test_port& p) { p.status = "ACTIVE"; });
    },
    [change](net::port_detach_atom, const std::string& id,
             const std::string&) {
      return change(id, [](test_port& p) {
        p = test_port{p.network_id, "", "", "DOWN"};
      });
    },
    [book](net::port_delete_atom, const std::string& id, const std::string&) {
      std::lock_guard guard{book->mutex};
      book->ports.erase(id);
      return true;
    },
    [book](net::device_ports_atom, const std::string& device) {
      std::lock_guard guard{book->mutex};
      std::vector<net::port_info> out;
      for (const auto& [id, p] : book->ports) {
        if (p.device_id == device) {
          out.push_back(info_of(id, p));
        }
      }
      return out;
    },
  };
}

caf::behavior test_volume_service(caf::event_based_actor*,
                                  std::shared_ptr<volume_book> book) {
  // Runs `f` on the volume under the lock; a missing volume is not_found.
  auto with = [book](const std::string& id, auto f)
    -> caf::result<std::invoke_result_t<decltype(f), test_volume&>> {
    std::lock_guard guard{book->mutex};
    auto it = book->volumes.find(id);
    if (it == book->volumes.end()) {
      return no_volume(id);
    }
    return f(it->second);
  };
  return {
    [with](vol::attach_reserve& r) {
      return with(r.volume_id, [&](test_volume& v) {
        v.attachment_id = "att-" + r.volume_id;
        v.attachment_status = "reserved";
        v.status = "reserved";
        return attachment(r.volume_id, v);
      });
    },
    [with](vol::attach_connect& c) {
      return with(c.volume_id, [&](test_volume& v) {
        v.host = c.host;
        v.attachment_status = "attaching";
        v.status = "attaching";
        return connection(c.volume_id, v);
      });
    },
    [with](vol::attach_move& m) {
      return with(m.volume_id, [&](test_volume& v) {
        v.host = m.host;
        return connection(m.volume_id, v);
      });
    },
    [with](vol::attach_complete& c) {
      return with(c.volume_id, [&](test_volume& v) {
        v.attachment_status = "attached";
        v.status = "in-use";
        return attachment(c.volume_id, v);
      });
    },
    [with](vol::attach_unreserve& c) {
      return with(c.volume_id, [&](test_volume& v) {
        v = test_volume{"available", "", "", "", v.bootable, v.size_gb};
        return attachment(c.volume_id, v);
      });
    },
    [with](vol::detach_complete& c) {
      return with(c.volume_id, [&](test_volume& v) {
        v = test_volume{"available", "", "", "", v.bootable, v.size_gb};
        return attachment(c.volume_id, v);
      });
    },
    [with](vol::volume_lookup& l) {
      return with(l.volume_id, [&](test_volume& v) {
        return vol::volume_summary{l.volume_id, "p", "", v.status, v.size_gb,
                                   false, v.bootable, {}};
      });
    },
    [book](vol::volume_create& c) {
      std::lock_guard guard{book->mutex};
      auto& v = book->volumes[c.volume_id];
      v.bootable = !c.image_id.empty();
      v.size_gb = c.size_gb;
      return vol::volume_summary{c.volume_id, c.project_id, c.name,
                                 v.status, v.size_gb, false, v.bootable, {}};
    },
    [book](vol::volume_delete& d) -> caf::result<bool> {
      std::lock_guard guard{book->mutex};
      auto it = book->volumes.find(d.volume_id);
      if (it != book->volumes.end() && !it->second.attachment_id.empty()) {
        return actor::to_caf_error(errc::invalid_transition,
                                   "Invalid volume: still attached.");
      }
      if (it != book->volumes.end()) {
        book->volumes.erase(it);
        book->deleted.push_back(d.volume_id);
      }
      return true;
    },
  };
}

} // namespace strato::testing
