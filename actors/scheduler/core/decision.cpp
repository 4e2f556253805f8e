#include "actors/scheduler/core/decision.hpp"

#include <algorithm>
#include <array>
#include <numeric>

namespace strato::scheduler::internal {

decision::decision(const scheduler_state& s, const scheduler_config& cfg,
                   filter_context ctx, uint64_t seed)
  : state_(s), cfg_(cfg), ctx_(std::move(ctx)), rng_(seed) {
  const auto& ps = s.placement();
  const auto& rcs = ps.resource_classes();
  ram_ = rcs.find(memory_mb_class).value_or(no_id);
  vcpu_ = rcs.find(vcpu_class).value_or(no_id);
  disk_ = rcs.find(disk_gb_class).value_or(no_id);
  const auto& needs = ctx_.query.needs;
  for (size_t i = 0; i < needs.size(); ++i) {
    auto rc = needs[i].rc;
    // The index counts tree capacity only; a class a pool may lend is not
    // bounded by it.
    auto indexable = rc != no_id && !ps.shared_anywhere(rc);
    if (indexable && rc == ram_) {
      ram_need_ = needs[i].amount;
    } else if (indexable && rc == vcpu_) {
      vcpu_need_ = needs[i].amount;
    }
    if (rc != no_id && rc == disk_) {
      disk_need_ = i;
    }
  }
  const auto& index = s.index();
  verdicts_.resize(index.class_count());
  for (uint32_t cls = 0; cls < index.class_count(); ++cls) {
    const auto& c = index.get_class(cls);
    static_counts_.hosts += c.hosts;
    verdicts_[cls] = reject_class(c, ctx_, ps);
    if (verdicts_[cls]) {
      static_counts_.removed[static_cast<size_t>(*verdicts_[cls])] += c.hosts;
    } else if (c.hosts > 0) {
      passing_.push_back(cls);
      passing_hosts_ += c.hosts;
    }
  }
}

uint64_t decision::next_random() {
  auto z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool decision::choose(filter_report& report) {
  candidates_.clear();
  chosen_.clear();
  choice_.reset();
  auto by = filter::in_tree;
  if (const auto* named = named_hosts(by)) {
    scan_named(*named, by, report);
  } else {
    scan_index(report);
  }
  if (candidates_.empty()) {
    return false;
  }
  choice_ = candidates_[pick()];
  return true;
}

const std::vector<uint32_t>* decision::named_hosts(filter& by) {
  const std::vector<uint32_t>* best = nullptr;
  auto offer = [&](const std::vector<uint32_t>& hosts, filter f) {
    if (best == nullptr || hosts.size() < best->size()) {
      best = &hosts;
      by = f;
    }
  };
  if (ctx_.in_tree) {
    offer(*ctx_.in_tree, filter::in_tree);
  }
  if (ctx_.force) {
    offer(*ctx_.force, filter::force_hosts);
  }
  if (ctx_.forced) {
    return best;
  }
  if (ctx_.same) {
    offer(*ctx_.same, filter::same_host);
  }
  const auto* g = ctx_.group;
  if (g != nullptr && g->policy == group_policy::affinity
      && (!g->hosts.empty() || !taken_.empty())) {
    affinity_hosts_ = taken_.hosts();
    for (auto [h, n] : g->hosts) {
      affinity_hosts_.push_back(h);
    }
    std::sort(affinity_hosts_.begin(), affinity_hosts_.end());
    affinity_hosts_.erase(std::unique(affinity_hosts_.begin(), affinity_hosts_.end()),
                          affinity_hosts_.end());
    offer(affinity_hosts_, filter::affinity);
  }
  return best;
}

void decision::scan_index(filter_report& report) {
  report.removed = static_counts_.removed;
  report.hosts = report.considered = static_counts_.hosts;
  auto want = std::max({cfg_.candidates_per_instance, cfg_.host_subset_size, 1U});
  auto cursor = state_.index().scan(
    passing_, {ram_need_, vcpu_need_, cfg_.weights.ram >= 0, cfg_.weights.cpu >= 0,
               next_random()});
  auto enough = [&] {
    return candidates_.size() >= want
           || (report.examined >= cfg_.max_examined && !candidates_.empty());
  };
  // Hosts come in small batches whose data is prefetched together: at 100,000
  // hosts a decision is bound by cache misses, and overlapping them pays more
  // than the few hosts fetched but never examined cost.
  std::array<uint32_t, 8> batch{};
  auto exhausted = false;
  while (!exhausted && !enough()) {
    size_t n = 0;
    for (; n < batch.size(); ++n) {
      batch[n] = cursor.next();
      if (batch[n] == no_id) {
        exhausted = true;
        break;
      }
    }
    state_.placement().prefetch({batch.data(), n});
    for (size_t i = 0; i < n; ++i) {
      if (enough()) {
        exhausted = false;
        break;
      }
      ++report.examined;
      consider(batch[i], report);
    }
  }
  report.exhaustive = exhausted || report.examined == passing_hosts_;
  if (report.exhaustive) {
    // Hosts in cells too small for the request were never visited.
    report.removed[static_cast<size_t>(filter::resources)] +=
      passing_hosts_ - report.examined;
  }
}

void decision::scan_named(const std::vector<uint32_t>& hosts, filter by,
                          filter_report& report) {
  report.hosts = static_counts_.hosts;
  report.considered = hosts.size();
  report.restricted_to = by;
  for (auto h : hosts) {
    ++report.examined;
    consider(h, report);
  }
}

void decision::consider(uint32_t host, filter_report& report) {
  auto cls = state_.index().class_of(host);
  if (cls == no_id) {
    return;
  }
  if (verdicts_[cls]) {
    ++report.removed[static_cast<size_t>(*verdicts_[cls])];
    return;
  }
  auto at = chosen_.size();
  if (!fit(state_, ctx_.query.needs, host, taken_, chosen_, lenders_)) {
    ++report.removed[static_cast<size_t>(filter::resources)];
    return;
  }
  if (auto f = reject_host(host, ctx_, taken_)) {
    chosen_.resize(at);
    ++report.removed[static_cast<size_t>(*f)];
    return;
  }
  ++report.passed;
  candidates_.push_back({host, at});
}

weigh_input decision::input_for(const candidate& c) const {
  weigh_input in;
  in.free_ram_mb = static_cast<double>(tree_free(state_, c.host, ram_, taken_));
  in.free_vcpus = static_cast<double>(tree_free(state_, c.host, vcpu_, taken_));
  if (disk_need_) {
    auto pid = chosen_[c.chosen_at + *disk_need_];
    const auto* inv = state_.placement().find_inventory(pid, disk_);
    in.free_disk_gb = static_cast<double>(inv->free() - taken_.pending(pid, disk_));
  } else {
    in.free_disk_gb = static_cast<double>(tree_free(state_, c.host, disk_, taken_));
  }
  auto here = taken_.instances_on(c.host);
  in.io_ops = static_cast<double>(state_.host(c.host).io_ops + here);
  if (ctx_.group != nullptr) {
    in.group_members = static_cast<double>(ctx_.group->members_on(c.host) + here);
  }
  return in;
}

size_t decision::pick() {
  auto n = candidates_.size();
  inputs_.clear();
  for (const auto& c : candidates_) {
    inputs_.push_back(input_for(c));
  }
  weights_.assign(n, 0.0);
  std::optional<group_policy> policy;
  if (ctx_.group != nullptr) {
    policy = ctx_.group->policy;
  }
  weigh(inputs_, cfg_.weights, policy, weights_);
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), size_t{0});
  auto top = std::min<size_t>(std::max<uint32_t>(cfg_.host_subset_size, 1), n);
  // Ties keep scan order, which already starts at a random offset per cell.
  std::partial_sort(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(top),
                    order_.end(), [&](size_t a, size_t b) {
                      return weights_[a] != weights_[b] ? weights_[a] > weights_[b]
                                                        : a < b;
                    });
  return order_[next_random() % top];
}

consumer_allocation decision::take(const std::string& instance,
                                   const std::string& project, const std::string& user,
                                   chosen_host& out) {
  const auto& c = *choice_;
  const auto& ps = state_.placement();
  consumer_allocation ca{instance, project, user, {}};
  std::vector<provider_id> seen;
  const auto& needs = ctx_.query.needs;
  for (size_t d = 0; d < needs.size(); ++d) {
    auto pid = chosen_[c.chosen_at + d];
    auto at = std::find(seen.begin(), seen.end(), pid);
    if (at == seen.end()) {
      const auto& p = ps.get(pid);
      seen.push_back(pid);
      ca.allocations.push_back({p.uuid, p.generation, {}});
      at = seen.end() - 1;
    }
    ca.allocations[static_cast<size_t>(at - seen.begin())].resources.push_back(
      {ps.resource_classes().name(needs[d].rc), needs[d].amount});
    taken_.add(pid, needs[d].rc, needs[d].amount);
  }
  taken_.add_instance(c.host);
  const auto& root = state_.host_provider(c.host);
  out = {instance, root.uuid, root.name};
  return ca;
}

} // namespace strato::scheduler::internal
