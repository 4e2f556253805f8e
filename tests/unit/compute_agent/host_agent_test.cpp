#include <doctest/doctest.h>

#include "actors/compute_agent/agent_router.hpp"
#include "tests/unit/compute_agent/agent_fixture.hpp"

using namespace strato;
using namespace strato::compute_agent;
using namespace strato::testing;
using hypervisor::power_state;
using op = instance_operation;

TEST_SUITE("actors/compute_agent/host_agent") {

TEST_CASE("operations run through messages and answer the power state") {
  agent_fixture f;
  f.start();
  auto spawned = f.run(op::spawn, "i-1");
  REQUIRE_MESSAGE(spawned.ok(), spawned.error().describe());
  CHECK(spawned->state == power_state::running);
  CHECK(spawned->request_id == "req-i-1");
  CHECK(f.run(op::pause, "i-1")->state == power_state::paused);
  CHECK(f.run(op::unpause, "i-1")->state == power_state::running);
  CHECK(f.run(op::suspend, "i-1")->state == power_state::suspended);
  CHECK(f.run(op::resume, "i-1")->state == power_state::running);
  CHECK(f.run(op::reboot_hard, "i-1")->state == power_state::running);
  CHECK(f.run(op::power_off, "i-1")->state == power_state::shutdown);
  CHECK(f.run(op::power_on, "i-1")->state == power_state::running);
  auto info = f.ask<hypervisor::instance_info>(
    f.agent, caf::make_message(agent_info_atom::value, std::string{"i-1"}));
  REQUIRE(info.ok());
  CHECK(info->state == power_state::running);
  auto console = f.ask<std::string>(
    f.agent, caf::make_message(agent_console_atom::value, std::string{"i-1"},
                               uint64_t{4096}));
  REQUIRE(console.ok());
  CHECK(console->find("login") != std::string::npos);
  auto guests = f.ask<host_guests>(f.agent,
                                   caf::make_message(agent_list_atom::value));
  REQUIRE(guests.ok());
  CHECK(guests->hostname == "host-1");
  CHECK(guests->guests.at("i-1") == power_state::running);
  CHECK(f.run(op::destroy, "i-1")->state == power_state::nostate);
  CHECK(f.driver->list()->empty());
}

TEST_CASE("driver errors come back as strato errors with the driver's text") {
  agent_fixture f;
  f.start();
  auto missing = f.run(op::pause, "nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == errc::not_found);
  CHECK(missing.error().message().find("nope") != std::string::npos);
  f.driver->fail_next("spawn", 1);
  auto failed = f.run(op::spawn, "i-2");
  CHECK(failed.error().code() == errc::unavailable);
  CHECK(failed.error().message().find("injected") != std::string::npos);
  REQUIRE(f.run(op::spawn, "i-2").ok());
  CHECK(f.run(op::unpause, "i-2").error().code() == errc::invalid_transition);
  auto nameless = f.run(op::spawn, "");
  CHECK(nameless.error().code() == errc::invalid_argument);
}

TEST_CASE("calls for one instance run in order, one at a time") {
  agent_fixture f;
  f.start();
  f.driver->set_latency(std::chrono::milliseconds{40});
  auto& self = *f.scoped_;
  std::vector<op> sequence{op::spawn, op::pause, op::unpause, op::power_off,
                           op::power_on, op::destroy};
  auto started = std::chrono::steady_clock::now();
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>>
    replies;
  for (auto operation : sequence) {
    replies.push_back(self->request(f.agent, std::chrono::seconds{10},
                                    agent_run_atom::value,
                                    command(operation, "i-1")));
  }
  size_t succeeded = 0;
  for (auto& reply : replies) {
    reply.receive([&](instance_outcome&) { ++succeeded; },
                  [&](caf::error& err) { FAIL(caf::to_string(err)); });
  }
  // In order, or pause would have found no guest; one at a time, or the
  // latencies (6 calls + 5 info calls, 40 ms each) would overlap.
  CHECK(succeeded == sequence.size());
  CHECK(std::chrono::steady_clock::now() - started >=
        std::chrono::milliseconds{11 * 40});
}

TEST_CASE("calls for different instances run in parallel") {
  agent_fixture f;
  f.start();
  f.driver->set_latency(std::chrono::milliseconds{150});
  auto& self = *f.scoped_;
  auto started = std::chrono::steady_clock::now();
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>>
    replies;
  for (int i = 0; i < 4; ++i) {
    replies.push_back(self->request(f.agent, std::chrono::seconds{10},
                                    agent_run_atom::value,
                                    command(op::spawn, "i-" + std::to_string(i))));
  }
  for (auto& reply : replies) {
    reply.receive([](instance_outcome&) {},
                  [&](caf::error& err) { FAIL(caf::to_string(err)); });
  }
  // Serial would be 4 x (spawn + info) = 1.2 s; four pool threads overlap.
  CHECK(std::chrono::steady_clock::now() - started <
        std::chrono::milliseconds{1000});
  CHECK(f.driver->list()->size() == 4);
}

TEST_CASE("lifecycle events reach the subscribed listener") {
  agent_fixture f;
  f.start();
  auto log = std::make_shared<listener_log>();
  auto listener = f.spawn_listener(log);
  REQUIRE(f.ask<bool>(f.agent, caf::make_message(agent_subscribe_atom::value,
                                                 listener))
            .ok());
  REQUIRE(f.run(op::spawn, "i-1").ok());
  REQUIRE(f.driver->inject_power_change("i-1", power_state::crashed, "panic")
            .ok());
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return log->lifecycle.size() == 1 && log->lifecycle[0].uuid == "i-1" &&
           log->lifecycle[0].state == power_state::crashed;
  }));
}

TEST_CASE("power sync reports corrections and powers off stopped guests") {
  agent_fixture f;
  f.start();
  auto log = std::make_shared<listener_log>();
  log->expected.instances = {
    {"crashed", "active", power_state::running, false},
    {"runaway", "stopped", power_state::shutdown, false},
    {"fine", "active", power_state::running, false},
    {"busy", "active", power_state::running, true},
  };
  auto listener = f.spawn_listener(log);
  REQUIRE(f.ask<bool>(f.agent, caf::make_message(agent_subscribe_atom::value,
                                                 listener))
            .ok());
  for (auto uuid : {"crashed", "runaway", "fine", "stray"}) {
    REQUIRE(f.run(op::spawn, uuid).ok());
  }
  REQUIRE(f.driver->inject_power_change("crashed", power_state::crashed, "oops")
            .ok());
  auto report = f.ask<power_sync_report>(
    f.agent, caf::make_message(agent_power_sync_atom::value));
  REQUIRE_MESSAGE(report.ok(), report.error().describe());
  CHECK(report->checked == 3);
  REQUIRE(report->corrections.size() == 2);
  std::map<std::string, power_sync_action> actions;
  for (const auto& c : report->corrections) {
    actions[c.uuid] = c.action;
  }
  CHECK(actions.at("crashed") == power_sync_action::record_stopped);
  CHECK(actions.at("runaway") == power_sync_action::powered_off);
  CHECK(report->unknown_guests == std::vector<std::string>{"stray"});
  CHECK(f.driver->info("runaway")->state == power_state::shutdown);
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return log->reports.size() == 1;
  }));
}

TEST_CASE("power sync runs periodically on its own") {
  agent_fixture f;
  auto log = std::make_shared<listener_log>();
  log->expected.instances = {{"gone", "active", power_state::running, false}};
  agent_options options;
  options.power_sync_interval = std::chrono::milliseconds{20};
  f.start(options);
  auto listener = f.spawn_listener(log);
  caf::anon_send(f.agent, agent_subscribe_atom::value, listener);
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return log->reports.size() >= 2 && log->reports[0].corrections.size() == 1;
  }));
}

TEST_CASE("the agent registers its host and reports health changes") {
  agent_fixture f;
  auto log = std::make_shared<scheduler_log>();
  agent_options options;
  options.scheduler = f.spawn_scheduler(log);
  options.health_interval = std::chrono::milliseconds{20};
  f.start(options);
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return log->registered == std::vector<std::string>{"host-1:64"};
  }));
  f.driver->fail_next("inventory", 1000000);
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return !log->up_changes.empty() &&
           log->up_changes.back() == std::pair<std::string, bool>{"host-1", false};
  }));
  f.driver->fail_next("inventory", 0);
  CHECK(eventually([&] {
    std::lock_guard guard{log->mutex};
    return log->up_changes.back().second;
  }));
}

TEST_CASE("the router forwards by hostname and refuses unknown hosts") {
  agent_fixture f;
  f.start();
  auto router = spawn_agent_router(f.system(), {{"host-1", f.agent}});
  f.helpers.push_back(router);
  auto outcome = f.ask<instance_outcome>(
    router, caf::make_message(std::string{"host-1"},
                              caf::make_message(agent_run_atom::value,
                                                command(op::spawn, "i-9"))));
  REQUIRE_MESSAGE(outcome.ok(), outcome.error().describe());
  CHECK(outcome->state == power_state::running);
  auto unknown = f.ask<instance_outcome>(
    router, caf::make_message(std::string{"host-2"},
                              caf::make_message(agent_list_atom::value)));
  CHECK(unknown.error().code() == errc::not_found);
  auto hosts = f.ask<std::vector<std::string>>(
    router, caf::make_message(agent_hosts_atom::value));
  CHECK(*hosts == std::vector<std::string>{"host-1"});
}

} // TEST_SUITE
