// Two projects' networks on one userspace-datapath Open vSwitch: instances
// (namespaces) on the same network reach each other, instances on the other
// project's network (another VLAN tag, same addresses) do not, and the
// anti-spoofing and security group flows hold. Needs root; skips otherwise.

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

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

struct instance {
  std::string netns;
  std::string port_id;
  std::string mac;
  std::string ip;
  std::string network;
};

port_plug plug_of(const instance& vm) {
  port_plug plug;
  plug.port_id = vm.port_id;
  plug.network_id = vm.network;
  plug.mac = vm.mac;
  return plug;
}

port_security secured(const instance& vm, std::vector<security_rule> rules) {
  port_security sec;
  sec.port_id = vm.port_id;
  sec.mac = vm.mac;
  sec.fixed_ips = {vm.ip};
  sec.rules = std::move(rules);
  return sec;
}

security_rule rule(direction dir, const std::string& protocol) {
  security_rule r;
  r.dir = dir;
  r.protocol = protocol;
  return r;
}

/// Three instances on two project networks, plugged and seen by vswitchd.
struct two_projects {
  ovs_host host;
  std::unique_ptr<network_driver> driver;
  std::vector<instance> vms;

  two_projects() {
    if (!host.available()) {
      return;
    }
    auto made = make_network_driver(host.config());
    REQUIRE(made.ok());
    driver = std::move(*made);
    REQUIRE_MESSAGE(driver->ensure_bridge().ok(), "bridge");
    REQUIRE(driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
    REQUIRE(driver->ensure_segment({"net-b", segment_type::vlan, 102, 1500}).ok());
    vms = {{host.name("a1"), "a1aaaaaa-0001-4000-8000-000000000001",
            "fa:16:3e:0a:00:01", "10.20.0.11", "net-a"},
           {host.name("a2"), "a2aaaaaa-0002-4000-8000-000000000002",
            "fa:16:3e:0a:00:02", "10.20.0.12", "net-a"},
           {host.name("b1"), "b1bbbbbb-0001-4000-8000-000000000003",
            "fa:16:3e:0b:00:01", "10.20.0.13", "net-b"}};
    std::mutex mutex;
    std::condition_variable changed;
    size_t appeared = 0;
    REQUIRE(driver->watch_interfaces([&](const interface_event& event) {
      std::lock_guard guard{mutex};
      if (event.what == interface_event::change::appeared && !event.port_id.empty()) {
        ++appeared;
      }
      changed.notify_all();
    }).ok());
    for (const auto& vm : vms) {
      host.add_instance(vm.netns, tap_name(vm.port_id), vm.mac, vm.ip + "/24");
      auto st = driver->plug_port(plug_of(vm));
      REQUIRE_MESSAGE(st.ok(), st.describe());
    }
    std::unique_lock lock{mutex};
    REQUIRE_MESSAGE(changed.wait_for(lock, std::chrono::seconds{20},
                                     [&] { return appeared == vms.size(); }),
                    "ovs-vswitchd attached every port (monitor saw an ofport)");
    lock.unlock();
    REQUIRE(driver->watch_interfaces([](const interface_event&) {}).ok());
  }
};

} // namespace

TEST_SUITE("integration/ovs") {

TEST_CASE("same network reaches, the other project's network does not") {
  two_projects f;
  STRATO_SKIP_WITHOUT_OVS_HOST(f.host);
  CHECK(f.host.ping(f.vms[0].netns, f.vms[1].ip));
  CHECK_FALSE(f.host.ping(f.vms[0].netns, f.vms[2].ip));
  CHECK_FALSE(f.host.ping(f.vms[2].netns, f.vms[1].ip));
}

TEST_CASE("security groups admit what their rules allow and nothing else") {
  two_projects f;
  STRATO_SKIP_WITHOUT_OVS_HOST(f.host);
  auto open = std::vector<security_rule>{rule(direction::ingress, "icmp"),
                                         rule(direction::egress, "")};
  REQUIRE_OK(f.driver->apply_port_security(secured(f.vms[0], open)));
  auto st = f.driver->apply_port_security(secured(f.vms[1], open));
  REQUIRE_MESSAGE(st.ok(), st.describe());
  auto flows = f.host.dump_flows();
  CHECK(flows.find("ct(commit)") != std::string::npos);
  CHECK(flows.find("arp_spa=10.20.0.11") != std::string::npos);
  CHECK(f.host.ping(f.vms[0].netns, f.vms[1].ip));
  // Egress only: a2 may still ping out (replies are established) but a1's
  // new pings to a2 are refused.
  REQUIRE_OK(f.driver->apply_port_security(
    secured(f.vms[1], {rule(direction::egress, "")})));
  CHECK_FALSE(f.host.ping(f.vms[0].netns, f.vms[1].ip));
  CHECK(f.host.ping(f.vms[1].netns, f.vms[0].ip));
}

TEST_CASE("a port cannot send from an address that is not its own") {
  two_projects f;
  STRATO_SKIP_WITHOUT_OVS_HOST(f.host);
  auto open = std::vector<security_rule>{rule(direction::ingress, "icmp"),
                                         rule(direction::egress, "")};
  REQUIRE_OK(f.driver->apply_port_security(secured(f.vms[0], open)));
  REQUIRE_OK(f.driver->apply_port_security(secured(f.vms[1], open)));
  CHECK(f.host.ping(f.vms[0].netns, f.vms[1].ip));
  const auto& spoofer = f.vms[0].netns;
  REQUIRE(f.host.run_in(spoofer, {"ip", "addr", "flush", "dev", "eth0"}));
  REQUIRE(f.host.run_in(spoofer, {"ip", "addr", "add", "10.20.0.99/24", "dev", "eth0"}));
  CHECK_FALSE(f.host.ping(spoofer, f.vms[1].ip));
}

TEST_CASE("unplugging a port removes its flows and cuts it off") {
  two_projects f;
  STRATO_SKIP_WITHOUT_OVS_HOST(f.host);
  auto open = std::vector<security_rule>{rule(direction::ingress, "icmp"),
                                         rule(direction::egress, "")};
  REQUIRE_OK(f.driver->apply_port_security(secured(f.vms[0], open)));
  REQUIRE_OK(f.driver->unplug_port(f.vms[0].port_id));
  CHECK(f.host.dump_flows().find("arp_spa=10.20.0.11") == std::string::npos);
  CHECK_FALSE(f.host.ping(f.vms[1].netns, f.vms[0].ip));
}

}
