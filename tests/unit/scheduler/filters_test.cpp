#include <doctest/doctest.h>

#include <set>

#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

/// Every host a request could land on, by trying many seeds.
std::set<std::string> reachable(const cloud& c, schedule_request req,
                                const scheduler_config& cfg = {}) {
  std::set<std::string> out;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    req.seed = seed;
    auto r = schedule(c.state, req, cfg);
    if (r.ok()) {
      out.insert(r.hosts[0].host);
    }
  }
  return out;
}

uint64_t removed_by(const schedule_result& r, filter f) {
  return r.report.removed[static_cast<size_t>(f)];
}

scheduler_config random_choice() {
  scheduler_config cfg;
  cfg.host_subset_size = 8;
  return cfg;
}

} // namespace

TEST_SUITE("actors/scheduler/filters") {

TEST_CASE("ComputeFilter removes hosts that are down or disabled") {
  cloud c;
  c.add_host("up");
  c.add_host("down");
  c.add_host("disabled");
  c.must(host_state_set{"down", false, true, {}});
  c.must(host_state_set{"disabled", true, false, {}});
  CHECK(reachable(c, boot("vm"), random_choice()) == std::set<std::string>{"up"});
  c.must(host_state_set{"up", false, true, {}});
  auto r = schedule(c.state, boot("vm"));
  CHECK(r.error.code() == errc::not_found);
  CHECK(removed_by(r, filter::compute) == 3);
  c.must(host_state_set{"down", true, true, {}});
  CHECK(reachable(c, boot("vm")) == std::set<std::string>{"down"});
}

TEST_CASE("AvailabilityZoneFilter matches aggregate zones, 'nova' by default") {
  cloud c;
  c.add_host("a1", {.aggregates = {"agg-az1"}});
  c.add_host("a2", {.aggregates = {"agg-az2"}});
  c.add_host("plain");
  c.must(aggregate_metadata_set{"agg-az1", {{"availability_zone", "az1"}}});
  c.must(aggregate_metadata_set{"agg-az2", {{"availability_zone", "az2"}}});
  auto req = boot("vm");
  req.availability_zone = "az1";
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"a1"});
  req.availability_zone = "nova";
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"plain"});
  req.availability_zone = "az3";
  auto r = schedule(c.state, req);
  CHECK(removed_by(r, filter::availability_zone) == 3);
  c.must(aggregate_metadata_set{"agg-az2", {{"availability_zone", "az3"}}});
  CHECK(reachable(c, req) == std::set<std::string>{"a2"});
}

TEST_CASE("AggregateMultiTenancyIsolation keeps other projects off isolated hosts") {
  cloud c;
  c.add_host("isolated", {.aggregates = {"agg-iso"}});
  c.add_host("shared");
  c.must(aggregate_metadata_set{"agg-iso", {{"filter_tenant_id", "project-b, project-c"},
                                            {"filter_tenant_id_2", "project-d"}}});
  auto req = boot("vm");
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"shared"});
  for (auto project : {"project-b", "project-c", "project-d"}) {
    req.project_id = project;
    CHECK(reachable(c, req, random_choice())
          == std::set<std::string>{"isolated", "shared"});
  }
}

TEST_CASE("MemberOfFilter restricts to hosts in the requested aggregates") {
  cloud c;
  c.add_host("in", {.aggregates = {"agg-1"}});
  c.add_host("out", {.aggregates = {"agg-2"}});
  auto req = boot("vm");
  req.member_of = {{"agg-1", "agg-9"}};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"in"});
  req.member_of = {{"agg-9"}};
  auto r = schedule(c.state, req);
  CHECK(removed_by(r, filter::member_of) == 2);
}

TEST_CASE("TraitsFilter applies flavor extra specs and image properties") {
  cloud c;
  c.add_host("avx", {.traits = {"HW_CPU_X86_AVX2", "HW_ARCH_X86_64"}});
  c.add_host("arm", {.traits = {"HW_ARCH_AARCH64"}});
  c.add_host("old", {.traits = {"HW_ARCH_X86_64", "CUSTOM_SLOW"}});
  auto req = boot("vm");
  req.flavor.extra_specs = {{"trait:HW_CPU_X86_AVX2", "required"}};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"avx"});
  req.flavor.extra_specs = {{"trait:CUSTOM_SLOW", "forbidden"}};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"avx", "arm"});
  req.image_properties = {{"hw_architecture", "aarch64"}};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"arm"});
  req.image_properties = {{"trait:CUSTOM_GPU", "required"}};
  auto r = schedule(c.state, req);
  CHECK(removed_by(r, filter::traits) == 3);
}

TEST_CASE("ResourceFilter checks every class, using a shared pool for disk") {
  cloud c;
  c.add_host("small", {.vcpus = 1, .ram_mb = 1024});
  c.add_host("diskless", {.disk_gb = 0, .aggregates = {"rack"}});
  c.add_host("big");
  auto req = boot("vm", {.vcpus = 2, .memory_mb = 2048, .root_gb = 100});
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"big"});
  c.add_pool("pool", 1000, "rack");
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"big", "diskless"});
  req.flavor.extra_specs = {{"resources:CUSTOM_FPGA_X", "1"}};
  auto r = schedule(c.state, req);
  CHECK(removed_by(r, filter::resources) == 3);
}

TEST_CASE("a placement on a diskless host takes its disk from the pool") {
  cloud c;
  c.add_host("diskless", {.disk_gb = 0, .aggregates = {"rack"}});
  c.add_pool("pool", 100, "rack");
  auto r = c.place(boot("vm-1", {.vcpus = 1, .memory_mb = 512, .root_gb = 60}));
  REQUIRE(r.ok());
  CHECK(c.used("pool", "DISK_GB") == 60);
  CHECK(c.used("diskless", "VCPU") == 1);
  r = c.place(boot("vm-2", {.vcpus = 1, .memory_mb = 512, .root_gb = 60}));
  CHECK(r.error.code() == errc::not_found);
}

TEST_CASE("InTreeFilter and force_hosts name the hosts; forcing is for admins") {
  cloud c;
  c.add_host("h1");
  c.add_host("h2");
  c.must(host_state_set{"h2", true, false, {}});
  auto req = boot("vm");
  req.in_tree = "h1";
  CHECK(reachable(c, req) == std::set<std::string>{"h1"});
  req.in_tree.clear();
  req.force_hosts = {"h2"};
  CHECK(schedule(c.state, req).error.code() == errc::forbidden);
  req.is_admin = true;
  // Forcing skips ComputeFilter, as in Nova, but not the resource fit.
  CHECK(reachable(c, req) == std::set<std::string>{"h2"});
  req.flavor.vcpus = 64;
  auto r = schedule(c.state, req);
  CHECK(r.report.restricted_to == filter::force_hosts);
  CHECK(removed_by(r, filter::resources) == 1);
}

TEST_CASE("IgnoreHostsFilter removes the named hosts") {
  cloud c;
  c.add_host("h1");
  c.add_host("h2");
  auto req = boot("vm");
  req.ignore_hosts = {"h1"};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"h2"});
}

TEST_CASE("SameHostFilter and DifferentHostFilter follow the instances named") {
  cloud c;
  c.add_host("h1");
  c.add_host("h2");
  c.add_host("h3");
  auto first = boot("vm-1");
  first.in_tree = "h2";
  REQUIRE(c.place(first).ok());
  auto req = boot("vm-2");
  req.same_host = {"vm-1"};
  CHECK(reachable(c, req) == std::set<std::string>{"h2"});
  req.same_host.clear();
  req.different_host = {"vm-1"};
  CHECK(reachable(c, req, random_choice()) == std::set<std::string>{"h1", "h3"});
  req.different_host.clear();
  req.same_host = {"not-placed"};
  auto r = schedule(c.state, req);
  CHECK(r.error.code() == errc::not_found);
  CHECK(r.report.restricted_to == filter::same_host);
}

} // TEST_SUITE
