#pragma once

/// GET /allocation_candidates: every way the providers can satisfy one
/// request, each as a ready-to-claim set of allocations, plus summaries of the
/// providers involved.
///
/// Each resource class comes whole from one provider: one in the host's tree
/// or a sharing provider in one of the root's aggregates (so a host without
/// local disk gets DISK_GB from its storage pool). A host with both local disk
/// and a pool yields one candidate per choice. Every candidate involves at
/// least one provider of the tree it is anchored at; a sharing provider that
/// can satisfy the request alone is a candidate of its own.
///
/// This walks every provider tree; it answers the REST query, not the
/// scheduler's hot path (see scheduler.hpp for that).

#include <cstddef>
#include <string>
#include <vector>

#include "actors/scheduler/core/resource_query.hpp"

namespace strato::scheduler {

struct resource_capacity {
  std::string resource_class{};
  int64_t capacity = 0;
  int64_t used = 0;
};

struct provider_summary {
  std::string provider{};
  std::string root{};
  uint64_t generation = 0;
  std::vector<resource_capacity> resources{};
  std::vector<std::string> traits{};
};

struct allocation_candidates_result {
  /// Each entry can be claimed as the allocations of one consumer.
  std::vector<std::vector<provider_allocation>> allocation_requests{};
  std::vector<provider_summary> provider_summaries{};
};

/// Errors: `errc::invalid_argument` for a malformed request or an unknown
/// `in_tree` provider.
[[nodiscard]] result<allocation_candidates_result>
allocation_candidates(const placement_state& ps, const resource_request& req,
                      size_t limit = 1000);

} // namespace strato::scheduler
