#include <doctest/doctest.h>

#include <set>

#include "actors/scheduler/core/host_index.hpp"

using namespace strato::scheduler;

namespace {

std::vector<uint32_t> drain(host_index::cursor c) {
  std::vector<uint32_t> out;
  for (auto h = c.next(); h != no_id; h = c.next()) {
    out.push_back(h);
  }
  return out;
}

} // namespace

TEST_SUITE("actors/scheduler/host_index") {

TEST_CASE("buckets are monotonic and within a quarter of their lower bound") {
  uint32_t last = 0;
  for (int64_t v = 0; v < 100000; ++v) {
    auto b = capacity_bucket(v);
    CHECK(b >= last);
    CHECK(b <= last + 1);
    last = b;
  }
  CHECK(capacity_bucket(0) == 0);
  CHECK(capacity_bucket(7) == 7);
  CHECK(capacity_bucket(8) == 8);
  CHECK(capacity_bucket(15) == 11);
  CHECK(capacity_bucket(16) == 12);
  CHECK(capacity_bucket(int64_t{1} << 40) < 4 * 40);
}

TEST_CASE("a scan skips cells too small and visits each fitting host once") {
  host_index index;
  auto cls = index.class_for({});
  for (uint32_t h = 0; h < 100; ++h) {
    index.place(h, cls, 1024 * (h % 10), static_cast<int64_t>(h % 7));
  }
  CHECK(index.get_class(cls).hosts == 100);
  std::vector<uint32_t> classes{cls};
  auto hosts = drain(index.scan(classes, {.ram_mb = 8192, .vcpu = 3, .seed = 7}));
  std::set<uint32_t> unique(hosts.begin(), hosts.end());
  CHECK(unique.size() == hosts.size());
  for (uint32_t h = 0; h < 100; ++h) {
    bool fits = 1024 * (h % 10) >= 8192 && h % 7 >= 3;
    if (fits) {
      CHECK(unique.contains(h));
    }
  }
  // Only cells whose range reaches the need are visited.
  for (auto h : hosts) {
    CHECK(1024 * (h % 10) >= 7168);
  }
}

TEST_CASE("spreading visits the most free RAM first, packing the least") {
  host_index index;
  auto cls = index.class_for({});
  for (uint32_t h = 0; h < 8; ++h) {
    index.place(h, cls, 1000 * (int64_t{1} << h), 8);
  }
  std::vector<uint32_t> classes{cls};
  auto spread = drain(index.scan(classes, {.ram_mb = 1500, .most_free_ram_first = true}));
  CHECK(spread == std::vector<uint32_t>{7, 6, 5, 4, 3, 2, 1});
  auto pack = drain(index.scan(classes, {.ram_mb = 1500, .most_free_ram_first = false}));
  CHECK(pack == std::vector<uint32_t>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("moving and removing hosts keeps classes and cells consistent") {
  host_index index;
  auto a = index.class_for({.traits = {1}});
  auto b = index.class_for({.traits = {2}});
  CHECK(index.class_for({.traits = {1}}) == a);
  for (uint32_t h = 0; h < 10; ++h) {
    index.place(h, a, 4096, 4);
  }
  index.place(3, b, 4096, 4);
  index.place(4, a, 100, 4);
  index.remove(5);
  index.remove(5);
  CHECK(index.get_class(a).hosts == 8);
  CHECK(index.get_class(b).hosts == 1);
  CHECK(index.class_of(5) == no_id);
  std::vector<uint32_t> only_a{a};
  auto hosts = drain(index.scan(only_a, {.ram_mb = 1000}));
  std::set<uint32_t> got(hosts.begin(), hosts.end());
  CHECK(got == std::set<uint32_t>{0, 1, 2, 6, 7, 8, 9});
  std::vector<uint32_t> both{a, b};
  CHECK(drain(index.scan(both, {.ram_mb = 0})).size() == 9);
}

TEST_CASE("the seed only changes the order within a cell") {
  host_index index;
  auto cls = index.class_for({});
  for (uint32_t h = 0; h < 50; ++h) {
    index.place(h, cls, 4096, 4);
  }
  std::vector<uint32_t> classes{cls};
  auto first = drain(index.scan(classes, {.seed = 1}));
  auto again = drain(index.scan(classes, {.seed = 1}));
  auto other = drain(index.scan(classes, {.seed = 2}));
  CHECK(first == again);
  CHECK(first.front() != other.front());
  CHECK(std::set<uint32_t>(first.begin(), first.end()).size() == 50);
}

} // TEST_SUITE
