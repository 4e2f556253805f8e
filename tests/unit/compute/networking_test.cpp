#include <doctest/doctest.h>

#include "actors/compute/core/transitions.hpp"

using namespace strato;
using namespace strato::compute;

namespace {

pb::InstanceCreated created_with_network() {
  pb::InstanceCreated c;
  c.set_id("3f0c5e36-2222-4c9b-a5b7-000000000002");
  c.set_name("vm");
  c.set_project_id("p1");
  c.mutable_flavor()->set_id("1");
  c.add_requested_networks()->set_network_id("net-1");
  auto* given = c.add_requested_networks();
  given->set_port_id("user-port");
  return c;
}

instance_model booting(const pb::InstanceCreated& created) {
  instance_model m;
  for (const auto& ev : begin_create(created, "req-1")) {
    m.apply(ev);
  }
  return m;
}

void fold(instance_model& m, const std::vector<pb::InstanceEvent>& events) {
  for (const auto& ev : events) {
    m.apply(ev);
  }
}

pb::InstancePort port(const std::string& id, const std::string& ip,
                      bool created) {
  pb::InstancePort p;
  p.set_port_id(id);
  p.set_network_id("net-1");
  p.set_network_name("net1");
  p.set_mac_address("fa:16:3e:00:00:01");
  auto* a = p.add_addresses();
  a->set_ip_address(ip);
  a->set_ip_version(4);
  p.set_created_by_compute(created);
  return p;
}

/// An active server with one port compute made.
instance_model active_with_port() {
  auto m = booting(created_with_network());
  fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
  fold(m, step_succeeded(m, {"compute-1", 0, {port("p1", "10.0.0.5", true)}},
                         20));
  fold(m, step_succeeded(m, {"compute-1", 1, {}}, 30));
  return m;
}

} // namespace

TEST_SUITE("actors/compute/networking") {
  TEST_CASE("a boot with networks gets a networking step between scheduling "
            "and spawning") {
    auto m = booting(created_with_network());
    CHECK(needs_networking(m));
    CHECK(next_step(m)->op == "pick");
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
    CHECK(m.task_state == "networking");
    CHECK(m.host == "compute-1");
    auto step = next_step(m);
    REQUIRE(step);
    CHECK(step->op == "networking");
    CHECK(step->host == "compute-1");
  }

  TEST_CASE("the networking step records the ports it gave, then spawns "
            "with them") {
    auto m = booting(created_with_network());
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
    auto events = step_succeeded(
      m, {"compute-1", 0, {port("p1", "10.0.0.5", true),
                           port("user-port", "10.0.0.9", false)}},
      20);
    REQUIRE(events.size() == 2);
    CHECK(events[0].has_ports_allocated());
    fold(m, events);
    CHECK(m.task_state == "spawning");
    REQUIRE(m.ports.size() == 2);
    CHECK(m.ports[0].port_id() == "p1");
    CHECK(m.ports[1].created_by_compute() == false);
    CHECK(next_step(m)->op == "spawn");
    fold(m, step_succeeded(m, {"compute-1", 1, {}}, 30));
    CHECK(m.vm_state == "active");
    CHECK(m.ports.size() == 2);
  }

  TEST_CASE("a crash during networking resumes the networking step") {
    auto m = booting(created_with_network());
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
    // Restart: the state is rebuilt from the snapshot / history.
    instance_model restarted;
    REQUIRE(restarted.restore(m.snapshot_state()).ok());
    CHECK(restarted.task_state == "networking");
    CHECK(next_step(restarted)->op == "networking");
    CHECK(next_step(restarted)->host == "compute-1");
  }

  TEST_CASE("a failed networking step cleans up, then puts the boot in "
            "error with the fault") {
    auto m = booting(created_with_network());
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
    fold(m, step_failed(m, "No fixed IP addresses available for network: "
                           "net-1",
                        20));
    // The ports made so far are deleted (the user's unbound) first.
    CHECK(next_step(m)->op == "abort_boot");
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 30));
    CHECK(m.vm_state == "error");
    CHECK(m.task_state.empty());
    CHECK(m.fault.find("No fixed IP") == 0);
  }

  TEST_CASE("a boot without networks spawns right after scheduling") {
    auto created = created_with_network();
    created.clear_requested_networks();
    auto m = booting(created);
    CHECK_FALSE(needs_networking(m));
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 10));
    CHECK(m.task_state == "spawning");
  }

  TEST_CASE("ports survive a snapshot and are dropped when the server is "
            "deleted") {
    auto m = active_with_port();
    instance_model restored;
    REQUIRE(restored.restore(m.snapshot_state()).ok());
    REQUIRE(restored.ports.size() == 1);
    CHECK(restored.ports[0].addresses(0).ip_address() == "10.0.0.5");
    action_request del;
    del.kind = action_kind::delete_;
    fold(m, *begin_action(m, del));
    CHECK(next_step(m)->op == "delete");
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 40));
    CHECK(m.deleted);
    CHECK(m.ports.empty());
  }

  TEST_CASE("attaching an interface records the port and ends the task") {
    auto m = active_with_port();
    action_request req;
    req.kind = action_kind::interface_attach;
    req.interface.set_network_id("net-1");
    fold(m, *begin_action(m, req));
    CHECK(m.task_state == "interface_attaching");
    CHECK(m.pending.interface().network_id() == "net-1");
    auto step = next_step(m);
    REQUIRE(step);
    CHECK(step->op == "attach_port");
    fold(m, step_succeeded(m, {"compute-1", 0, {port("p2", "10.0.0.6", true)}},
                           50));
    CHECK(m.task_state.empty());
    CHECK(m.vm_state == "active");
    REQUIRE(m.ports.size() == 2);
    CHECK(m.ports[1].port_id() == "p2");
  }

  TEST_CASE("a failed attach returns to the vm_state without a port") {
    auto m = active_with_port();
    action_request req;
    req.kind = action_kind::interface_attach;
    req.interface.set_port_id("busy");
    fold(m, *begin_action(m, req));
    fold(m, step_failed(m, "Port busy is still in use.", 50));
    CHECK(m.vm_state == "active");
    CHECK(m.task_state.empty());
    CHECK(m.ports.size() == 1);
  }

  TEST_CASE("detaching an interface removes the port") {
    auto m = active_with_port();
    action_request req;
    req.kind = action_kind::interface_detach;
    req.interface.set_port_id("p1");
    fold(m, *begin_action(m, req));
    CHECK(next_step(m)->op == "detach_port");
    fold(m, step_succeeded(m, {"compute-1", 0, {}}, 60));
    CHECK(m.task_state.empty());
    CHECK(m.ports.empty());
  }

  TEST_CASE("interfaces are refused during another task") {
    auto m = active_with_port();
    m.task_state = "powering-off";
    auto st = check_action(m, action_kind::interface_attach, false);
    CHECK(st.code() == errc::invalid_transition);
    CHECK(st.message()
          == "Cannot 'attach_interface' instance " + m.id()
               + " while it is in task_state powering-off");
  }
}
