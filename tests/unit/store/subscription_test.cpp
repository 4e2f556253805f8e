#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::store;

namespace {

/// Collects delivered positions; waits until a count is reached.
class collector {
public:
  log_listener listener() {
    return [this](const std::vector<recorded_event>& events) {
      std::lock_guard guard{mutex_};
      for (auto& ev : events) {
        positions_.push_back(ev.position);
      }
      cv_.notify_all();
    };
  }

  std::vector<uint64_t> wait_for(size_t count) {
    std::unique_lock lock{mutex_};
    cv_.wait(lock, [&] { return positions_.size() >= count; });
    return positions_;
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<uint64_t> positions_;
};

void append_n(event_store& store, const std::string& stream, int n) {
  for (int i = 0; i < n; ++i) {
    auto res = store.append_and_wait(
      {stream, any_version, {{"t.E", std::to_string(i)}}, "", ""});
    REQUIRE(res.ok());
  }
}

} // namespace

TEST_SUITE("runtime/store") {

TEST_CASE("a subscriber gets stored events and then live ones in order") {
  testing::temp_dir dir;
  auto store = std::move(
    *open_rocksdb_event_store({.path = dir.str(), .sync = false}));
  append_n(*store, "s/a", 5);
  collector seen;
  auto sub = store->subscribe(3, seen.listener());
  REQUIRE(sub.ok());
  append_n(*store, "s/b", 3);
  auto positions = seen.wait_for(6);
  CHECK(positions == std::vector<uint64_t>{3, 4, 5, 6, 7, 8});
}

TEST_CASE("a subscriber that joins during heavy appends misses nothing") {
  testing::temp_dir dir;
  auto store = std::move(
    *open_rocksdb_event_store({.path = dir.str(), .sync = false}));
  append_n(*store, "s/pre", 200);
  std::thread writer([&] { append_n(*store, "s/live", 2000); });
  collector seen;
  auto sub = store->subscribe(1, seen.listener());
  REQUIRE(sub.ok());
  writer.join();
  auto positions = seen.wait_for(2200);
  REQUIRE(positions.size() == 2200);
  for (uint64_t i = 0; i < positions.size(); ++i) {
    REQUIRE(positions[i] == i + 1);
  }
}

TEST_CASE("a cancelled subscription receives nothing more") {
  testing::temp_dir dir;
  auto store = std::move(
    *open_rocksdb_event_store({.path = dir.str(), .sync = false}));
  collector seen;
  {
    auto sub = store->subscribe(1, seen.listener());
    append_n(*store, "s/a", 2);
    seen.wait_for(2);
  }
  append_n(*store, "s/a", 2);
  CHECK(seen.wait_for(2).size() == 2);
}

} // TEST_SUITE
