// The controller's membership actor with a host agent standing in for a
// compute node's: joins are recorded before they are answered, silence and
// a dead link make a node down (scheduler told, agent detached, host board
// updated, Down recorded), and a node that comes back joins afresh. Also the
// router's grace period, which holds requests for hosts not attached yet.

#include <doctest/doctest.h>

#include "actors/cluster/cluster_protocol.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/compute_agent/agent_router.hpp"
#include "runtime/actor/spawn_function.hpp"
#include "runtime/service/host_board.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "strato/cluster/v1/membership.pb.h"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/compute_agent/agent_fixture.hpp"

using namespace strato;
using namespace strato::cluster;
using namespace strato::compute_agent;
using namespace strato::testing;
using namespace std::chrono_literals;

namespace {

struct membership_fixture {
  membership_fixture() {
    auto opened =
        store::open_rocksdb_event_store({.path = dir.str(), .sync = false});
    REQUIRE(opened.ok());
    store = std::move(*opened);
    scheduler = f.spawn_scheduler(scheduler_calls);
    f.start();
    router = spawn_agent_router(f.system(), {});
    f.helpers.push_back(router);
    membership_options options;
    options.store = store.get();
    options.scheduler = scheduler;
    options.agent_router = router;
    options.hosts = &board;
    options.heartbeat = 50ms;
    options.suspect_after = 300ms;
    membership = spawn_membership(f.system(), options);
    f.helpers.push_back(membership);
  }

  node_hello hello(const std::string& incarnation) {
    return {"node-1", incarnation, {"compute"}, {{"host-1", f.agent}}};
  }

  std::vector<std::string> routed_hosts() {
    return *f.ask<std::vector<std::string>>(
        router, caf::make_message(agent_hosts_atom::value));
  }

  std::vector<v1::NodeEvent> recorded() {
    std::vector<v1::NodeEvent> out;
    auto stored = store->read_stream("node/node-1", 1);
    REQUIRE(stored.ok());
    for (const auto& e : *stored) {
      v1::NodeEvent event;
      REQUIRE(event.ParseFromString(e.payload));
      out.push_back(event);
    }
    return out;
  }

  bool host_down() {
    return board.get("host-1") == service::host_reachability::down;
  }

  temp_dir dir;
  std::unique_ptr<store::event_store> store;
  agent_fixture f;
  std::shared_ptr<scheduler_log> scheduler_calls =
      std::make_shared<scheduler_log>();
  caf::actor scheduler;
  caf::actor router;
  caf::actor membership;
  service::host_board board;
};

} // namespace

TEST_SUITE("actors/cluster/membership") {

  TEST_CASE(
      "a join is recorded, attaches the node's agents and marks them up") {
    membership_fixture m;
    auto welcome = m.f.ask<join_welcome>(
        m.membership, caf::make_message(join_atom::value, m.hello("inc-1")));
    REQUIRE_MESSAGE(welcome.ok(), welcome.error().describe());
    CHECK(welcome->scheduler == m.scheduler);
    CHECK(welcome->heartbeat_ms == 50);
    auto events = m.recorded();
    REQUIRE(events.size() == 1);
    CHECK(events[0].joined().incarnation() == "inc-1");
    CHECK(events[0].joined().compute_hosts(0) == "host-1");
    CHECK(m.routed_hosts() == std::vector<std::string>{"host-1"});
    CHECK(m.board.get("host-1") == service::host_reachability::up);
    // The router reaches the attached agent like a local one.
    auto spawned = m.f.ask<instance_outcome>(
        m.router,
        caf::make_message(
            std::string{"host-1"},
            caf::make_message(agent_run_atom::value,
                              command(instance_operation::spawn, "i-1"))));
    CHECK(spawned.ok());
    CHECK(
        *m.f.ask<bool>(m.membership, caf::make_message(heartbeat_atom::value,
                                                       std::string{"node-1"},
                                                       std::string{"inc-1"})));
    // Another incarnation (the node restarted) must join again.
    CHECK_FALSE(
        *m.f.ask<bool>(m.membership, caf::make_message(heartbeat_atom::value,
                                                       std::string{"node-1"},
                                                       std::string{"inc-0"})));
  }

  TEST_CASE("a silent node is declared down and rejoins afresh") {
    membership_fixture m;
    REQUIRE(
        m.f.ask<join_welcome>(m.membership, caf::make_message(join_atom::value,
                                                              m.hello("inc-1")))
            .ok());
    REQUIRE(eventually([&] { return m.host_down(); }));
    {
      std::lock_guard lock{m.scheduler_calls->mutex};
      auto& changes = m.scheduler_calls->up_changes;
      CHECK(std::find(changes.begin(), changes.end(),
                      std::pair<std::string, bool>{"host-1", false}) !=
            changes.end());
    }
    REQUIRE(eventually([&] { return m.recorded().size() == 2; }));
    CHECK(m.recorded()[1].down().reason().find("no heartbeat") !=
          std::string::npos);
    CHECK(m.routed_hosts().empty());
    auto refused = m.f.ask<instance_outcome>(
        m.router,
        caf::make_message(
            std::string{"host-1"},
            caf::make_message(agent_run_atom::value,
                              command(instance_operation::spawn, "i-1"))));
    CHECK(refused.error().code() == errc::unavailable);
    CHECK_FALSE(
        *m.f.ask<bool>(m.membership, caf::make_message(heartbeat_atom::value,
                                                       std::string{"node-1"},
                                                       std::string{"inc-1"})));
    REQUIRE(
        m.f.ask<join_welcome>(m.membership, caf::make_message(join_atom::value,
                                                              m.hello("inc-1")))
            .ok());
    CHECK(m.board.get("host-1") == service::host_reachability::up);
    CHECK(m.routed_hosts() == std::vector<std::string>{"host-1"});
    CHECK(m.recorded().size() == 3);
  }

  TEST_CASE("a dead link makes the node down at once; leaving is recorded") {
    membership_fixture m;
    // The node's link: an actor that joins and then dies.
    auto link = actor::spawn_function(
        m.f.system(), [&m](caf::event_based_actor* self) -> caf::behavior {
          self->request(m.membership, 5s, join_atom::value, m.hello("inc-1"))
              .then([self](join_welcome&) { self->quit(); },
                    [self](caf::error&) { self->quit(); });
          return {[](int) {}};
        });
    REQUIRE(eventually([&] { return m.host_down(); }));
    REQUIRE(eventually([&] { return m.recorded().size() == 2; }));
    CHECK(m.recorded()[1].down().reason().find("connection lost") !=
          std::string::npos);
    REQUIRE(
        m.f.ask<join_welcome>(m.membership, caf::make_message(join_atom::value,
                                                              m.hello("inc-2")))
            .ok());
    CHECK(
        *m.f.ask<bool>(m.membership, caf::make_message(leave_atom::value,
                                                       std::string{"node-1"})));
    CHECK(m.host_down());
    CHECK(m.recorded().back().has_left());
    auto members = m.f.ask<std::vector<member_status>>(
        m.membership, caf::make_message(members_atom::value));
    REQUIRE(members->size() == 1);
    CHECK(members->front().left);
    CHECK_FALSE(members->front().up);
  }

  TEST_CASE(
      "a joining node without a name is refused and nothing is recorded") {
    membership_fixture m;
    auto refused = m.f.ask<join_welcome>(
        m.membership, caf::make_message(join_atom::value, node_hello{}));
    CHECK(refused.error().code() == errc::invalid_argument);
    CHECK(m.store->stream_version("node/").value() == 0);
  }

  TEST_CASE("during the router's grace, requests wait for the host's agent") {
    agent_fixture f;
    f.start();
    auto router = spawn_agent_router(f.system(), {}, 2s);
    f.helpers.push_back(router);
    auto& self = *f.scoped_;
    auto pending = self->request(
        router, 10s, std::string{"host-1"},
        caf::make_message(agent_run_atom::value,
                          command(instance_operation::spawn, "i-9")));
    CHECK(*f.ask<bool>(router,
                       caf::make_message(agent_attach_atom::value,
                                         std::string{"host-1"}, f.agent)));
    bool spawned = false;
    pending.receive([&](instance_outcome& out) { spawned = out.uuid == "i-9"; },
                    [&](caf::error&) {});
    CHECK(spawned);
    auto short_grace = spawn_agent_router(f.system(), {}, 100ms);
    f.helpers.push_back(short_grace);
    auto unknown = f.ask<instance_outcome>(
        short_grace,
        caf::make_message(
            std::string{"host-9"},
            caf::make_message(agent_run_atom::value,
                              command(instance_operation::spawn, "i-1"))));
    CHECK(unknown.error().code() == errc::not_found);
  }
}
