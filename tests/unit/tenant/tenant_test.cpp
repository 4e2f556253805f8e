#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "actors/tenant/tenant_entity.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/region_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::tenant;
using namespace std::chrono_literals;

namespace {

/// A node with only the tenant region, and a clock the test moves.
class tenant_node {
public:
  explicit tenant_node(uint64_t snapshot_every = 0) : snapshot_every_(snapshot_every) {
    start();
  }
  ~tenant_node() {
    stop();
  }

  template <class T, class... Ts>
  result<T> ask(const std::string& project, Ts&&... xs) {
    std::optional<result<T>> out;
    (*scoped_)
      ->request(region_, 10s, project, caf::make_message(std::forward<Ts>(xs)...))
      .receive([&](T value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  result<std::string> reserve(const std::string& project, quota_amounts deltas,
                              int64_t ttl_ms = 60000) {
    return ask<std::string>(project, quota_reserve_atom::value, std::move(deltas),
                            std::string{"req-reserve"}, ttl_ms);
  }
  result<bool> commit(const std::string& project, const std::string& id) {
    return ask<bool>(project, quota_commit_atom::value, id, std::string{"req-commit"});
  }
  result<bool> rollback(const std::string& project, const std::string& id) {
    return ask<bool>(project, quota_rollback_atom::value, id,
                     std::string{"req-rollback"});
  }
  quota_report show(const std::string& project) {
    auto r = ask<quota_report>(project, quota_show_atom::value);
    REQUIRE(r.ok());
    return *r;
  }
  uint64_t events_in(const std::string& project) {
    auto read = store_->read_stream("tenant/" + project, 1, 100000);
    REQUIRE(read.ok());
    return read->size();
  }

  void restart() {
    stop();
    start();
  }

  std::atomic<int64_t> now_us{1'000'000'000'000};
  caf::scoped_actor& self() {
    return *scoped_;
  }
  const caf::actor& region() const {
    return region_;
  }
  caf::actor_system& system() {
    return *system_;
  }

private:
  void start() {
    auto opened = store::open_rocksdb_event_store({.path = dir_.str(), .sync = false});
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
    pool_ = std::make_unique<blocking_pool>("test-pool", 2);
    config_ = testing::make_test_config();
    system_ = std::make_unique<caf::actor_system>(*config_);
    scoped_.emplace(*system_);
    actor::region_options options;
    options.kind = "tenant";
    options.spawn = make_tenant_spawner({store_.get(), pool_.get(), snapshot_every_, nullptr},
                                        [this] { return now_us.load(); });
    region_ = actor::spawn_region(*system_, std::move(options));
  }
  void stop() {
    (*scoped_)->send_exit(region_, caf::exit_reason::user_shutdown);
    region_ = nullptr;
    scoped_.reset();
    system_.reset();
    config_.reset();
    pool_.reset();
    store_.reset();
  }

  testing::temp_dir dir_;
  uint64_t snapshot_every_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  caf::actor region_;
};

} // namespace

TEST_SUITE("actors/tenant") {

TEST_CASE("a reservation within the limits is granted, committed into usage and released") {
  tenant_node node;
  auto id = node.reserve("p1", {{"instances", 2}, {"cores", 4}});
  REQUIRE(id.ok());
  auto report = node.show("p1");
  CHECK(report.reserved["instances"] == 2);
  CHECK(report.in_use["instances"] == 0);
  CHECK(report.limits["instances"] == 10);
  REQUIRE(node.commit("p1", *id).ok());
  report = node.show("p1");
  CHECK(report.reserved["instances"] == 0);
  CHECK(report.in_use["instances"] == 2);
  CHECK(report.in_use["cores"] == 4);
  REQUIRE(node.ask<bool>("p1", quota_release_atom::value,
                         quota_amounts{{"instances", 1}, {"cores", 2}},
                         std::string{"req"})
            .ok());
  report = node.show("p1");
  CHECK(report.in_use["instances"] == 1);
  CHECK(report.in_use["cores"] == 2);
}

TEST_CASE("a reservation over a limit is refused with Nova's message and writes nothing") {
  tenant_node node;
  REQUIRE(node.commit("p1", *node.reserve("p1", {{"instances", 9}})).ok());
  auto before = node.events_in("p1");
  auto refused = node.reserve("p1", {{"instances", 3}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == errc::quota_exceeded);
  CHECK(refused.error().message()
        == "Quota exceeded for instances: Requested 3, but already used 9 of 10 instances");
  CHECK(node.events_in("p1") == before);
  CHECK(node.show("p1").in_use["instances"] == 9);
}

TEST_CASE("concurrent reservations never exceed the limit") {
  tenant_node node;
  constexpr int requests = 40;
  std::atomic<int> granted = 0;
  std::atomic<int> refused = 0;
  // One blocking actor per thread: all 40 requests are in flight at once.
  std::vector<std::thread> clients;
  for (int i = 0; i < requests; ++i) {
    clients.emplace_back([&] {
      caf::scoped_actor client{node.system()};
      client->request(node.region(), 10s, std::string{"p1"},
                      caf::make_message(quota_reserve_atom::value,
                                        quota_amounts{{"instances", 1}},
                                        std::string{"r"}, int64_t{60000}))
        .receive([&](std::string&) { ++granted; },
                 [&](caf::error&) { ++refused; });
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  CHECK(granted == 10);
  CHECK(refused == 30);
  CHECK(node.show("p1").reserved["instances"] == 10);
}

TEST_CASE("a rolled back reservation frees its amounts; committing it then is a conflict") {
  tenant_node node;
  auto id = node.reserve("p1", {{"volumes", 10}});
  REQUIRE(id.ok());
  CHECK_FALSE(node.reserve("p1", {{"volumes", 1}}).ok());
  REQUIRE(node.rollback("p1", *id).ok());
  CHECK(node.show("p1").reserved["volumes"] == 0);
  auto late = node.commit("p1", *id);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code() == errc::conflict);
  CHECK(node.reserve("p1", {{"volumes", 1}}).ok());
}

TEST_CASE("a retried commit succeeds once; an unknown reservation is not found") {
  tenant_node node;
  auto id = node.reserve("p1", {{"port", 1}});
  REQUIRE(node.commit("p1", *id).ok());
  auto events = node.events_in("p1");
  CHECK(node.commit("p1", *id).ok());
  CHECK(node.events_in("p1") == events);
  CHECK(node.show("p1").in_use["port"] == 1);
  auto unknown = node.commit("p1", "no-such-reservation");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == errc::not_found);
}

TEST_CASE("an expired reservation stops holding quota and is recorded as expired") {
  tenant_node node;
  auto id = node.reserve("p1", {{"instances", 10}}, 1000);
  REQUIRE(id.ok());
  CHECK_FALSE(node.reserve("p1", {{"instances", 1}}).ok());
  node.now_us += 2'000'000;
  REQUIRE(node.reserve("p1", {{"instances", 1}}).ok());
  auto late = node.commit("p1", *id);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code() == errc::conflict);
  CHECK(late.error().message().find("expired") != std::string::npos);
  CHECK(node.show("p1").reserved["instances"] == 1);
}

TEST_CASE("limits can be raised, made unlimited, and are validated") {
  tenant_node node;
  auto set = node.ask<quota_report>("p1", quota_set_atom::value,
                                    quota_amounts{{"instances", -1}, {"cores", 100}},
                                    std::string{"req"});
  REQUIRE(set.ok());
  CHECK(set->limits["instances"] == -1);
  CHECK(set->limits["cores"] == 100);
  CHECK(node.reserve("p1", {{"instances", 5000}, {"cores", 100}}).ok());
  auto bad = node.ask<quota_report>("p1", quota_set_atom::value,
                                    quota_amounts{{"cores", -5}}, std::string{"req"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == errc::invalid_argument);
  CHECK_FALSE(node.reserve("p1", {{"ram", -1}}).ok());
}

TEST_CASE("projects are independent ledgers") {
  tenant_node node;
  REQUIRE(node.commit("a", *node.reserve("a", {{"instances", 10}})).ok());
  CHECK(node.reserve("b", {{"instances", 10}}).ok());
  CHECK_FALSE(node.reserve("a", {{"instances", 1}}).ok());
}

TEST_CASE("usage, limits and open reservations survive a restart") {
  for (uint64_t snapshot_every : {uint64_t{0}, uint64_t{2}}) {
    CAPTURE(snapshot_every);
    tenant_node node{snapshot_every};
    REQUIRE(node.ask<quota_report>("p1", quota_set_atom::value,
                                   quota_amounts{{"instances", 20}}, std::string{"r"})
              .ok());
    REQUIRE(node.commit("p1", *node.reserve("p1", {{"instances", 5}})).ok());
    auto open = node.reserve("p1", {{"instances", 3}});
    REQUIRE(open.ok());
    node.restart();
    auto report = node.show("p1");
    CHECK(report.limits["instances"] == 20);
    CHECK(report.in_use["instances"] == 5);
    CHECK(report.reserved["instances"] == 3);
    CHECK(node.commit("p1", *open).ok());
    CHECK(node.show("p1").in_use["instances"] == 8);
  }
}

} // TEST_SUITE
