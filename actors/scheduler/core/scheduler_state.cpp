#include "actors/scheduler/core/scheduler_state.hpp"

#include <algorithm>

#include "actors/scheduler/core/resource_query.hpp"

namespace strato::scheduler {

namespace {

/// Roots of the trees a consumer's allocations touch, sharing roots included.
std::vector<provider_id> roots_of(const placement_state& ps, const consumer* c) {
  std::vector<provider_id> roots;
  if (c != nullptr) {
    for (auto& l : c->lines) {
      auto root = ps.get(l.provider).root;
      if (std::find(roots.begin(), roots.end(), root) == roots.end()) {
        roots.push_back(root);
      }
    }
  }
  return roots;
}

void split_tenants(const std::string& value, std::vector<std::string>& out) {
  size_t start = 0;
  while (start <= value.size()) {
    auto end = std::min(value.find(',', start), value.size());
    auto item = value.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      out.push_back(std::move(item));
    }
    start = end + 1;
  }
}

/// The same for allocations about to be written, from the providers named.
std::vector<provider_id> roots_of(const placement_state& ps,
                                  const consumer_allocation& ca) {
  std::vector<provider_id> roots;
  for (auto& pa : ca.allocations) {
    if (auto id = ps.find_provider(pa.provider)) {
      auto root = ps.get(*id).root;
      if (std::find(roots.begin(), roots.end(), root) == roots.end()) {
        roots.push_back(root);
      }
    }
  }
  return roots;
}

} // namespace

uint32_t server_group::members_on(uint32_t host) const noexcept {
  for (auto [h, n] : hosts) {
    if (h == host) {
      return n;
    }
  }
  return 0;
}

status scheduler_state::apply(const change& c) {
  return std::visit([this](const auto& x) { return on(x); }, c);
}

// Inventory, trait and aggregate writes: the provider's host may change class.
template <class Change>
status scheduler_state::on(const Change& c) {
  auto st = placement_.apply(c);
  if (st.ok()) {
    auto id = *placement_.find_provider(c.provider);
    reindex(host_of_root(placement_.get(id).root));
  }
  return st;
}

status scheduler_state::on(const provider_created& c) {
  auto st = placement_.apply(c);
  if (!st.ok()) {
    return st;
  }
  auto id = *placement_.find_provider(c.uuid);
  hosts_.resize(placement_.provider_count());
  hosts_[id].is_root = c.parent_uuid.empty();
  reindex(host_of_root(placement_.get(id).root));
  return {};
}

status scheduler_state::on(const allocations_claimed& c) {
  auto st = placement_.apply(c);
  if (!st.ok()) {
    return st;
  }
  // The change names the providers; finding them is cheaper than finding the
  // consumer again among a million.
  for (auto& ca : c.consumers) {
    auto h = no_id;
    for (auto root : roots_of(placement_, ca)) {
      refresh_free(host_of_root(root));
      if (h == no_id && !placement_.get(root).shares) {
        h = host_of_root(root);
      }
    }
    if (h != no_id) {
      ++hosts_[h].io_ops;
      count_member(ca.consumer, h, 1);
    }
  }
  return {};
}

status scheduler_state::on(const allocations_replaced& c) {
  const auto& uuid = c.allocation.consumer;
  const auto* before = placement_.find_consumer(uuid);
  auto old_roots = roots_of(placement_, before);
  auto old_host = host_of(before);
  auto st = placement_.apply(c);
  if (!st.ok()) {
    return st;
  }
  const auto* after = placement_.find_consumer(uuid);
  auto new_roots = roots_of(placement_, after);
  for (auto* roots : {&old_roots, &new_roots}) {
    for (auto root : *roots) {
      refresh_free(host_of_root(root));
    }
  }
  auto new_host = host_of(after);
  count_member(uuid, old_host, -1);
  count_member(uuid, new_host, 1);
  if (new_host != no_id) {
    ++hosts_[new_host].io_ops;
  }
  return {};
}

status scheduler_state::on(const allocations_freed& c) {
  const auto* con = placement_.find_consumer(c.consumer);
  auto roots = roots_of(placement_, con);
  auto host = host_of(con);
  auto st = placement_.apply(c);
  if (!st.ok()) {
    return st;
  }
  for (auto root : roots) {
    refresh_free(host_of_root(root));
  }
  count_member(c.consumer, host, -1);
  return {};
}

status scheduler_state::on(const host_state_set& c) {
  auto id = placement_.find_provider(c.host);
  auto h = id ? host_of_root(*id) : no_id;
  if (h == no_id) {
    return {errc::not_found, "no compute host " + c.host};
  }
  auto& host = hosts_[h];
  if (c.io_ops) {
    host.io_ops = std::max<int64_t>(0, *c.io_ops);
  }
  if (host.up != c.up || host.enabled != c.enabled) {
    host.up = c.up;
    host.enabled = c.enabled;
    placement_.mark_changed(h);
    reindex(h);
  }
  return {};
}

status scheduler_state::on(const aggregate_metadata_set& c) {
  if (c.aggregate.empty()) {
    return {errc::invalid_argument, "an aggregate needs a uuid"};
  }
  if (c.metadata.empty()) {
    if (auto it = aggregate_metadata_.find(c.aggregate); it != aggregate_metadata_.end()) {
      aggregate_metadata_.erase(it);
    }
  } else {
    aggregate_metadata_[c.aggregate] = c.metadata;
  }
  for (uint32_t cls = 0; cls < index_.class_count(); ++cls) {
    describe_class(index_.get_class(cls));
  }
  return {};
}

status scheduler_state::on(const server_group_set& c) {
  if (c.group.empty() || c.max_server_per_host < 1) {
    return {errc::invalid_argument, "a server group needs a uuid and max_server_per_host >= 1"};
  }
  for (auto& m : c.members) {
    auto it = group_of_member_.find(m);
    if (it != group_of_member_.end() && groups_[it->second].uuid != c.group) {
      return {errc::invalid_argument,
              "instance " + m + " is already in server group " + groups_[it->second].uuid};
    }
  }
  auto [it, inserted] =
    group_by_uuid_.emplace(c.group, static_cast<uint32_t>(groups_.size()));
  if (inserted) {
    groups_.emplace_back();
  }
  auto& group = groups_[it->second];
  for (auto& m : group.members) {
    if (auto member = group_of_member_.find(m); member != group_of_member_.end()) {
      group_of_member_.erase(member);
    }
  }
  group = {c.group, c.policy, c.max_server_per_host, c.members, {}};
  for (auto& m : c.members) {
    group_of_member_[m] = it->second;
    count_member(m, host_of_consumer(m), 1);
  }
  return {};
}

void scheduler_state::count_member(std::string_view consumer, uint32_t host, int delta) {
  if (group_of_member_.empty()) {
    return;
  }
  auto it = group_of_member_.find(consumer);
  if (host == no_id || it == group_of_member_.end()) {
    return;
  }
  auto& hosts = groups_[it->second].hosts;
  auto entry = std::find_if(hosts.begin(), hosts.end(),
                            [&](auto& e) { return e.first == host; });
  if (entry == hosts.end()) {
    entry = hosts.insert(hosts.end(), {host, 0});
  }
  entry->second = static_cast<uint32_t>(static_cast<int64_t>(entry->second) + delta);
  if (entry->second == 0) {
    hosts.erase(entry);
  }
}

void scheduler_state::reindex(uint32_t h) {
  if (h == no_id) {
    return;
  }
  const auto& rcs = placement_.resource_classes();
  ram_rc_ = rcs.find(memory_mb_class).value_or(no_id);
  vcpu_rc_ = rcs.find(vcpu_class).value_or(no_id);
  auto& host = hosts_[h];
  const auto& root = placement_.get(h);
  host.is_host = !root.shares;
  if (!host.is_host) {
    index_.remove(h);
    return;
  }
  class_key key{tree_traits(placement_, h), root.aggregates, {}, host.up, host.enabled};
  for (auto id : placement_.tree(h)) {
    for (const auto& inv : placement_.inventories(id)) {
      key.resource_classes.push_back(inv.rc);
    }
  }
  std::sort(key.resource_classes.begin(), key.resource_classes.end());
  key.resource_classes.erase(
    std::unique(key.resource_classes.begin(), key.resource_classes.end()),
    key.resource_classes.end());
  auto known = index_.class_count();
  auto cls = index_.class_for(key);
  if (index_.class_count() != known) {
    describe_class(index_.get_class(cls));
  }
  index_.place(h, cls, tree_free(h, ram_rc_), tree_free(h, vcpu_rc_));
}

void scheduler_state::refresh_free(uint32_t h) {
  auto cls = h == no_id ? no_id : index_.class_of(h);
  if (cls == no_id) {
    return;
  }
  index_.place(h, cls, tree_free(h, ram_rc_), tree_free(h, vcpu_rc_));
}

int64_t scheduler_state::tree_free(uint32_t h, rc_id rc) const {
  int64_t free = 0;
  for (auto id : placement_.tree(h)) {
    if (const auto* inv = placement_.find_inventory(id, rc)) {
      free += std::max<int64_t>(0, inv->free());
    }
  }
  return free;
}

void scheduler_state::describe_class(host_class& cls) const {
  cls.availability_zone.clear();
  cls.tenants.clear();
  for (auto agg : cls.key.aggregates) {
    auto it = aggregate_metadata_.find(placement_.aggregates().name(agg));
    if (it == aggregate_metadata_.end()) {
      continue;
    }
    for (auto& [key, value] : it->second) {
      if (key == "availability_zone" && cls.availability_zone.empty()) {
        cls.availability_zone = value;
      } else if (key.starts_with("filter_tenant_id")) {
        split_tenants(value, cls.tenants);
      }
    }
  }
}

uint32_t scheduler_state::find_host(std::string_view uuid_or_name) const {
  auto id = placement_.find_provider(uuid_or_name);
  if (!id) {
    id = placement_.find_provider_by_name(uuid_or_name);
  }
  return id ? host_of_root(*id) : no_id;
}

uint32_t scheduler_state::host_of_consumer(std::string_view consumer) const {
  return host_of(placement_.find_consumer(consumer));
}

uint32_t scheduler_state::host_of(const consumer* c) const {
  auto root = c != nullptr ? placement_.consumer_root(*c) : std::nullopt;
  return root ? host_of_root(*root) : no_id;
}

const server_group* scheduler_state::find_group(std::string_view uuid) const {
  auto it = group_by_uuid_.find(uuid);
  return it == group_by_uuid_.end() ? nullptr : &groups_[it->second];
}

} // namespace strato::scheduler
