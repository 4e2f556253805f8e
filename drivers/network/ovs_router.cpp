// Routers of the ovs driver: a namespace per router with an interface per
// attached subnet ("qr-"), an optional gateway ("qg-") with the default
// route, static routes, and NAT through iptables-restore.

#include <filesystem>
#include <set>
#include <sstream>

#include "drivers/network/host_command.hpp"
#include "drivers/network/namespace_config.hpp"
#include "drivers/network/naming.hpp"
#include "drivers/network/ovs_network.hpp"

namespace strato::network {

namespace fs = std::filesystem;

namespace {

status outcome(const result<std::string>& done) {
  return done ? status{} : done.error();
}

} // namespace

std::vector<std::string> ovs_network::router_devices(const std::string& netns) {
  std::vector<std::string> names;
  auto listed = run_command({"ip", "-n", netns, "-o", "link", "show"});
  if (!listed) {
    return names;
  }
  // Lines read "7: qr-1234567890a@if8: <BROADCAST,...".
  std::istringstream lines{*listed};
  std::string line;
  while (std::getline(lines, line)) {
    auto start = line.find(": ");
    if (start == std::string::npos) {
      continue;
    }
    auto name = line.substr(start + 2, line.find_first_of("@:", start + 2) - start - 2);
    if (name.rfind("qr-", 0) == 0 || name.rfind("qg-", 0) == 0) {
      names.push_back(name);
    }
  }
  return names;
}

status ovs_network::ensure_router(const router_config& config) {
  std::lock_guard guard{mutex_};
  auto netns = netns_name("qrouter-", config.router_id);
  if (auto st = ensure_netns(netns); !st.ok()) {
    return st;
  }
  if (auto st = outcome(run_command(in_netns(
        netns, {"sysctl", "-q", "-w", "net.ipv4.ip_forward=1"})));
      !st.ok()) {
    return st;
  }
  std::set<std::string> wanted;
  for (const auto& port : config.interfaces) {
    wanted.insert(device_name("qr-", port.port_id));
    if (auto st = plug_namespace_port(netns, "qr-", port.network_id, port.port_id,
                                      port.mac, 0, port.ip_cidrs);
        !st.ok()) {
      return st;
    }
  }
  std::string gateway;
  if (config.gateway) {
    gateway = device_name("qg-", config.gateway->port_id);
    wanted.insert(gateway);
    auto cidrs = config.gateway->ip_cidrs;
    for (const auto& fip : config.floating_ips) {
      cidrs.push_back(fip.floating_ip + "/32");
    }
    if (auto st = plug_namespace_port(netns, "qg-", config.gateway->network_id,
                                      config.gateway->port_id, config.gateway->mac,
                                      0, cidrs);
        !st.ok()) {
      return st;
    }
    if (!config.gateway_ip.empty()) {
      if (auto st = outcome(run_command({"ip", "-n", netns, "route", "replace",
                                         "default", "via", config.gateway_ip,
                                         "dev", gateway}));
          !st.ok()) {
        return st;
      }
    }
  }
  // Interfaces removed from the router: their veth and OVS port go.
  for (const auto& device : router_devices(netns)) {
    if (!wanted.contains(device)) {
      ignore_error(outcome(run_command({"ip", "-n", netns, "link", "del", device})),
                   "the device may have gone with its peer");
      if (auto st = remove_port("tap" + device.substr(3)); !st.ok()) {
        return st;
      }
    }
  }
  for (const auto& route : config.routes) {
    if (auto st = outcome(run_command({"ip", "-n", netns, "route", "replace",
                                       route.destination, "via", route.nexthop}));
        !st.ok()) {
      return st;
    }
  }
  return outcome(run_command(in_netns(netns, {"iptables-restore"}),
                             router_nat_table(config, gateway)));
}

status ovs_network::remove_router(const std::string& router_id) {
  std::lock_guard guard{mutex_};
  auto netns = netns_name("qrouter-", router_id);
  if (!fs::exists("/run/netns/" + netns)) {
    return {};
  }
  for (const auto& device : router_devices(netns)) {
    if (auto st = remove_port("tap" + device.substr(3)); !st.ok()) {
      return st;
    }
  }
  return outcome(run_command({"ip", "netns", "del", netns}));
}

} // namespace strato::network
