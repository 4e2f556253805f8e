#include "drivers/network/namespace_config.hpp"

#include <algorithm>
#include <array>

#include <arpa/inet.h>

namespace strato::network {

namespace {

bool is_ipv6(const std::string& address) {
  return address.find(':') != std::string::npos;
}

std::string host_name_of(const dhcp_host& host) {
  if (!host.hostname.empty()) {
    return host.hostname;
  }
  auto name = "host-" + host.ip_address;
  for (auto& c : name) {
    if (c == '.' || c == ':') {
      c = '-';
    }
  }
  return name;
}

std::string subnet_tag(const dhcp_subnet& subnet) {
  return "subnet-" + subnet.subnet_id;
}

/// Splits "a.b.c.d/len" into the address and the prefix length.
bool split_cidr(const std::string& cidr, std::string& address, int& length) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) {
    return false;
  }
  address = cidr.substr(0, slash);
  auto digits = cidr.substr(slash + 1);
  if (digits.empty() || digits.size() > 3
      || digits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  length = std::stoi(digits);
  return true;
}

} // namespace

result<std::string> ipv4_network_of(const std::string& cidr) {
  std::string address;
  int length = 0;
  in_addr parsed{};
  if (!split_cidr(cidr, address, length) || length > 32
      || ::inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
    return status{errc::invalid_argument, "not an IPv4 CIDR: " + cidr};
  }
  uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
  parsed.s_addr = htonl(ntohl(parsed.s_addr) & mask);
  std::array<char, INET_ADDRSTRLEN> text{};
  ::inet_ntop(AF_INET, &parsed, text.data(), text.size());
  return std::string{text.data()} + "/" + std::to_string(length);
}

std::string dnsmasq_hosts(const dhcp_config& config) {
  std::string text;
  for (const auto& host : config.hosts) {
    auto ip = is_ipv6(host.ip_address) ? "[" + host.ip_address + "]"
                                       : host.ip_address;
    text += host.mac + "," + host_name_of(host) + "," + ip + "\n";
  }
  return text;
}

std::string dnsmasq_opts(const dhcp_config& config) {
  std::string text;
  for (const auto& subnet : config.subnets) {
    if (is_ipv6(subnet.cidr)) {
      continue; // routers are announced by RA, not DHCPv6
    }
    auto tag = "tag:" + subnet_tag(subnet) + ",";
    text += tag + "option:router" + (subnet.gateway_ip.empty() ? "" : ","
                                                                  + subnet.gateway_ip)
            + "\n";
    if (!subnet.dns_nameservers.empty()) {
      text += tag + "option:dns-server";
      for (const auto& server : subnet.dns_nameservers) {
        text += "," + server;
      }
      text += "\n";
    }
    if (!subnet.host_routes.empty()) {
      // Classless routes replace the router option for clients that read
      // them (RFC 3442), so the default route is repeated among them.
      text += tag + "option:classless-static-route";
      for (const auto& route : subnet.host_routes) {
        text += "," + route.destination + "," + route.nexthop;
      }
      if (!subnet.gateway_ip.empty()) {
        text += ",0.0.0.0/0," + subnet.gateway_ip;
      }
      text += "\n";
    }
  }
  return text;
}

result<std::vector<std::string>>
dnsmasq_args(const dhcp_config& config, const std::string& interface,
             const dnsmasq_paths& paths) {
  std::vector<std::string> args{
    "--no-hosts", "--no-resolv", "--port=0", "--bind-interfaces",
    "--interface=" + interface, "--except-interface=lo",
    "--pid-file=" + paths.pid, "--dhcp-hostsfile=" + paths.hosts,
    "--dhcp-optsfile=" + paths.opts, "--dhcp-leasefile=" + paths.leases,
    "--log-facility=" + paths.log, "--dhcp-authoritative", "--leasefile-ro",
    // The state directory is root's alone; dnsmasq re-reads its files on
    // SIGHUP, after it would have dropped to "nobody".
    "--user=root"};
  for (const auto& subnet : config.subnets) {
    std::string address;
    int length = 0;
    if (!split_cidr(subnet.cidr, address, length)) {
      return status{errc::invalid_argument, "bad subnet CIDR " + subnet.cidr};
    }
    auto lease = std::to_string(config.lease_seconds) + "s";
    auto tag = "set:" + subnet_tag(subnet) + ",";
    if (is_ipv6(address)) {
      args.push_back("--dhcp-range=" + tag + address + ",static,"
                     + std::to_string(length) + "," + lease);
      continue;
    }
    auto network = ipv4_network_of(subnet.cidr);
    if (!network) {
      return network.error();
    }
    in_addr mask{};
    mask.s_addr = htonl(length == 0 ? 0 : ~uint32_t{0} << (32 - length));
    std::array<char, INET_ADDRSTRLEN> text{};
    ::inet_ntop(AF_INET, &mask, text.data(), text.size());
    args.push_back("--dhcp-range=" + tag
                   + network->substr(0, network->find('/')) + ",static,"
                   + text.data() + "," + lease);
  }
  if (config.mtu > 0) {
    args.push_back("--dhcp-option-force=option:mtu," + std::to_string(config.mtu));
  }
  return args;
}

std::string router_nat_table(const router_config& config,
                             const std::string& gateway) {
  std::string text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n"
                     ":OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n";
  if (config.gateway) {
    for (const auto& fip : config.floating_ips) {
      text += "-A PREROUTING -d " + fip.floating_ip + "/32 -j DNAT --to-destination "
              + fip.fixed_ip + "\n";
      text += "-A OUTPUT -d " + fip.floating_ip + "/32 -j DNAT --to-destination "
              + fip.fixed_ip + "\n";
      text += "-A POSTROUTING -s " + fip.fixed_ip + "/32 -o " + gateway
              + " -j SNAT --to-source " + fip.floating_ip + "\n";
    }
    auto& external = config.gateway->ip_cidrs;
    auto v4 = std::find_if(external.begin(), external.end(),
                           [](const std::string& c) { return !is_ipv6(c); });
    if (config.enable_snat && v4 != external.end()) {
      auto source = v4->substr(0, v4->find('/'));
      for (const auto& port : config.interfaces) {
        for (const auto& cidr : port.ip_cidrs) {
          auto network = ipv4_network_of(cidr);
          if (network) {
            text += "-A POSTROUTING -s " + *network + " -o " + gateway
                    + " -j SNAT --to-source " + source + "\n";
          }
        }
      }
    }
  }
  return text + "COMMIT\n";
}

} // namespace strato::network
