#pragma once

/// The text files the DHCP and router namespaces run from: dnsmasq's
/// command line, hosts file and options file (as Neutron's DHCP agent writes
/// them), and the router's NAT table for `iptables-restore`. Pure functions:
/// no I/O, so they can be checked without namespaces.

#include <string>
#include <vector>

#include "drivers/network/network_driver.hpp"

namespace strato::network {

/// Where one network's dnsmasq keeps its files.
struct dnsmasq_paths {
  std::string hosts;
  std::string opts;
  std::string leases;
  std::string pid;
  std::string log;
};

/// "mac,host-10-0-0-5,10.0.0.5" lines (IPv6 addresses in brackets).
[[nodiscard]] std::string dnsmasq_hosts(const dhcp_config& config);
/// Per-subnet router, DNS servers and classless static routes, each tagged
/// with the subnet's `set:` tag from the dhcp-range.
[[nodiscard]] std::string dnsmasq_opts(const dhcp_config& config);
/// dnsmasq's arguments (without the binary) serving `interface`; only
/// static leases (addresses come from Neutron's IPAM, never from a pool).
[[nodiscard]] result<std::vector<std::string>>
dnsmasq_args(const dhcp_config& config, const std::string& interface,
             const dnsmasq_paths& paths);

/// The `*nat` table of a router: 1:1 DNAT/SNAT per floating IP, then SNAT
/// of the internal subnets to the gateway address when enabled. `gateway`
/// is the gateway device inside the namespace.
[[nodiscard]] std::string router_nat_table(const router_config& config,
                                           const std::string& gateway);

/// "10.0.0.0/24" for "10.0.0.7/24"; IPv4 only, errc::invalid_argument else.
[[nodiscard]] result<std::string> ipv4_network_of(const std::string& cidr);

} // namespace strato::network
