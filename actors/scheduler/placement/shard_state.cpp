#include "actors/scheduler/placement/shard_state.hpp"

#include <algorithm>
#include <cstdio>

namespace strato::scheduler {

uint64_t stable_hash(std::string_view s) noexcept {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}

std::string name_uuid(std::string_view name) {
  auto a = stable_hash(name);
  auto b = stable_hash(std::string{"strato/"} + std::string{name});
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-5%03x-a%03x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>(a >> 16) & 0xffffU,
                static_cast<unsigned>(a) & 0xfffU, static_cast<unsigned>(b >> 52) & 0xfffU,
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string zone_aggregate(std::string_view zone) {
  return name_uuid(std::string{"availability-zone/"} + std::string{zone});
}

allocation_map to_map(const placement_state& ps, const consumer& c) {
  allocation_map out;
  for (const auto& line : c.lines) {
    out[ps.get(line.provider).uuid][ps.resource_classes().name(line.rc)] += line.amount;
  }
  return out;
}

status shard_state::apply(const shard_event& ev) {
  if (const auto* cat = std::get_if<catalog_change>(&ev)) {
    auto& names = cat->trait ? custom_traits_ : custom_rcs_;
    if (cat->added) {
      names.insert(cat->name);
    } else {
      names.erase(cat->name);
    }
    return {};
  }
  const auto& c = std::get<change>(ev);
  auto st = state_.apply(c);
  if (const auto* meta = std::get_if<aggregate_metadata_set>(&c); st.ok() && meta) {
    if (meta->metadata.contains("availability_zone")) {
      zones_.insert(meta->aggregate);
    } else {
      zones_.erase(meta->aggregate);
    }
  }
  return st;
}

status shard_state::record(const shard_event& ev) {
  auto st = apply(ev);
  if (st.ok()) {
    recorded_.push_back(ev);
  }
  return st;
}

status shard_state::replay(const shard_event& ev) {
  return apply(ev);
}

std::string shard_state::availability_zone(uint32_t h) const {
  auto cls = state_.index().class_of(h);
  if (cls != no_id) {
    const auto& zone = state_.index().get_class(cls).availability_zone;
    if (!zone.empty()) {
      return zone;
    }
  }
  return cfg_.default_availability_zone;
}

bool shard_state::owns_all(const allocation_map& allocations) const {
  return std::all_of(allocations.begin(), allocations.end(),
                     [&](const auto& kv) { return owns_provider(kv.first); });
}

allocation_map shard_state::allocations_of(std::string_view consumer) const {
  const auto* c = state_.placement().find_consumer(consumer);
  return c == nullptr ? allocation_map{} : to_map(state_.placement(), *c);
}

bool shard_state::free(const std::string& consumer) {
  if (state_.placement().find_consumer(consumer) == nullptr) {
    return false;
  }
  return record(change{allocations_freed{consumer}}).ok();
}

consumer_allocation shard_state::to_allocation(const consumer_claim& claim) const {
  consumer_allocation out{claim.consumer, claim.project_id, claim.user_id, {}};
  for (const auto& [provider, amounts] : claim.allocations) {
    provider_allocation pa{provider, {}, {}};
    for (const auto& [rc, amount] : amounts) {
      pa.resources.push_back({rc, amount});
    }
    out.allocations.push_back(std::move(pa));
  }
  return out;
}

status shard_state::move(const std::string& from, const std::string& to) {
  const auto& ps = state_.placement();
  const auto* source = ps.find_consumer(from);
  if (source == nullptr) {
    return {errc::not_found, "consumer " + from + " has no allocations"};
  }
  if (ps.find_consumer(to) != nullptr) {
    return {errc::conflict, "consumer " + to + " already has allocations"};
  }
  auto moved = to_allocation({to, source->project, source->user, to_map(ps, *source)});
  // Freed and claimed in one command, hence one atomic append.
  if (auto st = record(change{allocations_freed{from}}); !st.ok()) {
    return st;
  }
  return record(change{allocations_claimed{{moved}, generation_check::configuration}});
}

status shard_state::replace(const consumer_claim& claim) {
  auto next = to_allocation(claim);
  const auto* current = state_.placement().find_consumer(claim.consumer);
  if (current == nullptr) {
    if (next.allocations.empty()) {
      return {};
    }
    return record(change{allocations_claimed{{next}, generation_check::configuration}});
  }
  return record(change{allocations_replaced{next, current->generation,
                                            generation_check::configuration}});
}

std::vector<host_summary> shard_state::summaries() const {
  std::vector<host_summary> out;
  const auto& ps = state_.placement();
  for (uint32_t h = 0; h < ps.provider_count(); ++h) {
    const auto& info = state_.host(h);
    if (!info.is_host) {
      continue;
    }
    const auto& p = ps.get(h);
    host_summary s{p.name, p.uuid, availability_zone(h), info.up, info.enabled,
                   {}, {}, {}};
    for (auto member : ps.tree(h)) {
      for (const auto& inv : ps.inventories(member)) {
        const auto& rc = ps.resource_classes().name(inv.rc);
        s.capacity[rc] += inv.capacity;
        s.total[rc] += inv.inv.total;
        s.used[rc] += inv.used;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace strato::scheduler
