#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>

#include "drivers/network/network_driver.hpp"
#include "drivers/network/ovsdb/client.hpp"
#include "drivers/network/ovsdb/values.hpp"
#include "tests/unit/ovs/ovsdb_fixture.hpp"

using namespace strato::network;
using ovsdb::json;
using strato::errc;

namespace {

constexpr std::chrono::seconds timeout{5};
const std::string port_a = "5a1e0c3f-1111-4c1c-9a55-0000000000aa";
const std::string port_b = "7b2f0d40-2222-4c1c-9a55-0000000000bb";

port_plug plug_of(const std::string& port, const std::string& network,
                  const std::string& mac) {
  port_plug plug;
  plug.port_id = port;
  plug.network_id = network;
  plug.mac = mac;
  return plug;
}

struct driver_fixture {
  strato::testing::ovsdb_fixture db;
  std::unique_ptr<network_driver> driver;
  std::unique_ptr<ovsdb::client> reader;

  driver_fixture() {
    if (!db.available()) {
      return;
    }
    driver_config config;
    config.kind = "ovs";
    config.ovsdb = db.remote();
    config.state_dir = db.dir();
    auto made = make_network_driver(config);
    REQUIRE(made.ok());
    driver = std::move(*made);
    auto opened = ovsdb::client::connect(db.remote(), timeout);
    REQUIRE(opened.ok());
    reader = std::move(*opened);
  }

  /// Rows of `table` whose name is `name` (all rows when empty).
  json rows(const std::string& table, const std::string& name = {}) {
    auto where = name.empty() ? json::array() : ovsdb::where_name(name);
    auto found = reader->transact(
      "Open_vSwitch",
      json::array({{{"op", "select"}, {"table", table}, {"where", where}}}));
    REQUIRE(found.ok());
    return (*found)[0]["rows"];
  }
};

} // namespace

TEST_SUITE("drivers/network/ovs") {

TEST_CASE("ensure_bridge creates the integration bridge once") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  REQUIRE(f.driver->ensure_bridge().ok());
  auto bridges = f.rows("Bridge", "br-int");
  REQUIRE(bridges.size() == 1);
  CHECK(f.rows("Open_vSwitch").size() == 1);
  CHECK(f.rows("Port", "br-int").size() == 1);
  CHECK(f.rows("Interface", "br-int")[0]["type"] == "internal");
}

TEST_CASE("a plugged port carries its iface-id, MAC and its network's tag") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  auto tag = f.driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500});
  REQUIRE(tag.ok());
  CHECK(*tag == 101);
  port_plug plug{port_a, "net-a", "fa:16:3e:00:00:aa", "", interface_kind::internal,
                 "vm-1"};
  REQUIRE(f.driver->plug_port(plug).ok());
  REQUIRE(f.driver->plug_port(plug).ok()); // idempotent
  auto ports = f.rows("Port", tap_name(port_a));
  REQUIRE(ports.size() == 1);
  CHECK(ports[0]["tag"] == 101);
  auto iface = f.rows("Interface", tap_name(port_a));
  REQUIRE(iface.size() == 1);
  CHECK(iface[0]["type"] == "internal");
  auto ids = ovsdb::map_entries(iface[0]["external_ids"]);
  CHECK(ids["iface-id"] == port_a);
  CHECK(ids["attached-mac"] == "fa:16:3e:00:00:aa");
  CHECK(ids["vm-uuid"] == "vm-1");
  CHECK(ovsdb::set_elements(f.rows("Bridge", "br-int")[0]["ports"]).size() == 2);
}

TEST_CASE("re-plugging into another network changes the tag in place") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  REQUIRE(f.driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
  REQUIRE(f.driver->ensure_segment({"net-b", segment_type::vlan, 102, 1500}).ok());
  REQUIRE(f.driver->plug_port(plug_of(port_a, "net-a", "fa:16:3e:00:00:aa")).ok());
  REQUIRE(f.driver->plug_port(plug_of(port_a, "net-b", "fa:16:3e:00:00:aa")).ok());
  CHECK(f.rows("Port", tap_name(port_a))[0]["tag"] == 102);
}

TEST_CASE("unplug removes the port and interface rows; twice is fine") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  REQUIRE(f.driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
  REQUIRE(f.driver->plug_port(plug_of(port_a, "net-a", "fa:16:3e:00:00:aa")).ok());
  REQUIRE(f.driver->plug_port(plug_of(port_b, "net-a", "fa:16:3e:00:00:bb")).ok());
  REQUIRE(f.driver->unplug_port(port_a).ok());
  REQUIRE(f.driver->unplug_port(port_a).ok());
  CHECK(f.rows("Port", tap_name(port_a)).empty());
  CHECK(f.rows("Interface", tap_name(port_a)).empty());
  CHECK(f.rows("Port", tap_name(port_b)).size() == 1);
}

TEST_CASE("plugging into a network without a segment is not found") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  auto st = f.driver->plug_port(plug_of(port_a, "net-x", "fa:16:3e:00:00:aa"));
  CHECK(st.code() == errc::not_found);
  CHECK(f.rows("Port", tap_name(port_a)).empty());
}

TEST_CASE("vxlan segments get distinct local tags and tunnel ports") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  auto first = f.driver->ensure_segment({"net-v1", segment_type::vxlan, 5001, 1450});
  auto second = f.driver->ensure_segment({"net-v2", segment_type::vxlan, 5002, 1450});
  REQUIRE((first.ok() && second.ok()));
  CHECK(*first != *second);
  CHECK(f.driver->ensure_segment({"bad", segment_type::vlan, 5000, 1500}).error().code()
        == errc::invalid_argument);
  REQUIRE(f.driver->ensure_tunnel({"net-v1", "192.0.2.7"}).ok());
  auto tunnels = f.rows("Interface");
  auto vxlan = std::find_if(tunnels.begin(), tunnels.end(),
                            [](const json& row) { return row["type"] == "vxlan"; });
  REQUIRE(vxlan != tunnels.end());
  auto options = ovsdb::map_entries((*vxlan)["options"]);
  CHECK(options["remote_ip"] == "192.0.2.7");
  CHECK(options["key"] == "5001");
  REQUIRE(f.driver->delete_tunnel({"net-v1", "192.0.2.7"}).ok());
  tunnels = f.rows("Interface");
  CHECK(std::none_of(tunnels.begin(), tunnels.end(),
                     [](const json& row) { return row["type"] == "vxlan"; }));
}

TEST_CASE("watch_interfaces reports a port once ovs-vswitchd gives it an ofport") {
  driver_fixture f;
  STRATO_SKIP_WITHOUT_OVSDB(f.db);
  REQUIRE(f.driver->ensure_bridge().ok());
  REQUIRE(f.driver->ensure_segment({"net-a", segment_type::vlan, 101, 1500}).ok());
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<interface_event> events;
  REQUIRE(f.driver->watch_interfaces([&](const interface_event& event) {
    std::lock_guard guard{mutex};
    events.push_back(event);
    changed.notify_all();
  }).ok());
  REQUIRE(f.driver->plug_port(plug_of(port_a, "net-a", "fa:16:3e:00:00:aa")).ok());
  // Without ovs-vswitchd the test plays its part: it assigns the ofport.
  auto set_ofport = [&](json value) {
    auto done = f.reader->transact(
      "Open_vSwitch",
      json::array({{{"op", "update"}, {"table", "Interface"},
                    {"where", ovsdb::where_name(tap_name(port_a))},
                    {"row", {{"ofport", value}}}}}));
    REQUIRE(done.ok());
  };
  set_ofport(7);
  std::unique_lock lock{mutex};
  REQUIRE(changed.wait_for(lock, timeout, [&] { return !events.empty(); }));
  CHECK(events[0].what == interface_event::change::appeared);
  CHECK(events[0].port_id == port_a);
  CHECK(events[0].ofport == 7);
  lock.unlock();
  REQUIRE(f.driver->unplug_port(port_a).ok());
  lock.lock();
  REQUIRE(changed.wait_for(lock, timeout, [&] { return events.size() == 2; }));
  CHECK(events[1].what == interface_event::change::removed);
  CHECK(events[1].port_id == port_a);
}

TEST_CASE("an unreachable OVSDB makes calls unavailable, not crash") {
  driver_config config;
  config.kind = "ovs";
  config.ovsdb = "unix:/nonexistent/db.sock";
  auto driver = make_network_driver(config);
  REQUIRE(driver.ok());
  CHECK((*driver)->ensure_bridge().code() == errc::unavailable);
}

TEST_CASE("the noop driver succeeds at everything; unknown kinds are refused") {
  auto noop = make_network_driver({});
  REQUIRE(noop.ok());
  CHECK((*noop)->ensure_bridge().ok());
  CHECK((*noop)->plug_port(plug_of(port_a, "net-a", "fa:16:3e:00:00:aa")).ok());
  CHECK((*noop)->unplug_port(port_a).ok());
  driver_config config;
  config.kind = "linuxbridge";
  CHECK(make_network_driver(config).error().code() == errc::invalid_argument);
}

TEST_CASE("device names fit IFNAMSIZ and follow Neutron's tap naming") {
  CHECK(tap_name(port_a) == "tap5a1e0c3f-11");
  CHECK(tap_name(port_a).size() <= 15);
}

}
