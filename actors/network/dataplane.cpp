#include "actors/network/dataplane.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "runtime/core/blocking_pool.hpp"

namespace strato::network {

dataplane::dataplane(std::unique_ptr<network_driver> driver,
                     blocking_pool& pool,
                     std::shared_ptr<const shared_registry> view)
  : driver_(std::move(driver)), pool_(pool), view_(std::move(view)) {
}

void dataplane::enqueue(std::function<void(network_driver&)> call) {
  std::lock_guard lock{mutex_};
  queue_.push_back(std::move(call));
  if (!running_) {
    running_ = true;
    pool_.post([this] { drain(); });
  }
}

void dataplane::drain() {
  while (true) {
    std::function<void(network_driver&)> call;
    {
      std::lock_guard lock{mutex_};
      if (queue_.empty()) {
        running_ = false;
        return;
      }
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    call(*driver_);
  }
}

namespace {

void log_failure(const status& st, std::string_view what, const std::string& id) {
  if (!st.ok()) {
    spdlog::warn("network driver: {} {} failed: {}", what, id, st.describe());
  }
}

std::optional<segment> segment_of(const pb::Network& n) {
  segment seg;
  seg.network_id = n.meta().id();
  seg.mtu = static_cast<uint32_t>(n.mtu() > 0 ? n.mtu() : 1500);
  seg.segmentation_id = static_cast<uint32_t>(n.segmentation_id());
  if (n.network_type() == "vlan") {
    seg.type = segment_type::vlan;
  } else if (n.network_type() == "vxlan") {
    seg.type = segment_type::vxlan;
  } else if (n.network_type() == "flat") {
    seg.type = segment_type::flat;
  } else {
    return std::nullopt; // gre, local: nothing on this host's bridge
  }
  return seg;
}

/// "10.0.0.1/24" for an address on `subnet_id`.
std::string with_prefix(const registry& r, const pb::FixedIp& f) {
  auto s = r.subnets().find(f.subnet_id());
  auto len = s == r.subnets().end() ? std::string{"32"}
                                    : s->second.cidr().substr(
                                        s->second.cidr().find('/') + 1);
  return f.ip_address() + "/" + len;
}

router_port port_of(const registry& r, const pb::Port& p) {
  router_port out{p.meta().id(), p.network_id(), p.mac_address(), {}};
  for (const auto& f : p.fixed_ips()) {
    out.ip_cidrs.push_back(with_prefix(r, f));
  }
  return out;
}

} // namespace

std::optional<router_config> router_config_of(const registry& r,
                                              const std::string& id) {
  auto it = r.routers().find(id);
  if (it == r.routers().end()) {
    return std::nullopt;
  }
  const auto& router = it->second;
  router_config cfg;
  cfg.router_id = id;
  cfg.enable_snat = router.enable_snat();
  for (const auto& [pid, p] : r.ports()) {
    if (p.device_id() == id && p.device_owner() == owner_router_interface) {
      cfg.interfaces.push_back(port_of(r, p));
    }
  }
  if (auto gw = r.ports().find(router.gateway_port_id()); gw != r.ports().end()) {
    cfg.gateway = port_of(r, gw->second);
    for (const auto& f : gw->second.fixed_ips()) {
      if (auto s = r.subnets().find(f.subnet_id()); s != r.subnets().end()) {
        cfg.gateway_ip = s->second.gateway_ip();
      }
    }
  }
  for (const auto& route : router.routes()) {
    cfg.routes.push_back({route.destination(), route.nexthop()});
  }
  for (const auto& [fid, f] : r.floating_ips()) {
    if (f.router_id() == id && !f.fixed_ip_address().empty()) {
      cfg.floating_ips.push_back({f.floating_ip_address(), f.fixed_ip_address()});
    }
  }
  return cfg;
}

void dataplane::ensure_network(const std::string& id) {
  auto seg = view_->read([&](const registry& r) -> std::optional<segment> {
    auto n = r.networks().find(id);
    return n == r.networks().end() ? std::nullopt : segment_of(n->second);
  });
  if (seg) {
    enqueue([seg = *seg](network_driver& d) {
      auto tag = d.ensure_segment(seg);
      log_failure(tag.ok() ? status{} : tag.error(), "ensure_segment",
                  seg.network_id);
    });
  }
}

void dataplane::ensure_router(const std::string& id) {
  auto cfg = view_->read([&](const registry& r) { return router_config_of(r, id); });
  if (cfg) {
    enqueue([cfg = *cfg](network_driver& d) {
      log_failure(d.ensure_router(cfg), "ensure_router", cfg.router_id);
    });
  } else {
    enqueue([id](network_driver& d) {
      log_failure(d.remove_router(id), "remove_router", id);
    });
  }
}

void dataplane::changed(const events& evs) {
  std::set<std::string> routers;
  for (const auto& e : evs) {
    if (e.has_network_put()) {
      ensure_network(e.network_put().meta().id());
    } else if (e.has_network_deleted()) {
      auto id = e.network_deleted().id();
      enqueue([id](network_driver& d) {
        log_failure(d.delete_segment(id), "delete_segment", id);
      });
    } else if (e.has_router_put()) {
      routers.insert(e.router_put().meta().id());
    } else if (e.has_router_deleted()) {
      routers.insert(e.router_deleted().id());
    } else if (e.has_port_put()) {
      const auto& p = e.port_put();
      if (p.device_owner() == owner_router_interface
          || p.device_owner() == owner_router_gateway) {
        routers.insert(p.device_id());
      }
    } else if (e.has_floating_ip_put()) {
      routers.insert(e.floating_ip_put().router_id());
    }
  }
  // A removed interface or floating IP changes its router too: converge
  // every router, cheaply, when anything router-shaped was deleted.
  bool router_deletes = false;
  for (const auto& e : evs) {
    router_deletes = router_deletes || e.has_port_deleted()
                     || e.has_floating_ip_deleted();
  }
  if (router_deletes) {
    view_->read([&](const registry& r) {
      for (const auto& [id, router] : r.routers()) {
        routers.insert(id);
      }
      return 0;
    });
  }
  routers.erase("");
  for (const auto& id : routers) {
    ensure_router(id);
  }
}

void dataplane::converge_all() {
  enqueue([](network_driver& d) {
    log_failure(d.ensure_bridge(), "ensure_bridge", "");
  });
  auto ids = view_->read([](const registry& r) {
    std::pair<std::vector<std::string>, std::vector<std::string>> out;
    for (const auto& [id, n] : r.networks()) {
      out.first.push_back(id);
    }
    for (const auto& [id, router] : r.routers()) {
      out.second.push_back(id);
    }
    return out;
  });
  for (const auto& id : ids.first) {
    ensure_network(id);
  }
  for (const auto& id : ids.second) {
    ensure_router(id);
  }
}

} // namespace strato::network
