#pragma once

/// The OpenFlow pipeline that enforces anti-spoofing and security groups on
/// the integration bridge, as `ovs-ofctl add-flows` text. Pure functions:
/// no I/O, so the flows can be checked without ovs-vswitchd.
///
///   table 0  classify: a protected port may send only from its MAC and
///            addresses (ARP included), never DHCP offers or router
///            advertisements; its IP traffic goes through conntrack.
///   table 1  conntrack: established/related pass, invalid drops, new
///            connections go on to the rules.
///   table 2  egress: rules of the sending port (match in_port), default drop.
///   table 3  ingress: rules of the receiving port (match dl_dst), default
///            drop; an allowed connection is committed, then NORMAL switching.
/// Ports without flows (DHCP and router ports) pass tables 2 and 3.

#include <cstdint>
#include <string>
#include <vector>

#include "drivers/network/network_driver.hpp"

namespace strato::network {

/// The flows every bridge needs once, whatever the ports.
[[nodiscard]] std::vector<std::string> base_flows();

/// The flows of one port, all marked with `cookie` so that they can be
/// replaced or deleted together. Empty when port security is off.
[[nodiscard]] result<std::vector<std::string>>
port_flows(const port_security& sec, int64_t ofport, const std::string& cookie);

/// Covers [low, high] with value/mask pairs ("0x0050/0xfff0"), as OpenFlow
/// matches ports by mask and not by range.
[[nodiscard]] std::vector<std::string> port_masks(uint16_t low, uint16_t high);

} // namespace strato::network
