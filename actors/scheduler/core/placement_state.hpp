#pragma once

/// Placement's data: resource providers (trees of them, plus sharing
/// providers), their inventories, traits and aggregates, and the consumers
/// holding allocations against them, with usages per provider, project and
/// user.
///
/// Every provider has a generation that each change to it bumps: inventory,
/// traits, aggregates and allocations, as in Placement. A write that names a
/// stale generation fails with `errc::conflict` (Placement's 409 "resource
/// provider generation conflict"). Allocation writes are all or nothing: no
/// partial claim is ever visible, and no provider ever exceeds its capacity
/// through a claim (an inventory shrink may leave it over; then only frees
/// and shrinking replacements succeed there).
///
/// Thread safety: none. One owner (an actor) mutates and reads an instance.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/scheduler/core/changes.hpp"
#include "actors/scheduler/core/resources.hpp"
#include "actors/scheduler/core/symbols.hpp"
#include "runtime/core/error.hpp"

namespace strato::scheduler {

struct provider_inventory {
  rc_id rc = no_id;
  inventory inv{};
  int64_t capacity = 0;
  int64_t used = 0;

  [[nodiscard]] int64_t free() const noexcept {
    return capacity - used;
  }
  /// Whether one more allocation of `amount` fits, with `pending` already
  /// promised to other instances of the same decision.
  [[nodiscard]] bool fits(int64_t amount, int64_t pending = 0) const noexcept {
    return respects_units(inv, amount) && used + pending + amount <= capacity;
  }
};

struct provider {
  std::string uuid{};
  std::string name{};
  provider_id parent = no_id;
  provider_id root = no_id;
  uint64_t generation = 0;
  /// The generation of the last change that was not an allocation; see
  /// `generation_check::configuration`.
  uint64_t config_generation = 0;
  bool shares = false; ///< Has MISC_SHARES_VIA_AGGREGATE.
  uint32_t inventory_room = 0; ///< Inventories its pool slot can hold.
  std::vector<trait_id> traits{};         ///< Sorted.
  std::vector<aggregate_id> aggregates{}; ///< Sorted.
};

struct allocation_line {
  provider_id provider = no_id;
  rc_id rc = no_id;
  int64_t amount = 0;
};

struct consumer {
  std::string project{};
  std::string user{};
  uint64_t generation = 0;
  std::vector<allocation_line> lines{};
};

class placement_state {
public:
  status apply(const provider_created& c);
  status apply(const inventory_set& c);
  status apply(const traits_set& c);
  status apply(const aggregates_set& c);
  status apply(const allocations_claimed& c);
  status apply(const allocations_replaced& c);
  status apply(const allocations_freed& c);

  /// Sizes the consumer table for `consumers`. Growing a table of a million
  /// consumers rehashes it in one go, a pause of a hundred milliseconds or
  /// more; an owner that knows its size after replay reserves ahead.
  void reserve_consumers(size_t consumers) {
    consumers_.reserve(consumers);
  }

  /// Bumps a provider's generation as a configuration change. For owners that
  /// layer state of their own over a provider (a host going down), so that
  /// claims decided before that change conflict.
  void mark_changed(provider_id id) {
    bump_config(providers_[id]);
  }

  [[nodiscard]] std::optional<provider_id> find_provider(std::string_view uuid) const;
  [[nodiscard]] std::optional<provider_id>
  find_provider_by_name(std::string_view name) const;
  [[nodiscard]] const provider& get(provider_id id) const {
    return providers_[id];
  }
  [[nodiscard]] size_t provider_count() const noexcept {
    return providers_.size();
  }
  [[nodiscard]] std::span<const provider_inventory> inventories(provider_id id) const {
    const auto& h = hot_[id];
    return {inventory_pool_.data() + h.inventory_at, h.inventory_count};
  }
  [[nodiscard]] const provider_inventory* find_inventory(provider_id id,
                                                         rc_id rc) const noexcept {
    for (const auto& inv : inventories(id)) {
      if (inv.rc == rc) {
        return &inv;
      }
    }
    return nullptr;
  }
  /// Asks the CPU to start loading what `find_inventory` reads for these
  /// providers. A scan calls it a batch of hosts ahead, so that their cache
  /// misses overlap instead of queueing one behind the other.
  void prefetch(std::span<const provider_id> ids) const noexcept {
    for (auto id : ids) {
      __builtin_prefetch(&hot_[id]);
    }
    for (auto id : ids) {
      const auto& h = hot_[id];
      const auto* first =
        reinterpret_cast<const char*>(inventory_pool_.data() + h.inventory_at);
      auto bytes = h.inventory_count * sizeof(provider_inventory);
      for (size_t at = 0; at < bytes; at += 64) {
        __builtin_prefetch(first + at);
      }
    }
  }
  /// All providers of the tree rooted at `root`, root first; valid until the
  /// next change, like every span and pointer this class hands out.
  [[nodiscard]] std::span<const provider_id> tree(provider_id root) const {
    const auto& h = hot_[root];
    // A lone root, the usual host, answers from `hot_` without a trip to `trees_`.
    if (h.tree_size == 1) {
      return {&h.id, 1};
    }
    return trees_[root];
  }
  /// Sharing providers that share an aggregate with `root`, appended to `out`.
  void sharing_providers(provider_id root, std::vector<provider_id>& out) const;
  /// Whether some sharing provider has an inventory of `rc`.
  [[nodiscard]] bool shared_anywhere(rc_id rc) const noexcept {
    return rc < sharing_offers_.size() && sharing_offers_[rc] > 0;
  }

  [[nodiscard]] const consumer* find_consumer(std::string_view uuid) const;
  [[nodiscard]] size_t consumer_count() const noexcept {
    return consumers_.size();
  }
  /// The tree a consumer's allocations are in; sharing providers aside.
  [[nodiscard]] std::optional<provider_id> consumer_root(const consumer& c) const;

  [[nodiscard]] result<std::vector<resource_amount>>
  provider_usages(std::string_view uuid) const;
  [[nodiscard]] std::vector<resource_amount>
  project_usages(std::string_view project) const;
  [[nodiscard]] std::vector<resource_amount>
  user_usages(std::string_view project, std::string_view user) const;

  [[nodiscard]] const symbol_table& resource_classes() const noexcept {
    return rcs_;
  }
  [[nodiscard]] const symbol_table& traits() const noexcept {
    return traits_;
  }
  [[nodiscard]] const symbol_table& aggregates() const noexcept {
    return aggregates_;
  }

private:
  using usage_list = std::vector<std::pair<rc_id, int64_t>>;

  /// What a scan over many hosts reads per provider, kept in one small array
  /// apart from the provider records; inventories live in one pool. At 100,000
  /// hosts this saves the cache misses that dominate a decision.
  struct hot_provider {
    provider_id id = no_id;
    uint32_t tree_size = 1; ///< Meaningful for roots.
    uint32_t inventory_at = 0;
    uint32_t inventory_count = 0;
  };

  provider_inventory* find_inventory(provider_id id, rc_id rc) noexcept {
    return const_cast<provider_inventory*>(std::as_const(*this).find_inventory(id, rc));
  }
  void store_inventories(provider_id id, const std::vector<provider_inventory>& next);

  result<provider_id> writable(std::string_view uuid, uint64_t generation) const;
  void bump_config(provider& p);
  void refresh_sharing();
  status resolve(const consumer_allocation& ca, generation_check check,
                 std::vector<allocation_line>& out) const;
  status check_capacity(const std::vector<allocation_line>& released,
                        const std::vector<allocation_line>& claimed) const;
  void commit(const std::vector<allocation_line>& lines, int64_t sign,
              const std::string& project, const std::string& user);
  void bump_generations(const std::vector<allocation_line>& a,
                        const std::vector<allocation_line>& b);
  std::vector<resource_amount> named(const usage_list& usage) const;

  std::vector<provider> providers_;
  std::vector<hot_provider> hot_;
  std::vector<provider_inventory> inventory_pool_;
  string_map<provider_id> by_uuid_;
  string_map<provider_id> by_name_;
  std::vector<std::vector<provider_id>> trees_; ///< By root id.
  std::vector<provider_id> sharing_;            ///< Providers with `shares`.
  std::vector<uint32_t> sharing_offers_;        ///< By rc: sharing providers.
  std::unordered_map<aggregate_id, std::vector<provider_id>> sharers_by_aggregate_;
  string_map<consumer> consumers_;
  struct project_usage {
    usage_list total;
    string_map<usage_list> by_user;
  };
  string_map<project_usage> project_usage_;
  symbol_table rcs_;
  symbol_table traits_;
  symbol_table aggregates_;
};

} // namespace strato::scheduler
