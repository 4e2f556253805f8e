#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;
using namespace strato::store;

namespace {

std::unique_ptr<event_store> open_store(const std::string& path) {
  auto opened = open_rocksdb_event_store({.path = path, .sync = false});
  REQUIRE_MESSAGE(opened.ok(), opened.error().describe());
  return std::move(*opened);
}

append_request one_event(std::string stream, uint64_t expected,
                         std::string payload) {
  return {std::move(stream), expected, {{"test.Event", std::move(payload)}},
          "req-1", ""};
}

} // namespace

TEST_SUITE("runtime/store") {

TEST_CASE("appends get dense stream sequences and global positions") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  auto a1 = store->append_and_wait(one_event("counter/a", 0, "a1"));
  auto b1 = store->append_and_wait(one_event("counter/b", 0, "b1"));
  auto a2 = store->append_and_wait(one_event("counter/a", 1, "a2"));
  REQUIRE(a1.ok());
  REQUIRE(b1.ok());
  REQUIRE(a2.ok());
  CHECK(a1->first_sequence == 1);
  CHECK(a2->first_sequence == 2);
  CHECK(b1->first_sequence == 1);
  CHECK(a1->first_position == 1);
  CHECK(b1->first_position == 2);
  CHECK(a2->first_position == 3);
  auto events = store->read_stream("counter/a", 1);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 2);
  CHECK((*events)[0].payload == "a1");
  CHECK((*events)[1].payload == "a2");
  CHECK((*events)[1].correlation_id == "req-1");
  CHECK((*events)[1].type == "test.Event");
  CHECK((*events)[1].recorded_at_us > 0);
  CHECK(store->last_position() == 3);
}

TEST_CASE("a wrong expected version is a conflict and writes nothing") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  REQUIRE(store->append_and_wait(one_event("s/x", 0, "first")).ok());
  auto stale = store->append_and_wait(one_event("s/x", 0, "stale"));
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code() == errc::conflict);
  auto ahead = store->append_and_wait(one_event("s/x", 5, "ahead"));
  CHECK(ahead.error().code() == errc::conflict);
  CHECK(*store->stream_version("s/x") == 1);
  CHECK(store->last_position() == 1);
  CHECK(store->stats().conflicts == 2);
}

TEST_CASE("any_version skips the concurrency check") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  REQUIRE(store->append_and_wait(one_event("s/x", any_version, "1")).ok());
  REQUIRE(store->append_and_wait(one_event("s/x", any_version, "2")).ok());
  CHECK(*store->stream_version("s/x") == 2);
}

TEST_CASE("a multi-event append is atomic and contiguous") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  append_request req{"s/batch", 0, {}, "req", ""};
  for (int i = 0; i < 10; ++i) {
    req.events.push_back({"test.Event", std::to_string(i)});
  }
  auto res = store->append_and_wait(std::move(req));
  REQUIRE(res.ok());
  CHECK(res->first_sequence == 1);
  CHECK(res->last_sequence == 10);
  auto log = store->read_log(1, 100);
  REQUIRE(log->size() == 10);
  for (uint64_t i = 0; i < 10; ++i) {
    CHECK((*log)[i].position == i + 1);
    CHECK((*log)[i].sequence == i + 1);
  }
}

TEST_CASE("empty appends and NUL stream names are rejected") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  auto empty = store->append_and_wait({"s/x", 0, {}, "", ""});
  CHECK(empty.error().code() == errc::invalid_argument);
  auto nul = store->append_and_wait(
    one_event(std::string("s/\0x", 4), 0, "p"));
  CHECK(nul.error().code() == errc::invalid_argument);
  CHECK(store->last_position() == 0);
}

TEST_CASE("reading a stream does not leak into streams sharing a prefix") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  REQUIRE(store->append_and_wait(one_event("vm/1", 0, "one")).ok());
  REQUIRE(store->append_and_wait(one_event("vm/10", 0, "ten")).ok());
  auto events = store->read_stream("vm/1", 1);
  REQUIRE(events->size() == 1);
  CHECK((*events)[0].payload == "one");
  CHECK(store->read_stream("vm/2", 1)->empty());
  CHECK(*store->stream_version("vm/2") == 0);
}

TEST_CASE("events, versions and positions survive reopening") {
  testing::temp_dir dir;
  {
    auto store = open_store(dir.str());
    for (uint64_t i = 0; i < 5; ++i) {
      REQUIRE(store->append_and_wait(one_event("s/x", i, "e")).ok());
    }
  }
  auto store = open_store(dir.str());
  CHECK(store->last_position() == 5);
  CHECK(*store->stream_version("s/x") == 5);
  auto next = store->append_and_wait(one_event("s/x", 5, "after"));
  REQUIRE(next.ok());
  CHECK(next->first_position == 6);
  CHECK(store->append_and_wait(one_event("s/x", 5, "dup")).error().code()
        == errc::conflict);
}

TEST_CASE("snapshots replace older ones and load with their version") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  CHECK_FALSE(store->load_snapshot("s/x")->has_value());
  REQUIRE(store->save_snapshot("s/x", {10, "t.State", "ten"}).ok());
  REQUIRE(store->save_snapshot("s/x", {20, "t.State", "twenty"}).ok());
  auto snap = store->load_snapshot("s/x");
  REQUIRE(snap->has_value());
  CHECK((*snap)->version == 20);
  CHECK((*snap)->state == "twenty");
  CHECK((*snap)->type == "t.State");
}

TEST_CASE("projection state is stored durably by key") {
  testing::temp_dir dir;
  {
    auto store = open_store(dir.str());
    REQUIRE(store->put_projection("servers/checkpoint", "42").ok());
  }
  auto store = open_store(dir.str());
  CHECK(*store->get_projection("servers/checkpoint") == "42");
  CHECK_FALSE(store->get_projection("other")->has_value());
}

TEST_CASE("concurrent appenders to one stream never share a version") {
  testing::temp_dir dir;
  auto store = open_store(dir.str());
  std::atomic<int> won{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (uint64_t v = 0; v < 50; ++v) {
        auto res = store->append_and_wait(one_event("s/hot", v, "x"));
        (res.ok() ? won : lost)++;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(won.load() == 50);
  CHECK(lost.load() == 8 * 50 - 50);
  CHECK(*store->stream_version("s/hot") == 50);
}

TEST_CASE("a store written by a newer format is refused with a clear message") {
  testing::temp_dir dir;
  { open_store(dir.str()); }
  {
    // Rewrite the format key as a future Strato would.
    auto opened = open_rocksdb_event_store({.path = dir.str(), .sync = false});
    REQUIRE(opened.ok());
    REQUIRE((*opened)->put_projection("unused", "x").ok());
  }
  auto bumped = set_format_version_for_test(dir.str(), 99);
  REQUIRE(bumped.ok());
  auto reopened = open_rocksdb_event_store({.path = dir.str(), .sync = false});
  REQUIRE_FALSE(reopened.ok());
  CHECK(reopened.error().code() == errc::unsupported_format);
  CHECK(reopened.error().message().find("version 99") != std::string::npos);
}

TEST_CASE("an unusable data directory is an io_error") {
  testing::temp_dir dir;
  auto file = dir.path() / "not-a-dir";
  std::ofstream{file} << "x";
  auto opened = open_rocksdb_event_store({.path = file.string(), .sync = false});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code() == errc::io_error);
}

} // TEST_SUITE
