#include <doctest/doctest.h>

#include <array>

#include "actors/scheduler/core/weighers.hpp"
#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

scheduler_config only(double weigher_multipliers::*field, double value) {
  scheduler_config cfg;
  cfg.weights = {0, 0, 0, 0, 0, 0};
  cfg.weights.*field = value;
  return cfg;
}

std::string winner(cloud& c, schedule_request req, const scheduler_config& cfg) {
  auto r = schedule(c.state, req, cfg);
  REQUIRE_MESSAGE(r.ok(), r.error.describe());
  return r.hosts[0].host;
}

} // namespace

TEST_SUITE("actors/scheduler/weighers") {

TEST_CASE("weights are normalised per weigher and scaled by the multiplier") {
  std::array<weigh_input, 3> hosts{weigh_input{.free_ram_mb = 1000, .free_vcpus = 4},
                                   weigh_input{.free_ram_mb = 3000, .free_vcpus = 4},
                                   weigh_input{.free_ram_mb = 2000, .free_vcpus = 4}};
  std::array<double, 3> w{};
  weigh(hosts, {.ram = 2.0, .cpu = 5.0, .disk = 0, .io_ops = 0}, std::nullopt, w);
  CHECK(w[0] == doctest::Approx(0.0));
  CHECK(w[1] == doctest::Approx(2.0));
  CHECK(w[2] == doctest::Approx(1.0));
}

TEST_CASE("RAMWeigher spreads with a positive multiplier and packs with a negative one") {
  cloud c;
  c.add_host("roomy", {.ram_mb = 65536});
  c.add_host("tight", {.ram_mb = 8192});
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::ram, 1.0)) == "roomy");
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::ram, -1.0)) == "tight");
}

TEST_CASE("CPUWeigher prefers free VCPUs, or the fewest when negative") {
  cloud c;
  c.add_host("many", {.vcpus = 64});
  c.add_host("few", {.vcpus = 4});
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::cpu, 1.0)) == "many");
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::cpu, -1.0)) == "few");
}

TEST_CASE("DiskWeigher prefers free disk, counting the pool a host would use") {
  cloud c;
  c.add_host("local", {.disk_gb = 200});
  c.add_host("pooled", {.disk_gb = 0, .aggregates = {"rack"}});
  c.add_pool("pool", 5000, "rack");
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::disk, 1.0)) == "pooled");
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::disk, -1.0)) == "local");
}

TEST_CASE("IoOpsWeigher avoids hosts with instances building") {
  cloud c;
  c.add_host("busy");
  c.add_host("idle");
  c.must(host_state_set{"busy", true, true, 5});
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::io_ops, -1.0)) == "idle");
  CHECK(winner(c, boot("vm"), only(&weigher_multipliers::io_ops, 1.0)) == "busy");
  // Claims count as building until the compute node reports again.
  c.must(host_state_set{"busy", true, true, 0});
  auto first = boot("vm-1");
  first.in_tree = "idle";
  REQUIRE(c.place(first).ok());
  CHECK(c.state.host(c.state.find_host("idle")).io_ops == 1);
  CHECK(winner(c, boot("vm-2"), only(&weigher_multipliers::io_ops, -1.0)) == "busy");
}

TEST_CASE("soft affinity and soft anti-affinity weigh group members on each host") {
  cloud c;
  c.add_host("h1");
  c.add_host("h2");
  c.must(server_group_set{"soft", group_policy::soft_affinity, {"a", "b"}});
  c.must(server_group_set{"spread", group_policy::soft_anti_affinity, {"x", "y", "z"}});
  auto pin = [&](std::string vm, std::string host, std::string group) {
    auto req = boot(std::move(vm));
    req.in_tree = std::move(host);
    req.server_group = std::move(group);
    REQUIRE(c.place(req).ok());
  };
  pin("a", "h2", "soft");
  pin("x", "h1", "spread");
  auto req = boot("b");
  req.server_group = "soft";
  CHECK(winner(c, req, only(&weigher_multipliers::soft_affinity, 1.0)) == "h2");
  req = boot("y");
  req.server_group = "spread";
  CHECK(winner(c, req, only(&weigher_multipliers::soft_anti_affinity, 1.0)) == "h2");
  // Soft policies never filter: both members fit on one host if they must.
  req.ignore_hosts = {"h2"};
  CHECK(winner(c, req, only(&weigher_multipliers::soft_anti_affinity, 1.0)) == "h1");
}

TEST_CASE("host_subset_size picks among the best hosts at random") {
  cloud c;
  for (int i = 0; i < 6; ++i) {
    c.add_host("h" + std::to_string(i), {.ram_mb = 8192 * (i + 1)});
  }
  std::set<std::string> seen;
  scheduler_config cfg;
  cfg.host_subset_size = 3;
  for (uint64_t seed = 1; seed < 100; ++seed) {
    auto req = boot("vm");
    req.seed = seed;
    seen.insert(winner(c, req, cfg));
  }
  CHECK(seen == std::set<std::string>{"h3", "h4", "h5"});
  cfg.host_subset_size = 1;
  for (uint64_t seed = 1; seed < 20; ++seed) {
    auto req = boot("vm");
    req.seed = seed;
    CHECK(winner(c, req, cfg) == "h5");
  }
}

} // TEST_SUITE
