// Allocation writes of placement_state: claim, replace, free. Each validates
// everything against the state before the write, then checks capacity on the
// net change, and only then touches anything, so a failed write leaves no
// trace.

#include <algorithm>

#include "actors/scheduler/core/placement_state.hpp"

namespace strato::scheduler {

namespace {

bool stale(const provider& p, uint64_t seen, generation_check check) {
  if (check == generation_check::exact) {
    return p.generation != seen;
  }
  return seen > p.generation || p.config_generation > seen;
}

void add_usage(std::vector<std::pair<rc_id, int64_t>>& usage, rc_id rc,
               int64_t amount) {
  for (auto& [have, total] : usage) {
    if (have == rc) {
      total += amount;
      return;
    }
  }
  usage.emplace_back(rc, amount);
}

status generation_conflict(const std::string& consumer) {
  return {errc::conflict, "consumer generation conflict: " + consumer};
}

} // namespace

status placement_state::resolve(const consumer_allocation& ca, generation_check check,
                                std::vector<allocation_line>& out) const {
  for (auto& pa : ca.allocations) {
    auto pid = find_provider(pa.provider);
    if (!pid) {
      return {errc::not_found, "resource provider " + pa.provider + " not found"};
    }
    const auto& p = providers_[*pid];
    if (pa.generation && stale(p, *pa.generation, check)) {
      return {errc::conflict, "resource provider generation conflict: " + pa.provider};
    }
    for (auto& ra : pa.resources) {
      if (ra.amount < 1) {
        return {errc::invalid_argument, "allocation of " + ra.resource_class
                                          + " must be at least 1"};
      }
      auto rc = rcs_.find(ra.resource_class);
      const auto* inv = rc ? find_inventory(*pid, *rc) : nullptr;
      if (inv == nullptr) {
        return {errc::conflict, "resource provider " + pa.provider
                                  + " has no inventory of " + ra.resource_class};
      }
      // Placement answers 409 (InvalidAllocationConstraintsViolated is an
      // InvalidInventory), not 400.
      if (!respects_units(inv->inv, ra.amount)) {
        return {errc::conflict,
                "allocation of " + std::to_string(ra.amount) + " " + ra.resource_class
                  + " on " + pa.provider + " violates min_unit, max_unit or step_size"};
      }
      auto duplicate = std::any_of(out.begin(), out.end(), [&](auto& l) {
        return l.provider == *pid && l.rc == *rc;
      });
      if (duplicate) {
        return {errc::invalid_argument, "duplicate allocation of " + ra.resource_class
                                          + " on " + pa.provider};
      }
      out.push_back({*pid, *rc, ra.amount});
    }
  }
  return {};
}

// Capacity is checked on the net change per provider and class, so that a
// resize on the same host only needs room for the difference.
status placement_state::check_capacity(const std::vector<allocation_line>& released,
                                       const std::vector<allocation_line>& claimed) const {
  struct entry {
    provider_id provider;
    rc_id rc;
    int64_t delta;
    bool claims;
  };
  std::vector<entry> entries;
  entries.reserve(released.size() + claimed.size());
  for (auto& l : released) {
    entries.push_back({l.provider, l.rc, -l.amount, false});
  }
  for (auto& l : claimed) {
    entries.push_back({l.provider, l.rc, l.amount, true});
  }
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) {
    return a.provider != b.provider ? a.provider < b.provider : a.rc < b.rc;
  });
  for (size_t i = 0; i < entries.size();) {
    auto delta = int64_t{0};
    auto claims = false;
    auto j = i;
    for (; j < entries.size() && entries[j].provider == entries[i].provider
           && entries[j].rc == entries[i].rc;
         ++j) {
      delta += entries[j].delta;
      claims = claims || entries[j].claims;
    }
    const auto& p = providers_[entries[i].provider];
    const auto* inv = find_inventory(entries[i].provider, entries[i].rc);
    if (claims && inv->used + delta > inv->capacity) {
      return {errc::conflict,
              "unable to allocate " + rcs_.name(inv->rc) + " on " + p.uuid
                + ": used " + std::to_string(inv->used) + " + requested "
                + std::to_string(delta) + " exceeds capacity "
                + std::to_string(inv->capacity)};
    }
    i = j;
  }
  return {};
}

void placement_state::commit(const std::vector<allocation_line>& lines, int64_t sign,
                             const std::string& project, const std::string& user) {
  auto it = project_usage_.find(project);
  if (it == project_usage_.end()) {
    it = project_usage_.emplace(project, project_usage{}).first;
  }
  auto& by_project = it->second.total;
  auto user_it = it->second.by_user.find(user);
  if (user_it == it->second.by_user.end()) {
    user_it = it->second.by_user.emplace(user, usage_list{}).first;
  }
  auto& by_user = user_it->second;
  for (auto& l : lines) {
    find_inventory(l.provider, l.rc)->used += sign * l.amount;
    add_usage(by_project, l.rc, sign * l.amount);
    add_usage(by_user, l.rc, sign * l.amount);
  }
}

void placement_state::bump_generations(const std::vector<allocation_line>& a,
                                       const std::vector<allocation_line>& b) {
  std::vector<provider_id> touched;
  for (auto* lines : {&a, &b}) {
    for (auto& l : *lines) {
      touched.push_back(l.provider);
    }
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (auto id : touched) {
    ++providers_[id].generation;
  }
}

status placement_state::apply(const allocations_claimed& c) {
  if (c.consumers.empty()) {
    return {errc::invalid_argument, "a claim needs at least one consumer"};
  }
  std::vector<std::vector<allocation_line>> resolved(c.consumers.size());
  std::vector<allocation_line> all;
  for (size_t i = 0; i < c.consumers.size(); ++i) {
    const auto& ca = c.consumers[i];
    if (ca.consumer.empty()) {
      return {errc::invalid_argument, "a consumer needs a uuid"};
    }
    auto repeated = std::any_of(c.consumers.begin(), c.consumers.begin() + i,
                                [&](auto& other) { return other.consumer == ca.consumer; });
    if (repeated) {
      return generation_conflict(ca.consumer);
    }
    if (auto st = resolve(ca, c.check, resolved[i]); !st.ok()) {
      return st;
    }
    if (resolved[i].empty()) {
      return {errc::invalid_argument, "claim for " + ca.consumer + " allocates nothing"};
    }
    all.insert(all.end(), resolved[i].begin(), resolved[i].end());
  }
  if (auto st = check_capacity({}, all); !st.ok()) {
    return st;
  }
  // Inserting is the existence check: one lookup per consumer, not two, which
  // shows at a million consumers. A consumer that exists undoes the inserts.
  std::vector<consumer*> records;
  for (const auto& ca : c.consumers) {
    auto [it, inserted] = consumers_.try_emplace(ca.consumer);
    if (!inserted) {
      for (size_t i = 0; i < records.size(); ++i) {
        consumers_.erase(c.consumers[i].consumer);
      }
      return generation_conflict(ca.consumer);
    }
    records.push_back(&it->second);
  }
  for (size_t i = 0; i < c.consumers.size(); ++i) {
    const auto& ca = c.consumers[i];
    commit(resolved[i], 1, ca.project, ca.user);
    *records[i] = consumer{ca.project, ca.user, 1, std::move(resolved[i])};
  }
  bump_generations(all, {});
  return {};
}

status placement_state::apply(const allocations_replaced& c) {
  const auto& ca = c.allocation;
  auto it = consumers_.find(ca.consumer);
  if (it == consumers_.end() || it->second.generation != c.consumer_generation) {
    return generation_conflict(ca.consumer);
  }
  std::vector<allocation_line> next;
  if (auto st = resolve(ca, c.check, next); !st.ok()) {
    return st;
  }
  auto& current = it->second;
  if (auto st = check_capacity(current.lines, next); !st.ok()) {
    return st;
  }
  commit(current.lines, -1, current.project, current.user);
  commit(next, 1, ca.project, ca.user);
  bump_generations(current.lines, next);
  if (next.empty()) {
    consumers_.erase(it);
    return {};
  }
  current.lines = std::move(next);
  current.project = ca.project;
  current.user = ca.user;
  ++current.generation;
  return {};
}

status placement_state::apply(const allocations_freed& c) {
  auto it = consumers_.find(c.consumer);
  if (it == consumers_.end()) {
    return {};
  }
  commit(it->second.lines, -1, it->second.project, it->second.user);
  bump_generations(it->second.lines, {});
  consumers_.erase(it);
  return {};
}

const consumer* placement_state::find_consumer(std::string_view uuid) const {
  auto it = consumers_.find(uuid);
  return it == consumers_.end() ? nullptr : &it->second;
}

std::optional<provider_id> placement_state::consumer_root(const consumer& c) const {
  for (auto& l : c.lines) {
    if (!providers_[l.provider].shares) {
      return providers_[l.provider].root;
    }
  }
  return std::nullopt;
}

} // namespace strato::scheduler
