#include "actors/network/core/registry.hpp"

#include <algorithm>

namespace strato::network {

status fault(errc code, std::string_view type, std::string message) {
  return {code, std::string{type} + "\n" + std::move(message)};
}

fault_parts split_fault(const status& st) {
  const auto& m = st.message();
  auto nl = m.find('\n');
  if (nl == std::string::npos) {
    return {"", m};
  }
  return {m.substr(0, nl), m.substr(nl + 1)};
}

event put_event(const pb::Network& r) {
  event e;
  *e.mutable_network_put() = r;
  return e;
}
event put_event(const pb::Subnet& r) {
  event e;
  *e.mutable_subnet_put() = r;
  return e;
}
event put_event(const pb::Port& r) {
  event e;
  *e.mutable_port_put() = r;
  return e;
}
event put_event(const pb::Router& r) {
  event e;
  *e.mutable_router_put() = r;
  return e;
}
event put_event(const pb::FloatingIp& r) {
  event e;
  *e.mutable_floating_ip_put() = r;
  return e;
}
event put_event(const pb::SecurityGroup& r) {
  event e;
  *e.mutable_security_group_put() = r;
  return e;
}
event put_event(const pb::SecurityGroupRule& r) {
  event e;
  *e.mutable_security_group_rule_put() = r;
  return e;
}

event ip_allocated(const std::string& subnet_id, const std::string& ip,
                   const std::string& port_id) {
  event e;
  auto* a = e.mutable_ip_allocated();
  a->set_subnet_id(subnet_id);
  a->set_ip_address(ip);
  a->set_port_id(port_id);
  return e;
}

event ip_released(const std::string& subnet_id, const std::string& ip) {
  event e;
  auto* a = e.mutable_ip_released();
  a->set_subnet_id(subnet_id);
  a->set_ip_address(ip);
  return e;
}

registry::registry(segment_ranges ranges) : segments_(std::move(ranges)) {
}

const subnet_ipam* registry::ipam(const std::string& subnet_id) const {
  auto it = ipams_.find(subnet_id);
  return it == ipams_.end() ? nullptr : &it->second;
}

const pb::SecurityGroup*
registry::default_group(const std::string& project_id) const {
  auto it = default_groups_.find(project_id);
  if (it == default_groups_.end()) {
    return nullptr;
  }
  auto g = groups_.find(it->second);
  return g == groups_.end() ? nullptr : &g->second;
}

namespace {

std::vector<ip_range> pools_of(const pb::Subnet& s) {
  std::vector<ip_range> pools;
  for (const auto& p : s.allocation_pools()) {
    auto a = parse_ip(p.start());
    auto b = parse_ip(p.end());
    if (a && b) {
      pools.push_back({*a, *b});
    }
  }
  return pools;
}

} // namespace

void registry::apply_subnet(const pb::Subnet& s) {
  auto cidr = parse_prefix(s.cidr());
  subnet_ipam fresh{cidr ? cidr->prefix : ip_prefix{}, pools_of(s)};
  // Pools may change on update; the addresses handed out stay handed out.
  if (auto old = ipams_.find(s.meta().id()); old != ipams_.end()) {
    for (const auto& [pid, port] : ports_) {
      for (const auto& ip : port.fixed_ips()) {
        if (ip.subnet_id() == s.meta().id()) {
          if (auto a = parse_ip(ip.ip_address())) {
            fresh.take(*a);
          }
        }
      }
    }
  }
  ipams_[s.meta().id()] = std::move(fresh);
  subnets_[s.meta().id()] = s;
  auto& net = networks_[s.network_id()];
  for (const auto& id : net.subnet_ids()) {
    if (id == s.meta().id()) {
      return;
    }
  }
  net.add_subnet_ids(s.meta().id());
}

void registry::apply_port(const pb::Port& p) {
  if (auto old = ports_.find(p.meta().id()); old != ports_.end()) {
    if (auto mac = parse_mac(old->second.mac_address())) {
      macs_.remove(*mac);
    }
  }
  if (auto mac = parse_mac(p.mac_address())) {
    macs_.add(*mac);
  }
  ports_[p.meta().id()] = p;
}

void registry::apply(const event& ev) {
  switch (ev.event_case()) {
    case event::kNetworkPut: {
      auto& net = networks_[ev.network_put().meta().id()];
      net = ev.network_put();
      break;
    }
    case event::kNetworkDeleted:
      networks_.erase(ev.network_deleted().id());
      break;
    case event::kSubnetPut:
      apply_subnet(ev.subnet_put());
      break;
    case event::kSubnetDeleted: {
      const auto& id = ev.subnet_deleted().id();
      if (auto s = subnets_.find(id); s != subnets_.end()) {
        if (auto n = networks_.find(s->second.network_id());
            n != networks_.end()) {
          auto* ids = n->second.mutable_subnet_ids();
          ids->erase(std::remove(ids->begin(), ids->end(), id), ids->end());
        }
        subnets_.erase(s);
      }
      ipams_.erase(id);
      break;
    }
    case event::kPortPut:
      apply_port(ev.port_put());
      break;
    case event::kPortDeleted:
      if (auto p = ports_.find(ev.port_deleted().id()); p != ports_.end()) {
        if (auto mac = parse_mac(p->second.mac_address())) {
          macs_.remove(*mac);
        }
        ports_.erase(p);
      }
      break;
    case event::kRouterPut:
      routers_[ev.router_put().meta().id()] = ev.router_put();
      break;
    case event::kRouterDeleted:
      routers_.erase(ev.router_deleted().id());
      break;
    case event::kFloatingIpPut:
      floating_ips_[ev.floating_ip_put().meta().id()] = ev.floating_ip_put();
      break;
    case event::kFloatingIpDeleted:
      floating_ips_.erase(ev.floating_ip_deleted().id());
      break;
    case event::kSecurityGroupPut: {
      const auto& g = ev.security_group_put();
      groups_[g.meta().id()] = g;
      if (g.is_default()) {
        default_groups_[g.meta().project_id()] = g.meta().id();
      }
      break;
    }
    case event::kSecurityGroupDeleted: {
      auto g = groups_.find(ev.security_group_deleted().id());
      if (g != groups_.end()) {
        if (g->second.is_default()) {
          default_groups_.erase(g->second.meta().project_id());
        }
        groups_.erase(g);
      }
      break;
    }
    case event::kSecurityGroupRulePut:
      rules_[ev.security_group_rule_put().meta().id()]
        = ev.security_group_rule_put();
      break;
    case event::kSecurityGroupRuleDeleted:
      rules_.erase(ev.security_group_rule_deleted().id());
      break;
    case event::kIpAllocated: {
      const auto& a = ev.ip_allocated();
      auto ip = parse_ip(a.ip_address());
      if (auto it = ipams_.find(a.subnet_id()); it != ipams_.end() && ip) {
        it->second.take(*ip);
      }
      break;
    }
    case event::kIpReleased: {
      const auto& a = ev.ip_released();
      auto ip = parse_ip(a.ip_address());
      if (auto it = ipams_.find(a.subnet_id()); it != ipams_.end() && ip) {
        it->second.release(*ip);
      }
      break;
    }
    case event::kSegmentAllocated: {
      const auto& s = ev.segment_allocated();
      segments_.take(s.network_type(), s.physical_network(),
                     s.segmentation_id());
      break;
    }
    case event::kSegmentReleased: {
      const auto& s = ev.segment_released();
      segments_.release(s.network_type(), s.physical_network(),
                        s.segmentation_id());
      break;
    }
    case event::EVENT_NOT_SET:
      break;
  }
}

pb::RegistrySnapshot registry::snapshot() const {
  pb::RegistrySnapshot snap;
  for (const auto& [id, r] : networks_) {
    *snap.add_networks() = r;
    if (has_segmentation_ids(r.network_type()) && r.segmentation_id() != 0) {
      auto* s = snap.add_segments();
      s->set_network_type(r.network_type());
      s->set_physical_network(r.physical_network());
      s->set_segmentation_id(r.segmentation_id());
      s->set_network_id(id);
    }
  }
  for (const auto& [id, r] : subnets_) {
    *snap.add_subnets() = r;
  }
  for (const auto& [id, r] : ports_) {
    *snap.add_ports() = r;
    for (const auto& ip : r.fixed_ips()) {
      auto* a = snap.add_ip_allocations();
      a->set_subnet_id(ip.subnet_id());
      a->set_ip_address(ip.ip_address());
      a->set_port_id(id);
    }
  }
  for (const auto& [id, r] : routers_) {
    *snap.add_routers() = r;
  }
  for (const auto& [id, r] : floating_ips_) {
    *snap.add_floating_ips() = r;
  }
  for (const auto& [id, r] : groups_) {
    *snap.add_security_groups() = r;
  }
  for (const auto& [id, r] : rules_) {
    *snap.add_security_group_rules() = r;
  }
  return snap;
}

void registry::restore(const pb::RegistrySnapshot& snap) {
  *this = registry{segments_.ranges()};
  for (const auto& r : snap.networks()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.subnets()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.ports()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.routers()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.floating_ips()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.security_groups()) {
    apply(put_event(r));
  }
  for (const auto& r : snap.security_group_rules()) {
    apply(put_event(r));
  }
  for (const auto& a : snap.ip_allocations()) {
    event e;
    *e.mutable_ip_allocated() = a;
    apply(e);
  }
  for (const auto& s : snap.segments()) {
    event e;
    *e.mutable_segment_allocated() = s;
    apply(e);
  }
}

} // namespace strato::network
