#pragma once

/// A boot request as Nova's scheduler receives it (the RequestSpec): flavor,
/// image, counts, hints, server group and admin overrides; and its
/// translation into the Placement query every chosen host must satisfy.
///
/// Translation follows Nova: VCPU, MEMORY_MB and DISK_GB (root + ephemeral +
/// swap rounded up to GB) come from the flavor; `resources:<CLASS>=<n>` extra
/// specs override or add classes (0 drops one); `trait:<NAME>=required` or
/// `=forbidden` in extra specs or image properties become required or
/// forbidden traits; image `hw_architecture` requires `HW_ARCH_<ARCH>`.
/// Numbered request groups (`resources1:`) are not supported.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/scheduler/core/resource_query.hpp"

namespace strato::scheduler {

struct flavor {
  std::string name{};
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  int64_t swap_mb = 0;
  std::map<std::string, std::string> extra_specs{};
};

struct schedule_request {
  /// One uuid per instance: `max_count` is their number.
  std::vector<std::string> instance_uuids{};
  /// The decision fails unless at least this many can be placed.
  uint32_t min_count = 1;
  std::string project_id{};
  std::string user_id{};
  scheduler::flavor flavor{};
  std::map<std::string, std::string> image_properties{};
  std::string availability_zone{}; ///< Empty: any zone.
  std::string server_group{};      ///< Uuid of a group set earlier; may be empty.
  /// Scheduler hints: instance uuids whose hosts to use or avoid.
  std::vector<std::string> same_host{};
  std::vector<std::string> different_host{};
  /// Host names or root provider uuids. Forcing is for admins only and skips
  /// every filter but the resource fit, as in Nova.
  std::vector<std::string> force_hosts{};
  std::vector<std::string> ignore_hosts{};
  bool is_admin = false;
  /// Extra Placement constraints (Nova's request filters add these).
  std::vector<std::vector<std::string>> member_of{};
  std::string in_tree{};
  /// Drives every random choice, so a decision can be reproduced.
  uint64_t seed = 0;
};

/// Errors: `errc::invalid_argument` for bad extra specs or properties,
/// `errc::not_implemented` for numbered request groups.
[[nodiscard]] result<resource_request> to_resource_request(const schedule_request& req);

} // namespace strato::scheduler
