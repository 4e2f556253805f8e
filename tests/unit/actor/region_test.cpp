#include <doctest/doctest.h>

#include "tests/support/region_fixture.hpp"

using namespace strato;
using namespace strato::testing;
using namespace std::chrono_literals;

namespace {

caf::message add(int64_t amount) {
  return caf::make_message(add_atom::value, amount, std::string{"req"});
}

caf::message get() {
  return caf::make_message(get_atom::value);
}

actor::region_options fast_passivation() {
  actor::region_options opts;
  opts.idle_timeout = 20ms;
  opts.sweep_interval = 10ms;
  return opts;
}

} // namespace

TEST_SUITE("runtime/actor/region") {

TEST_CASE("a crashed entity restarts from its history") {
  region_fixture node;
  REQUIRE(node.ask<int64_t>("a", add(7)).ok());
  auto crashed = node.ask<int64_t>("a", caf::make_message(crash_atom::value));
  CHECK_FALSE(crashed.ok());
  REQUIRE(eventually([&] { return node.stats().restarts == 1; }));
  CHECK(*node.ask<int64_t>("a", get()) == 7);
}

TEST_CASE("an exception in a handler counts as a crash") {
  region_fixture node;
  REQUIRE(node.ask<int64_t>("a", add(3)).ok());
  CHECK_FALSE(node.ask<int64_t>("a", caf::make_message(throw_atom::value)).ok());
  REQUIRE(eventually([&] { return node.stats().restarts == 1; }));
  CHECK(*node.ask<int64_t>("a", get()) == 3);
}

TEST_CASE("an entity crashing too often is parked and reported") {
  actor::region_options opts;
  opts.max_restarts = 2;
  opts.restart_window = 60s;
  region_fixture node{opts};
  REQUIRE(node.ask<int64_t>("a", add(1)).ok());
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(node.ask<int64_t>("a", caf::make_message(crash_atom::value)).ok());
    REQUIRE(eventually([&] {
      auto s = node.stats();
      return s.restarts + s.failed == static_cast<uint64_t>(i + 1);
    }));
  }
  CHECK(node.stats().failed == 1);
  auto parked = node.ask<int64_t>("a", get());
  REQUIRE_FALSE(parked.ok());
  CHECK(parked.error().code() == errc::entity_failed);
  CHECK(*node.ask<int64_t>("b", add(1)) == 1); // Others are unaffected.

  caf::scoped_actor self{node.system()};
  self->request(node.region(), 10s, actor::failed_atom::value)
    .receive([](std::vector<std::string>& ids) {
               CHECK(ids == std::vector<std::string>{"a"});
             },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  self->request(node.region(), 10s, actor::unpark_atom::value, std::string{"a"})
    .receive([](bool unparked) { CHECK(unparked); },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  CHECK(*node.ask<int64_t>("a", get()) == 1);
}

TEST_CASE("idle entities are passivated and come back with their state") {
  region_fixture node{fast_passivation()};
  REQUIRE(node.ask<int64_t>("a", add(4)).ok());
  REQUIRE(eventually([&] { return node.stats().passivations == 1; }));
  CHECK(node.stats().active == 0);
  CHECK(*node.ask<int64_t>("a", add(1)) == 5);
  CHECK(node.stats().activations == 2);
  CHECK(node.stats().restarts == 0);
}

TEST_CASE("an entity may refuse passivation while it is busy") {
  region_fixture node{fast_passivation()};
  REQUIRE(node.ask<bool>("a", caf::make_message(pin_atom::value)).ok());
  REQUIRE(node.ask<int64_t>("b", add(1)).ok());
  REQUIRE(eventually([&] { return node.stats().passivations == 1; }));
  // "b" went; "a" refused every sweep since and is still the same actor.
  CHECK(node.stats().active == 1);
  CHECK(node.stats().activations == 2);
  CHECK(*node.ask<int64_t>("a", add(2)) == 2);
}

TEST_CASE("messages racing a passivation reach the next activation") {
  region_fixture node{fast_passivation()};
  caf::scoped_actor self{node.system()};
  int64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    self->request(node.region(), 10s, std::string{"a"}, add(1))
      .receive([&](int64_t v) { last = v; },
               [](caf::error& err) { FAIL(caf::to_string(err)); });
    if (i % 20 == 0) {
      std::this_thread::sleep_for(30ms); // Let a sweep passivate it.
    }
  }
  CHECK(last == 200);
  CHECK(node.stats().passivations >= 1);
  CHECK(node.stats().restarts == 0);
}

} // TEST_SUITE
