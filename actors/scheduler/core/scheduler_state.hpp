#pragma once

/// Everything one scheduler instance decides on: Placement's providers and
/// allocations, Nova's view of the hosts (up, enabled, instances building),
/// host aggregate metadata, server groups, and the host index kept in step
/// with all of them.
///
/// The state changes only through `apply(change)`, which is deterministic:
/// an actor persists each change as an event and replays them after a
/// restart. Deciding (see scheduler.hpp) only reads it.
///
/// Sharding: an instance may own a shard of the hosts. The unit of sharding
/// is a host together with the sharing providers it draws from, so hosts
/// sharing a storage pool belong in the same shard as the pool; a pool split
/// across shards would be claimed against twice. Requests go to one shard
/// (by hash or round robin) and move to the next on "no valid host"; claims
/// are applied by the shard that owns the hosts and fail with
/// `errc::conflict` when decided on a stale view.
///
/// A host is a root provider that is not a sharing provider, and its number
/// is the root's provider id, so a scan goes from the index straight to
/// Placement's data. Hosts start up and enabled (`enable_new_services`).
///
/// Thread safety: none; one owner.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/scheduler/core/changes.hpp"
#include "actors/scheduler/core/host_index.hpp"
#include "actors/scheduler/core/placement_state.hpp"

namespace strato::scheduler {

/// By provider id; meaningful for roots.
struct host_info {
  bool is_root = false;
  bool is_host = false; ///< A root that is not a sharing provider.
  bool up = true;
  bool enabled = true;
  /// Instances building or migrating: reported by the compute node, bumped by
  /// each claim in between so back-to-back decisions see each other.
  int64_t io_ops = 0;
};

struct server_group {
  std::string uuid{};
  group_policy policy = group_policy::anti_affinity;
  int64_t max_server_per_host = 1;
  std::vector<std::string> members{};
  /// Members with allocations, counted per host.
  std::vector<std::pair<uint32_t, uint32_t>> hosts{};

  [[nodiscard]] uint32_t members_on(uint32_t host) const noexcept;
};

class scheduler_state {
public:
  /// Errors: whatever Placement answers (`conflict` for stale generations or
  /// capacity, `not_found`, `invalid_argument`); the state is unchanged then.
  status apply(const change& c);

  /// See placement_state::reserve_consumers.
  void reserve_consumers(size_t consumers) {
    placement_.reserve_consumers(consumers);
  }

  [[nodiscard]] const placement_state& placement() const noexcept {
    return placement_;
  }
  [[nodiscard]] const host_index& index() const noexcept {
    return index_;
  }
  [[nodiscard]] const host_info& host(uint32_t h) const {
    return hosts_[h];
  }
  [[nodiscard]] const provider& host_provider(uint32_t h) const {
    return placement_.get(h);
  }
  /// The host whose root is `root` (the same number), or `no_id`.
  [[nodiscard]] uint32_t host_of_root(provider_id root) const noexcept {
    return root < hosts_.size() && hosts_[root].is_root ? root : no_id;
  }
  /// By root provider uuid, then by name (Nova's host name).
  [[nodiscard]] uint32_t find_host(std::string_view uuid_or_name) const;
  /// The host holding a consumer's allocations, or `no_id`.
  [[nodiscard]] uint32_t host_of_consumer(std::string_view consumer) const;
  [[nodiscard]] const server_group* find_group(std::string_view uuid) const;
  /// Free amount of `rc` summed over a host's tree.
  [[nodiscard]] int64_t tree_free(uint32_t h, rc_id rc) const;

private:
  status on(const provider_created& c);
  status on(const allocations_claimed& c);
  status on(const allocations_replaced& c);
  status on(const allocations_freed& c);
  status on(const host_state_set& c);
  status on(const aggregate_metadata_set& c);
  status on(const server_group_set& c);
  template <class Change>
  status on(const Change& c);

  uint32_t host_of(const consumer* c) const;
  void reindex(uint32_t h);
  void refresh_free(uint32_t h);
  void describe_class(host_class& cls) const;
  void count_member(std::string_view consumer, uint32_t host, int delta);

  placement_state placement_;
  host_index index_;
  std::vector<host_info> hosts_;
  rc_id ram_rc_ = no_id;  ///< Interned once an inventory names them.
  rc_id vcpu_rc_ = no_id;
  string_map<std::map<std::string, std::string>> aggregate_metadata_;
  std::vector<server_group> groups_;
  string_map<uint32_t> group_by_uuid_;
  string_map<uint32_t> group_of_member_;
};

} // namespace strato::scheduler
