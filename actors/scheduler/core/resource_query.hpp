#pragma once

/// What a placement query asks for (the query of GET /allocation_candidates)
/// and its form with names resolved against one placement_state, plus the
/// tree-level predicates shared by allocation candidates and the scheduler.
///
/// Traits and aggregates are properties of a host's whole provider tree:
/// required traits may sit on the root or any descendant, forbidden ones on
/// none of them, and `member_of` is checked against the root's aggregates.
/// Sharing providers lend resources only; their traits do not count for the
/// trees they serve.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "actors/scheduler/core/placement_state.hpp"

namespace strato::scheduler {

struct resource_request {
  std::vector<resource_amount> resources{};
  std::vector<std::string> required_traits{};
  std::vector<std::string> forbidden_traits{};
  /// Each entry is one `member_of=in:a,b`: the root must be in one of its
  /// aggregates; every entry must hold.
  std::vector<std::vector<std::string>> member_of{};
  std::string in_tree{}; ///< A provider uuid; only its tree qualifies.
};

struct need {
  rc_id rc = no_id; ///< `no_id` for a class no provider has: nothing fits.
  int64_t amount = 0;
};

/// A request with names resolved; names no provider has become ids that
/// never match, so "nothing fits" falls out of the ordinary checks.
struct resolved_request {
  std::vector<need> needs{};
  std::vector<trait_id> required{};  ///< Sorted; may hold `no_id`.
  std::vector<trait_id> forbidden{}; ///< Sorted.
  std::vector<std::vector<aggregate_id>> member_of{};
  /// The root of `in_tree`; `no_id` when the provider is unknown.
  std::optional<provider_id> in_tree_root{};
};

/// Rejects malformed requests (bad names, amounts < 1, a trait both required
/// and forbidden) with `errc::invalid_argument`.
[[nodiscard]] result<resolved_request> resolve(const placement_state& ps,
                                               const resource_request& req);

[[nodiscard]] bool traits_match(const resolved_request& req,
                                std::span<const trait_id> sorted_traits);
[[nodiscard]] bool member_of_match(const resolved_request& req,
                                   std::span<const aggregate_id> sorted_aggregates);

/// The union of the traits of every provider in the tree, sorted.
[[nodiscard]] std::vector<trait_id> tree_traits(const placement_state& ps,
                                                provider_id root);

} // namespace strato::scheduler
