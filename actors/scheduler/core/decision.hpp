#pragma once

/// One scheduling decision in progress: the per-instance filter, scan and
/// weigh loop behind `schedule` (see scheduler.hpp for the algorithm).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/scheduler/core/filters.hpp"
#include "actors/scheduler/core/fit.hpp"
#include "actors/scheduler/core/scheduler.hpp"

namespace strato::scheduler::internal {

class decision {
public:
  decision(const scheduler_state& s, const scheduler_config& cfg, filter_context ctx,
           uint64_t seed);

  /// Chooses a host for the next instance; false when no host passes.
  bool choose(filter_report& report);

  /// Takes the chosen host's resources for `instance`, so later instances of
  /// the same decision see them gone.
  consumer_allocation take(const std::string& instance, const std::string& project,
                           const std::string& user, chosen_host& out);

private:
  struct candidate {
    uint32_t host{};
    size_t chosen_at{}; ///< The candidate's providers, one per need, in `chosen_`.
  };

  void consider(uint32_t host, filter_report& report);
  void scan_index(filter_report& report);
  void scan_named(const std::vector<uint32_t>& hosts, filter by, filter_report& report);
  const std::vector<uint32_t>* named_hosts(filter& by);
  weigh_input input_for(const candidate& c) const;
  size_t pick();
  uint64_t next_random();

  const scheduler_state& state_;
  const scheduler_config& cfg_;
  filter_context ctx_;
  uint64_t rng_;
  std::vector<std::optional<filter>> verdicts_; ///< By class.
  std::vector<uint32_t> passing_;               ///< Classes no static filter removed.
  filter_report static_counts_;
  uint64_t passing_hosts_ = 0;
  int64_t ram_need_ = 0;
  int64_t vcpu_need_ = 0;
  rc_id ram_ = no_id;
  rc_id vcpu_ = no_id;
  rc_id disk_ = no_id;
  std::optional<size_t> disk_need_; ///< Index of DISK_GB among the needs.
  overlay taken_;
  std::vector<candidate> candidates_;
  std::vector<provider_id> chosen_;
  std::vector<provider_id> lenders_;
  std::vector<uint32_t> affinity_hosts_;
  std::vector<weigh_input> inputs_;
  std::vector<double> weights_;
  std::vector<size_t> order_;
  std::optional<candidate> choice_;
};

} // namespace strato::scheduler::internal
