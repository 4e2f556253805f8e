#include "actors/scheduler/core/filters.hpp"

#include <algorithm>
#include <array>

namespace strato::scheduler {

namespace {

constexpr std::array<std::string_view, filter_count> names{
  "ComputeFilter",
  "AvailabilityZoneFilter",
  "AggregateMultiTenancyIsolation",
  "MemberOfFilter",
  "TraitsFilter",
  "ResourceFilter",
  "InTreeFilter",
  "ForceHostsFilter",
  "IgnoreHostsFilter",
  "SameHostFilter",
  "DifferentHostFilter",
  "ServerGroupAffinityFilter",
  "ServerGroupAntiAffinityFilter",
};

bool contains(const std::vector<uint32_t>& sorted, uint32_t host) {
  return std::binary_search(sorted.begin(), sorted.end(), host);
}

std::string removed_list(const filter_report& r) {
  std::string out;
  for (size_t i = 0; i < filter_count; ++i) {
    if (r.removed[i] > 0) {
      out += (out.empty() ? "" : ", ") + std::string{names[i]} + " "
             + std::to_string(r.removed[i]);
    }
  }
  return out.empty() ? "none" : out;
}

std::string scope(const filter_report& r) {
  std::string out;
  if (r.restricted_to) {
    out = "Only the " + std::to_string(r.considered) + " hosts named by "
          + std::string{filter_name(*r.restricted_to)} + " were considered";
  } else {
    out = "All " + std::to_string(r.hosts) + " hosts were considered";
  }
  if (r.exhaustive) {
    return out + "; counts are exact.";
  }
  return out + "; the search stopped after examining " + std::to_string(r.examined)
         + " hosts one by one, so per-host filter counts cover those only.";
}

} // namespace

std::string_view filter_name(filter f) noexcept {
  return names[static_cast<size_t>(f)];
}

std::optional<filter> reject_class(const host_class& cls, const filter_context& ctx,
                                   const placement_state& ps) {
  const auto& key = cls.key;
  if (!ctx.forced) {
    if (!key.up || !key.enabled) {
      return filter::compute;
    }
    if (!ctx.availability_zone.empty()) {
      const auto& zone = cls.availability_zone.empty() ? ctx.default_availability_zone
                                                       : cls.availability_zone;
      if (zone != ctx.availability_zone) {
        return filter::availability_zone;
      }
    }
    if (!cls.tenants.empty()
        && std::find(cls.tenants.begin(), cls.tenants.end(), ctx.project)
             == cls.tenants.end()) {
      return filter::tenant_isolation;
    }
  }
  if (!member_of_match(ctx.query, key.aggregates)) {
    return filter::member_of;
  }
  if (!traits_match(ctx.query, key.traits)) {
    return filter::traits;
  }
  for (const auto& n : ctx.query.needs) {
    if (!std::binary_search(key.resource_classes.begin(), key.resource_classes.end(),
                            n.rc)
        && !ps.shared_anywhere(n.rc)) {
      return filter::resources;
    }
  }
  return std::nullopt;
}

std::optional<filter> reject_host(uint32_t host, const filter_context& ctx,
                                  const overlay& ov) {
  if (ctx.in_tree && !contains(*ctx.in_tree, host)) {
    return filter::in_tree;
  }
  if (ctx.force && !contains(*ctx.force, host)) {
    return filter::force_hosts;
  }
  if (contains(ctx.ignore, host)) {
    return filter::ignore_hosts;
  }
  if (ctx.forced) {
    return std::nullopt;
  }
  if (ctx.same && !contains(*ctx.same, host)) {
    return filter::same_host;
  }
  if (contains(ctx.different, host)) {
    return filter::different_host;
  }
  if (ctx.group != nullptr) {
    const auto& g = *ctx.group;
    auto members = g.members_on(host) + ov.instances_on(host);
    if (g.policy == group_policy::affinity && members == 0
        && (!g.hosts.empty() || !ov.empty())) {
      return filter::affinity;
    }
    if (g.policy == group_policy::anti_affinity
        && static_cast<int64_t>(members) >= g.max_server_per_host) {
      return filter::anti_affinity;
    }
  }
  return std::nullopt;
}

std::string filter_report::describe() const {
  if (passed > 0) {
    return "Found " + std::to_string(passed) + " suitable hosts for instance "
           + std::to_string(instance + 1) + ". Hosts removed per filter: "
           + removed_list(*this) + ". " + scope(*this);
  }
  std::string out;
  if (placed >= min_count) {
    out = "Placed " + std::to_string(placed) + " instances; no valid host for more. ";
  } else if (placed > 0) {
    out = "No valid host was found. There are not enough hosts available: placed "
          + std::to_string(placed) + " of at least " + std::to_string(min_count)
          + " instances. ";
  } else {
    out = "No valid host was found. ";
  }
  if (hosts == 0) {
    return out + "There are no compute hosts.";
  }
  std::optional<filter> last = restricted_to;
  for (size_t i = 0; i < filter_count; ++i) {
    if (removed[i] > 0) {
      last = static_cast<filter>(i);
    }
  }
  if (last) {
    out += "Filter " + std::string{filter_name(*last)} + " returned 0 hosts. ";
  }
  return out + "Hosts removed per filter: " + removed_list(*this) + ". " + scope(*this);
}

} // namespace strato::scheduler
