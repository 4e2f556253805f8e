#include "tests/support/region_fixture.hpp"

#include <doctest/doctest.h>

#include <thread>

namespace strato::testing {

namespace {

struct test_system_config : caf::actor_system_config {
  test_system_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

} // namespace

std::unique_ptr<caf::actor_system_config> make_test_config() {
  return std::make_unique<test_system_config>();
}

region_fixture::region_fixture(actor::region_options tweaks,
                               uint64_t snapshot_every)
  : tweaks_(std::move(tweaks)) {
  start(snapshot_every);
}

region_fixture::~region_fixture() {
  stop();
}

void region_fixture::start(uint64_t snapshot_every) {
  auto opened = store::open_rocksdb_event_store(
    {.path = dir_.str(), .sync = false});
  REQUIRE_MESSAGE(opened.ok(), opened.error().describe());
  store_ = std::move(*opened);
  pool_ = std::make_unique<blocking_pool>("test-pool", 2);
  config_ = make_test_config();
  system_ = std::make_unique<caf::actor_system>(*config_);
  scoped_.emplace(*system_);
  auto options = tweaks_;
  options.kind = "counter";
  options.spawn = actor::make_spawner<counter>(
    {store_.get(), pool_.get(), snapshot_every, nullptr}, counter_behavior);
  region_ = actor::spawn_region(*system_, std::move(options));
}

void region_fixture::stop() {
  if (!system_) {
    return;
  }
  (*scoped_)->send_exit(region_, caf::exit_reason::user_shutdown);
  region_ = nullptr;
  scoped_.reset();
  system_.reset(); // Waits for every actor to finish.
  config_.reset();
  pool_.reset();
  store_.reset();
}

void region_fixture::restart(uint64_t snapshot_every) {
  stop();
  start(snapshot_every);
}

actor::region_stats region_fixture::stats() {
  actor::region_stats out;
  (*scoped_)
    ->request(region_, std::chrono::seconds{10}, actor::stats_atom::value)
    .receive([&](actor::region_stats& s) { out = s; },
             [](caf::error& err) { FAIL(caf::to_string(err)); });
  return out;
}

bool eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return pred();
}

} // namespace strato::testing
