#pragma once

/// Every state change of the placement and scheduling core as a plain value.
///
/// An owner persists a change as an event, then applies it; replaying the same
/// changes in the same order rebuilds the same state (ids, generations, index
/// positions), so a restarted actor needs nothing but its event log. `apply`
/// re-validates each change against the state it meets: a change decided on
/// an older state fails with `errc::conflict` and leaves the state untouched,
/// so the owner must persist only changes whose apply succeeded (or persist
/// first and treat a failed apply as a no-op event when replaying).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "actors/scheduler/core/resources.hpp"

namespace strato::scheduler {

/// How an allocation's observed provider generation is checked.
enum class generation_check : uint8_t {
  /// Any change to the provider since it was observed is a conflict
  /// (Placement's rule for inventory, trait and aggregate writes).
  exact = 0,
  /// Only inventory, trait, aggregate or host-state changes are conflicts;
  /// other consumers' allocations are tolerated because capacity is checked
  /// again anyway. This keeps concurrent claims on one host from failing
  /// each other while still catching decisions made on a stale host setup.
  configuration = 1,
};

/// Nova server group policies.
enum class group_policy : uint8_t {
  affinity = 0,
  anti_affinity = 1,
  soft_affinity = 2,
  soft_anti_affinity = 3,
};

struct provider_created {
  std::string uuid{};
  std::string name{};        ///< Unique; the uuid when empty.
  std::string parent_uuid{}; ///< Empty for a root (a compute host or a pool).
};

struct inventory_record {
  std::string resource_class{};
  inventory inv{};
};

/// Replaces all of a provider's inventories (PUT .../inventories).
struct inventory_set {
  std::string provider{};
  uint64_t generation = 0;
  std::vector<inventory_record> inventories{};
};

struct traits_set {
  std::string provider{};
  uint64_t generation = 0;
  std::vector<std::string> traits{};
};

struct aggregates_set {
  std::string provider{};
  uint64_t generation = 0;
  std::vector<std::string> aggregates{};
};

struct provider_allocation {
  std::string provider{};
  /// The provider generation the decision saw; unchecked when absent.
  std::optional<uint64_t> generation{};
  std::vector<resource_amount> resources{};
};

struct consumer_allocation {
  std::string consumer{};
  std::string project{};
  std::string user{};
  std::vector<provider_allocation> allocations{};
};

/// New consumers' allocations, all or none (POST /allocations). Several
/// consumers make one multi-create decision atomic.
struct allocations_claimed {
  std::vector<consumer_allocation> consumers{};
  generation_check check = generation_check::exact;
};

/// Swaps one consumer's allocations for others in one step (move, resize).
struct allocations_replaced {
  consumer_allocation allocation{};
  uint64_t consumer_generation = 0;
  generation_check check = generation_check::exact;
};

/// Frees a consumer's allocations; freeing an unknown consumer is a no-op.
struct allocations_freed {
  std::string consumer{};
};

/// The compute service's view of a host; `host` is its root provider uuid.
struct host_state_set {
  std::string host{};
  bool up = true;
  bool enabled = true;
  /// Instances building/migrating, as last reported by the compute node.
  std::optional<int64_t> io_ops{};
};

/// Nova host aggregate metadata (`availability_zone`, `filter_tenant_id*`);
/// the aggregate uuid is the one providers carry in Placement.
struct aggregate_metadata_set {
  std::string aggregate{};
  std::map<std::string, std::string> metadata{};
};

struct server_group_set {
  std::string group{};
  group_policy policy = group_policy::anti_affinity;
  std::vector<std::string> members{}; ///< Instance (consumer) uuids.
  int64_t max_server_per_host = 1;  ///< Hard anti-affinity rule (2.64).
};

using change =
  std::variant<provider_created, inventory_set, traits_set, aggregates_set,
               allocations_claimed, allocations_replaced, allocations_freed,
               host_state_set, aggregate_metadata_set, server_group_set>;

/// The change's type name, for logs and event type tags.
[[nodiscard]] std::string_view change_name(const change& c) noexcept;

} // namespace strato::scheduler
