// The libvirt driver against libvirt's built-in test hypervisor: real
// libvirt calls, in-process, no daemon.

#include "drivers/hypervisor/libvirt_hypervisor.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::hypervisor;

namespace {

/// 2 nodes x 1 socket x 4 cores x 1 thread = 8 cpus, 16 GiB.
constexpr std::string_view node_xml = R"(<node>
  <cpu><nodes>2</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>
    <active>8</active><mhz>2000</mhz><model>x86_64</model></cpu>
  <memory>16777216</memory>
</node>)";

/// A private test hypervisor (its own node.xml) and its instances dir.
struct test_host {
  testing::temp_dir dir;
  std::unique_ptr<hypervisor_driver> driver;

  test_host() {
    auto path = dir.str() + "/node.xml";
    std::ofstream{path} << node_xml;
    driver_config config;
    config.kind = "libvirt";
    config.libvirt_uri = "test://" + path;
    config.instances_dir = dir.str() + "/instances";
    auto made = make_hypervisor_driver(config);
    REQUIRE_MESSAGE(made.ok(), made.error().describe());
    driver = std::move(made).value();
  }

  power_state state_of(const std::string& uuid) {
    auto info = driver->info(uuid);
    REQUIRE_MESSAGE(info.ok(), info.error().describe());
    return info->state;
  }
};

instance_spec guest(const std::string& uuid) {
  instance_spec spec;
  spec.uuid = uuid;
  spec.name = "guest";
  spec.vcpus = 2;
  spec.memory_mb = 256;
  return spec;
}

const std::string uuid_a = "11111111-2222-3333-4444-555555555555";
const std::string uuid_b = "11111111-2222-3333-4444-666666666666";

/// Collects lifecycle events from libvirt's event thread.
struct event_log {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<lifecycle_event> events;

  bool wait_for(const std::string& uuid, power_state state) {
    std::unique_lock lock{mutex};
    return cv.wait_for(lock, std::chrono::seconds{10}, [&] {
      for (const auto& e : events) {
        if (e.uuid == uuid && e.state == state) {
          return true;
        }
      }
      return false;
    });
  }
};

} // namespace

TEST_SUITE("drivers/hypervisor/libvirt") {

TEST_CASE("the inventory is the test node's size") {
  test_host host;
  auto inv = host.driver->inventory();
  REQUIRE_MESSAGE(inv.ok(), inv.error().describe());
  CHECK(inv->vcpus == 8);
  CHECK(inv->memory_mb == 16384);
  CHECK(inv->hypervisor_type == "TEST");
  CHECK_FALSE(inv->hostname.empty());
}

TEST_CASE("spawn defines and starts a domain; list and info see it") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  CHECK(host.state_of(uuid_a) == power_state::running);
  auto info = host.driver->info(uuid_a);
  CHECK(info->vcpus == 2);
  CHECK(info->memory_mb == 256);
  auto all = host.driver->list();
  REQUIRE(all.ok());
  CHECK(all->at(uuid_a) == power_state::running);
  CHECK(host.driver->spawn(guest(uuid_a)).code() == errc::conflict);
}

TEST_CASE("power off, on, pause, suspend and reboot change libvirt's state") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  REQUIRE(host.driver->pause(uuid_a).ok());
  CHECK(host.state_of(uuid_a) == power_state::paused);
  REQUIRE(host.driver->unpause(uuid_a).ok());
  CHECK(host.state_of(uuid_a) == power_state::running);
  auto st = host.driver->suspend(uuid_a);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  CHECK(host.state_of(uuid_a) == power_state::suspended);
  REQUIRE(host.driver->resume(uuid_a).ok());
  CHECK(host.state_of(uuid_a) == power_state::running);
  REQUIRE(host.driver->reboot(uuid_a, false).ok());
  REQUIRE(host.driver->power_off(uuid_a, std::chrono::seconds{5}).ok());
  CHECK(host.state_of(uuid_a) == power_state::shutdown);
  CHECK(host.driver->power_off(uuid_a, std::chrono::seconds{1}).code() ==
        errc::invalid_transition);
  REQUIRE(host.driver->reboot(uuid_a, true).ok());
  CHECK(host.state_of(uuid_a) == power_state::running);
  REQUIRE(host.driver->power_off(uuid_a, std::chrono::seconds{0}).ok());
  REQUIRE(host.driver->power_on(uuid_a).ok());
  CHECK(host.state_of(uuid_a) == power_state::running);
}

TEST_CASE("libvirt's refusals keep libvirt's message") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  auto st = host.driver->unpause(uuid_a);
  CHECK(st.code() == errc::invalid_transition);
  CHECK(st.message().find("not paused") != std::string::npos);
  REQUIRE(host.driver->power_off(uuid_a, std::chrono::seconds{0}).ok());
  CHECK(host.driver->pause(uuid_a).code() == errc::invalid_transition);
  CHECK(host.driver->suspend(uuid_a).code() == errc::invalid_transition);
  CHECK(host.driver->reboot(uuid_a, false).code() == errc::invalid_transition);
  auto missing = host.driver->pause(uuid_b);
  CHECK(missing.code() == errc::not_found);
  CHECK(missing.message().find(uuid_b) != std::string::npos);
}

TEST_CASE("destroy removes the domain and is idempotent") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  REQUIRE(host.driver->suspend(uuid_a).ok()); // a managed save goes too
  REQUIRE(host.driver->destroy(uuid_a).ok());
  CHECK(host.driver->info(uuid_a).error().code() == errc::not_found);
  CHECK(host.driver->destroy(uuid_a).ok());
  CHECK(host.driver->list()->count(uuid_a) == 0);
}

TEST_CASE("volumes and interfaces attach and detach") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  disk_spec disk{"vol-0001", host.dir.str() + "/vol.raw", "raw", "vdb"};
  std::ofstream{disk.path} << "";
  auto st = host.driver->attach_volume(uuid_a, disk);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  const std::string port_id = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  interface_spec port{port_id, "fa:16:3e:00:00:01", "br-int", "tapp1"};
  st = host.driver->attach_interface(uuid_a, port);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  st = host.driver->detach_volume(uuid_a, "vol-0001");
  REQUIRE_MESSAGE(st.ok(), st.describe());
  CHECK(host.driver->detach_volume(uuid_a, "vol-0001").code() ==
        errc::not_found);
  st = host.driver->detach_interface(uuid_a, port_id);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  CHECK(host.driver->detach_interface(uuid_a, port_id).code() ==
        errc::not_found);
}

TEST_CASE("resize redefines a stopped domain with the new size") {
  test_host host;
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  auto bigger = guest(uuid_a);
  bigger.vcpus = 4;
  bigger.memory_mb = 512;
  CHECK(host.driver->resize(bigger).code() == errc::invalid_transition);
  REQUIRE(host.driver->power_off(uuid_a, std::chrono::seconds{0}).ok());
  auto st = host.driver->resize(bigger);
  REQUIRE_MESSAGE(st.ok(), st.describe());
  REQUIRE(host.driver->power_on(uuid_a).ok());
  auto info = host.driver->info(uuid_a);
  CHECK(info->vcpus == 4);
  CHECK(info->memory_mb == 512);
}

TEST_CASE("lifecycle events from libvirt reach the listener") {
  test_host host;
  event_log log;
  host.driver->on_lifecycle([&](lifecycle_event e) {
    std::lock_guard guard{log.mutex};
    log.events.push_back(std::move(e));
    log.cv.notify_all();
  });
  REQUIRE(host.driver->spawn(guest(uuid_a)).ok());
  CHECK(log.wait_for(uuid_a, power_state::running));
  REQUIRE(host.driver->pause(uuid_a).ok());
  CHECK(log.wait_for(uuid_a, power_state::paused));
  REQUIRE(host.driver->power_off(uuid_a, std::chrono::seconds{0}).ok());
  CHECK(log.wait_for(uuid_a, power_state::shutdown));
}

TEST_CASE("the shared default test hypervisor works too") {
  driver_config config;
  config.kind = "libvirt";
  config.libvirt_uri = "test:///default";
  testing::temp_dir dir;
  config.instances_dir = dir.str();
  auto driver = make_hypervisor_driver(config);
  REQUIRE(driver.ok());
  const std::string uuid = "99999999-2222-3333-4444-555555555555";
  REQUIRE((*driver)->spawn(guest(uuid)).ok());
  CHECK((*driver)->list()->size() >= 2); // libvirt's own "test" domain too
  REQUIRE((*driver)->destroy(uuid).ok());
}

TEST_CASE("an unreachable URI fails with libvirt's reason") {
  driver_config config;
  config.kind = "libvirt";
  config.libvirt_uri = "test:///nonexistent/node.xml";
  auto driver = make_hypervisor_driver(config);
  REQUIRE_FALSE(driver.ok());
  CHECK_FALSE(driver.error().message().empty());
}

} // TEST_SUITE
