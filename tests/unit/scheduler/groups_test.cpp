#include <doctest/doctest.h>

#include <set>

#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

cloud four_hosts() {
  cloud c;
  for (auto h : {"h1", "h2", "h3", "h4"}) {
    c.add_host(h);
  }
  return c;
}

schedule_request group_boot(std::vector<std::string> instances, std::string group,
                            uint32_t min_count = 0) {
  auto req = boot(instances.front());
  req.instance_uuids = std::move(instances);
  req.min_count = min_count == 0 ? static_cast<uint32_t>(req.instance_uuids.size())
                                 : min_count;
  req.server_group = std::move(group);
  return req;
}

std::multiset<std::string> hosts_of(const schedule_result& r) {
  std::multiset<std::string> out;
  for (auto& h : r.hosts) {
    out.insert(h.host);
  }
  return out;
}

} // namespace

TEST_SUITE("actors/scheduler/groups") {

TEST_CASE("hard affinity puts every member on the first member's host") {
  auto c = four_hosts();
  c.must(server_group_set{"g", group_policy::affinity, {"a", "b", "c", "d"}});
  auto first = c.place(group_boot({"a", "b"}, "g"));
  REQUIRE(first.ok());
  auto hosts = hosts_of(first);
  CHECK(hosts.count(*hosts.begin()) == 2);
  auto later = c.place(group_boot({"c"}, "g"));
  REQUIRE(later.ok());
  CHECK(later.hosts[0].host == first.hosts[0].host);
  CHECK(later.report.restricted_to == filter::affinity);
}

TEST_CASE("hard affinity fails when the group's host is full") {
  auto c = four_hosts();
  c.must(server_group_set{"g", group_policy::affinity, {"a", "b"}});
  auto big = [](std::string vm) {
    auto req = group_boot({std::move(vm)}, "g");
    req.flavor.vcpus = 10;
    return req;
  };
  REQUIRE(c.place(big("a")).ok());
  auto r = c.place(big("b"));
  CHECK(r.error.code() == errc::not_found);
  CHECK(r.report.restricted_to == filter::affinity);
  CHECK(r.error.message().find("Filter ResourceFilter returned 0 hosts")
        != std::string::npos);
}

TEST_CASE("hard anti-affinity spreads members and fails when hosts run out") {
  auto c = four_hosts();
  c.must(server_group_set{"g", group_policy::anti_affinity, {"a", "b", "c", "d", "e"}});
  auto r = c.place(group_boot({"a", "b", "c"}, "g"));
  REQUIRE(r.ok());
  auto placed = hosts_of(r);
  CHECK(std::set<std::string>(placed.begin(), placed.end()).size() == 3);
  r = c.place(group_boot({"d", "e"}, "g"));
  CHECK(r.error.code() == errc::not_found);
  CHECK(r.error.message().find("ServerGroupAntiAffinityFilter") != std::string::npos);
  CHECK(c.state.placement().find_consumer("d") == nullptr);
  REQUIRE(c.place(group_boot({"d"}, "g")).ok());
  auto full = schedule(c.state, group_boot({"e"}, "g"));
  CHECK(full.report.removed[static_cast<size_t>(filter::anti_affinity)] == 4);
}

TEST_CASE("anti-affinity honours max_server_per_host and frees make room") {
  auto c = four_hosts();
  c.must(server_group_set{"g", group_policy::anti_affinity,
                          {"a", "b", "c", "d", "e", "f", "g", "h", "i"}, 2});
  std::vector<std::string> eight{"a", "b", "c", "d", "e", "f", "g", "h"};
  auto r = c.place(group_boot(eight, "g"));
  REQUIRE(r.ok());
  for (auto& h : hosts_of(r)) {
    CHECK(hosts_of(r).count(h) == 2);
  }
  CHECK_FALSE(schedule(c.state, group_boot({"i"}, "g")).ok());
  c.must(allocations_freed{"a"});
  CHECK(c.place(group_boot({"i"}, "g")).ok());
}

TEST_CASE("a group set later counts members already placed") {
  auto c = four_hosts();
  auto first = boot("a");
  first.in_tree = "h3";
  REQUIRE(c.place(first).ok());
  c.must(server_group_set{"g", group_policy::anti_affinity, {"a", "b"}});
  const auto* g = c.state.find_group("g");
  REQUIRE(g != nullptr);
  CHECK(g->members_on(c.state.find_host("h3")) == 1);
  for (uint64_t seed = 1; seed < 20; ++seed) {
    auto req = group_boot({"b"}, "g");
    req.seed = seed;
    auto r = schedule(c.state, req);
    REQUIRE(r.ok());
    CHECK(r.hosts[0].host != "h3");
  }
}

TEST_CASE("an instance belongs to one group and unknown groups are rejected") {
  auto c = four_hosts();
  c.must(server_group_set{"g1", group_policy::affinity, {"a"}});
  CHECK(c.state.apply(server_group_set{"g2", group_policy::affinity, {"a"}}).code()
        == errc::invalid_argument);
  CHECK(schedule(c.state, group_boot({"x"}, "nope")).error.code()
        == errc::invalid_argument);
}

} // TEST_SUITE
