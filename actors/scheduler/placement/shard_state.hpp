#pragma once

/// One scheduler shard's state without CAF: the hosts it owns (a
/// scheduler_state), the catalog of custom names (used by shard 0 only), and
/// the commands the scheduler protocol sends it, each turned into changes.
///
/// Every command applies its changes through `record`, which applies one
/// change and, when it applied, appends it to the events the owner must
/// persist before answering. A change that does not apply is not recorded,
/// so a refused command writes nothing; `replay` applies recorded events
/// after a restart. The actor shell (shard_actor.hpp) owns persistence.
///
/// Thread safety: none; one owner.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "actors/scheduler/core/filters.hpp"
#include "actors/scheduler/core/scheduler.hpp"
#include "actors/scheduler/core/scheduler_state.hpp"
#include "actors/scheduler/placement/event_codec.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"

namespace strato::scheduler {

/// The aggregate carrying a zone's `availability_zone` metadata, derived from
/// the zone name so every shard and every restart agrees on it.
[[nodiscard]] std::string zone_aggregate(std::string_view zone);

/// A stable uuid-shaped id for a host name (when compute gives none).
[[nodiscard]] std::string name_uuid(std::string_view name);

/// FNV-1a; stable across processes, unlike std::hash.
[[nodiscard]] uint64_t stable_hash(std::string_view s) noexcept;

/// What one shard answers to select_destinations.
struct shard_selection {
  status error{};
  destinations placed{};
  filter_report report{};
};

class shard_state {
public:
  explicit shard_state(scheduler_config cfg = {}) : cfg_(std::move(cfg)) {
  }

  /// Applies `ev`; records it for persistence when it applied.
  status record(const shard_event& ev);
  /// Applies a stored event (no recording).
  status replay(const shard_event& ev);
  [[nodiscard]] std::vector<shard_event> take_recorded() {
    return std::exchange(recorded_, {});
  }

  [[nodiscard]] const scheduler_state& hosts() const noexcept {
    return state_;
  }
  [[nodiscard]] const std::set<std::string>& custom_resource_classes() const {
    return custom_rcs_;
  }
  [[nodiscard]] const std::set<std::string>& custom_traits() const {
    return custom_traits_;
  }
  [[nodiscard]] const scheduler_config& config() const noexcept {
    return cfg_;
  }

  /// Zone of host number `h` (the default zone when none is set).
  [[nodiscard]] std::string availability_zone(uint32_t h) const;

  // The scheduler protocol's commands (see scheduler_protocol.hpp).
  result<host_registration> register_host(const compute_host& host);
  status set_host_state(std::string_view hostname, const bool* up,
                        const bool* enabled);
  shard_selection select(const destination_request& req);
  [[nodiscard]] allocation_map allocations_of(std::string_view consumer) const;
  /// False when the consumer has no allocations here.
  bool free(const std::string& consumer);
  /// Errors: `not_found` when `from` has nothing here, `conflict` when `to`
  /// holds allocations already.
  status move(const std::string& from, const std::string& to);
  status replace(const consumer_claim& claim);
  [[nodiscard]] std::vector<host_summary> summaries() const;
  [[nodiscard]] bool owns_provider(std::string_view uuid) const {
    return state_.placement().find_provider(uuid).has_value();
  }
  /// Whether every provider `claim` names is owned here.
  [[nodiscard]] bool owns_all(const allocation_map& allocations) const;

private:
  status apply(const shard_event& ev);
  status sync_group(const destination_request& req);
  status place_in_zone(const std::string& uuid, const std::string& zone);
  consumer_allocation to_allocation(const consumer_claim& claim) const;

  scheduler_config cfg_;
  scheduler_state state_;
  std::set<std::string> custom_rcs_;
  std::set<std::string> custom_traits_;
  std::set<std::string> zones_; ///< Aggregates with availability_zone metadata.
  std::vector<shard_event> recorded_;
};

/// The claimed amounts of one consumer, by provider uuid.
[[nodiscard]] allocation_map to_map(const placement_state& ps, const consumer& c);

} // namespace strato::scheduler
