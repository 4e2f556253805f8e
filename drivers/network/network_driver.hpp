#pragma once

/// The host side of Neutron networking as the network actors see it: an
/// integration bridge, one segment per project network, instance ports on
/// that bridge with their security flows, a DHCP server per network and
/// routers, each in its own network namespace.
///
/// Affinity: every call blocks (OVSDB round trips, `ip`, `ovs-ofctl`,
/// starting dnsmasq), so callers run them on the blocking pool and turn the
/// outcome into a message. A driver is thread-safe: calls for different ports,
/// networks and routers may run at once.
///
/// Idempotency: every `ensure_*`/`plug_*`/`apply_*` converges the host to the
/// argument (calling it twice is the same as once; a changed argument
/// replaces the old state), and every remove/unplug/delete of something that
/// is not there succeeds, so that a command retried after a crash completes.
/// The driver keeps no durable state: after a restart the callers re-ensure
/// what their events say exists (segments first, then ports, DHCP, routers).
///
/// Errors: errc::invalid_argument (malformed id, CIDR, MAC or rule),
/// errc::not_found (plugging into a network whose segment was never
/// ensured), errc::unavailable (ovsdb-server, ovs-vswitchd, `ip` or dnsmasq
/// failed or is missing), errc::timeout (no OVSDB answer in time).
///
/// Kinds: "noop" (does nothing and succeeds; benchmarks and API-only nodes)
/// and "ovs" (OVSDB over unix socket or TCP, `ovs-ofctl`, `ip netns`,
/// dnsmasq, iptables). `make_network_driver` picks one.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::network {

enum class segment_type : uint8_t {
  flat = 0,  ///< Untagged; one per host bridge.
  vlan = 1,  ///< Port tag = segmentation id.
  vxlan = 2, ///< Tunnel key = segmentation id; a host-local tag on br-int.
};

/// A project network's L2 segment on this host.
struct segment {
  std::string network_id;
  segment_type type = segment_type::vlan;
  uint32_t segmentation_id = 0; ///< VLAN 1-4094 or VNI 1-16777215.
  uint32_t mtu = 1500;
};

enum class interface_kind : uint8_t {
  system = 0,   ///< The device exists already (a tap or a veth end).
  internal = 1, ///< ovs-vswitchd creates it (type=internal).
  tap = 2,      ///< ovs-vswitchd creates a tap (type=tap, userspace datapath).
};

/// An instance's port on this host.
struct port_plug {
  std::string port_id;    ///< Neutron port id -> external_ids:iface-id.
  std::string network_id; ///< Its segment must have been ensured.
  std::string mac;        ///< -> external_ids:attached-mac.
  std::string device;     ///< Host device; empty means tap_name(port_id).
  interface_kind kind = interface_kind::system;
  std::string device_id; ///< Instance uuid -> external_ids:vm-uuid.
};

/// A remote host that carries VXLAN segments.
struct tunnel_endpoint {
  std::string network_id; ///< A vxlan segment that was ensured.
  std::string remote_ip;  ///< The other host's tunnel address.
};

enum class direction : uint8_t { ingress = 0, egress = 1 };

/// One Neutron security group rule, from the port's point of view. Remote
/// groups are expanded by the caller into one rule per member address.
struct security_rule {
  direction dir = direction::ingress;
  std::string ethertype = "IPv4"; ///< "IPv4" or "IPv6".
  std::string protocol;           ///< "" (any), "tcp", "udp", "icmp", or a number.
  std::optional<uint16_t> port_range_min; ///< ICMP: type.
  std::optional<uint16_t> port_range_max; ///< ICMP: code.
  std::string remote_ip_prefix;           ///< CIDR; "" is any.
};

struct address_pair {
  std::string ip_address; ///< An address or CIDR.
  std::string mac;        ///< Empty means the port's own MAC.
};

/// What a plugged port may send and receive: anti-spoofing (its MAC and
/// addresses only, no DHCP server replies, no router advertisements) and
/// the rules of its security groups. Without port security, no filtering.
struct port_security {
  std::string port_id;
  std::string mac;
  std::vector<std::string> fixed_ips; ///< Plain addresses.
  std::vector<address_pair> allowed_address_pairs;
  bool port_security_enabled = true;
  std::vector<security_rule> rules;
};

struct host_route {
  std::string destination; ///< CIDR.
  std::string nexthop;
};

struct dhcp_subnet {
  std::string subnet_id;
  std::string cidr;
  std::string gateway_ip; ///< Empty: no default route offered.
  std::vector<std::string> dns_nameservers;
  std::vector<host_route> host_routes;
};

struct dhcp_host {
  std::string port_id;
  std::string mac;
  std::string ip_address;
  std::string hostname; ///< Empty: "host-" + dashed address, as Neutron does.
};

/// The DHCP server of one network: its own port (a veth pair, the inner end
/// in the namespace) and the hosts it answers, one per fixed IP.
struct dhcp_config {
  std::string network_id;
  std::string port_id;                  ///< The network:dhcp port.
  std::string mac;
  std::vector<std::string> ip_cidrs;    ///< "10.0.0.2/24", one per subnet.
  std::vector<dhcp_subnet> subnets;     ///< Only subnets with DHCP enabled.
  std::vector<dhcp_host> hosts;
  uint32_t lease_seconds = 86400;
  uint32_t mtu = 1500;
};

/// A router port: network:router_interface or network:router_gateway.
struct router_port {
  std::string port_id;
  std::string network_id;
  std::string mac;
  std::vector<std::string> ip_cidrs; ///< "10.0.0.1/24".
};

struct floating_ip_mapping {
  std::string floating_ip;
  std::string fixed_ip;
};

/// A router namespace converged to: its interfaces, an optional external
/// gateway (default route via `gateway_ip`, SNAT of the internal subnets to
/// the gateway address when `enable_snat`), static routes and floating IPs
/// (DNAT + SNAT 1:1).
struct router_config {
  std::string router_id;
  std::vector<router_port> interfaces;
  std::optional<router_port> gateway;
  std::string gateway_ip; ///< The external subnet's gateway.
  bool enable_snat = true;
  std::vector<host_route> routes;
  std::vector<floating_ip_mapping> floating_ips;
};

/// An Interface row of the integration bridge that gained or lost an
/// ofport: the hypervisor created (or removed) the device of a port.
struct interface_event {
  enum class change : uint8_t { appeared = 0, removed = 1 };
  change what = change::appeared;
  std::string port_id; ///< external_ids:iface-id; empty if not a Neutron port.
  std::string name;    ///< The device name.
  std::string mac;     ///< external_ids:attached-mac.
  int64_t ofport = -1;
};

class network_driver {
public:
  virtual ~network_driver() = default;

  /// Creates the integration bridge (and the Open_vSwitch root row's
  /// reference to it) unless it exists.
  [[nodiscard]] virtual status ensure_bridge() = 0;

  /// Records a network's segment; returns the local VLAN tag its ports get
  /// on the integration bridge.
  [[nodiscard]] virtual result<uint16_t> ensure_segment(const segment& seg) = 0;
  [[nodiscard]] virtual status delete_segment(const std::string& network_id) = 0;

  /// Adds the OVS Port/Interface of an instance port, tagged with its
  /// network's local VLAN; re-plugging with a new device or network moves it.
  [[nodiscard]] virtual status plug_port(const port_plug& port) = 0;
  [[nodiscard]] virtual status unplug_port(const std::string& port_id) = 0;

  /// A VXLAN port to `remote_ip` carrying the network's VNI.
  [[nodiscard]] virtual status ensure_tunnel(const tunnel_endpoint& tunnel) = 0;
  [[nodiscard]] virtual status delete_tunnel(const tunnel_endpoint& tunnel) = 0;

  /// Replaces the port's OpenFlow rules; the port must be plugged.
  [[nodiscard]] virtual status apply_port_security(const port_security& sec) = 0;

  /// Starts or reloads the network's dnsmasq in its namespace.
  [[nodiscard]] virtual status ensure_dhcp(const dhcp_config& config) = 0;
  [[nodiscard]] virtual status remove_dhcp(const std::string& network_id) = 0;

  [[nodiscard]] virtual status ensure_router(const router_config& config) = 0;
  [[nodiscard]] virtual status remove_router(const std::string& router_id) = 0;

  /// Calls `listener` on a driver thread for each interface change on the
  /// bridge, starting with the interfaces that exist now. One listener; a
  /// second call replaces the first.
  [[nodiscard]] virtual status
  watch_interfaces(std::function<void(const interface_event&)> listener) = 0;
};

struct driver_config {
  std::string kind = "noop"; ///< "noop" or "ovs".
  /// OVSDB remote: "unix:/run/openvswitch/db.sock" or "tcp:127.0.0.1:6640".
  std::string ovsdb = "unix:/run/openvswitch/db.sock";
  std::string integration_bridge = "br-int";
  /// "" (the kernel datapath) or "netdev" (the userspace datapath).
  std::string datapath_type;
  /// Where `ovs-ofctl` finds ovs-vswitchd (its OVS_RUNDIR); "" is the default.
  std::string ovs_rundir;
  /// The namespace ovs-vswitchd runs in ("" is this process's); bridge-side
  /// veth ends of DHCP and router ports are created there.
  std::string host_netns;
  /// Prefix of the namespaces the driver creates ("qdhcp-", "qrouter-"
  /// follow it), so that tests never touch an operator's namespaces.
  std::string netns_prefix;
  /// dnsmasq configuration, host files, leases and pid files.
  std::string state_dir = "/var/lib/strato/network";
  /// This host's tunnel source address for VXLAN ports.
  std::string local_ip;
  std::chrono::milliseconds timeout{10000};
};

/// "tap" + the first 11 characters of the port id, as Nova and Neutron name
/// an instance's device (at most 14 characters, under IFNAMSIZ).
[[nodiscard]] std::string tap_name(const std::string& port_id);

[[nodiscard]] result<std::unique_ptr<network_driver>>
make_network_driver(const driver_config& config);

} // namespace strato::network
