#pragma once

/// Nova's filters, in the order they run, and the report that explains a
/// decision ("No valid host was found. Filter X returned 0 hosts").
///
/// Static filters judge a whole host class at once (see host_index.hpp), so
/// their counts are exact for every host. Per-host filters run on the hosts
/// the scan examines; ResourceFilter runs first among them, which lets hosts
/// the index proves too small count as removed by it without being touched.
/// A failed decision has always scanned every remaining host, so its counts
/// are exact; a successful one usually stopped early, and says so.
///
/// Admin-forced hosts skip every filter but the Placement ones (member_of,
/// traits, resources, in_tree) and ignore_hosts, as in Nova.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/scheduler/core/fit.hpp"
#include "actors/scheduler/core/resource_query.hpp"
#include "actors/scheduler/core/scheduler_state.hpp"

namespace strato::scheduler {

enum class filter : uint8_t {
  compute = 0,           ///< ComputeFilter: host up and enabled.
  availability_zone = 1, ///< AvailabilityZoneFilter.
  tenant_isolation = 2,  ///< AggregateMultiTenancyIsolation.
  member_of = 3,         ///< Placement member_of.
  traits = 4,            ///< Required/forbidden traits (flavor, image).
  resources = 5,         ///< Placement resource fit, sharing providers too.
  in_tree = 6,           ///< Placement in_tree.
  force_hosts = 7,
  ignore_hosts = 8,
  same_host = 9,         ///< SameHostFilter.
  different_host = 10,   ///< DifferentHostFilter.
  affinity = 11,         ///< ServerGroupAffinityFilter.
  anti_affinity = 12,    ///< ServerGroupAntiAffinityFilter.
};
inline constexpr size_t filter_count = 13;

[[nodiscard]] std::string_view filter_name(filter f) noexcept;

/// A request prepared for filtering: names resolved, hint hosts looked up
/// (host lists are sorted host numbers).
struct filter_context {
  resolved_request query{};
  std::string availability_zone{};
  std::string default_availability_zone{};
  std::string project{};
  bool forced = false;
  std::optional<std::vector<uint32_t>> in_tree{};
  std::optional<std::vector<uint32_t>> force{};
  std::optional<std::vector<uint32_t>> same{};
  std::vector<uint32_t> ignore{};
  std::vector<uint32_t> different{};
  const server_group* group = nullptr;
};

/// The first static filter that removes every host of `cls`, if any.
[[nodiscard]] std::optional<filter>
reject_class(const host_class& cls, const filter_context& ctx, const placement_state& ps);

/// The first per-host filter after ResourceFilter that removes `host`.
[[nodiscard]] std::optional<filter>
reject_host(uint32_t host, const filter_context& ctx, const overlay& ov);

/// Per-filter counts for one instance's decision.
struct filter_report {
  std::array<uint64_t, filter_count> removed{};
  uint64_t hosts = 0;      ///< Hosts this scheduler instance knows.
  uint64_t considered = 0; ///< Hosts the filters were applied to.
  uint64_t examined = 0;   ///< Of those, hosts checked one at a time.
  uint64_t passed = 0;     ///< Hosts found to pass every filter.
  /// False when the scan stopped once it had enough candidates: then
  /// per-host counts cover the examined hosts only.
  bool exhaustive = true;
  /// Set when only hosts named by this filter's list were considered.
  std::optional<filter> restricted_to{};
  uint32_t instance = 0; ///< Which instance of a multi-create this is for.
  uint32_t placed = 0;
  uint32_t min_count = 1;

  /// Nova-style text: "No valid host was found. Filter X returned 0 hosts.
  /// Hosts removed per filter: ..." on failure; a summary otherwise.
  [[nodiscard]] std::string describe() const;
};

} // namespace strato::scheduler
