#include <algorithm>

#include "actors/network/service/service_impl.hpp"
#include "runtime/service/policy.hpp"

namespace strato::network::api {

namespace {

json fixed_ips_json(const google::protobuf::RepeatedPtrField<pb::FixedIp>& ips) {
  json out = json::array();
  for (const auto& f : ips) {
    out.push_back({{"subnet_id", f.subnet_id()}, {"ip_address", f.ip_address()}});
  }
  return out;
}

json routes_json(const google::protobuf::RepeatedPtrField<pb::HostRoute>& rs) {
  json out = json::array();
  for (const auto& r : rs) {
    out.push_back({{"destination", r.destination()}, {"nexthop", r.nexthop()}});
  }
  return out;
}

} // namespace

json render_network(const registry& r, const pb::Network& n,
                    const auth_context& caller) {
  json out;
  write_meta(n.meta(), out);
  out["admin_state_up"] = n.admin_state_up();
  out["status"] = "ACTIVE";
  // Subnets ordered by creation, as Neutron lists them.
  std::vector<std::pair<std::string, std::string>> subnets;
  for (const auto& id : n.subnet_ids()) {
    auto s = r.subnets().find(id);
    subnets.emplace_back(s == r.subnets().end() ? "" : s->second.meta().created_at(),
                         id);
  }
  std::stable_sort(subnets.begin(), subnets.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  json ids = json::array();
  for (const auto& s : subnets) {
    ids.push_back(s.second);
  }
  out["subnets"] = ids;
  out["shared"] = n.shared();
  out["mtu"] = n.mtu();
  out["router:external"] = n.external();
  out["port_security_enabled"] = n.port_security_enabled();
  out["availability_zone_hints"] = json::array();
  out["availability_zones"] = json::array({"nova"});
  out["ipv4_address_scope"] = nullptr;
  out["ipv6_address_scope"] = nullptr;
  out["l2_adjacency"] = true;
  out["is_default"] = false;
  // Provider attributes are for admins only (Neutron's default policy).
  if (service::is_admin(caller)) {
    out["provider:network_type"] = n.network_type();
    out["provider:physical_network"] = nullable(n.physical_network());
    out["provider:segmentation_id"]
      = has_segmentation_ids(n.network_type()) ? json(n.segmentation_id())
                                               : json(nullptr);
  }
  return out;
}

json render_subnet(const pb::Subnet& s) {
  json out;
  write_meta(s.meta(), out);
  out["network_id"] = s.network_id();
  out["ip_version"] = s.ip_version();
  out["cidr"] = s.cidr();
  out["gateway_ip"] = nullable(s.gateway_ip());
  out["enable_dhcp"] = s.enable_dhcp();
  json pools = json::array();
  for (const auto& p : s.allocation_pools()) {
    pools.push_back({{"start", p.start()}, {"end", p.end()}});
  }
  out["allocation_pools"] = pools;
  out["dns_nameservers"] = json(std::vector<std::string>(
    s.dns_nameservers().begin(), s.dns_nameservers().end()));
  out["host_routes"] = routes_json(s.host_routes());
  out["subnetpool_id"] = nullable(s.subnetpool_id());
  out["ipv6_ra_mode"] = nullable(s.ipv6_ra_mode());
  out["ipv6_address_mode"] = nullable(s.ipv6_address_mode());
  out["service_types"] = json::array();
  out["segment_id"] = nullptr;
  return out;
}

json render_port(const pb::Port& p, const auth_context& caller) {
  json out;
  write_meta(p.meta(), out);
  out["network_id"] = p.network_id();
  out["mac_address"] = p.mac_address();
  out["admin_state_up"] = p.admin_state_up();
  out["status"] = p.status();
  out["device_id"] = p.device_id();
  out["device_owner"] = p.device_owner();
  out["fixed_ips"] = fixed_ips_json(p.fixed_ips());
  json pairs = json::array();
  for (const auto& a : p.allowed_address_pairs()) {
    pairs.push_back({{"ip_address", a.ip_address()},
                     {"mac_address", a.mac_address().empty() ? p.mac_address()
                                                             : a.mac_address()}});
  }
  out["allowed_address_pairs"] = pairs;
  out["extra_dhcp_opts"] = json::array();
  out["security_groups"] = json(std::vector<std::string>(
    p.security_group_ids().begin(), p.security_group_ids().end()));
  out["port_security_enabled"] = p.port_security_enabled();
  out["binding:vnic_type"] = p.vnic_type().empty() ? "normal" : p.vnic_type();
  out["ip_allocation"] = "immediate";
  out["propagate_uplink_status"] = false;
  // Binding details are for admins only (Neutron's default policy).
  if (service::is_admin(caller)) {
    bool bound = !p.host_id().empty();
    out["binding:host_id"] = p.host_id();
    out["binding:profile"] = json::object();
    out["binding:vif_type"] = bound ? "ovs" : "unbound";
    out["binding:vif_details"]
      = bound ? json{{"port_filter", true}, {"connectivity", "l2"},
                     {"bridge_name", "br-int"}, {"datapath_type", "netdev"},
                     {"ovs_hybrid_plug", false}}
              : json::object();
  }
  return out;
}

json render_router(const pb::Router& r, const auth_context& caller) {
  json out;
  write_meta(r.meta(), out);
  out["admin_state_up"] = r.admin_state_up();
  out["status"] = "ACTIVE";
  if (r.gateway_network_id().empty()) {
    out["external_gateway_info"] = nullptr;
  } else {
    out["external_gateway_info"]
      = {{"network_id", r.gateway_network_id()},
         {"enable_snat", r.enable_snat()},
         {"external_fixed_ips", fixed_ips_json(r.gateway_fixed_ips())}};
  }
  out["routes"] = routes_json(r.routes());
  out["availability_zone_hints"] = json::array();
  out["availability_zones"] = json::array({"nova"});
  out["flavor_id"] = nullptr;
  if (service::is_admin(caller)) {
    out["distributed"] = false;
    out["ha"] = false;
  }
  return out;
}

json render_floating_ip(const registry& r, const pb::FloatingIp& f) {
  json out;
  write_meta(f.meta(), out);
  out.erase("name");
  out["floating_network_id"] = f.floating_network_id();
  out["floating_ip_address"] = f.floating_ip_address();
  out["router_id"] = nullable(f.router_id());
  out["port_id"] = nullable(f.port_id());
  out["fixed_ip_address"] = nullable(f.fixed_ip_address());
  out["status"] = f.port_id().empty() ? "DOWN" : "ACTIVE";
  out["port_forwardings"] = json::array();
  auto p = r.ports().find(f.port_id());
  if (p == r.ports().end()) {
    out["port_details"] = nullptr;
  } else {
    const auto& port = p->second;
    out["port_details"] = {{"name", port.meta().name()},
                           {"network_id", port.network_id()},
                           {"mac_address", port.mac_address()},
                           {"admin_state_up", port.admin_state_up()},
                           {"status", port.status()},
                           {"device_id", port.device_id()},
                           {"device_owner", port.device_owner()}};
  }
  return out;
}

json render_rule(const pb::SecurityGroupRule& rule) {
  json out;
  write_meta(rule.meta(), out);
  out.erase("name");
  out.erase("tags");
  out["security_group_id"] = rule.security_group_id();
  out["direction"] = rule.direction();
  out["ethertype"] = rule.ethertype();
  out["protocol"] = nullable(rule.protocol());
  out["port_range_min"] = rule.has_port_range_min()
                            ? json(rule.port_range_min()) : json(nullptr);
  out["port_range_max"] = rule.has_port_range_max()
                            ? json(rule.port_range_max()) : json(nullptr);
  out["remote_ip_prefix"] = nullable(rule.remote_ip_prefix());
  out["remote_group_id"] = nullable(rule.remote_group_id());
  out["remote_address_group_id"] = nullptr;
  out["normalized_cidr"] = nullable(rule.remote_ip_prefix());
  return out;
}

json render_group(const registry& r, const pb::SecurityGroup& g) {
  json out;
  write_meta(g.meta(), out);
  out["stateful"] = g.stateful();
  out["shared"] = false;
  json rules = json::array();
  for (const auto& [id, rule] : r.rules()) {
    if (rule.security_group_id() == g.meta().id()) {
      rules.push_back(render_rule(rule));
    }
  }
  out["security_group_rules"] = rules;
  return out;
}

} // namespace strato::network::api
