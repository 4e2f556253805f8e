#include "actors/scheduler/core/weighers.hpp"

#include <algorithm>

namespace strato::scheduler {

namespace {

/// Adds `multiplier * normalised(raw)` for one weigher, as nova.weights does.
template <class Raw>
void add_weigher(std::span<const weigh_input> hosts, double multiplier, Raw raw,
                 std::span<double> weights) {
  if (multiplier == 0 || hosts.empty()) {
    return;
  }
  auto lo = raw(hosts[0]);
  auto hi = lo;
  for (const auto& h : hosts) {
    lo = std::min(lo, raw(h));
    hi = std::max(hi, raw(h));
  }
  if (hi == lo) {
    return;
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    weights[i] += multiplier * (raw(hosts[i]) - lo) / (hi - lo);
  }
}

} // namespace

void weigh(std::span<const weigh_input> hosts, const weigher_multipliers& m,
           std::optional<group_policy> policy, std::span<double> weights) {
  std::fill(weights.begin(), weights.end(), 0.0);
  add_weigher(hosts, m.ram, [](auto& h) { return h.free_ram_mb; }, weights);
  add_weigher(hosts, m.cpu, [](auto& h) { return h.free_vcpus; }, weights);
  add_weigher(hosts, m.disk, [](auto& h) { return h.free_disk_gb; }, weights);
  add_weigher(hosts, m.io_ops, [](auto& h) { return h.io_ops; }, weights);
  if (policy == group_policy::soft_affinity) {
    add_weigher(hosts, m.soft_affinity, [](auto& h) { return h.group_members; },
                weights);
  } else if (policy == group_policy::soft_anti_affinity) {
    add_weigher(hosts, m.soft_anti_affinity,
                [](auto& h) { return -h.group_members; }, weights);
  }
}

} // namespace strato::scheduler
