#pragma once

/// Placement changes as Protobuf events (schema/strato/placement/v1) and
/// back. Decoding is the exact inverse of encoding, so replaying a shard's
/// stream rebuilds the state its live actor had.

#include <string>
#include <variant>

#include "actors/scheduler/core/changes.hpp"
#include "runtime/core/error.hpp"
#include "strato/placement/v1/placement.pb.h"

namespace strato::scheduler {

/// A custom resource class or trait added to or removed from the catalog.
struct catalog_change {
  bool trait = false; ///< Otherwise a resource class.
  bool added = true;
  std::string name{};
};

/// Everything a shard records.
using shard_event = std::variant<change, catalog_change>;

[[nodiscard]] strato::placement::v1::PlacementEvent encode(const shard_event& ev);

/// Errors: `errc::corruption` for an event without a known payload.
[[nodiscard]] result<shard_event>
decode(const strato::placement::v1::PlacementEvent& ev);

} // namespace strato::scheduler
