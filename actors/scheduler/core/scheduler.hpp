#pragma once

/// The decision: Nova's filter scheduler over a scheduler_state, without
/// touching it.
///
/// `schedule` filters and weighs hosts for each requested instance and
/// returns the allocations it proposes as an `allocations_claimed` change.
/// The owner applies that change to the state (persisting it as an event);
/// apply re-checks capacity and the generations the decision observed, and a
/// decision overtaken by other claims or host changes gets `errc::conflict`,
/// after which the owner decides again on the fresh state. So many decisions
/// may be in flight against one state, and each claim is all or nothing:
/// with min_count/max_count, the largest number >= min_count that fits is
/// placed, all in one claim, or none.
///
/// How a decision avoids looking at every host (see host_index.hpp):
///  1. Static filters (compute state, zone, tenant isolation, member_of,
///     traits, resource classes offered) run once per host class: O(classes).
///  2. The index scan visits hosts of the remaining classes in free-RAM order
///     (spread or pack, by the sign of the RAM multiplier), skipping cells
///     too small for the request, and applies the per-host filters to each.
///  3. It stops at `candidates_per_instance` passing hosts, or at
///     `max_examined` hosts once at least one passed; only when nothing
///     passes does it go on to the end, so "no valid host" is never a guess.
///  4. The weighers rank the candidates (exactly, Nova's normalisation over
///     the candidates), and one of the best `host_subset_size` is picked at
///     random (seeded by the request).
/// Per decision that is O(classes + examined hosts), independent of the
/// number of hosts as long as suitable hosts are not rare. The price is that
/// weighers other than RAM rank a sample, not the whole cloud.
///
/// Hints that name hosts (in_tree, force_hosts, same_host, a hard-affinity
/// group already placed) replace the scan by those hosts.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/scheduler/core/filters.hpp"
#include "actors/scheduler/core/request.hpp"
#include "actors/scheduler/core/scheduler_state.hpp"
#include "actors/scheduler/core/weighers.hpp"

namespace strato::scheduler {

struct scheduler_config {
  weigher_multipliers weights{};
  /// Pick randomly among this many best hosts (Nova's host_subset_size).
  uint32_t host_subset_size = 1;
  uint32_t candidates_per_instance = 16;
  uint32_t max_examined = 512;
  std::string default_availability_zone = "nova";
  /// How the proposed claim's generations are checked when applied.
  generation_check claim_check = generation_check::configuration;
};

struct chosen_host {
  std::string instance{};
  std::string host{}; ///< Root provider uuid.
  std::string host_name{};
};

struct schedule_result {
  /// `ok`; `invalid_argument`, `forbidden` or `not_implemented` for a bad
  /// request; `not_found` with "No valid host was found. ..." otherwise.
  status error{};
  /// The change to apply when ok: one consumer per placed instance.
  allocations_claimed claim{};
  std::vector<chosen_host> hosts{};
  /// For the instance that failed, or the last one placed.
  filter_report report{};

  [[nodiscard]] bool ok() const noexcept {
    return error.ok();
  }
};

[[nodiscard]] schedule_result schedule(const scheduler_state& state,
                                       const schedule_request& req,
                                       const scheduler_config& cfg = {});

} // namespace strato::scheduler
