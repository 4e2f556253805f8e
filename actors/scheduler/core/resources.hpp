#pragma once

/// Placement's vocabulary: resource classes, traits and inventories.
///
/// An inventory says how much of one resource class a provider offers and in
/// which units it may be handed out. Amounts are signed, as in Placement, so
/// that differences never wrap; negative amounts are rejected at the edges.

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::scheduler {

inline constexpr std::string_view vcpu_class = "VCPU";
inline constexpr std::string_view memory_mb_class = "MEMORY_MB";
inline constexpr std::string_view disk_gb_class = "DISK_GB";

/// A provider with this trait lends its inventory to every tree whose root
/// shares one of its aggregates (a shared storage pool, for instance).
inline constexpr std::string_view shares_via_aggregate_trait =
  "MISC_SHARES_VIA_AGGREGATE";

/// Placement's default `max_unit` (its column is a 32-bit integer).
inline constexpr int64_t default_max_unit = std::numeric_limits<int32_t>::max();

/// True for the standard classes of os-resource-classes and `CUSTOM_*`.
[[nodiscard]] bool is_valid_resource_class(std::string_view name);

/// True for upper-case identifiers. Standard traits are not enumerated: the
/// os-traits list grows every release, and an unknown trait is harmless.
[[nodiscard]] bool is_valid_trait(std::string_view name);

struct inventory {
  int64_t total = 0;
  int64_t reserved = 0;
  int64_t min_unit = 1;
  int64_t max_unit = default_max_unit;
  int64_t step_size = 1;
  double allocation_ratio = 1.0;
};

/// `(total - reserved) * allocation_ratio`, truncated as Placement does.
[[nodiscard]] int64_t capacity(const inventory& inv) noexcept;

/// Rejects inventories Placement would answer with 400.
[[nodiscard]] status validate(const inventory& inv);

/// Whether a single allocation of `amount` respects min/max unit and step.
[[nodiscard]] bool respects_units(const inventory& inv, int64_t amount) noexcept;

struct resource_amount {
  std::string resource_class{};
  int64_t amount = 0;

  friend bool operator==(const resource_amount&, const resource_amount&) = default;
};

} // namespace strato::scheduler
