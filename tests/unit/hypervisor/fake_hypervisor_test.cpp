#include "drivers/hypervisor/fake_hypervisor.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

using namespace strato;
using namespace strato::hypervisor;

namespace {

instance_spec small_guest(const std::string& uuid) {
  instance_spec spec;
  spec.uuid = uuid;
  spec.name = "vm-" + uuid;
  spec.vcpus = 2;
  spec.memory_mb = 1024;
  return spec;
}

power_state state_of(fake_hypervisor& hv, const std::string& uuid) {
  auto info = hv.info(uuid);
  REQUIRE(info.ok());
  return info->state;
}

} // namespace

TEST_SUITE("drivers/hypervisor/fake") {

TEST_CASE("a spawned guest runs and walks through the power states") {
  fake_hypervisor hv;
  REQUIRE(hv.spawn(small_guest("a")).ok());
  CHECK(state_of(hv, "a") == power_state::running);
  REQUIRE(hv.pause("a").ok());
  CHECK(state_of(hv, "a") == power_state::paused);
  REQUIRE(hv.unpause("a").ok());
  REQUIRE(hv.suspend("a").ok());
  CHECK(state_of(hv, "a") == power_state::suspended);
  REQUIRE(hv.resume("a").ok());
  REQUIRE(hv.power_off("a", std::chrono::seconds{1}).ok());
  CHECK(state_of(hv, "a") == power_state::shutdown);
  REQUIRE(hv.reboot("a", true).ok());
  CHECK(state_of(hv, "a") == power_state::running);
  REQUIRE(hv.reboot("a", false).ok());
  auto info = hv.info("a");
  CHECK(info->vcpus == 2);
  CHECK(info->memory_mb == 1024);
}

TEST_CASE("illegal power transitions are refused and change nothing") {
  fake_hypervisor hv;
  REQUIRE(hv.spawn(small_guest("a")).ok());
  REQUIRE(hv.power_off("a", std::chrono::seconds{0}).ok());
  CHECK(hv.pause("a").code() == errc::invalid_transition);
  CHECK(hv.reboot("a", false).code() == errc::invalid_transition);
  CHECK(hv.resume("a").code() == errc::invalid_transition);
  CHECK(state_of(hv, "a") == power_state::shutdown);
}

TEST_CASE("spawning an existing uuid conflicts and destroy is idempotent") {
  fake_hypervisor hv;
  REQUIRE(hv.spawn(small_guest("a")).ok());
  CHECK(hv.spawn(small_guest("a")).code() == errc::conflict);
  CHECK(hv.destroy("a").ok());
  CHECK(hv.destroy("a").ok());
  CHECK(hv.info("a").error().code() == errc::not_found);
  CHECK(hv.pause("missing").code() == errc::not_found);
}

TEST_CASE("injected failures fail exactly the next N calls of one operation") {
  fake_hypervisor hv;
  hv.fail_next("spawn", 2);
  CHECK(hv.spawn(small_guest("a")).code() == errc::unavailable);
  CHECK(hv.spawn(small_guest("a")).code() == errc::unavailable);
  REQUIRE(hv.spawn(small_guest("a")).ok());
  hv.fail_next("list", 1);
  CHECK_FALSE(hv.list().ok());
  CHECK(hv.list()->size() == 1);
  CHECK(hv.pause("a").ok()); // other operations were never affected
}

TEST_CASE("configured failures and latency come from the options") {
  fake_options options;
  options.fail_next["destroy"] = 1;
  options.latency = std::chrono::milliseconds{20};
  fake_hypervisor hv{options};
  auto start = std::chrono::steady_clock::now();
  CHECK(hv.destroy("x").code() == errc::unavailable);
  CHECK(std::chrono::steady_clock::now() - start >=
        std::chrono::milliseconds{20});
  hv.set_latency(std::chrono::microseconds{0});
  CHECK(hv.destroy("x").ok());
  CHECK(hv.calls() == 2);
}

TEST_CASE("an injected power change reaches the lifecycle listener") {
  fake_hypervisor hv;
  std::vector<lifecycle_event> seen;
  hv.on_lifecycle([&](lifecycle_event e) { seen.push_back(std::move(e)); });
  REQUIRE(hv.spawn(small_guest("a")).ok());
  REQUIRE(hv.inject_power_change("a", power_state::crashed, "kernel panic")
            .ok());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].uuid == "a");
  CHECK(seen[0].state == power_state::crashed);
  CHECK(state_of(hv, "a") == power_state::crashed);
  CHECK(hv.console_output("a", 4096)->find("kernel panic") !=
        std::string::npos);
  CHECK(hv.inject_power_change("b", power_state::crashed, "x").code() ==
        errc::not_found);
}

TEST_CASE("the console log is per guest and returns its tail") {
  fake_hypervisor hv;
  REQUIRE(hv.spawn(small_guest("a")).ok());
  REQUIRE(hv.spawn(small_guest("b")).ok());
  hv.write_console("a", "hello from a");
  auto tail = hv.console_output("a", 13);
  REQUIRE(tail.ok());
  CHECK(*tail == "hello from a\n");
  CHECK(hv.console_output("b", 4096)->find("hello") == std::string::npos);
}

TEST_CASE("volumes and interfaces attach once and detach") {
  fake_hypervisor hv;
  REQUIRE(hv.spawn(small_guest("a")).ok());
  disk_spec disk{"vol-1", "/dev/sdb", "raw", "vdb"};
  REQUIRE(hv.attach_volume("a", disk).ok());
  CHECK(hv.attach_volume("a", disk).code() == errc::conflict);
  interface_spec port{"port-1", "fa:16:3e:00:00:01", "br-int", "tapport-1"};
  REQUIRE(hv.attach_interface("a", port).ok());
  CHECK(hv.spec_of("a")->volumes.size() == 1);
  CHECK(hv.spec_of("a")->interfaces.size() == 1);
  REQUIRE(hv.detach_volume("a", "vol-1").ok());
  CHECK(hv.detach_volume("a", "vol-1").code() == errc::not_found);
  REQUIRE(hv.detach_interface("a", "port-1").ok());
  CHECK(hv.spec_of("a")->interfaces.empty());
}

TEST_CASE("a live migration between peers moves the guest with its disks "
          "and interfaces") {
  auto peers = make_fake_host_registry();
  fake_options a;
  a.hostname = "host-a";
  a.peers = peers;
  fake_options b = a;
  b.hostname = "host-b";
  fake_hypervisor source{a};
  std::optional<fake_hypervisor> target{std::in_place, b};
  auto spec = small_guest("vm-1");
  spec.volumes.push_back({"vol-1", "/volumes/vol-1", "qcow2", "vdb"});
  spec.interfaces.push_back({"port-1", "fa:16:3e:00:00:01", "br-int",
                             "tapport-1", 1500});
  REQUIRE(source.spawn(spec).ok());
  REQUIRE(source.live_migrate("vm-1", "host-b").ok());
  CHECK(source.info("vm-1").error().code() == errc::not_found);
  auto moved = target->spec_of("vm-1");
  REQUIRE(moved.ok());
  CHECK(moved->volumes.at(0).volume_id == "vol-1");
  CHECK(moved->interfaces.at(0).port_id == "port-1");
  CHECK(state_of(*target, "vm-1") == power_state::running);
  // A destination that went away: the guest stays where it is.
  REQUIRE(target->live_migrate("vm-1", "host-a").ok());
  target.reset();
  auto refused = source.live_migrate("vm-1", "host-b");
  CHECK(refused.code() == errc::invalid_argument);
  CHECK(state_of(source, "vm-1") == power_state::running);
}

TEST_CASE("inventory reports the configured host size") {
  fake_options options;
  options.hostname = "fake-7";
  options.vcpus = 8;
  fake_hypervisor hv{options};
  auto inv = hv.inventory();
  REQUIRE(inv.ok());
  CHECK(inv->hostname == "fake-7");
  CHECK(inv->vcpus == 8);
  CHECK(inv->hypervisor_type == "fake");
}

TEST_CASE("many threads spawn and destroy distinct guests safely") {
  fake_hypervisor hv;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        auto uuid = std::to_string(t) + "-" + std::to_string(i);
        if (!hv.spawn(small_guest(uuid)).ok() || !hv.destroy(uuid).ok()) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  CHECK(hv.list()->empty());
}

TEST_CASE("the factory makes fakes and refuses unknown kinds") {
  driver_config config;
  CHECK(make_hypervisor_driver(config).ok());
  config.kind = "xen";
  CHECK(make_hypervisor_driver(config).error().code() ==
        errc::invalid_argument);
}

} // TEST_SUITE
