#include "actors/scheduler/core/placement_state.hpp"

#include <algorithm>

namespace strato::scheduler {

namespace {

template <class Ids>
void sort_unique(Ids& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

} // namespace

status placement_state::apply(const provider_created& c) {
  if (c.uuid.empty()) {
    return {errc::invalid_argument, "a resource provider needs a uuid"};
  }
  const auto& name = c.name.empty() ? c.uuid : c.name;
  if (by_uuid_.contains(c.uuid) || by_name_.contains(name)) {
    return {errc::conflict, "resource provider " + c.uuid + " (" + name
                              + ") already exists"};
  }
  auto id = static_cast<provider_id>(providers_.size());
  provider p{.uuid = c.uuid, .name = name, .root = id};
  if (!c.parent_uuid.empty()) {
    auto parent = find_provider(c.parent_uuid);
    if (!parent) {
      return {errc::not_found, "parent provider " + c.parent_uuid + " not found"};
    }
    p.parent = *parent;
    p.root = providers_[*parent].root;
  }
  if (p.root != id) {
    ++hot_[p.root].tree_size;
  }
  providers_.push_back(std::move(p));
  hot_.push_back({.id = id});
  by_uuid_.emplace(c.uuid, id);
  by_name_.emplace(name, id);
  trees_.emplace_back();
  trees_[providers_[id].root].push_back(id);
  return {};
}

result<provider_id> placement_state::writable(std::string_view uuid,
                                              uint64_t generation) const {
  auto id = find_provider(uuid);
  if (!id) {
    return status{errc::not_found, "resource provider " + std::string{uuid}
                                     + " not found"};
  }
  if (providers_[*id].generation != generation) {
    return status{errc::conflict, "resource provider generation conflict: "
                                    + std::string{uuid}};
  }
  return *id;
}

void placement_state::bump_config(provider& p) {
  ++p.generation;
  p.config_generation = p.generation;
}

status placement_state::apply(const inventory_set& c) {
  auto id = writable(c.provider, c.generation);
  if (!id) {
    return id.error();
  }
  auto& p = providers_[*id];
  std::vector<provider_inventory> next;
  for (auto& rec : c.inventories) {
    if (!is_valid_resource_class(rec.resource_class)) {
      return {errc::invalid_argument, "unknown resource class " + rec.resource_class};
    }
    if (auto st = validate(rec.inv); !st.ok()) {
      return {st.code(), rec.resource_class + ": " + st.message()};
    }
    auto rc = rcs_.find(rec.resource_class);
    for (auto& seen : next) {
      if (rc && seen.rc == *rc) {
        return {errc::invalid_argument, "duplicate inventory " + rec.resource_class};
      }
    }
    const auto* old = rc ? find_inventory(*id, *rc) : nullptr;
    // Interning waits until validation passed, so a rejected write leaves no trace.
    next.push_back({rc ? *rc : no_id, rec.inv, capacity(rec.inv), old ? old->used : 0});
  }
  for (const auto& old : inventories(*id)) {
    auto kept = std::any_of(next.begin(), next.end(),
                            [&](auto& n) { return n.rc == old.rc; });
    if (!kept && old.used > 0) {
      return {errc::conflict, "inventory of " + rcs_.name(old.rc) + " on "
                                + p.uuid + " is in use"};
    }
  }
  for (size_t i = 0; i < next.size(); ++i) {
    if (next[i].rc == no_id) {
      next[i].rc = rcs_.intern(c.inventories[i].resource_class);
    }
  }
  store_inventories(*id, next);
  bump_config(p);
  if (p.shares) {
    refresh_sharing();
  }
  return {};
}

status placement_state::apply(const traits_set& c) {
  auto id = writable(c.provider, c.generation);
  if (!id) {
    return id.error();
  }
  for (auto& t : c.traits) {
    if (!is_valid_trait(t)) {
      return {errc::invalid_argument, "invalid trait " + t};
    }
  }
  auto& p = providers_[*id];
  p.traits.clear();
  for (auto& t : c.traits) {
    p.traits.push_back(traits_.intern(t));
  }
  sort_unique(p.traits);
  auto shares = traits_.find(shares_via_aggregate_trait);
  auto was_sharing = p.shares;
  p.shares = shares && std::binary_search(p.traits.begin(), p.traits.end(), *shares);
  bump_config(p);
  if (p.shares != was_sharing) {
    if (p.shares) {
      sharing_.push_back(*id);
    } else {
      std::erase(sharing_, *id);
    }
  }
  if (p.shares || was_sharing) {
    refresh_sharing();
  }
  return {};
}

status placement_state::apply(const aggregates_set& c) {
  auto id = writable(c.provider, c.generation);
  if (!id) {
    return id.error();
  }
  auto& p = providers_[*id];
  p.aggregates.clear();
  for (auto& a : c.aggregates) {
    p.aggregates.push_back(aggregates_.intern(a));
  }
  sort_unique(p.aggregates);
  bump_config(p);
  if (p.shares) {
    refresh_sharing();
  }
  return {};
}

// Sharing providers are few (pools, not hosts), so rebuilding their indexes
// from scratch on any change to one of them stays cheap.
// A provider keeps its pool slot while its inventory count does not grow, so
// the pool only leaks when a provider gains resource classes (rare).
void placement_state::store_inventories(provider_id id,
                                        const std::vector<provider_inventory>& next) {
  auto& h = hot_[id];
  auto& room = providers_[id].inventory_room;
  if (next.size() > room) {
    h.inventory_at = static_cast<uint32_t>(inventory_pool_.size());
    room = static_cast<uint32_t>(next.size());
    inventory_pool_.resize(inventory_pool_.size() + next.size());
  }
  std::copy(next.begin(), next.end(),
            inventory_pool_.begin() + static_cast<std::ptrdiff_t>(h.inventory_at));
  h.inventory_count = static_cast<uint32_t>(next.size());
}

void placement_state::refresh_sharing() {
  std::sort(sharing_.begin(), sharing_.end());
  sharing_offers_.assign(rcs_.size(), 0);
  sharers_by_aggregate_.clear();
  for (auto id : sharing_) {
    for (const auto& inv : inventories(id)) {
      ++sharing_offers_[inv.rc];
    }
    for (auto a : providers_[id].aggregates) {
      sharers_by_aggregate_[a].push_back(id);
    }
  }
}

void placement_state::sharing_providers(provider_id root,
                                        std::vector<provider_id>& out) const {
  auto first = out.size();
  for (auto a : providers_[root].aggregates) {
    auto it = sharers_by_aggregate_.find(a);
    if (it == sharers_by_aggregate_.end()) {
      continue;
    }
    for (auto s : it->second) {
      if (s != root
          && std::find(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(), s)
               == out.end()) {
        out.push_back(s);
      }
    }
  }
}

std::optional<provider_id> placement_state::find_provider(std::string_view uuid) const {
  if (auto it = by_uuid_.find(uuid); it != by_uuid_.end()) {
    return it->second;
  }
  return std::nullopt;
}

std::optional<provider_id>
placement_state::find_provider_by_name(std::string_view name) const {
  if (auto it = by_name_.find(name); it != by_name_.end()) {
    return it->second;
  }
  return std::nullopt;
}

result<std::vector<resource_amount>>
placement_state::provider_usages(std::string_view uuid) const {
  auto id = find_provider(uuid);
  if (!id) {
    return status{errc::not_found, "resource provider " + std::string{uuid}
                                     + " not found"};
  }
  std::vector<resource_amount> out;
  for (const auto& inv : inventories(*id)) {
    out.push_back({rcs_.name(inv.rc), inv.used});
  }
  return out;
}

std::vector<resource_amount> placement_state::named(const usage_list& usage) const {
  std::vector<resource_amount> out;
  for (auto [rc, amount] : usage) {
    if (amount != 0) {
      out.push_back({rcs_.name(rc), amount});
    }
  }
  return out;
}

std::vector<resource_amount>
placement_state::project_usages(std::string_view project) const {
  auto it = project_usage_.find(project);
  return it == project_usage_.end() ? std::vector<resource_amount>{}
                                    : named(it->second.total);
}

std::vector<resource_amount>
placement_state::user_usages(std::string_view project, std::string_view user) const {
  auto it = project_usage_.find(project);
  if (it == project_usage_.end()) {
    return {};
  }
  auto user_it = it->second.by_user.find(user);
  return user_it == it->second.by_user.end() ? std::vector<resource_amount>{}
                                             : named(user_it->second);
}

} // namespace strato::scheduler
