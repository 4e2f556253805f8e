#pragma once

/// The index that spares the scheduler from looking at every host.
///
/// Hosts are grouped into classes: hosts whose provider trees carry the same
/// traits, aggregates and resource classes and share up/enabled state are
/// indistinguishable to the static filters (availability zone, tenant
/// isolation, member_of, traits, compute state), so those filters run once
/// per class, not once per host. Real clouds have tens of classes, not
/// thousands; the cost per decision grows with the number of classes.
///
/// Within a class, hosts sit in a grid of free-capacity cells: a row per free
/// MEMORY_MB bucket, a column per free VCPU bucket. Buckets are logarithmic
/// with four steps per doubling (a bucket spans at most a quarter of its lower
/// bound), so 128 rows and 64 columns cover any real host. A bitmask per row
/// marks its non-empty columns, and one per class marks the non-empty rows, so
/// cells too small for a request are skipped without touching their hosts and
/// a scan finds the next populated cell with a few bit operations.
///
/// A scan walks rows in free-RAM order (most free first to spread, least free
/// that could fit first to pack), across all classes that passed the static
/// filters, and within a cell starts at a seeded random offset so concurrent
/// decisions do not all land on the same host. Updates (claim, free, host
/// up/down, inventory or trait change) move one host between cells in O(1).
///
/// Thread safety: none; owned by one scheduler_state.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/scheduler/core/symbols.hpp"

namespace strato::scheduler {

inline constexpr uint32_t ram_rows = 128;
inline constexpr uint32_t vcpu_columns = 64;

/// The logarithmic bucket of a free amount (0 for none), uncapped.
[[nodiscard]] uint32_t capacity_bucket(int64_t amount) noexcept;

/// What makes hosts interchangeable for the static filters.
struct class_key {
  std::vector<trait_id> traits{};          ///< Sorted, the whole tree's.
  std::vector<aggregate_id> aggregates{};  ///< Sorted, the root's.
  std::vector<rc_id> resource_classes{};   ///< Sorted, the tree's inventories.
  bool up = true;
  bool enabled = true;

  friend bool operator==(const class_key&, const class_key&) = default;
};

struct host_class {
  class_key key{};
  /// Derived from aggregate metadata by the owner of the index.
  std::string availability_zone{};
  std::vector<std::string> tenants{}; ///< Empty: open to every project.
  uint32_t hosts = 0;
};

class host_index {
public:
  /// The class for `key`, created when new. Classes are never removed, so
  /// their ids stay stable; an empty class costs one skipped entry per scan.
  uint32_t class_for(const class_key& key);

  [[nodiscard]] const host_class& get_class(uint32_t cls) const {
    return classes_[cls];
  }
  [[nodiscard]] host_class& get_class(uint32_t cls) {
    return classes_[cls];
  }
  [[nodiscard]] uint32_t class_count() const noexcept {
    return static_cast<uint32_t>(classes_.size());
  }
  /// The class `host` is indexed in, or `no_id`.
  [[nodiscard]] uint32_t class_of(uint32_t host) const noexcept {
    return host < slots_.size() ? slots_[host].cls : no_id;
  }

  /// Indexes `host` in `cls` by its free amounts, moving it if needed.
  void place(uint32_t host, uint32_t cls, int64_t free_ram_mb, int64_t free_vcpu);
  void remove(uint32_t host);

  struct scan_params {
    int64_t ram_mb = 0; ///< Needed; 0 when the need is not indexable.
    int64_t vcpu = 0;
    bool most_free_ram_first = true;
    bool most_free_vcpu_first = true;
    uint64_t seed = 0;
  };

  /// Yields the hosts of the given classes whose cells could fit the need,
  /// in scan order, each at most once. Invalidated by any index update.
  class cursor {
  public:
    /// The next host, or `no_id` when none is left.
    uint32_t next();

  private:
    friend class host_index;
    cursor(const host_index& index, std::span<const uint32_t> classes,
           const scan_params& params);
    bool next_row();
    bool next_class_in_row();
    void open_next_cell();

    const host_index* index_;
    std::span<const uint32_t> classes_;
    scan_params params_;
    uint64_t col_mask_ = 0;
    std::array<uint64_t, 2> rows_{};
    uint32_t row_ = 0;
    size_t class_pos_ = 0;
    uint64_t cols_ = 0;
    const std::vector<uint32_t>* cell_ = nullptr;
    size_t cell_start_ = 0;
    size_t cell_done_ = 0;
    uint64_t rng_;
  };

  /// `classes` must outlive the cursor.
  [[nodiscard]] cursor scan(std::span<const uint32_t> classes,
                            const scan_params& params) const {
    return cursor{*this, classes, params};
  }

private:
  struct grid {
    std::array<uint64_t, 2> rows{};    ///< Non-empty rows.
    std::vector<uint64_t> row_columns{}; ///< Per row: non-empty columns.
    std::unordered_map<uint32_t, std::vector<uint32_t>> cells{};
  };
  struct slot {
    uint32_t cls = no_id;
    uint32_t cell = 0;
    uint32_t pos = 0;
  };
  struct key_hash {
    size_t operator()(const class_key& k) const noexcept;
  };

  std::vector<host_class> classes_;
  std::vector<grid> grids_;
  std::unordered_map<class_key, uint32_t, key_hash> by_key_;
  std::vector<slot> slots_;
};

} // namespace strato::scheduler
