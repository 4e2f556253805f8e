#include <doctest/doctest.h>

#include <map>
#include <set>

#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

schedule_request multi(std::vector<std::string> instances, uint32_t min_count,
                       flavor f = small_flavor()) {
  auto req = boot(instances.front(), std::move(f));
  req.instance_uuids = std::move(instances);
  req.min_count = min_count;
  return req;
}

std::vector<change> small_cloud_changes() {
  std::vector<change> out;
  for (int i = 0; i < 5; ++i) {
    auto h = "h" + std::to_string(i);
    out.emplace_back(provider_created{h, h, ""});
    out.emplace_back(inventory_set{h,
                                   0,
                                   {{"VCPU", {.total = 8}},
                                    {"MEMORY_MB", {.total = 16384}},
                                    {"DISK_GB", {.total = 200}}}});
  }
  out.emplace_back(traits_set{"h1", 1, {"HW_CPU_X86_AVX2"}});
  out.emplace_back(host_state_set{"h4", false, true, {}});
  return out;
}

} // namespace

TEST_SUITE("actors/scheduler/scheduler") {

TEST_CASE("a multi-create places as many as fit, at least min_count, in one claim") {
  cloud c;
  c.add_host("h1", {.vcpus = 2});
  c.add_host("h2", {.vcpus = 2});
  auto r = schedule(c.state, multi({"a", "b", "c", "d", "e", "f"}, 3));
  REQUIRE(r.ok());
  CHECK(r.claim.consumers.size() == 4);
  CHECK(r.hosts.size() == 4);
  CHECK(r.report.describe().starts_with("Placed 4 instances; no valid host for more."));
  CHECK(c.state.placement().consumer_count() == 0);
  c.must(r.claim);
  CHECK(c.used("h1", "VCPU") == 2);
  CHECK(c.used("h2", "VCPU") == 2);
}

TEST_CASE("a multi-create below min_count claims nothing") {
  cloud c;
  c.add_host("h1", {.vcpus = 2});
  c.add_host("h2", {.vcpus = 2});
  auto r = schedule(c.state, multi({"a", "b", "c", "d", "e"}, 5));
  CHECK(r.error.code() == errc::not_found);
  CHECK(r.claim.consumers.empty());
  CHECK(r.hosts.empty());
  CHECK(r.error.message().starts_with(
    "No valid host was found. There are not enough hosts available: placed 4 of at "
    "least 5 instances. Filter ResourceFilter returned 0 hosts."));
}

TEST_CASE("the failure message counts what each filter removed") {
  cloud c;
  for (int i = 0; i < 10; ++i) {
    c.add_host("h" + std::to_string(i), {.aggregates = {i < 4 ? "agg-az1" : "agg-az2"}});
  }
  c.must(aggregate_metadata_set{"agg-az1", {{"availability_zone", "az1"}}});
  c.must(host_state_set{"h0", false, true, {}});
  c.must(traits_set{"h1", c.generation("h1"), {"HW_CPU_X86_AVX2"}});
  auto req = boot("vm");
  req.availability_zone = "az1";
  req.flavor.vcpus = 12;
  req.flavor.extra_specs = {{"trait:HW_CPU_X86_AVX2", "forbidden"}};
  c.must(allocations_claimed{{{"filler-2", "p", "u", {{"h2", {}, {{"VCPU", 8}}}}},
                              {"filler-3", "p", "u", {{"h3", {}, {{"VCPU", 8}}}}}}});
  auto r = schedule(c.state, req);
  REQUIRE(r.error.code() == errc::not_found);
  CHECK(r.error.message()
        == "No valid host was found. Filter ResourceFilter returned 0 hosts. Hosts "
           "removed per filter: ComputeFilter 1, AvailabilityZoneFilter 6, TraitsFilter "
           "1, ResourceFilter 2. All 10 hosts were considered; counts are exact.");
  CHECK(r.report.exhaustive);
}

TEST_CASE("a successful decision says when its counts cover a sample only") {
  cloud c;
  for (int i = 0; i < 100; ++i) {
    c.add_host("h" + std::to_string(i));
  }
  scheduler_config cfg;
  cfg.candidates_per_instance = 5;
  auto r = schedule(c.state, boot("vm"), cfg);
  REQUIRE(r.ok());
  CHECK_FALSE(r.report.exhaustive);
  CHECK(r.report.examined == 5);
  CHECK(r.report.describe().find("the search stopped after examining 5 hosts")
        != std::string::npos);
}

TEST_CASE("the scan finds the one host that fits among many") {
  cloud c;
  for (int i = 0; i < 2000; ++i) {
    c.add_host("h" + std::to_string(i), {.vcpus = 8, .ram_mb = 16384});
  }
  c.add_host("big", {.vcpus = 64, .ram_mb = 262144});
  auto r = schedule(c.state, boot("vm", {.vcpus = 4, .memory_mb = 65536, .root_gb = 10}));
  REQUIRE(r.ok());
  CHECK(r.hosts[0].host == "big");
  CHECK(r.report.examined < 10);
  scheduler_config pack;
  pack.weights.ram = -1.0;
  r = schedule(c.state, boot("vm", {.vcpus = 4, .memory_mb = 65536, .root_gb = 10}), pack);
  REQUIRE(r.ok());
  CHECK(r.hosts[0].host == "big");
}

TEST_CASE("packing fills the fullest host that fits first") {
  cloud c;
  c.add_host("a");
  c.add_host("b");
  scheduler_config pack;
  pack.weights = {.ram = -1.0, .cpu = 0, .disk = 0, .io_ops = 0};
  auto first = c.place(boot("vm-1"), pack);
  REQUIRE(first.ok());
  for (int i = 2; i < 10; ++i) {
    auto r = c.place(boot("vm-" + std::to_string(i)), pack);
    REQUIRE(r.ok());
    CHECK(r.hosts[0].host == first.hosts[0].host);
  }
}

TEST_CASE("deciding does not change the state; a stale claim conflicts and is retried") {
  cloud c;
  c.add_host("h1", {.vcpus = 2});
  c.add_host("h2", {.vcpus = 2});
  scheduler_config exact;
  exact.claim_check = generation_check::exact;
  auto g1 = c.generation("h1");
  auto first = schedule(c.state, boot("vm-1", {.vcpus = 2, .memory_mb = 512}), exact);
  auto second = schedule(c.state, boot("vm-2", {.vcpus = 2, .memory_mb = 512}), exact);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(c.generation("h1") == g1);
  CHECK(c.state.placement().consumer_count() == 0);
  c.must(first.claim);
  if (second.hosts[0].host == first.hosts[0].host) {
    CHECK(c.state.apply(second.claim).code() == errc::conflict);
  }
  auto retry = schedule(c.state, boot("vm-2", {.vcpus = 2, .memory_mb = 512}), exact);
  REQUIRE(retry.ok());
  CHECK(retry.hosts[0].host != first.hosts[0].host);
  c.must(retry.claim);
}

TEST_CASE("claims decided together on one host land until capacity runs out") {
  cloud c;
  c.add_host("h1", {.vcpus = 3});
  std::vector<schedule_result> in_flight;
  for (int i = 0; i < 5; ++i) {
    in_flight.push_back(schedule(c.state, boot("vm-" + std::to_string(i))));
  }
  int landed = 0;
  for (auto& d : in_flight) {
    REQUIRE(d.ok());
    auto st = c.state.apply(d.claim);
    landed += st.ok() ? 1 : 0;
    CHECK((st.ok() || st.code() == errc::conflict));
  }
  CHECK(landed == 3);
  CHECK(c.used("h1", "VCPU") == 3);
}

TEST_CASE("replaying the same changes rebuilds the same decisions") {
  cloud a;
  cloud b;
  for (auto& ch : small_cloud_changes()) {
    a.must(ch);
    b.must(ch);
  }
  for (int i = 0; i < 20; ++i) {
    auto req = boot("vm-" + std::to_string(i));
    req.seed = 1000 + static_cast<uint64_t>(i);
    auto ra = a.place(req);
    auto rb = b.place(req);
    REQUIRE(ra.ok());
    REQUIRE(rb.ok());
    CHECK(ra.hosts[0].host == rb.hosts[0].host);
    CHECK(ra.hosts[0].host != "h4");
  }
  CHECK(a.generation("h2") == b.generation("h2"));
}

TEST_CASE("concurrent decisions spread over equally good hosts") {
  cloud c;
  for (int i = 0; i < 50; ++i) {
    c.add_host("h" + std::to_string(i));
  }
  std::set<std::string> chosen;
  for (int i = 0; i < 20; ++i) {
    auto r = schedule(c.state, boot("vm-" + std::to_string(i)));
    REQUIRE(r.ok());
    chosen.insert(r.hosts[0].host);
  }
  CHECK(chosen.size() > 10);
}

TEST_CASE("a host's index position follows claims, frees and inventory changes") {
  cloud c;
  c.add_host("h1", {.vcpus = 4, .ram_mb = 4096});
  auto need_3g = boot("vm", {.vcpus = 1, .memory_mb = 3072});
  c.must(allocations_claimed{{{"x", "p", "u", {{"h1", {}, {{"MEMORY_MB", 2048}}}}}}});
  CHECK_FALSE(schedule(c.state, need_3g).ok());
  c.must(allocations_freed{"x"});
  CHECK(schedule(c.state, need_3g).ok());
  c.must(inventory_set{"h1",
                       c.generation("h1"),
                       {{"VCPU", {.total = 4}}, {"MEMORY_MB", {.total = 2048}}}});
  CHECK_FALSE(schedule(c.state, need_3g).ok());
  c.must(allocations_claimed{{{"y", "p", "u", {{"h1", {}, {{"VCPU", 4}}}}}}});
  CHECK_FALSE(schedule(c.state, boot("vm2", {.vcpus = 1, .memory_mb = 1})).ok());
}

TEST_CASE("bad requests are rejected before any filtering") {
  cloud c;
  c.add_host("h1");
  auto req = boot("vm");
  req.instance_uuids.clear();
  CHECK(schedule(c.state, req).error.code() == errc::invalid_argument);
  req = multi({"a", "b"}, 3);
  CHECK(schedule(c.state, req).error.code() == errc::invalid_argument);
  req = boot("vm");
  req.flavor.extra_specs = {{"trait:X", "sometimes"}};
  CHECK(schedule(c.state, req).error.code() == errc::invalid_argument);
}

} // TEST_SUITE
