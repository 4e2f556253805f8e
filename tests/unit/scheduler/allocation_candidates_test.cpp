#include <doctest/doctest.h>

#include <algorithm>

#include "actors/scheduler/core/allocation_candidates.hpp"
#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

/// "provider:CLASS=n,..." per candidate, for readable comparisons.
std::vector<std::string> render(const allocation_candidates_result& r) {
  std::vector<std::string> out;
  for (auto& req : r.allocation_requests) {
    std::string s;
    for (auto& pa : req) {
      for (auto& ra : pa.resources) {
        s += pa.provider + ":" + ra.resource_class + "=" + std::to_string(ra.amount) + " ";
      }
    }
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

resource_request vm_request() {
  return {{{"VCPU", 2}, {"MEMORY_MB", 1024}, {"DISK_GB", 50}}, {}, {}, {}, ""};
}

} // namespace

TEST_SUITE("actors/scheduler/allocation_candidates") {

TEST_CASE("hosts with room are candidates, full ones are not") {
  cloud c;
  c.add_host("h1");
  c.add_host("h2", {.vcpus = 1});
  auto r = allocation_candidates(c.state.placement(), vm_request());
  REQUIRE(r.ok());
  CHECK(render(*r)
        == std::vector<std::string>{"h1:VCPU=2 h1:MEMORY_MB=1024 h1:DISK_GB=50 "});
  REQUIRE(r->provider_summaries.size() == 1);
  CHECK(r->provider_summaries[0].provider == "h1");
  CHECK(r->allocation_requests[0][0].generation == c.generation("h1"));
}

TEST_CASE("a shared pool in the same aggregate supplies DISK_GB") {
  cloud c;
  c.add_host("diskless", {.disk_gb = 0, .aggregates = {"rack-1"}});
  c.add_host("local", {.aggregates = {"rack-1"}});
  c.add_host("elsewhere", {.disk_gb = 0, .aggregates = {"rack-2"}});
  c.add_pool("pool", 1000, "rack-1");
  auto r = allocation_candidates(c.state.placement(), vm_request());
  REQUIRE(r.ok());
  CHECK(render(*r)
        == std::vector<std::string>{
          "diskless:VCPU=2 diskless:MEMORY_MB=1024 pool:DISK_GB=50 ",
          "local:VCPU=2 local:MEMORY_MB=1024 local:DISK_GB=50 ",
          "local:VCPU=2 local:MEMORY_MB=1024 pool:DISK_GB=50 "});
  auto summary = std::find_if(r->provider_summaries.begin(), r->provider_summaries.end(),
                              [](auto& s) { return s.provider == "pool"; });
  REQUIRE(summary != r->provider_summaries.end());
  CHECK(summary->resources[0].capacity == 1000);
}

TEST_CASE("a sharing provider alone is a candidate for what it can supply") {
  cloud c;
  c.add_host("h1", {.disk_gb = 0, .aggregates = {"rack-1"}});
  c.add_pool("pool", 1000, "rack-1");
  auto r = allocation_candidates(c.state.placement(), {{{"DISK_GB", 10}}, {}, {}, {}, ""});
  REQUIRE(r.ok());
  CHECK(render(*r) == std::vector<std::string>{"pool:DISK_GB=10 "});
}

TEST_CASE("required and forbidden traits, member_of and in_tree narrow the trees") {
  cloud c;
  c.add_host("avx", {.traits = {"HW_CPU_X86_AVX2"}, .aggregates = {"agg-a"}});
  c.add_host("plain", {.aggregates = {"agg-b"}});
  c.add_host("ssd", {.traits = {"HW_CPU_X86_AVX2", "STORAGE_DISK_SSD"}});
  auto query = [&](resource_request req) {
    auto r = allocation_candidates(c.state.placement(), req);
    REQUIRE(r.ok());
    std::vector<std::string> roots;
    for (auto& s : r->provider_summaries) {
      roots.push_back(s.provider);
    }
    return roots;
  };
  auto req = vm_request();
  req.required_traits = {"HW_CPU_X86_AVX2"};
  CHECK(query(req) == std::vector<std::string>{"avx", "ssd"});
  req.forbidden_traits = {"STORAGE_DISK_SSD"};
  CHECK(query(req) == std::vector<std::string>{"avx"});
  req = vm_request();
  req.member_of = {{"agg-b", "agg-x"}};
  CHECK(query(req) == std::vector<std::string>{"plain"});
  req = vm_request();
  req.in_tree = "ssd";
  CHECK(query(req) == std::vector<std::string>{"ssd"});
  req.required_traits = {"CUSTOM_NOBODY_HAS_IT"};
  CHECK(query(req).empty());
}

TEST_CASE("nested providers contribute their resources and traits to the tree") {
  cloud c;
  c.add_host("h1");
  c.must(provider_created{"h1-gpu", "h1-gpu", "h1"});
  c.must(inventory_set{"h1-gpu", 0, {{"VGPU", {.total = 4}}}});
  c.must(traits_set{"h1-gpu", 1, {"CUSTOM_GPU_A100"}});
  auto req = vm_request();
  req.resources.push_back({"VGPU", 1});
  req.required_traits = {"CUSTOM_GPU_A100"};
  auto r = allocation_candidates(c.state.placement(), req);
  REQUIRE(r.ok());
  CHECK(render(*r)
        == std::vector<std::string>{
          "h1:VCPU=2 h1:MEMORY_MB=1024 h1:DISK_GB=50 h1-gpu:VGPU=1 "});
  CHECK(c.state.apply(allocations_claimed{{{"vm", "p", "u", r->allocation_requests[0]}}})
          .ok());
}

TEST_CASE("malformed queries are rejected") {
  cloud c;
  c.add_host("h1");
  auto bad = vm_request();
  bad.resources[0].amount = 0;
  CHECK(allocation_candidates(c.state.placement(), bad).error().code()
        == errc::invalid_argument);
  bad = vm_request();
  bad.required_traits = {"X"};
  bad.forbidden_traits = {"X"};
  CHECK(allocation_candidates(c.state.placement(), bad).error().code()
        == errc::invalid_argument);
  bad = vm_request();
  bad.in_tree = "missing";
  CHECK(allocation_candidates(c.state.placement(), bad).error().code()
        == errc::invalid_argument);
}

} // TEST_SUITE
