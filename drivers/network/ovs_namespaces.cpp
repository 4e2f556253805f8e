// DHCP servers and routers of the ovs driver, each in a network namespace
// joined to the integration bridge by a veth pair: the bridge-side end
// ("tap" + port id) is an OVS port with the network's tag, the inner end
// ("ns-", "qr-", "qg-" + port id) carries the addresses.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/network/host_command.hpp"
#include "drivers/network/namespace_config.hpp"
#include "drivers/network/naming.hpp"
#include "drivers/network/ovs_network.hpp"
#include "drivers/network/ovsdb/values.hpp"

namespace strato::network {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

status write_file(const fs::path& path, const std::string& text) {
  std::ofstream out{path, std::ios::trunc};
  out << text;
  out.close();
  return out ? status{} : status{errc::unavailable, "cannot write " + path.string()};
}

/// The pid in `pid_file` if that process is alive and is dnsmasq.
pid_t running_dnsmasq(const fs::path& pid_file) {
  auto text = slurp(pid_file);
  if (text.empty() || text.find_first_not_of("0123456789\n") != std::string::npos) {
    return 0;
  }
  auto pid = static_cast<pid_t>(std::stol(text));
  auto cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  return cmdline.find("dnsmasq") != std::string::npos ? pid : 0;
}

/// SIGTERM, then up to two seconds for the process to go (a zombie
/// counts as gone), so that a restarted dnsmasq finds its port free.
void stop_process(pid_t pid) {
  ::kill(pid, SIGTERM);
  auto proc = "/proc/" + std::to_string(pid) + "/stat";
  for (int i = 0; i < 200; ++i) {
    auto stat = slurp(proc);
    auto state = stat.find(") ");
    if (stat.empty() || (state != std::string::npos && stat[state + 2] == 'Z')) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

status outcome(const result<std::string>& done) {
  return done ? status{} : done.error();
}

} // namespace

std::string ovs_network::netns_name(const std::string& kind,
                                    const std::string& id) const {
  return config_.netns_prefix + kind + id;
}

std::vector<std::string> ovs_network::host_ip(std::vector<std::string> args) const {
  std::vector<std::string> argv{"ip"};
  if (!config_.host_netns.empty()) {
    argv.insert(argv.end(), {"-n", config_.host_netns});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

status ovs_network::ensure_netns(const std::string& netns) {
  if (fs::exists("/run/netns/" + netns)) {
    return {};
  }
  if (auto st = outcome(run_command({"ip", "netns", "add", netns})); !st.ok()) {
    return st;
  }
  return outcome(run_command({"ip", "-n", netns, "link", "set", "lo", "up"}));
}

status ovs_network::ensure_veth(const std::string& outer, const std::string& inner,
                                const std::string& netns, const std::string& mac,
                                uint32_t mtu) {
  if (!run_command(host_ip({"link", "show", outer}))) {
    auto added = run_command(host_ip({"link", "add", outer, "type", "veth", "peer",
                                      "name", inner, "netns", netns}));
    if (!added) {
      return added.error();
    }
  }
  auto mtu_text = std::to_string(mtu == 0 ? 1500 : mtu);
  if (auto st = outcome(run_command({"ip", "-n", netns, "link", "set", inner,
                                     "address", mac, "mtu", mtu_text, "up"}));
      !st.ok()) {
    return st;
  }
  // The userspace datapath does not complete checksums a veth offloads.
  if (have_program("ethtool")) {
    ignore_error(outcome(run_command(in_netns(netns, {"ethtool", "-K", inner, "tx", "off"}))),
                 "offload only matters for the userspace datapath");
  }
  return outcome(run_command(host_ip({"link", "set", outer, "mtu", mtu_text, "up"})));
}

status ovs_network::plug_namespace_port(const std::string& netns,
                                        const std::string& inner_prefix,
                                        const std::string& network_id,
                                        const std::string& port_id,
                                        const std::string& mac, uint32_t mtu,
                                        const std::vector<std::string>& cidrs) {
  auto tag = tag_of(network_id);
  if (!tag) {
    return tag.error();
  }
  auto outer = tap_name(port_id);
  auto inner = device_name(inner_prefix, port_id);
  if (auto st = ensure_veth(outer, inner, netns, mac, mtu); !st.ok()) {
    return st;
  }
  for (const auto& cidr : cidrs) {
    if (auto st = outcome(run_command({"ip", "-n", netns, "addr", "replace", cidr,
                                       "dev", inner}));
        !st.ok()) {
      return st;
    }
  }
  std::map<std::string, std::string> ids{{"iface-id", port_id}, {"attached-mac", mac}};
  auto st = put_port(outer, "", *tag, ovsdb::json{{"external_ids", ovsdb::map(ids)}});
  if (st.ok()) {
    port_devices_[port_id] = outer;
  }
  return st;
}

status ovs_network::ensure_dhcp(const dhcp_config& config) {
  std::lock_guard guard{mutex_};
  auto netns = netns_name("qdhcp-", config.network_id);
  auto dir = fs::path{config_.state_dir} / "dhcp" / config.network_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  dnsmasq_paths paths{(dir / "hosts").string(), (dir / "opts").string(),
                      (dir / "leases").string(), (dir / "pid").string(),
                      (dir / "log").string()};
  auto interface = device_name("ns-", config.port_id);
  auto args = dnsmasq_args(config, interface, paths);
  if (!args) {
    return args.error();
  }
  for (const auto& st :
       {ensure_netns(netns),
        plug_namespace_port(netns, "ns-", config.network_id, config.port_id,
                            config.mac, config.mtu, config.ip_cidrs),
        write_file(paths.hosts, dnsmasq_hosts(config)),
        write_file(paths.opts, dnsmasq_opts(config)),
        write_file(dir / "port", config.port_id)}) {
    if (!st.ok()) {
      return st;
    }
  }
  std::string command_line;
  for (const auto& arg : *args) {
    command_line += arg + "\n";
  }
  auto pid = running_dnsmasq(paths.pid);
  if (pid != 0 && slurp(dir / "args") == command_line) {
    // Same subnets: dnsmasq re-reads the hosts and options files on SIGHUP.
    ::kill(pid, SIGHUP);
    return {};
  }
  if (pid != 0) {
    stop_process(pid);
  }
  auto argv = in_netns(netns, {"dnsmasq"});
  argv.insert(argv.end(), args->begin(), args->end());
  if (auto st = run_daemon(argv, paths.log + ".out"); !st.ok()) {
    return st;
  }
  return write_file(dir / "args", command_line);
}

status ovs_network::remove_dhcp(const std::string& network_id) {
  std::lock_guard guard{mutex_};
  auto dir = fs::path{config_.state_dir} / "dhcp" / network_id;
  if (auto pid = running_dnsmasq(dir / "pid"); pid != 0) {
    stop_process(pid);
  }
  auto port_id = slurp(dir / "port");
  if (!port_id.empty()) {
    if (auto st = remove_port(tap_name(port_id)); !st.ok()) {
      return st;
    }
    port_devices_.erase(port_id);
  }
  auto netns = netns_name("qdhcp-", network_id);
  if (fs::exists("/run/netns/" + netns)) {
    if (auto st = outcome(run_command({"ip", "netns", "del", netns})); !st.ok()) {
      return st;
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return {};
}

} // namespace strato::network
