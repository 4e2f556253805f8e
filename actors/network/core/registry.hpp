#pragma once

/// The Neutron registry: every network, subnet, port, router, floating IP
/// and security group of the node, with the allocators that must never hand
/// out anything twice (addresses per subnet, MACs, segmentation ids).
///
/// Pure state and decisions, no CAF and no I/O. The entity (registry_entity)
/// is its one writer: each `decide_*` checks a command against the current
/// state and returns the events that carry it out, or a fault in Neutron's
/// terms; nothing changes until the entity persists the events and applies
/// them. `apply` is total and has no side effects, so replay is a fold.
/// Allocations are events of their own (IpAllocated, SegmentAllocated, ...),
/// written in the same append as the record that holds them.

#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "actors/network/core/ipam.hpp"
#include "actors/network/core/mac_address.hpp"
#include "actors/network/core/segments.hpp"
#include "runtime/core/error.hpp"
#include "strato/network/v1/network.pb.h"

namespace strato::network {

namespace pb = strato::network::v1;
using event = pb::NetworkEvent;
using events = std::vector<event>;

/// A refusal with Neutron's exception name ("NetworkInUse"), which its error
/// body carries as "type"; `split_fault` takes it apart again.
[[nodiscard]] status fault(errc code, std::string_view type,
                           std::string message);
struct fault_parts {
  std::string type;
  std::string message;
};
[[nodiscard]] fault_parts split_fault(const status& st);

/// One entry of a port's requested `fixed_ips`.
struct ip_request {
  std::string subnet_id;
  std::string ip_address;
};

/// Device owners Neutron gives the ports it makes itself.
inline constexpr std::string_view owner_router_interface
  = "network:router_interface";
inline constexpr std::string_view owner_router_gateway
  = "network:router_gateway";
inline constexpr std::string_view owner_floatingip = "network:floatingip";
inline constexpr std::string_view owner_dhcp = "network:dhcp";

class registry {
public:
  explicit registry(segment_ranges ranges = {});

  void apply(const event& ev);
  [[nodiscard]] pb::RegistrySnapshot snapshot() const;
  void restore(const pb::RegistrySnapshot& snap);

  // -- reads ---------------------------------------------------------------
  template <class T>
  using table = std::map<std::string, T>;
  [[nodiscard]] const table<pb::Network>& networks() const { return networks_; }
  [[nodiscard]] const table<pb::Subnet>& subnets() const { return subnets_; }
  [[nodiscard]] const table<pb::Port>& ports() const { return ports_; }
  [[nodiscard]] const table<pb::Router>& routers() const { return routers_; }
  [[nodiscard]] const table<pb::FloatingIp>& floating_ips() const {
    return floating_ips_;
  }
  [[nodiscard]] const table<pb::SecurityGroup>& security_groups() const {
    return groups_;
  }
  [[nodiscard]] const table<pb::SecurityGroupRule>& rules() const {
    return rules_;
  }
  [[nodiscard]] const subnet_ipam* ipam(const std::string& subnet_id) const;
  [[nodiscard]] const segment_allocator& segments() const { return segments_; }
  [[nodiscard]] const mac_registry& macs() const { return macs_; }
  /// The project's "default" security group, if it has one yet.
  [[nodiscard]] const pb::SecurityGroup*
  default_group(const std::string& project_id) const;

  // -- decisions (registry_networks.cpp) -------------------------------------
  /// `draft` has its meta and attributes set; a project network without
  /// provider attributes gets the tenant type and the next free id.
  [[nodiscard]] result<events> decide_create_network(pb::Network draft) const;
  [[nodiscard]] result<events> decide_update_network(pb::Network next) const;
  [[nodiscard]] result<events> decide_delete_network(const std::string& id) const;
  [[nodiscard]] result<events> decide_create_subnet(pb::Subnet draft) const;
  [[nodiscard]] result<events> decide_update_subnet(pb::Subnet next) const;
  [[nodiscard]] result<events> decide_delete_subnet(const std::string& id) const;

  // -- decisions (registry_ports.cpp) ----------------------------------------
  /// An empty `ips` with `ips_given` false asks for one address per IP
  /// version from the network's subnets; a draft without MAC gets one.
  [[nodiscard]] result<events>
  decide_create_port(pb::Port draft, const std::vector<ip_request>& ips,
                     bool ips_given, std::mt19937_64& rng) const;
  /// `ips` replaces the port's fixed IPs when given.
  [[nodiscard]] result<events>
  decide_update_port(pb::Port next,
                     const std::optional<std::vector<ip_request>>& ips) const;
  /// `direct` is a DELETE on the port API, which may not remove ports
  /// routers own.
  [[nodiscard]] result<events> decide_delete_port(const std::string& id,
                                                  bool direct) const;

  // -- decisions (registry_routers.cpp) --------------------------------------
  [[nodiscard]] result<events> decide_create_router(
    pb::Router draft, std::mt19937_64& rng, const std::string& now) const;
  /// Sets or clears the external gateway and the routes.
  [[nodiscard]] result<events> decide_update_router(
    pb::Router next, std::mt19937_64& rng, const std::string& now) const;
  [[nodiscard]] result<events> decide_delete_router(const std::string& id) const;
  /// Exactly one of subnet_id and port_id is set; `port_id_out` names the
  /// interface port.
  [[nodiscard]] result<events> decide_add_interface(
    const std::string& router_id, const std::string& subnet_id,
    const std::string& port_id, const std::string& new_port_id,
    std::mt19937_64& rng, const std::string& now) const;
  [[nodiscard]] result<events> decide_remove_interface(
    const std::string& router_id, const std::string& subnet_id,
    const std::string& port_id) const;
  [[nodiscard]] result<events> decide_create_floating_ip(
    pb::FloatingIp draft, const std::string& new_port_id,
    std::mt19937_64& rng) const;
  /// Associates with `next.port_id()` or, when empty, disassociates.
  [[nodiscard]] result<events> decide_update_floating_ip(pb::FloatingIp next) const;
  [[nodiscard]] result<events> decide_delete_floating_ip(const std::string& id) const;

  // -- decisions (registry_security.cpp) -------------------------------------
  /// Creates the project's default group (ingress only from its members,
  /// all egress) unless it exists; no events if it does.
  [[nodiscard]] events ensure_default_group(const std::string& project_id,
                                            const std::string& now) const;
  /// A new group with Neutron's two default egress rules.
  [[nodiscard]] result<events> decide_create_group(pb::SecurityGroup draft) const;
  [[nodiscard]] result<events> decide_update_group(pb::SecurityGroup next) const;
  [[nodiscard]] result<events> decide_delete_group(const std::string& id,
                                                   bool admin) const;
  [[nodiscard]] result<events> decide_create_rule(pb::SecurityGroupRule draft) const;
  [[nodiscard]] result<events> decide_delete_rule(const std::string& id) const;

  /// Where the floating IP's port reaches the external network: the router
  /// with a gateway on `floating_network_id` and an interface on a subnet of
  /// `port`; empty when none.
  [[nodiscard]] std::string router_for(const std::string& floating_network_id,
                                       const pb::Port& port) const;

private:
  friend struct registry_internal;
  void apply_subnet(const pb::Subnet& s);
  void apply_port(const pb::Port& p);

  segment_allocator segments_;
  mac_registry macs_;
  table<pb::Network> networks_;
  table<pb::Subnet> subnets_;
  table<pb::Port> ports_;
  table<pb::Router> routers_;
  table<pb::FloatingIp> floating_ips_;
  table<pb::SecurityGroup> groups_;
  table<pb::SecurityGroupRule> rules_;
  std::map<std::string, subnet_ipam> ipams_;
  std::map<std::string, std::string> default_groups_; // project -> group
};

/// Builders for events.
[[nodiscard]] event put_event(const pb::Network& r);
[[nodiscard]] event put_event(const pb::Subnet& r);
[[nodiscard]] event put_event(const pb::Port& r);
[[nodiscard]] event put_event(const pb::Router& r);
[[nodiscard]] event put_event(const pb::FloatingIp& r);
[[nodiscard]] event put_event(const pb::SecurityGroup& r);
[[nodiscard]] event put_event(const pb::SecurityGroupRule& r);
[[nodiscard]] event ip_allocated(const std::string& subnet_id,
                                 const std::string& ip,
                                 const std::string& port_id);
[[nodiscard]] event ip_released(const std::string& subnet_id,
                                const std::string& ip);

} // namespace strato::network
