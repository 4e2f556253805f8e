// DHCP (dnsmasq in a qdhcp- namespace) and routers (qrouter- namespaces
// with NAT) on a private userspace-datapath Open vSwitch. Needs root and
// dnsmasq; skips otherwise.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "drivers/network/host_command.hpp"
#include "drivers/network/network_driver.hpp"
#include "tests/integration/ovs_host.hpp"

using namespace strato::network;
using strato::testing::ovs_host;

#define REQUIRE_OK(expr)                                                       \
  do {                                                                         \
    auto outcome_ = (expr);                                                    \
    REQUIRE_MESSAGE(outcome_.ok(), outcome_.describe());                       \
  } while (false)

namespace {

port_plug plug_of(const std::string& port, const std::string& network,
                  const std::string& mac) {
  port_plug plug;
  plug.port_id = port;
  plug.network_id = network;
  plug.mac = mac;
  return plug;
}

std::unique_ptr<network_driver> driver_for(ovs_host& host) {
  auto made = make_network_driver(host.config());
  REQUIRE(made.ok());
  REQUIRE_OK((*made)->ensure_bridge());
  return std::move(*made);
}

dhcp_config network_a_dhcp() {
  dhcp_config dhcp;
  dhcp.network_id = "net-a";
  dhcp.port_id = "d1dddddd-0000-4000-8000-00000000000d";
  dhcp.mac = "fa:16:3e:0d:00:01";
  dhcp.ip_cidrs = {"10.20.0.2/24"};
  dhcp.subnets = {{"sub-a", "10.20.0.0/24", "10.20.0.1", {"192.0.2.53"}, {}}};
  dhcp.hosts = {{"c1cccccc-0000-4000-8000-00000000000c", "fa:16:3e:0c:00:01",
                 "10.20.0.50", ""}};
  return dhcp;
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// The process runs (a zombie waiting for its reaper does not).
bool alive(const std::string& pid_text) {
  if (pid_text.empty()) {
    return false;
  }
  auto stat = read("/proc/" + std::to_string(std::stol(pid_text)) + "/stat");
  auto state = stat.find(") ");
  return state != std::string::npos && stat[state + 2] != 'Z';
}

router_port router_port_of(const std::string& port, const std::string& network,
                           const std::string& mac, const std::string& cidr) {
  return {port, network, mac, {cidr}};
}

} // namespace

TEST_SUITE("integration/ovs") {

TEST_CASE("a network's dnsmasq hands an instance the address of its port") {
  ovs_host host;
  STRATO_SKIP_WITHOUT_OVS_HOST(host);
  if (!have_program("dnsmasq")) {
    MESSAGE("skipped: dnsmasq is not installed (dnsmasq-base)");
    return;
  }
  auto driver = driver_for(host);
  REQUIRE(driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
  auto dhcp = network_a_dhcp();
  REQUIRE_OK(driver->ensure_dhcp(dhcp));
  auto dir = std::filesystem::path{host.config().state_dir} / "dhcp" / "net-a";
  CHECK(read(dir / "hosts") == "fa:16:3e:0c:00:01,host-10-20-0-50,10.20.0.50\n");
  CHECK(read(dir / "opts").find("tag:subnet-sub-a,option:dns-server,192.0.2.53")
        != std::string::npos);
  auto pid = read(dir / "pid");
  REQUIRE(alive(pid));

  auto client = host.name("c1");
  host.add_instance(client, tap_name(dhcp.hosts[0].port_id), dhcp.hosts[0].mac, "");
  REQUIRE_OK(driver->plug_port(plug_of(dhcp.hosts[0].port_id, "net-a",
                                       dhcp.hosts[0].mac)));
  auto script = dir.parent_path() / "udhcpc.sh";
  {
    std::ofstream out{script};
    out << "#!/bin/sh\necho \"$1 $ip $router $dns\"\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  std::string lease;
  CHECK(host.run_in(client, {"busybox", "udhcpc", "-i", "eth0", "-n", "-q", "-f",
                             "-t", "8", "-T", "1", "-s", script.string()},
                    &lease));
  CHECK(lease.find("bound 10.20.0.50 10.20.0.1 192.0.2.53") != std::string::npos);

  // A new port on the network: the hosts file changes, dnsmasq stays.
  dhcp.hosts.push_back({"c2cccccc-0000-4000-8000-00000000000c", "fa:16:3e:0c:00:02",
                        "10.20.0.51", "web"});
  REQUIRE_OK(driver->ensure_dhcp(dhcp));
  CHECK(read(dir / "hosts").find("fa:16:3e:0c:00:02,web,10.20.0.51") != std::string::npos);
  CHECK(read(dir / "pid") == pid);

  REQUIRE_OK(driver->remove_dhcp("net-a"));
  REQUIRE_OK(driver->remove_dhcp("net-a"));
  CHECK_FALSE(alive(pid));
  CHECK_FALSE(std::filesystem::exists("/run/netns/" + host.name("qdhcp-net-a")));
}

TEST_CASE("a router joins two subnets, SNATs to its gateway and maps a floating IP") {
  ovs_host host;
  STRATO_SKIP_WITHOUT_OVS_HOST(host);
  auto driver = driver_for(host);
  REQUIRE(driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
  REQUIRE(driver->ensure_segment({"net-c", segment_type::vlan, 103, 1500}).ok());
  REQUIRE(driver->ensure_segment({"net-ext", segment_type::vlan, 200, 1500}).ok());
  struct vm {
    std::string name, port, network, mac, cidr, gateway;
  };
  std::vector<vm> vms{
    {"a1", "a1aaaaaa-0000-4000-8000-000000000001", "net-a", "fa:16:3e:0a:00:01",
     "10.20.0.11/24", "10.20.0.1"},
    {"c1", "c1cccccc-0000-4000-8000-000000000001", "net-c", "fa:16:3e:0c:00:01",
     "10.30.0.11/24", "10.30.0.1"},
    // The outside world: no route back to the projects' subnets.
    {"x1", "e1eeeeee-0000-4000-8000-000000000001", "net-ext", "fa:16:3e:0e:00:01",
     "172.24.4.1/24", ""}};
  for (const auto& v : vms) {
    host.add_instance(host.name(v.name), tap_name(v.port), v.mac, v.cidr);
    if (!v.gateway.empty()) {
      REQUIRE(host.run_in(host.name(v.name),
                          {"ip", "route", "add", "default", "via", v.gateway}));
    }
    REQUIRE_OK(driver->plug_port(plug_of(v.port, v.network, v.mac)));
  }
  router_config router;
  router.router_id = "r1";
  router.interfaces = {
    router_port_of("r1aaaaaa-0000-4000-8000-0000000000a1", "net-a",
                   "fa:16:3e:01:00:01", "10.20.0.1/24"),
    router_port_of("r1cccccc-0000-4000-8000-0000000000c1", "net-c",
                   "fa:16:3e:01:00:02", "10.30.0.1/24")};
  router.gateway = router_port_of("r1eeeeee-0000-4000-8000-0000000000e1", "net-ext",
                                  "fa:16:3e:01:00:03", "172.24.4.10/24");
  router.gateway_ip = "172.24.4.1";
  router.floating_ips = {{"172.24.4.20", "10.30.0.11"}};
  REQUIRE_OK(driver->ensure_router(router));
  REQUIRE_OK(driver->ensure_router(router));
  std::this_thread::sleep_for(std::chrono::seconds{1}); // ports attach

  CHECK(host.ping(host.name("a1"), "10.30.0.11"));
  CHECK(host.ping(host.name("a1"), "172.24.4.1"));  // only through SNAT
  CHECK(host.ping(host.name("x1"), "172.24.4.20")); // the floating IP

  router.interfaces.pop_back();
  REQUIRE_OK(driver->ensure_router(router));
  CHECK_FALSE(host.ping(host.name("a1"), "10.30.0.11"));

  REQUIRE_OK(driver->remove_router("r1"));
  REQUIRE_OK(driver->remove_router("r1"));
  CHECK_FALSE(std::filesystem::exists("/run/netns/" + host.name("qrouter-r1")));
}

}
