#pragma once

/// Nova's weighers. Each turns a host into a raw number (free RAM, free
/// VCPUs, free disk, instances building, group members on the host), the
/// numbers are normalised to [0, 1] over the hosts being weighed (all equal:
/// all 0), multiplied by the weigher's multiplier and summed; the heaviest
/// host wins. A positive RAM/CPU/disk multiplier spreads, a negative one packs.
///
/// The scheduler weighs the candidates its scan collected, not every host
/// (see scheduler.hpp); since the scan visits hosts in free-RAM order, the RAM
/// weigher's favourites are among them.

#include <optional>
#include <span>

#include "actors/scheduler/core/changes.hpp"

namespace strato::scheduler {

struct weigher_multipliers {
  double ram = 1.0;
  double cpu = 1.0;
  double disk = 1.0;
  double io_ops = -1.0;
  double soft_affinity = 1.0;
  double soft_anti_affinity = 1.0;
};

struct weigh_input {
  double free_ram_mb = 0;
  double free_vcpus = 0;
  double free_disk_gb = 0;
  double io_ops = 0;
  double group_members = 0; ///< Members of the request's group on the host.
};

/// Writes each host's total weight to `weights` (same size as `hosts`).
/// `policy` is the request's server group policy; only the soft ones weigh.
void weigh(std::span<const weigh_input> hosts, const weigher_multipliers& m,
           std::optional<group_policy> policy, std::span<double> weights);

} // namespace strato::scheduler
