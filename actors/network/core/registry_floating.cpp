#include "actors/network/core/registry_internal.hpp"

namespace strato::network {

using namespace internal;

namespace {

/// Fills router_id and fixed_ip_address of `fip` for its port_id, or says
/// why the port cannot have it.
status associate(const registry& reg, pb::FloatingIp& fip) {
  if (fip.port_id().empty()) {
    fip.clear_fixed_ip_address();
    fip.clear_router_id();
    return {};
  }
  auto port = reg.ports().find(fip.port_id());
  if (port == reg.ports().end()) {
    return not_found("PortNotFound", "Port", fip.port_id());
  }
  std::string subnet_id;
  std::string fixed = fip.fixed_ip_address();
  for (const auto& f : port->second.fixed_ips()) {
    auto ip = parse_ip(f.ip_address());
    bool wanted = fixed.empty() ? ip && ip->version == 4
                                : f.ip_address() == fixed;
    if (wanted) {
      fixed = f.ip_address();
      subnet_id = f.subnet_id();
      break;
    }
  }
  if (subnet_id.empty()) {
    return bad_request("Bad floatingip request: Port " + fip.port_id()
                       + (fip.fixed_ip_address().empty()
                            ? std::string{" does not have any IPv4 address."}
                            : " does not have fixed ip "
                                + fip.fixed_ip_address() + "."));
  }
  for (const auto& [oid, other] : reg.floating_ips()) {
    if (oid != fip.meta().id() && other.port_id() == fip.port_id()
        && other.fixed_ip_address() == fixed
        && other.floating_network_id() == fip.floating_network_id()) {
      return fault(errc::conflict, "FloatingIPPortAlreadyAssociated",
                   "Cannot associate floating IP "
                     + fip.floating_ip_address() + " (" + fip.meta().id()
                     + ") with port " + fip.port_id() + " using fixed IP "
                     + fixed + ", as that fixed IP already has a floating IP "
                     "on external network " + fip.floating_network_id() + ".");
    }
  }
  auto router = reg.router_for(fip.floating_network_id(), port->second);
  if (router.empty()) {
    return fault(errc::not_found, "ExternalGatewayForFloatingIPNotFound",
                 "External network " + fip.floating_network_id()
                   + " is not reachable from subnet " + subnet_id
                   + ".  Therefore, cannot associate Port " + fip.port_id()
                   + " with a Floating IP.");
  }
  fip.set_fixed_ip_address(fixed);
  fip.set_router_id(router);
  return {};
}

} // namespace

result<events> registry::decide_create_floating_ip(pb::FloatingIp draft,
                                                   const std::string& new_port_id,
                                                   std::mt19937_64& rng) const {
  auto net = networks_.find(draft.floating_network_id());
  if (net == networks_.end()) {
    return not_found("NetworkNotFound", "Network", draft.floating_network_id());
  }
  if (!net->second.external()) {
    return bad_request("Bad floatingip request: Network "
                       + draft.floating_network_id()
                       + " is not a valid external network.");
  }
  pb::Port port;
  port.mutable_meta()->set_id(new_port_id);
  port.mutable_meta()->set_created_at(draft.meta().created_at());
  port.mutable_meta()->set_updated_at(draft.meta().created_at());
  port.set_network_id(draft.floating_network_id());
  port.set_device_owner(std::string{owner_floatingip});
  port.set_device_id(draft.meta().id());
  std::vector<ip_request> ips;
  if (!draft.floating_ip_address().empty()) {
    ips.push_back({"", draft.floating_ip_address()});
  }
  auto made = system_port(*this, port, ips, !ips.empty(), rng);
  if (!made) {
    return made.error();
  }
  const auto& held = made->front().port_put();
  if (held.fixed_ips_size() == 0) {
    return fault(errc::conflict, "IpAddressGenerationFailure",
                 "No more IP addresses available on network "
                   + draft.floating_network_id() + ".");
  }
  draft.set_floating_ip_address(held.fixed_ips(0).ip_address());
  draft.set_floating_port_id(held.meta().id());
  if (auto st = associate(*this, draft); !st.ok()) {
    return st;
  }
  events out{put_event(draft)};
  out.insert(out.end(), made->begin(), made->end());
  return out;
}

result<events> registry::decide_update_floating_ip(pb::FloatingIp next) const {
  auto it = floating_ips_.find(next.meta().id());
  if (it == floating_ips_.end()) {
    return fault(errc::not_found, "FloatingIPNotFound",
                 "Floating IP " + next.meta().id() + " could not be found");
  }
  if (auto st = associate(*this, next); !st.ok()) {
    return st;
  }
  next.mutable_meta()->set_revision_number(
    it->second.meta().revision_number() + 1);
  return events{put_event(next)};
}

result<events> registry::decide_delete_floating_ip(const std::string& id) const {
  auto it = floating_ips_.find(id);
  if (it == floating_ips_.end()) {
    return fault(errc::not_found, "FloatingIPNotFound",
                 "Floating IP " + id + " could not be found");
  }
  events out;
  if (auto port = ports_.find(it->second.floating_port_id());
      port != ports_.end()) {
    out = delete_port_events(port->second);
  }
  event del;
  del.mutable_floating_ip_deleted()->set_id(id);
  out.push_back(del);
  return out;
}

} // namespace strato::network
