#include "actors/network/core/registry.hpp"

namespace strato::network {

namespace {

status not_found(std::string_view type, std::string_view what,
                 const std::string& id) {
  return fault(errc::not_found, type,
               std::string{what} + " " + id + " could not be found.");
}

status invalid_input(std::string message) {
  return fault(errc::invalid_argument, "InvalidInput",
               "Invalid input for operation: " + std::move(message) + ".");
}

event segment_event(const pb::Network& n, bool allocated) {
  event e;
  if (allocated) {
    auto* s = e.mutable_segment_allocated();
    s->set_network_type(n.network_type());
    s->set_physical_network(n.physical_network());
    s->set_segmentation_id(n.segmentation_id());
    s->set_network_id(n.meta().id());
  } else {
    auto* s = e.mutable_segment_released();
    s->set_network_type(n.network_type());
    s->set_physical_network(n.physical_network());
    s->set_segmentation_id(n.segmentation_id());
  }
  return e;
}

} // namespace

result<events> registry::decide_create_network(pb::Network draft) const {
  events out;
  auto& type = *draft.mutable_network_type();
  if (type.empty()) {
    // A project network: the tenant type with the next free id.
    type = segments_.ranges().tenant_network_type;
    if (type == "vlan") {
      draft.set_physical_network(segments_.ranges().tenant_physical_network);
    }
    if (has_segmentation_ids(type)) {
      auto id = segments_.next_free(type, draft.physical_network());
      if (!id) {
        return fault(errc::unavailable, "NoNetworkAvailable",
                     "Unable to create the network. No tenant network is "
                     "available for allocation.");
      }
      draft.set_segmentation_id(*id);
    }
  } else if (has_segmentation_ids(type)) {
    if (type == "vlan" && draft.physical_network().empty()) {
      draft.set_physical_network(segments_.ranges().tenant_physical_network);
    }
    if (draft.segmentation_id() == 0) {
      auto id = segments_.next_free(type, draft.physical_network());
      if (!id) {
        return fault(errc::unavailable, "NoNetworkAvailable",
                     "Unable to create the network. No tenant network is "
                     "available for allocation.");
      }
      draft.set_segmentation_id(*id);
    } else if (!valid_segmentation_id(type, draft.segmentation_id())) {
      return invalid_input("segmentation_id " + std::to_string(
                             draft.segmentation_id())
                           + " out of range for network type " + type);
    }
    if (segments_.in_use(type, draft.physical_network(),
                         draft.segmentation_id())) {
      if (type == "vlan") {
        return fault(errc::conflict, "VlanIdInUse",
                     "Unable to create the network. The VLAN "
                       + std::to_string(draft.segmentation_id())
                       + " on physical network " + draft.physical_network()
                       + " is in use.");
      }
      return fault(errc::conflict, "TunnelIdInUse",
                   "Unable to create the network. The tunnel ID "
                     + std::to_string(draft.segmentation_id())
                     + " is in use.");
    }
  } else if (type != "flat" && type != "local") {
    return invalid_input("provider:network_type " + type
                         + " is not supported");
  } else if (draft.segmentation_id() != 0) {
    return invalid_input(type + " networks have no segmentation_id");
  }
  if (type == "flat" && draft.physical_network().empty()) {
    return invalid_input("provider:physical_network required for flat");
  }
  if (has_segmentation_ids(type)) {
    out.push_back(segment_event(draft, true));
  }
  draft.clear_subnet_ids();
  out.insert(out.begin(), put_event(draft));
  return out;
}

result<events> registry::decide_update_network(pb::Network next) const {
  auto it = networks_.find(next.meta().id());
  if (it == networks_.end()) {
    return not_found("NetworkNotFound", "Network", next.meta().id());
  }
  const auto& cur = it->second;
  if (next.network_type() != cur.network_type()
      || next.segmentation_id() != cur.segmentation_id()
      || next.physical_network() != cur.physical_network()) {
    return invalid_input("Plugin does not support updating provider "
                         "attributes");
  }
  *next.mutable_subnet_ids() = cur.subnet_ids();
  next.mutable_meta()->set_revision_number(cur.meta().revision_number() + 1);
  return events{put_event(next)};
}

result<events> registry::decide_delete_network(const std::string& id) const {
  auto it = networks_.find(id);
  if (it == networks_.end()) {
    return not_found("NetworkNotFound", "Network", id);
  }
  events out;
  for (const auto& [pid, port] : ports_) {
    if (port.network_id() != id) {
      continue;
    }
    if (port.device_owner() != owner_dhcp) {
      return fault(errc::conflict, "NetworkInUse",
                   "Unable to complete operation on network " + id
                     + ". There are one or more ports still in use on the "
                       "network.");
    }
    // Neutron removes its own DHCP ports with the network.
    for (const auto& ip : port.fixed_ips()) {
      out.push_back(ip_released(ip.subnet_id(), ip.ip_address()));
    }
    event del;
    del.mutable_port_deleted()->set_id(pid);
    out.push_back(del);
  }
  for (const auto& sid : it->second.subnet_ids()) {
    event del;
    del.mutable_subnet_deleted()->set_id(sid);
    out.push_back(del);
  }
  if (has_segmentation_ids(it->second.network_type())) {
    out.push_back(segment_event(it->second, false));
  }
  event del;
  del.mutable_network_deleted()->set_id(id);
  out.push_back(del);
  return out;
}

namespace {

/// Pools inside the prefix, ordered, not overlapping, not holding the gateway.
status check_pools(const pb::Subnet& s, const ip_prefix& cidr) {
  std::vector<ip_range> pools;
  for (const auto& p : s.allocation_pools()) {
    auto a = parse_ip(p.start());
    auto b = parse_ip(p.end());
    if (!a || !b || a->version != cidr.network.version || a->value > b->value
        || !cidr.contains(*a) || !cidr.contains(*b)) {
      return fault(errc::invalid_argument, "InvalidAllocationPool",
                   "The allocation pool " + p.start() + "-" + p.end()
                     + " spans beyond the subnet cidr " + s.cidr() + ".");
    }
    for (const auto& q : pools) {
      if (!(b->value < q.start.value || a->value > q.end.value)) {
        return fault(errc::invalid_argument, "OverlappingAllocationPools",
                     "Found overlapping allocation pools: " + p.start() + "-"
                       + p.end() + " and " + q.start.to_string() + "-"
                       + q.end.to_string() + " for subnet " + s.cidr() + ".");
      }
    }
    pools.push_back({*a, *b});
  }
  if (auto gw = parse_ip(s.gateway_ip()); gw) {
    for (const auto& q : pools) {
      if (gw->value >= q.start.value && gw->value <= q.end.value) {
        return fault(errc::conflict, "GatewayConflictWithAllocationPools",
                     "Gateway ip " + s.gateway_ip()
                       + " conflicts with allocation pool "
                       + q.start.to_string() + "-" + q.end.to_string() + ".");
      }
    }
  }
  return {};
}

} // namespace

result<events> registry::decide_create_subnet(pb::Subnet draft) const {
  auto net = networks_.find(draft.network_id());
  if (net == networks_.end()) {
    return not_found("NetworkNotFound", "Network", draft.network_id());
  }
  auto parsed = parse_prefix(draft.cidr());
  if (!parsed || parsed->prefix.network.version != draft.ip_version()) {
    return invalid_input("'" + draft.cidr() + "' is not a valid IP subnet");
  }
  if (parsed->host_bits_set) {
    return invalid_input("'" + draft.cidr()
                         + "' isn't a recommended CIDR, use '"
                         + parsed->prefix.to_string() + "'");
  }
  const auto& cidr = parsed->prefix;
  draft.set_cidr(cidr.to_string());
  for (const auto& sid : net->second.subnet_ids()) {
    auto other = subnets_.find(sid);
    auto op = other == subnets_.end() ? std::nullopt
                                      : parse_prefix(other->second.cidr());
    if (op && op->prefix.overlaps(cidr)) {
      return invalid_input("Requested subnet with cidr: " + draft.cidr()
                           + " for network: " + draft.network_id()
                           + " overlaps with another subnet");
    }
  }
  std::optional<ip_address> gw;
  if (!draft.gateway_ip().empty()) {
    gw = parse_ip(draft.gateway_ip());
    if (!gw || !cidr.contains(*gw)) {
      return invalid_input("Gateway is not valid on subnet");
    }
    draft.set_gateway_ip(gw->to_string());
  }
  if (draft.allocation_pools_size() == 0) {
    for (const auto& r : default_pools(cidr, gw)) {
      auto* p = draft.add_allocation_pools();
      p->set_start(r.start.to_string());
      p->set_end(r.end.to_string());
    }
  }
  if (auto st = check_pools(draft, cidr); !st.ok()) {
    return st;
  }
  return events{put_event(draft)};
}

result<events> registry::decide_update_subnet(pb::Subnet next) const {
  auto it = subnets_.find(next.meta().id());
  if (it == subnets_.end()) {
    return not_found("SubnetNotFound", "Subnet", next.meta().id());
  }
  auto cidr = parse_prefix(it->second.cidr());
  if (!next.gateway_ip().empty()) {
    auto gw = parse_ip(next.gateway_ip());
    if (!gw || !cidr->prefix.contains(*gw)) {
      return invalid_input("Gateway is not valid on subnet");
    }
  }
  if (auto st = check_pools(next, cidr->prefix); !st.ok()) {
    return st;
  }
  next.mutable_meta()->set_revision_number(
    it->second.meta().revision_number() + 1);
  return events{put_event(next)};
}

result<events> registry::decide_delete_subnet(const std::string& id) const {
  if (subnets_.count(id) == 0) {
    return not_found("SubnetNotFound", "Subnet", id);
  }
  for (const auto& [pid, port] : ports_) {
    for (const auto& ip : port.fixed_ips()) {
      if (ip.subnet_id() == id && port.device_owner() != owner_dhcp) {
        return fault(errc::conflict, "SubnetInUse",
                     "Unable to complete operation on subnet " + id
                       + ": One or more ports have an IP allocation from "
                         "this subnet.");
      }
    }
  }
  event del;
  del.mutable_subnet_deleted()->set_id(id);
  return events{del};
}

} // namespace strato::network
