// The scheduler protocol's writing commands on one shard: host registration,
// host state and select_destinations.

#include <algorithm>

#include "actors/scheduler/placement/shard_state.hpp"

namespace strato::scheduler {

namespace {

std::vector<inventory_record> host_inventories(const compute_host& h) {
  std::vector<inventory_record> out;
  auto add = [&](std::string_view rc, int64_t total, int64_t reserved, double ratio) {
    if (total > 0) {
      out.push_back({std::string{rc}, inventory{total, reserved, 1, total, 1, ratio}});
    }
  };
  add(vcpu_class, h.vcpus, h.reserved_vcpus, h.cpu_allocation_ratio);
  add(memory_mb_class, h.memory_mb, h.reserved_memory_mb, h.ram_allocation_ratio);
  add(disk_gb_class, h.disk_gb, h.reserved_disk_gb, h.disk_allocation_ratio);
  return out;
}

bool same_inventories(const placement_state& ps, provider_id id,
                      const std::vector<inventory_record>& next) {
  auto current = ps.inventories(id);
  if (current.size() != next.size()) {
    return false;
  }
  return std::all_of(next.begin(), next.end(), [&](const inventory_record& rec) {
    auto rc = ps.resource_classes().find(rec.resource_class);
    const auto* inv = rc ? ps.find_inventory(id, *rc) : nullptr;
    return inv != nullptr && inv->inv.total == rec.inv.total
           && inv->inv.reserved == rec.inv.reserved
           && inv->inv.allocation_ratio == rec.inv.allocation_ratio
           && inv->inv.max_unit == rec.inv.max_unit;
  });
}

std::vector<std::string> names_of(const symbol_table& table,
                                  const std::vector<uint32_t>& ids) {
  std::vector<std::string> out;
  for (auto id : ids) {
    out.push_back(table.name(id));
  }
  std::sort(out.begin(), out.end());
  return out;
}

status validate(const compute_host& h) {
  if (h.hostname.empty()) {
    return {errc::invalid_argument, "a compute host needs a hostname"};
  }
  if (h.vcpus < 0 || h.memory_mb < 0 || h.disk_gb < 0 || h.reserved_vcpus < 0
      || h.reserved_memory_mb < 0 || h.reserved_disk_gb < 0) {
    return {errc::invalid_argument, "negative inventory for " + h.hostname};
  }
  for (const auto& t : h.traits) {
    if (!is_valid_trait(t)) {
      return {errc::invalid_argument, "invalid trait " + t};
    }
  }
  return {};
}

result<group_policy> parse_policy(const std::string& name) {
  if (name == "affinity") {
    return group_policy::affinity;
  }
  if (name == "anti-affinity" || name.empty()) {
    return group_policy::anti_affinity;
  }
  if (name == "soft-affinity") {
    return group_policy::soft_affinity;
  }
  if (name == "soft-anti-affinity") {
    return group_policy::soft_anti_affinity;
  }
  return status{errc::invalid_argument, "unknown server group policy " + name};
}

schedule_request to_schedule_request(const destination_request& req) {
  schedule_request sr;
  sr.instance_uuids = req.instance_uuids;
  sr.min_count = req.min_count;
  sr.project_id = req.project_id;
  sr.user_id = req.user_id;
  sr.flavor = flavor{req.flavor.name,    req.flavor.vcpus,        req.flavor.memory_mb,
                     req.flavor.root_gb, req.flavor.ephemeral_gb, req.flavor.swap_mb,
                     req.flavor.extra_specs};
  sr.image_properties = req.image_properties;
  sr.availability_zone = req.availability_zone;
  sr.server_group = req.server_group;
  sr.same_host = req.same_host;
  sr.different_host = req.different_host;
  sr.force_hosts = req.force_hosts;
  sr.ignore_hosts = req.ignore_hosts;
  sr.is_admin = req.is_admin;
  sr.seed = req.request_id.empty() ? 0 : stable_hash(req.request_id);
  return sr;
}

} // namespace

result<host_registration> shard_state::register_host(const compute_host& h) {
  if (auto st = validate(h); !st.ok()) {
    return st;
  }
  auto uuid = h.provider_uuid.empty() ? name_uuid(h.hostname) : h.provider_uuid;
  const auto& ps = state_.placement();
  if (auto named = ps.find_provider_by_name(h.hostname);
      named && ps.get(*named).uuid != uuid) {
    return status{errc::conflict, "host " + h.hostname + " is registered as provider "
                                    + ps.get(*named).uuid};
  }
  if (!ps.find_provider(uuid)) {
    if (auto st = record(change{provider_created{uuid, h.hostname, {}}}); !st.ok()) {
      return st;
    }
  }
  auto id = *ps.find_provider(uuid);
  auto inventories = host_inventories(h);
  if (!same_inventories(ps, id, inventories)) {
    auto st = record(change{inventory_set{uuid, ps.get(id).generation, inventories}});
    if (!st.ok()) {
      return st;
    }
  }
  auto traits = h.traits;
  std::sort(traits.begin(), traits.end());
  traits.erase(std::unique(traits.begin(), traits.end()), traits.end());
  if (names_of(ps.traits(), ps.get(id).traits) != traits) {
    if (auto st = record(change{traits_set{uuid, ps.get(id).generation, traits}});
        !st.ok()) {
      return st;
    }
  }
  if (auto st = place_in_zone(uuid, h.availability_zone); !st.ok()) {
    return st;
  }
  bool up = h.up;
  bool enabled = h.enabled;
  if (auto st = set_host_state(uuid, &up, &enabled); !st.ok()) {
    return st;
  }
  return host_registration{uuid, ps.get(id).generation};
}

status shard_state::place_in_zone(const std::string& uuid, const std::string& zone) {
  const auto& ps = state_.placement();
  auto id = *ps.find_provider(uuid);
  bool default_zone = zone.empty() || zone == cfg_.default_availability_zone;
  auto wanted = default_zone ? std::string{} : zone_aggregate(zone);
  if (!default_zone && !zones_.contains(wanted)) {
    auto st = record(change{aggregate_metadata_set{wanted, {{"availability_zone", zone}}}});
    if (!st.ok()) {
      return st;
    }
  }
  std::vector<std::string> aggregates;
  for (const auto& a : names_of(ps.aggregates(), ps.get(id).aggregates)) {
    if (!zones_.contains(a)) {
      aggregates.push_back(a);
    }
  }
  if (!wanted.empty()) {
    aggregates.push_back(wanted);
  }
  std::sort(aggregates.begin(), aggregates.end());
  if (aggregates == names_of(ps.aggregates(), ps.get(id).aggregates)) {
    return {};
  }
  return record(change{aggregates_set{uuid, ps.get(id).generation, aggregates}});
}

status shard_state::set_host_state(std::string_view host, const bool* up,
                                   const bool* enabled) {
  auto h = state_.find_host(host);
  if (h == no_id) {
    return {errc::not_found, "compute host " + std::string{host} + " is not registered"};
  }
  const auto& info = state_.host(h);
  host_state_set next{state_.host_provider(h).uuid, up ? *up : info.up,
                      enabled ? *enabled : info.enabled, {}};
  if (next.up == info.up && next.enabled == info.enabled) {
    return {};
  }
  return record(change{next});
}

status shard_state::sync_group(const destination_request& req) {
  if (req.server_group.empty()) {
    return {};
  }
  auto policy = parse_policy(req.server_group_policy);
  if (!policy) {
    return policy.error();
  }
  server_group_set next{req.server_group, *policy, req.server_group_members,
                        req.max_server_per_host};
  std::sort(next.members.begin(), next.members.end());
  if (const auto* g = state_.find_group(req.server_group)) {
    auto members = g->members;
    std::sort(members.begin(), members.end());
    if (g->policy == next.policy && g->max_server_per_host == next.max_server_per_host
        && members == next.members) {
      return {};
    }
  }
  return record(change{next});
}

shard_selection shard_state::select(const destination_request& req) {
  shard_selection out;
  if (auto st = sync_group(req); !st.ok()) {
    out.error = st;
    return out;
  }
  auto sr = to_schedule_request(req);
  // A claim decided here applies here at once, so a conflict means the
  // decision saw something apply rejects; decide again on the same (fresh)
  // state a bounded number of times rather than loop.
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto decided = schedule(state_, sr, cfg_);
    out.report = decided.report;
    if (!decided.ok()) {
      out.error = decided.error;
      return out;
    }
    auto st = record(change{decided.claim});
    if (st.code() == errc::conflict) {
      sr.seed = stable_hash(std::to_string(sr.seed + 1));
      continue;
    }
    if (!st.ok()) {
      out.error = st;
      return out;
    }
    const auto& ps = state_.placement();
    for (const auto& chosen : decided.hosts) {
      auto h = state_.find_host(chosen.host);
      destination d{chosen.instance, chosen.host_name, chosen.host,
                    availability_zone(h), {}};
      if (const auto* c = ps.find_consumer(chosen.instance)) {
        d.allocations = to_map(ps, *c);
      }
      out.placed.placed.push_back(std::move(d));
    }
    return out;
  }
  out.error = {errc::conflict, "the claim kept conflicting with concurrent changes"};
  return out;
}

} // namespace strato::scheduler
