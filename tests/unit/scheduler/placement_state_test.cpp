#include <doctest/doctest.h>

#include "actors/scheduler/core/placement_state.hpp"
#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

consumer_allocation alloc(const std::string& consumer, const std::string& provider,
                          std::vector<resource_amount> resources,
                          std::optional<uint64_t> generation = std::nullopt) {
  return {consumer, "project-a", "user-a", {{provider, generation, std::move(resources)}}};
}

allocations_claimed claim_of(consumer_allocation ca) {
  return {{std::move(ca)}, generation_check::exact};
}

} // namespace

TEST_SUITE("actors/scheduler/placement") {

TEST_CASE("capacity is (total - reserved) * allocation_ratio, truncated") {
  CHECK(capacity({.total = 16, .reserved = 2, .allocation_ratio = 4.0}) == 56);
  CHECK(capacity({.total = 10, .allocation_ratio = 1.5}) == 15);
  CHECK(capacity({.total = 3, .allocation_ratio = 0.5}) == 1);
}

TEST_CASE("resource classes and traits are validated") {
  CHECK(is_valid_resource_class("VCPU"));
  CHECK(is_valid_resource_class("CUSTOM_BAREMETAL_GOLD"));
  CHECK_FALSE(is_valid_resource_class("CUSTOM_"));
  CHECK_FALSE(is_valid_resource_class("GOLD"));
  CHECK_FALSE(is_valid_resource_class("CUSTOM_lower"));
  CHECK(is_valid_trait("HW_CPU_X86_AVX2"));
  CHECK_FALSE(is_valid_trait("hw_cpu"));
  cloud c;
  c.must(provider_created{"h1", "h1", ""});
  auto st = c.state.apply(inventory_set{"h1", 0, {{"GOLD", {.total = 1}}}});
  CHECK(st.code() == errc::invalid_argument);
  st = c.state.apply(inventory_set{"h1", 0, {{"VCPU", {.total = 4, .reserved = 5}}}});
  CHECK(st.code() == errc::invalid_argument);
  CHECK(c.generation("h1") == 0);
}

TEST_CASE("every write bumps the generation and a stale one is a conflict") {
  cloud c;
  c.add_host("h1");
  auto g = c.generation("h1");
  auto st = c.state.apply(traits_set{"h1", g - 1, {"HW_CPU_X86_AVX2"}});
  CHECK(st.code() == errc::conflict);
  CHECK(st.message().find("generation conflict") != std::string::npos);
  c.must(traits_set{"h1", g, {"HW_CPU_X86_AVX2"}});
  CHECK(c.generation("h1") == g + 1);
  c.must(aggregates_set{"h1", g + 1, {"agg-1"}});
  CHECK(c.generation("h1") == g + 2);
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 1}})));
  CHECK(c.generation("h1") == g + 3);
  st = c.state.apply(inventory_set{"h1", g + 2, {}});
  CHECK(st.code() == errc::conflict);
}

TEST_CASE("an exact claim with a stale provider generation is a conflict") {
  cloud c;
  c.add_host("h1");
  auto seen = c.generation("h1");
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 1}}, seen)));
  auto st = c.state.apply(claim_of(alloc("vm-2", "h1", {{"VCPU", 1}}, seen)));
  CHECK(st.code() == errc::conflict);
  CHECK(c.state.placement().find_consumer("vm-2") == nullptr);
}

TEST_CASE("a configuration-checked claim tolerates other claims, not setup changes") {
  cloud c;
  c.add_host("h1");
  auto seen = c.generation("h1");
  auto claim = [&](const std::string& vm) {
    auto a = claim_of(alloc(vm, "h1", {{"VCPU", 1}}, seen));
    a.check = generation_check::configuration;
    return c.state.apply(a);
  };
  CHECK(claim("vm-1").ok());
  CHECK(claim("vm-2").ok());
  c.must(traits_set{"h1", c.generation("h1"), {"CUSTOM_X"}});
  CHECK(claim("vm-3").code() == errc::conflict);
  c.must(host_state_set{"h1", true, false, {}});
  seen = c.generation("h1") - 1;
  CHECK(claim("vm-4").code() == errc::conflict);
}

TEST_CASE("a claim reserves everything or nothing and never exceeds capacity") {
  cloud c;
  c.add_host("h1", {.vcpus = 4, .ram_mb = 4096});
  c.add_host("h2", {.vcpus = 4, .ram_mb = 4096});
  allocations_claimed both{{alloc("vm-1", "h1", {{"VCPU", 2}, {"MEMORY_MB", 1024}}),
                            alloc("vm-2", "h2", {{"VCPU", 8}})}};
  auto st = c.state.apply(both);
  CHECK(st.code() == errc::conflict);
  CHECK(st.message().find("exceeds capacity") != std::string::npos);
  CHECK(c.used("h1", "VCPU") == 0);
  CHECK(c.used("h1", "MEMORY_MB") == 0);
  CHECK(c.state.placement().consumer_count() == 0);
  both.consumers[1].allocations[0].resources[0].amount = 4;
  c.must(both);
  CHECK(c.used("h1", "VCPU") == 2);
  CHECK(c.used("h2", "VCPU") == 4);
  CHECK(c.state.apply(claim_of(alloc("vm-3", "h2", {{"VCPU", 1}}))).code()
        == errc::conflict);
}

TEST_CASE("claims of one change count against capacity together") {
  cloud c;
  c.add_host("h1", {.vcpus = 4});
  allocations_claimed two{{alloc("vm-1", "h1", {{"VCPU", 3}}),
                           alloc("vm-2", "h1", {{"VCPU", 3}})}};
  CHECK(c.state.apply(two).code() == errc::conflict);
  CHECK(c.used("h1", "VCPU") == 0);
}

TEST_CASE("claims respect min_unit, max_unit and step_size") {
  cloud c;
  c.must(provider_created{"h1", "h1", ""});
  c.must(inventory_set{"h1",
                       0,
                       {{"MEMORY_MB",
                         {.total = 8192, .min_unit = 512, .max_unit = 4096,
                          .step_size = 256}}}});
  auto try_claim = [&](int64_t mb) {
    return c.state.apply(claim_of(alloc("vm-" + std::to_string(mb), "h1",
                                        {{"MEMORY_MB", mb}})));
  };
  CHECK(try_claim(256).code() == errc::conflict);
  CHECK(try_claim(4352).code() == errc::conflict);
  CHECK(try_claim(1000).code() == errc::conflict);
  CHECK(try_claim(1024).ok());
  CHECK(c.state.apply(claim_of(alloc("vm-x", "h1", {{"VCPU", 1}}))).code()
        == errc::conflict);
  CHECK(c.state.apply(claim_of(alloc("vm-y", "nope", {{"VCPU", 1}}))).code()
        == errc::not_found);
}

TEST_CASE("a consumer is claimed once; replacing needs its generation") {
  cloud c;
  c.add_host("h1", {.vcpus = 4});
  c.add_host("h2", {.vcpus = 4});
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 3}})));
  CHECK(c.state.apply(claim_of(alloc("vm-1", "h2", {{"VCPU", 1}}))).code()
        == errc::conflict);
  const auto* vm = c.state.placement().find_consumer("vm-1");
  REQUIRE(vm != nullptr);
  CHECK(vm->generation == 1);
  auto stale = allocations_replaced{alloc("vm-1", "h2", {{"VCPU", 2}}), 0};
  CHECK(c.state.apply(stale).code() == errc::conflict);
  c.must(allocations_replaced{alloc("vm-1", "h2", {{"VCPU", 2}}), 1});
  CHECK(c.used("h1", "VCPU") == 0);
  CHECK(c.used("h2", "VCPU") == 2);
  CHECK(c.state.placement().find_consumer("vm-1")->generation == 2);
}

TEST_CASE("a resize on the same host needs room only for the difference") {
  cloud c;
  c.add_host("h1", {.vcpus = 4});
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 3}})));
  c.must(allocations_replaced{alloc("vm-1", "h1", {{"VCPU", 4}}), 1});
  CHECK(c.used("h1", "VCPU") == 4);
  auto too_big = allocations_replaced{alloc("vm-1", "h1", {{"VCPU", 5}}), 2};
  CHECK(c.state.apply(too_big).code() == errc::conflict);
  CHECK(c.used("h1", "VCPU") == 4);
}

TEST_CASE("a failed replacement keeps the old allocations") {
  cloud c;
  c.add_host("h1", {.vcpus = 4});
  c.add_host("h2", {.vcpus = 2});
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 3}})));
  auto st = c.state.apply(allocations_replaced{alloc("vm-1", "h2", {{"VCPU", 3}}), 1});
  CHECK(st.code() == errc::conflict);
  CHECK(c.used("h1", "VCPU") == 3);
  CHECK(c.used("h2", "VCPU") == 0);
}

TEST_CASE("freeing is idempotent") {
  cloud c;
  c.add_host("h1");
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 2}})));
  auto g = c.generation("h1");
  c.must(allocations_freed{"vm-1"});
  CHECK(c.used("h1", "VCPU") == 0);
  CHECK(c.generation("h1") == g + 1);
  c.must(allocations_freed{"vm-1"});
  c.must(allocations_freed{"never-existed"});
  CHECK(c.generation("h1") == g + 1);
}

TEST_CASE("usages are kept per provider, project and user") {
  cloud c;
  c.add_host("h1");
  c.must(allocations_claimed{{{"vm-1", "p1", "u1", {{"h1", {}, {{"VCPU", 2}}}}},
                              {"vm-2", "p1", "u2", {{"h1", {}, {{"VCPU", 3}}}}},
                              {"vm-3", "p2", "u1", {{"h1", {}, {{"VCPU", 1}}}}}}});
  auto p1 = c.state.placement().project_usages("p1");
  REQUIRE(p1.size() == 1);
  CHECK(p1[0] == resource_amount{"VCPU", 5});
  auto u2 = c.state.placement().user_usages("p1", "u2");
  REQUIRE(u2.size() == 1);
  CHECK(u2[0].amount == 3);
  c.must(allocations_freed{"vm-2"});
  CHECK(c.state.placement().project_usages("p1")[0].amount == 2);
  CHECK(c.state.placement().user_usages("p1", "u2").empty());
  CHECK(c.used("h1", "VCPU") == 3);
}

TEST_CASE("inventory in use cannot be removed; shrinking below usage can") {
  cloud c;
  c.add_host("h1", {.vcpus = 8});
  c.must(claim_of(alloc("vm-1", "h1", {{"VCPU", 6}})));
  auto st = c.state.apply(
    inventory_set{"h1", c.generation("h1"), {{"MEMORY_MB", {.total = 1024}}}});
  CHECK(st.code() == errc::conflict);
  c.must(inventory_set{"h1",
                       c.generation("h1"),
                       {{"VCPU", {.total = 4}}, {"MEMORY_MB", {.total = 1024}}}});
  CHECK(c.state.apply(claim_of(alloc("vm-2", "h1", {{"VCPU", 1}}))).code()
        == errc::conflict);
  c.must(allocations_replaced{alloc("vm-1", "h1", {{"VCPU", 2}}), 1});
  CHECK(c.used("h1", "VCPU") == 2);
}

} // TEST_SUITE
