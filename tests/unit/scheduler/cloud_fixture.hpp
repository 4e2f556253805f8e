#pragma once

// A small cloud built through changes, for the scheduler core's tests.

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "actors/scheduler/core/scheduler.hpp"

namespace strato::scheduler::testing {

struct host_spec {
  int64_t vcpus = 16;
  int64_t ram_mb = 32768;
  int64_t disk_gb = 500; ///< 0: no local disk.
  double cpu_ratio = 1.0;
  std::vector<std::string> traits{};
  std::vector<std::string> aggregates{};
};

class cloud {
public:
  scheduler_state state{};

  void must(const change& c) {
    auto st = state.apply(c);
    REQUIRE_MESSAGE(st.ok(), change_name(c) << ": " << st.describe());
  }

  [[nodiscard]] uint64_t generation(const std::string& uuid) const {
    return state.placement().get(*state.placement().find_provider(uuid)).generation;
  }

  void add_host(const std::string& uuid, const host_spec& spec = {}) {
    must(provider_created{uuid, uuid, ""});
    std::vector<inventory_record> inv{
      {"VCPU", {.total = spec.vcpus, .allocation_ratio = spec.cpu_ratio}},
      {"MEMORY_MB", {.total = spec.ram_mb}}};
    if (spec.disk_gb > 0) {
      inv.push_back({"DISK_GB", {.total = spec.disk_gb}});
    }
    must(inventory_set{uuid, generation(uuid), inv});
    if (!spec.traits.empty()) {
      must(traits_set{uuid, generation(uuid), spec.traits});
    }
    if (!spec.aggregates.empty()) {
      must(aggregates_set{uuid, generation(uuid), spec.aggregates});
    }
  }

  /// A shared storage pool lending DISK_GB to hosts in `aggregate`.
  void add_pool(const std::string& uuid, int64_t disk_gb, const std::string& aggregate) {
    must(provider_created{uuid, uuid, ""});
    must(inventory_set{uuid, 0, {{"DISK_GB", {.total = disk_gb}}}});
    must(traits_set{uuid, generation(uuid), {std::string{shares_via_aggregate_trait}}});
    must(aggregates_set{uuid, generation(uuid), {aggregate}});
  }

  [[nodiscard]] int64_t used(const std::string& provider, const std::string& rc) const {
    auto usages = state.placement().provider_usages(provider);
    REQUIRE(usages.ok());
    for (auto& u : *usages) {
      if (u.resource_class == rc) {
        return u.amount;
      }
    }
    return 0;
  }

  /// Schedules and applies the claim, as an owner would.
  schedule_result place(const schedule_request& req, const scheduler_config& cfg = {}) {
    auto r = schedule(state, req, cfg);
    if (r.ok()) {
      must(r.claim);
    }
    return r;
  }
};

inline flavor small_flavor() {
  return {.name = "m1.small", .vcpus = 1, .memory_mb = 2048, .root_gb = 20};
}

inline schedule_request boot(const std::string& instance, flavor f = small_flavor()) {
  schedule_request req{};
  req.instance_uuids = {instance};
  req.project_id = "project-a";
  req.user_id = "user-a";
  req.flavor = std::move(f);
  return req;
}

} // namespace strato::scheduler::testing
