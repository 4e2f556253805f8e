#include "drivers/network/security_flows.hpp"

#include <cstdio>

namespace strato::network {

namespace {

bool is_ipv6(const std::string& address) {
  return address.find(':') != std::string::npos;
}

std::string hex16(uint32_t value) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "0x%04x", value);
  return text.data();
}

/// The match of a rule's ethertype and protocol, or an error for an unknown
/// protocol.
result<std::string> protocol_match(const security_rule& rule) {
  bool v6 = rule.ethertype == "IPv6";
  if (!v6 && rule.ethertype != "IPv4") {
    return status{errc::invalid_argument, "ethertype must be IPv4 or IPv6"};
  }
  const auto& p = rule.protocol;
  if (p.empty() || p == "any") {
    return std::string{v6 ? "ipv6" : "ip"};
  }
  if (p == "tcp" || p == "6") {
    return std::string{v6 ? "tcp6" : "tcp"};
  }
  if (p == "udp" || p == "17") {
    return std::string{v6 ? "udp6" : "udp"};
  }
  if (p == "icmp" || p == "1" || p == "icmpv6" || p == "ipv6-icmp" || p == "58") {
    return std::string{v6 ? "icmp6" : "icmp"};
  }
  if (p.find_first_not_of("0123456789") == std::string::npos && p.size() <= 3
      && std::stoi(p) <= 255) {
    return std::string{v6 ? "ipv6" : "ip"} + ",nw_proto=" + p;
  }
  return status{errc::invalid_argument, "unknown protocol " + p};
}

/// One match string per value/mask needed for the rule's port range (one
/// with no port match when the rule has none).
result<std::vector<std::string>> rule_matches(const security_rule& rule) {
  auto proto = protocol_match(rule);
  if (!proto) {
    return proto.error();
  }
  std::string match = *proto;
  if (!rule.remote_ip_prefix.empty()) {
    bool v6 = rule.ethertype == "IPv6";
    auto field = rule.dir == direction::ingress ? (v6 ? "ipv6_src" : "nw_src")
                                                : (v6 ? "ipv6_dst" : "nw_dst");
    match += std::string{","} + field + "=" + rule.remote_ip_prefix;
  }
  bool icmp = match.rfind("icmp", 0) == 0;
  if (icmp) {
    if (rule.port_range_min) {
      match += ",icmp_type=" + std::to_string(*rule.port_range_min);
    }
    if (rule.port_range_max) {
      match += ",icmp_code=" + std::to_string(*rule.port_range_max);
    }
    return std::vector<std::string>{match};
  }
  bool ports = match.rfind("tcp", 0) == 0 || match.rfind("udp", 0) == 0;
  if (!ports || !rule.port_range_min) {
    return std::vector<std::string>{match};
  }
  auto high = rule.port_range_max.value_or(*rule.port_range_min);
  if (high < *rule.port_range_min) {
    return status{errc::invalid_argument, "port_range_max below port_range_min"};
  }
  std::vector<std::string> out;
  for (const auto& mask : port_masks(*rule.port_range_min, high)) {
    out.push_back(match + ",tp_dst=" + mask);
  }
  return out;
}

/// Anti-spoofing: what the port may send, by (MAC, address) pair.
std::vector<std::string> spoof_flows(const port_security& sec,
                                     const std::string& head) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& ip : sec.fixed_ips) {
    pairs.emplace_back(sec.mac, ip);
  }
  for (const auto& pair : sec.allowed_address_pairs) {
    pairs.emplace_back(pair.mac.empty() ? sec.mac : pair.mac, pair.ip_address);
  }
  std::vector<std::string> flows{
    head + "table=0,priority=110,udp,tp_src=67,tp_dst=68,actions=drop",
    head + "table=0,priority=110,udp6,tp_src=547,tp_dst=546,actions=drop",
    head + "table=0,priority=110,icmp6,icmp_type=134,actions=drop",
    head + "table=0,priority=105,dl_src=" + sec.mac
      + ",udp,nw_src=0.0.0.0,tp_src=68,tp_dst=67,actions=NORMAL",
    head + "table=0,priority=100,dl_src=" + sec.mac
      + ",ipv6,ipv6_src=fe80::/64,actions=ct(table=1)",
    head + "table=0,priority=90,actions=drop"};
  for (const auto& [mac, ip] : pairs) {
    auto src = "table=0,priority=100,dl_src=" + mac;
    if (is_ipv6(ip)) {
      flows.push_back(head + src + ",ipv6,ipv6_src=" + ip + ",actions=ct(table=1)");
      flows.push_back(head + src + ",icmp6,icmp_type=136,nd_target=" + ip
                      + ",actions=NORMAL");
    } else {
      flows.push_back(head + src + ",arp,arp_spa=" + ip + ",arp_sha=" + mac
                      + ",actions=NORMAL");
      flows.push_back(head + src + ",ip,nw_src=" + ip + ",actions=ct(table=1)");
    }
  }
  // Neighbour solicitations carry no source to check beyond the MAC.
  flows.push_back(head + "table=0,priority=100,dl_src=" + sec.mac
                  + ",icmp6,icmp_type=135,actions=NORMAL");
  return flows;
}

} // namespace

std::vector<std::string> port_masks(uint16_t low, uint16_t high) {
  std::vector<std::string> out;
  uint32_t start = low;
  while (start <= high) {
    // The largest aligned block that starts at `start` and ends by `high`.
    uint32_t size = 1;
    while ((start & ((size << 1) - 1)) == 0 && start + (size << 1) - 1 <= high
           && size < 0x10000) {
      size <<= 1;
    }
    out.push_back(size == 1 ? std::to_string(start)
                            : hex16(start) + "/" + hex16(0xffff & ~(size - 1)));
    start += size;
  }
  return out;
}

std::vector<std::string> base_flows() {
  return {"table=0,priority=1,ip,actions=ct(table=1)",
          "table=0,priority=1,ipv6,actions=ct(table=1)",
          "table=0,priority=0,actions=NORMAL",
          "table=1,priority=100,ct_state=+trk+est,actions=NORMAL",
          "table=1,priority=100,ct_state=+trk+rel,actions=NORMAL",
          "table=1,priority=100,ct_state=+trk+inv,actions=drop",
          "table=1,priority=0,actions=resubmit(,2)",
          "table=2,priority=0,actions=resubmit(,3)",
          // ct() needs an IP match: only IP traffic reaches this table.
          "table=3,priority=1,ip,actions=ct(commit),NORMAL",
          "table=3,priority=1,ipv6,actions=ct(commit),NORMAL",
          "table=3,priority=0,actions=NORMAL"};
}

result<std::vector<std::string>>
port_flows(const port_security& sec, int64_t ofport, const std::string& cookie) {
  if (!sec.port_security_enabled) {
    return std::vector<std::string>{};
  }
  if (sec.mac.empty()) {
    return status{errc::invalid_argument, "port security needs the port's MAC"};
  }
  auto in_port = "cookie=" + cookie + ",in_port=" + std::to_string(ofport) + ",";
  auto flows = spoof_flows(sec, in_port);
  flows.push_back(in_port + "table=2,priority=10,actions=drop");
  std::vector<std::string> macs{sec.mac};
  for (const auto& pair : sec.allowed_address_pairs) {
    if (!pair.mac.empty() && pair.mac != sec.mac) {
      macs.push_back(pair.mac);
    }
  }
  for (const auto& mac : macs) {
    flows.push_back("cookie=" + cookie + ",table=3,priority=10,dl_dst=" + mac
                    + ",actions=drop");
  }
  for (const auto& rule : sec.rules) {
    auto matches = rule_matches(rule);
    if (!matches) {
      return matches.error();
    }
    for (const auto& match : *matches) {
      if (rule.dir == direction::egress) {
        flows.push_back(in_port + "table=2,priority=50," + match
                        + ",actions=resubmit(,3)");
        continue;
      }
      for (const auto& mac : macs) {
        flows.push_back("cookie=" + cookie + ",table=3,priority=50,dl_dst=" + mac
                        + "," + match + ",actions=ct(commit),NORMAL");
      }
    }
  }
  return flows;
}

} // namespace strato::network
