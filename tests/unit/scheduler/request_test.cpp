#include <doctest/doctest.h>

#include "actors/scheduler/core/request.hpp"

using namespace strato;
using namespace strato::scheduler;

namespace {

int64_t amount_of(const resource_request& r, const std::string& rc) {
  for (auto& a : r.resources) {
    if (a.resource_class == rc) {
      return a.amount;
    }
  }
  return 0;
}

schedule_request with_flavor(flavor f) {
  schedule_request req;
  req.instance_uuids = {"vm"};
  req.flavor = std::move(f);
  return req;
}

} // namespace

TEST_SUITE("actors/scheduler/request") {

TEST_CASE("a flavor becomes VCPU, MEMORY_MB and DISK_GB with swap rounded up") {
  auto r = to_resource_request(with_flavor(
    {.vcpus = 2, .memory_mb = 4096, .root_gb = 20, .ephemeral_gb = 5, .swap_mb = 1500}));
  REQUIRE(r.ok());
  CHECK(amount_of(*r, "VCPU") == 2);
  CHECK(amount_of(*r, "MEMORY_MB") == 4096);
  CHECK(amount_of(*r, "DISK_GB") == 27);
}

TEST_CASE("resources extra specs override, add and drop classes") {
  auto r = to_resource_request(with_flavor(
    {.vcpus = 2,
     .memory_mb = 4096,
     .root_gb = 20,
     .extra_specs = {{"resources:VCPU", "0"},
                     {"resources:DISK_GB", "0"},
                     {"resources:CUSTOM_BAREMETAL_GOLD", "1"},
                     {"hw:cpu_policy", "dedicated"}}}));
  REQUIRE(r.ok());
  CHECK(r->resources.size() == 2);
  CHECK(amount_of(*r, "MEMORY_MB") == 4096);
  CHECK(amount_of(*r, "CUSTOM_BAREMETAL_GOLD") == 1);
}

TEST_CASE("trait extra specs and image properties become required and forbidden traits") {
  auto req = with_flavor({.vcpus = 1,
                          .memory_mb = 512,
                          .extra_specs = {{"trait:HW_CPU_X86_AVX2", "required"},
                                          {"trait:CUSTOM_SLOW", "forbidden"}}});
  req.image_properties = {{"trait:STORAGE_DISK_SSD", "required"},
                          {"hw_architecture", "x86_64"}};
  auto r = to_resource_request(req);
  REQUIRE(r.ok());
  CHECK(r->required_traits
        == std::vector<std::string>{"HW_CPU_X86_AVX2", "HW_ARCH_X86_64", "STORAGE_DISK_SSD"});
  CHECK(r->forbidden_traits == std::vector<std::string>{"CUSTOM_SLOW"});
}

TEST_CASE("bad extra specs are rejected and numbered groups are not supported") {
  auto bad = [](std::string key, std::string value) {
    return to_resource_request(
             with_flavor({.vcpus = 1, .extra_specs = {{std::move(key), std::move(value)}}}))
      .error()
      .code();
  };
  CHECK(bad("resources:VCPU", "-1") == errc::invalid_argument);
  CHECK(bad("resources:VCPU", "two") == errc::invalid_argument);
  CHECK(bad("resources:GOLD", "1") == errc::invalid_argument);
  CHECK(bad("trait:HW_CPU_X86_AVX2", "preferred") == errc::invalid_argument);
  CHECK(bad("resources1:VGPU", "1") == errc::not_implemented);
  CHECK(bad("trait1:CUSTOM_X", "required") == errc::not_implemented);
}

} // TEST_SUITE
