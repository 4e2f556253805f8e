#include <cstdio>

#include "actors/network/core/registry_internal.hpp"

namespace strato::network {

namespace internal {

std::string uuid_from(std::mt19937_64& rng) {
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                    // version 4
  lo = (lo & ~(0xc0ULL << 56)) | (0x80ULL << 56);        // RFC 4122 variant
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff),
                static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

result<events> system_port(const registry& reg, pb::Port draft,
                           const std::vector<ip_request>& ips, bool ips_given,
                           std::mt19937_64& rng, bool allow_gateway) {
  if (draft.meta().id().empty()) {
    draft.mutable_meta()->set_id(uuid_from(rng));
  }
  draft.set_admin_state_up(true);
  draft.set_status("ACTIVE");
  draft.set_port_security_enabled(false);
  draft.set_vnic_type("normal");
  const auto& nets = reg.networks();
  auto net = nets.find(draft.network_id());
  if (net == nets.end()) {
    return not_found("NetworkNotFound", "Network", draft.network_id());
  }
  auto mac = reg.macs().generate(rng);
  if (!mac) {
    return fault(errc::conflict, "MacAddressGenerationFailure",
                 "Unable to generate unique mac on network "
                   + draft.network_id() + ".");
  }
  draft.set_mac_address(*mac);
  auto plan = plan_ips(reg, net->second, ips, ips_given, draft.meta().id(),
                       nullptr, allow_gateway);
  if (!plan) {
    return plan.error();
  }
  for (auto& f : plan->fixed_ips) {
    *draft.add_fixed_ips() = f;
  }
  events out{put_event(draft)};
  out.insert(out.end(), plan->allocations.begin(), plan->allocations.end());
  return out;
}

} // namespace internal

using namespace internal;

namespace {

status not_external(std::string_view resource, const std::string& net_id,
                    std::string_view wording) {
  return fault(errc::invalid_argument, "BadRequest",
               "Bad " + std::string{resource} + " request: Network " + net_id
                 + " is not " + std::string{wording} + ".");
}

bool is_interface_of(const pb::Port& p, const std::string& router_id) {
  return p.device_id() == router_id && p.device_owner() == owner_router_interface;
}

void append(events& out, const events& more) {
  out.insert(out.end(), more.begin(), more.end());
}

} // namespace

std::string registry::router_for(const std::string& floating_network_id,
                                 const pb::Port& port) const {
  for (const auto& [rid, router] : routers_) {
    if (router.gateway_network_id() != floating_network_id) {
      continue;
    }
    for (const auto& [pid, iface] : ports_) {
      if (!is_interface_of(iface, rid)) {
        continue;
      }
      for (const auto& a : iface.fixed_ips()) {
        for (const auto& b : port.fixed_ips()) {
          if (a.subnet_id() == b.subnet_id()) {
            return rid;
          }
        }
      }
    }
  }
  return {};
}

namespace {

/// Gives `router` a gateway port on its gateway network (when set).
result<events> plan_gateway(const registry& reg, pb::Router& router,
                            std::mt19937_64& rng, const std::string& now) {
  router.clear_gateway_fixed_ips();
  router.clear_gateway_port_id();
  if (router.gateway_network_id().empty()) {
    return events{};
  }
  auto net = reg.networks().find(router.gateway_network_id());
  if (net == reg.networks().end()) {
    return not_found("NetworkNotFound", "Network", router.gateway_network_id());
  }
  if (!net->second.external()) {
    return not_external("router", router.gateway_network_id(),
                        "an external network");
  }
  pb::Port gw;
  gw.mutable_meta()->set_created_at(now);
  gw.mutable_meta()->set_updated_at(now);
  gw.set_network_id(router.gateway_network_id());
  gw.set_device_owner(std::string{owner_router_gateway});
  gw.set_device_id(router.meta().id());
  std::vector<ip_request> ips;
  for (const auto& f : router.gateway_fixed_ips()) {
    ips.push_back({f.subnet_id(), f.ip_address()});
  }
  auto made = system_port(reg, gw, ips, !ips.empty(), rng);
  if (!made) {
    return made.error();
  }
  const auto& port = made->front().port_put();
  router.set_gateway_port_id(port.meta().id());
  *router.mutable_gateway_fixed_ips() = port.fixed_ips();
  return made;
}

} // namespace

result<events> registry::decide_create_router(pb::Router draft,
                                              std::mt19937_64& rng,
                                              const std::string& now) const {
  auto gw = plan_gateway(*this, draft, rng, now);
  if (!gw) {
    return gw.error();
  }
  events out{put_event(draft)};
  append(out, *gw);
  return out;
}

result<events> registry::decide_update_router(pb::Router next,
                                              std::mt19937_64& rng,
                                              const std::string& now) const {
  auto it = routers_.find(next.meta().id());
  if (it == routers_.end()) {
    return not_found("RouterNotFound", "Router", next.meta().id());
  }
  const auto& cur = it->second;
  events out;
  bool gateway_changed
    = next.gateway_network_id() != cur.gateway_network_id()
      || (next.gateway_fixed_ips_size() != 0
          && next.gateway_fixed_ips_size() != cur.gateway_fixed_ips_size());
  if (gateway_changed) {
    for (const auto& [fid, fip] : floating_ips_) {
      if (fip.router_id() == cur.meta().id()) {
        return fault(errc::conflict, "RouterExternalGatewayInUseByFloatingIp",
                     "Gateway cannot be updated for router " + cur.meta().id()
                       + ", since a gateway to external network "
                       + cur.gateway_network_id()
                       + " is required by one or more floating IPs.");
      }
    }
    if (auto old = ports_.find(cur.gateway_port_id()); old != ports_.end()) {
      append(out, delete_port_events(old->second));
    }
    auto gw = plan_gateway(*this, next, rng, now);
    if (!gw) {
      return gw.error();
    }
    append(out, *gw);
  } else {
    next.set_gateway_port_id(cur.gateway_port_id());
    *next.mutable_gateway_fixed_ips() = cur.gateway_fixed_ips();
  }
  for (const auto& route : next.routes()) {
    auto hop = parse_ip(route.nexthop());
    bool connected = false;
    for (const auto& [pid, p] : ports_) {
      if (p.device_id() != cur.meta().id()) {
        continue;
      }
      for (const auto& f : p.fixed_ips()) {
        const auto* ipam = this->ipam(f.subnet_id());
        connected = connected || (hop && ipam && ipam->cidr().contains(*hop));
      }
    }
    if (!connected) {
      return fault(errc::invalid_argument, "InvalidRoutes",
                   "Invalid format for routes: the nexthop "
                     + route.nexthop() + " is not connected with router");
    }
  }
  next.mutable_meta()->set_revision_number(cur.meta().revision_number() + 1);
  out.insert(out.begin(), put_event(next));
  return out;
}

result<events> registry::decide_delete_router(const std::string& id) const {
  auto it = routers_.find(id);
  if (it == routers_.end()) {
    return not_found("RouterNotFound", "Router", id);
  }
  for (const auto& [pid, p] : ports_) {
    if (is_interface_of(p, id)) {
      return fault(errc::conflict, "RouterInUse",
                   "Router " + id + " still has ports");
    }
  }
  for (const auto& [fid, fip] : floating_ips_) {
    if (fip.router_id() == id) {
      return fault(errc::conflict, "RouterInUse",
                   "Router " + id + " still has ports");
    }
  }
  events out;
  if (auto gw = ports_.find(it->second.gateway_port_id()); gw != ports_.end()) {
    append(out, delete_port_events(gw->second));
  }
  event del;
  del.mutable_router_deleted()->set_id(id);
  out.push_back(del);
  return out;
}

result<events> registry::decide_add_interface(
  const std::string& router_id, const std::string& subnet_id,
  const std::string& port_id, const std::string& new_port_id,
  std::mt19937_64& rng, const std::string& now) const {
  auto router = routers_.find(router_id);
  if (router == routers_.end()) {
    return not_found("RouterNotFound", "Router", router_id);
  }
  if (!port_id.empty()) {
    auto port = ports_.find(port_id);
    if (port == ports_.end()) {
      return not_found("PortNotFound", "Port", port_id);
    }
    if (!port->second.device_id().empty()) {
      return fault(errc::conflict, "PortInUse",
                   "Unable to complete operation on port " + port_id
                     + " for network " + port->second.network_id()
                     + ". Port already has an attached device "
                     + port->second.device_id() + ".");
    }
    auto next = port->second;
    next.set_device_id(router_id);
    next.set_device_owner(std::string{owner_router_interface});
    next.set_status("ACTIVE");
    next.mutable_meta()->set_revision_number(next.meta().revision_number() + 1);
    return events{put_event(next)};
  }
  auto subnet = subnets_.find(subnet_id);
  if (subnet == subnets_.end()) {
    return not_found("SubnetNotFound", "Subnet", subnet_id);
  }
  if (subnet->second.gateway_ip().empty()) {
    return fault(errc::invalid_argument, "BadRequest",
                 "Bad router request: Subnet " + subnet_id
                   + " does not have a gateway IP.");
  }
  for (const auto& [pid, p] : ports_) {
    for (const auto& f : p.fixed_ips()) {
      if (is_interface_of(p, router_id) && f.subnet_id() == subnet_id) {
        return fault(errc::invalid_argument, "BadRequest",
                     "Bad router request: Router already has a port on "
                     "subnet " + subnet_id + ".");
      }
    }
  }
  pb::Port iface;
  iface.mutable_meta()->set_id(new_port_id);
  iface.mutable_meta()->set_project_id(router->second.meta().project_id());
  iface.mutable_meta()->set_created_at(now);
  iface.mutable_meta()->set_updated_at(now);
  iface.set_network_id(subnet->second.network_id());
  iface.set_device_id(router_id);
  iface.set_device_owner(std::string{owner_router_interface});
  return system_port(*this, iface, {{subnet_id, subnet->second.gateway_ip()}},
                     true, rng, true);
}

result<events> registry::decide_remove_interface(
  const std::string& router_id, const std::string& subnet_id,
  const std::string& port_id) const {
  if (routers_.count(router_id) == 0) {
    return not_found("RouterNotFound", "Router", router_id);
  }
  const pb::Port* found = nullptr;
  for (const auto& [pid, p] : ports_) {
    if (!is_interface_of(p, router_id)) {
      continue;
    }
    if (!port_id.empty() && pid == port_id) {
      found = &p;
    }
    for (const auto& f : p.fixed_ips()) {
      if (port_id.empty() && f.subnet_id() == subnet_id) {
        found = &p;
      }
    }
  }
  if (found == nullptr) {
    if (!port_id.empty()) {
      return fault(errc::not_found, "RouterInterfaceNotFound",
                   "Router " + router_id + " does not have an interface "
                   "with id " + port_id);
    }
    return fault(errc::not_found, "RouterInterfaceNotFoundForSubnet",
                 "Router " + router_id + " has no interface on subnet "
                   + subnet_id);
  }
  for (const auto& [fid, fip] : floating_ips_) {
    if (fip.router_id() != router_id) {
      continue;
    }
    auto fixed = ports_.find(fip.port_id());
    for (const auto& f : found->fixed_ips()) {
      for (const auto& g : fixed == ports_.end()
                             ? google::protobuf::RepeatedPtrField<pb::FixedIp>{}
                             : fixed->second.fixed_ips()) {
        if (f.subnet_id() == g.subnet_id()) {
          return fault(errc::conflict, "RouterInterfaceInUseByFloatingIP",
                       "Router interface for subnet " + f.subnet_id()
                         + " on router " + router_id
                         + " cannot be deleted, as it is required by one or "
                           "more floating IPs.");
        }
      }
    }
  }
  return delete_port_events(*found);
}

} // namespace strato::network
