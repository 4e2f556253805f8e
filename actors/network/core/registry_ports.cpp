#include "actors/network/core/registry_internal.hpp"

#include <set>

namespace strato::network {

namespace internal {

status not_found(std::string_view type, std::string_view what,
                 const std::string& id) {
  return fault(errc::not_found, type,
               std::string{what} + " " + id + " could not be found.");
}

status invalid_input(std::string message) {
  return fault(errc::invalid_argument, "InvalidInput",
               "Invalid input for operation: " + std::move(message) + ".");
}

status bad_request(std::string message) {
  return fault(errc::invalid_argument, "BadRequest", std::move(message));
}

namespace {

/// The subnet of `network` that holds `ip`, or null.
const pb::Subnet* subnet_holding(const registry& reg,
                                 const pb::Network& network,
                                 const ip_address& ip) {
  for (const auto& sid : network.subnet_ids()) {
    const auto* ipam = reg.ipam(sid);
    if (ipam != nullptr && ipam->cidr().contains(ip)) {
      return &reg.subnets().at(sid);
    }
  }
  return nullptr;
}

bool held_by(const pb::Port* port, const std::string& subnet_id,
             const std::string& ip) {
  if (port == nullptr) {
    return false;
  }
  for (const auto& f : port->fixed_ips()) {
    if (f.subnet_id() == subnet_id && f.ip_address() == ip) {
      return true;
    }
  }
  return false;
}

class planner {
public:
  planner(const registry& reg, const pb::Network& net,
          const std::string& port_id, const pb::Port* current)
    : reg_(reg), net_(net), port_id_(port_id), current_(current) {
  }

  status add_specific(const std::string& subnet_hint, const std::string& text) {
    auto ip = parse_ip(text);
    const pb::Subnet* subnet = nullptr;
    if (ip) {
      subnet = subnet_hint.empty() ? subnet_holding(reg_, net_, *ip)
                                   : find_subnet(subnet_hint);
    }
    if (subnet == nullptr && !subnet_hint.empty() && ip) {
      return not_found("SubnetNotFound", "Subnet", subnet_hint);
    }
    if (!ip || subnet == nullptr) {
      return fault(errc::invalid_argument, "InvalidIpForNetwork",
                   "IP address " + text + " is not a valid IP for any of "
                   "the subnets on the specified network.");
    }
    const auto& sid = subnet->meta().id();
    const auto* ipam = reg_.ipam(sid);
    if (!ipam->assignable(*ip)) {
      return fault(errc::invalid_argument, "InvalidIpForSubnet",
                   "IP address " + text
                     + " is not a valid IP for the specified subnet.");
    }
    auto canonical = ip->to_string();
    bool mine = held_by(current_, sid, canonical);
    if ((ipam->allocated(*ip) && !mine) || taken_[sid].count(ip->value) != 0
        || (!mine && ip->to_string() == subnet->gateway_ip()
            && !gateway_allowed_)) {
      return fault(errc::conflict, "IpAddressAlreadyAllocated",
                   "IP address " + canonical + " already allocated in subnet "
                     + sid);
    }
    take(sid, *ip, mine);
    return {};
  }

  status add_any(const std::string& subnet_id) {
    const auto* subnet = find_subnet(subnet_id);
    if (subnet == nullptr) {
      return not_found("SubnetNotFound", "Subnet", subnet_id);
    }
    auto ip = reg_.ipam(subnet_id)->next_free(taken_[subnet_id]);
    if (!ip) {
      return fault(errc::conflict, "IpAddressGenerationFailure",
                   "No more IP addresses available on network "
                     + net_.meta().id() + ".");
    }
    take(subnet_id, *ip, false);
    return {};
  }

  /// One address per IP version, from the first subnet of it with room.
  status add_default() {
    for (int version : {4, 6}) {
      bool has_version = false;
      for (const auto& sid : net_.subnet_ids()) {
        const auto& s = reg_.subnets().at(sid);
        if (s.ip_version() != version) {
          continue;
        }
        has_version = true;
        if (reg_.ipam(sid)->next_free(taken_[sid])) {
          return_if_error(add_any(sid));
          has_version = false;
          break;
        }
      }
      if (has_version) {
        return fault(errc::conflict, "IpAddressGenerationFailure",
                     "No more IP addresses available on network "
                       + net_.meta().id() + ".");
      }
    }
    return first_error_;
  }

  void allow_gateway() {
    gateway_allowed_ = true;
  }

  ip_plan finish() {
    if (current_ != nullptr) {
      for (const auto& f : current_->fixed_ips()) {
        auto ip = parse_ip(f.ip_address());
        if (!ip || taken_[f.subnet_id()].count(ip->value) == 0) {
          plan_.releases.push_back(ip_released(f.subnet_id(), f.ip_address()));
        }
      }
    }
    return std::move(plan_);
  }

private:
  void return_if_error(status st) {
    if (!st.ok() && first_error_.ok()) {
      first_error_ = std::move(st);
    }
  }

  const pb::Subnet* find_subnet(const std::string& id) const {
    auto it = reg_.subnets().find(id);
    if (it == reg_.subnets().end() || it->second.network_id() != net_.meta().id()) {
      return nullptr;
    }
    return &it->second;
  }

  void take(const std::string& sid, const ip_address& ip, bool already_mine) {
    taken_[sid].insert(ip.value);
    pb::FixedIp f;
    f.set_subnet_id(sid);
    f.set_ip_address(ip.to_string());
    plan_.fixed_ips.push_back(f);
    if (!already_mine) {
      plan_.allocations.push_back(ip_allocated(sid, f.ip_address(), port_id_));
    }
  }

  const registry& reg_;
  const pb::Network& net_;
  const std::string& port_id_;
  const pb::Port* current_;
  std::map<std::string, std::set<u128>> taken_;
  ip_plan plan_;
  status first_error_;
  bool gateway_allowed_ = false;
};

} // namespace

result<ip_plan> plan_ips(const registry& reg, const pb::Network& network,
                         const std::vector<ip_request>& ips, bool ips_given,
                         const std::string& port_id, const pb::Port* current,
                         bool allow_gateway) {
  planner p{reg, network, port_id, current};
  if (allow_gateway) {
    p.allow_gateway();
  }
  if (!ips_given) {
    if (auto st = p.add_default(); !st.ok()) {
      return st;
    }
    return p.finish();
  }
  for (const auto& req : ips) {
    auto st = req.ip_address.empty() ? p.add_any(req.subnet_id)
                                     : p.add_specific(req.subnet_id,
                                                      req.ip_address);
    if (!st.ok()) {
      return st;
    }
  }
  return p.finish();
}

events delete_port_events(const pb::Port& port) {
  events out;
  for (const auto& f : port.fixed_ips()) {
    out.push_back(ip_released(f.subnet_id(), f.ip_address()));
  }
  event del;
  del.mutable_port_deleted()->set_id(port.meta().id());
  out.push_back(del);
  return out;
}

} // namespace internal

using namespace internal;

result<events> registry::decide_create_port(pb::Port draft,
                                            const std::vector<ip_request>& ips,
                                            bool ips_given,
                                            std::mt19937_64& rng) const {
  auto net = networks_.find(draft.network_id());
  if (net == networks_.end()) {
    return not_found("NetworkNotFound", "Network", draft.network_id());
  }
  if (draft.mac_address().empty()) {
    auto mac = macs_.generate(rng);
    if (!mac) {
      return fault(errc::conflict, "MacAddressGenerationFailure",
                   "Unable to generate unique mac on network "
                     + draft.network_id() + ".");
    }
    draft.set_mac_address(*mac);
  } else {
    auto mac = parse_mac(draft.mac_address());
    if (!mac) {
      return invalid_input("'" + draft.mac_address()
                           + "' is not a valid MAC address");
    }
    if (macs_.in_use(*mac)) {
      return fault(errc::conflict, "MacAddressInUse",
                   "Unable to complete operation for network "
                     + draft.network_id() + ". The mac address "
                     + draft.mac_address() + " is in use.");
    }
    draft.set_mac_address(format_mac(*mac));
  }
  for (const auto& gid : draft.security_group_ids()) {
    if (groups_.count(gid) == 0) {
      return not_found("SecurityGroupNotFound", "Security group", gid);
    }
  }
  auto plan = plan_ips(*this, net->second, ips, ips_given,
                       draft.meta().id(), nullptr);
  if (!plan) {
    return plan.error();
  }
  draft.clear_fixed_ips();
  for (auto& f : plan->fixed_ips) {
    *draft.add_fixed_ips() = f;
  }
  events out{put_event(draft)};
  out.insert(out.end(), plan->allocations.begin(), plan->allocations.end());
  return out;
}

result<events>
registry::decide_update_port(pb::Port next,
                             const std::optional<std::vector<ip_request>>& ips) const {
  auto it = ports_.find(next.meta().id());
  if (it == ports_.end()) {
    return not_found("PortNotFound", "Port", next.meta().id());
  }
  const auto& cur = it->second;
  if (next.mac_address() != cur.mac_address()) {
    auto mac = parse_mac(next.mac_address());
    if (!mac) {
      return invalid_input("'" + next.mac_address()
                           + "' is not a valid MAC address");
    }
    if (macs_.in_use(*mac)) {
      return fault(errc::conflict, "MacAddressInUse",
                   "Unable to complete operation for network "
                     + cur.network_id() + ". The mac address "
                     + next.mac_address() + " is in use.");
    }
  }
  for (const auto& gid : next.security_group_ids()) {
    if (groups_.count(gid) == 0) {
      return not_found("SecurityGroupNotFound", "Security group", gid);
    }
  }
  events out;
  events tail;
  if (ips) {
    auto plan = plan_ips(*this, networks_.at(cur.network_id()), *ips, true,
                         cur.meta().id(), &cur);
    if (!plan) {
      return plan.error();
    }
    next.clear_fixed_ips();
    for (auto& f : plan->fixed_ips) {
      *next.add_fixed_ips() = f;
    }
    out = plan->releases;
    tail = plan->allocations;
  } else {
    *next.mutable_fixed_ips() = cur.fixed_ips();
  }
  next.mutable_meta()->set_revision_number(cur.meta().revision_number() + 1);
  out.push_back(put_event(next));
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

result<events> registry::decide_delete_port(const std::string& id,
                                            bool direct) const {
  auto it = ports_.find(id);
  if (it == ports_.end()) {
    return not_found("PortNotFound", "Port", id);
  }
  const auto& port = it->second;
  auto owner = port.device_owner();
  if (direct
      && (owner == owner_router_interface || owner == owner_router_gateway
          || owner == owner_floatingip)) {
    return fault(errc::conflict, "ServicePortInUse",
                 "Port " + id + " cannot be deleted directly via the port "
                 "API: has device owner " + owner + ".");
  }
  events out;
  // Neutron disassociates the floating IPs of a deleted port.
  for (const auto& [fid, fip] : floating_ips_) {
    if (fip.port_id() == id) {
      auto next = fip;
      next.clear_port_id();
      next.clear_fixed_ip_address();
      next.clear_router_id();
      next.mutable_meta()->set_revision_number(fip.meta().revision_number() + 1);
      out.push_back(put_event(next));
    }
  }
  auto del = delete_port_events(port);
  out.insert(out.end(), del.begin(), del.end());
  return out;
}

} // namespace strato::network
