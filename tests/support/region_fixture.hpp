#pragma once

// A node in miniature for actor tests: a store in a temp dir, a blocking pool,
// an actor system and one shard region of counters.

#include <caf/all.hpp>

#include <chrono>
#include <optional>

#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/counter_entity.hpp"
#include "tests/support/temp_dir.hpp"

namespace strato::testing {

/// Two scheduler threads, quiet CAF logging, strato's error category.
std::unique_ptr<caf::actor_system_config> make_test_config();

class region_fixture {
public:
  explicit region_fixture(actor::region_options tweaks = {},
                          uint64_t snapshot_every = 0);
  ~region_fixture();

  /// Sends `msg` to counter `id` and waits for the answer.
  template <class T>
  result<T> ask(const std::string& id, caf::message msg) {
    std::optional<result<T>> out;
    (*scoped_)->request(region_, std::chrono::seconds{10}, id, std::move(msg))
      .receive([&](T value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  actor::region_stats stats();

  /// Reopens everything on the same data directory (a process restart).
  void restart(uint64_t snapshot_every = 0);

  store::event_store& store() {
    return *store_;
  }
  caf::actor_system& system() {
    return *system_;
  }
  const caf::actor& region() const {
    return region_;
  }

private:
  void start(uint64_t snapshot_every);
  void stop();

  temp_dir dir_;
  actor::region_options tweaks_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::optional<caf::scoped_actor> scoped_;
  caf::actor region_;
};

/// Polls `pred` every few milliseconds until it holds or 10 s pass.
bool eventually(const std::function<bool()>& pred);

} // namespace strato::testing
