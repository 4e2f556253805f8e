#pragma once

// A node in miniature for the scheduler actors: a RocksDB store in a temp
// dir, a blocking pool, an actor system and the "scheduler" actor with its
// shards; `restart` reopens everything on the same directory.

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "actors/scheduler/placement/scheduler_client.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/region_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::testing {

class placement_node {
public:
  explicit placement_node(uint32_t shards = 3) : shards_(shards) {
    start();
  }
  ~placement_node() {
    stop();
  }

  template <class T, class... Ts>
  result<T> ask(Ts&&... xs) {
    std::optional<result<T>> out;
    (*scoped_)->request(scheduler_, std::chrono::seconds{30}, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  void restart() {
    stop();
    start();
  }

  caf::actor_system& system() {
    return *system_;
  }
  const caf::actor& scheduler() const {
    return scheduler_;
  }
  store::event_store& store() {
    return *store_;
  }

private:
  void start() {
    auto opened = store::open_rocksdb_event_store({.path = dir_.str(), .sync = false});
    REQUIRE(opened.ok());
    store_ = std::move(*opened);
    pool_ = std::make_unique<blocking_pool>("test-pool", 2);
    config_ = make_test_config();
    system_ = std::make_unique<caf::actor_system>(*config_);
    scoped_.emplace(*system_);
    scheduler::scheduler_options options;
    options.shards = shards_;
    options.env.store = store_.get();
    options.env.pool = pool_.get();
    scheduler_ = scheduler::spawn_scheduler(*system_, options);
  }
  void stop() {
    (*scoped_)->send_exit(scheduler_, caf::exit_reason::user_shutdown);
    scheduler_ = nullptr;
    scoped_.reset();
    system_.reset();
    config_.reset();
    pool_.reset();
    store_.reset();
  }

  uint32_t shards_;
  temp_dir dir_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  caf::actor scheduler_;
};

} // namespace strato::testing
