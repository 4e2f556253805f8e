#include <doctest/doctest.h>

#include "tests/support/region_fixture.hpp"

using namespace strato;
using namespace strato::testing;

namespace {

caf::message add(int64_t amount, std::string request_id = "req-test") {
  return caf::make_message(add_atom::value, amount, std::move(request_id));
}

} // namespace

TEST_SUITE("runtime/actor/entity") {

TEST_CASE("the first command activates an empty entity and persists its event") {
  region_fixture node;
  auto value = node.ask<int64_t>("a", add(5, "req-42"));
  REQUIRE(value.ok());
  CHECK(*value == 5);
  auto events = node.store().read_stream("counter/a", 1);
  REQUIRE(events->size() == 1);
  CHECK(events->front().type == "strato.testing.v1.CounterEvent");
  CHECK(events->front().correlation_id == "req-42");
  CHECK(node.stats().activations == 1);
}

TEST_CASE("a rejected command leaves no event and no state change") {
  region_fixture node;
  REQUIRE(node.ask<int64_t>("a", add(2)).ok());
  auto rejected = node.ask<int64_t>("a", add(-1));
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code() == errc::invalid_argument);
  CHECK(*node.store().stream_version("counter/a") == 1);
  CHECK(*node.ask<int64_t>("a", caf::make_message(get_atom::value)) == 2);
}

TEST_CASE("commands to one entity are decided in arrival order") {
  region_fixture node;
  caf::scoped_actor self{node.system()};
  std::vector<int64_t> replies;
  for (int i = 0; i < 100; ++i) {
    self->request(node.region(), std::chrono::seconds{10}, std::string{"hot"},
                  add(1))
      .receive([&](int64_t v) { replies.push_back(v); },
               [](caf::error& err) { FAIL(caf::to_string(err)); });
  }
  REQUIRE(replies.size() == 100);
  CHECK(replies.back() == 100);
  CHECK(*node.store().stream_version("counter/hot") == 100);
}

TEST_CASE("many commands in flight to one entity all apply exactly once") {
  region_fixture node;
  caf::scoped_actor self{node.system()};
  for (int i = 0; i < 200; ++i) {
    // Plain sends: the answers come back as ordinary messages.
    self->send(node.region(), std::string{"hot"}, add(1));
  }
  std::vector<int64_t> replies;
  for (int i = 0; i < 200; ++i) {
    self->receive([&](int64_t v) { replies.push_back(v); },
                  caf::after(std::chrono::seconds{10}) >> [] { FAIL("timeout"); });
  }
  std::sort(replies.begin(), replies.end());
  for (int64_t i = 0; i < 200; ++i) {
    REQUIRE(replies[i] == i + 1);
  }
}

TEST_CASE("state survives a node restart through replay") {
  region_fixture node;
  for (int i = 1; i <= 10; ++i) {
    REQUIRE(node.ask<int64_t>("a", add(i)).ok());
  }
  node.restart();
  CHECK(*node.ask<int64_t>("a", caf::make_message(get_atom::value)) == 55);
  CHECK(*node.ask<uint64_t>("a", caf::make_message(actor::version_atom::value))
        == 10);
}

TEST_CASE("snapshots are taken every N events and used on activation") {
  region_fixture node{{}, 3};
  for (int i = 0; i < 7; ++i) {
    REQUIRE(node.ask<int64_t>("a", add(1)).ok());
  }
  REQUIRE(eventually([&] {
    auto snap = node.store().load_snapshot("counter/a");
    return snap.ok() && snap->has_value() && (*snap)->version == 6;
  }));
  node.restart(3);
  CHECK(*node.ask<int64_t>("a", caf::make_message(get_atom::value)) == 7);
  CHECK(*node.ask<int64_t>("a", add(1)) == 8);
  CHECK(*node.store().stream_version("counter/a") == 8);
}

TEST_CASE("a write by someone else makes the entity reload, not overwrite") {
  region_fixture node;
  REQUIRE(node.ask<int64_t>("a", add(1)).ok());
  // A second writer sneaks in behind the entity's back.
  strato::testing::v1::CounterEvent ev;
  ev.mutable_added()->set_amount(100);
  REQUIRE(node.store()
            .append_and_wait({"counter/a", 1,
                              {{ev.GetTypeName(), ev.SerializeAsString()}},
                              "",
                              ""})
            .ok());
  auto stale = node.ask<int64_t>("a", add(1));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code() == errc::conflict);
  REQUIRE(eventually([&] { return node.stats().restarts == 1; }));
  CHECK(*node.ask<int64_t>("a", add(1)) == 102);
}

} // TEST_SUITE
