#include "actors/scheduler/core/scheduler.hpp"

#include <algorithm>
#include <functional>

#include "actors/scheduler/core/decision.hpp"

namespace strato::scheduler {

namespace {

template <class Lookup>
std::vector<uint32_t> hosts_of(const std::vector<std::string>& names, Lookup lookup) {
  std::vector<uint32_t> out;
  for (const auto& n : names) {
    if (auto h = lookup(n); h != no_id) {
      out.push_back(h);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

status check(const schedule_request& req) {
  if (req.instance_uuids.empty()) {
    return {errc::invalid_argument, "a request needs at least one instance"};
  }
  if (req.min_count < 1 || req.min_count > req.instance_uuids.size()) {
    return {errc::invalid_argument, "min_count must be between 1 and max_count"};
  }
  if (!req.force_hosts.empty() && !req.is_admin) {
    return {errc::forbidden, "only administrators may force hosts"};
  }
  return {};
}

result<filter_context> make_context(const scheduler_state& s, const schedule_request& req,
                                    const scheduler_config& cfg) {
  auto query = to_resource_request(req);
  if (!query) {
    return query.error();
  }
  auto resolved = resolve(s.placement(), *query);
  if (!resolved) {
    return resolved.error();
  }
  filter_context ctx{.query = std::move(*resolved),
                     .availability_zone = req.availability_zone,
                     .default_availability_zone = cfg.default_availability_zone,
                     .project = req.project_id,
                     .forced = !req.force_hosts.empty()};
  if (!req.server_group.empty()) {
    ctx.group = s.find_group(req.server_group);
    if (ctx.group == nullptr) {
      return status{errc::invalid_argument, "no server group " + req.server_group};
    }
  }
  auto by_name = [&](const std::string& n) { return s.find_host(n); };
  auto by_instance = [&](const std::string& n) { return s.host_of_consumer(n); };
  if (ctx.forced) {
    ctx.force = hosts_of(req.force_hosts, by_name);
  }
  if (!req.same_host.empty()) {
    ctx.same = hosts_of(req.same_host, by_instance);
  }
  ctx.ignore = hosts_of(req.ignore_hosts, by_name);
  ctx.different = hosts_of(req.different_host, by_instance);
  if (auto root = ctx.query.in_tree_root) {
    ctx.in_tree.emplace();
    if (auto h = *root == no_id ? no_id : s.host_of_root(*root); h != no_id) {
      ctx.in_tree->push_back(h);
    }
  }
  return ctx;
}

uint64_t seed_of(const schedule_request& req) {
  return req.seed != 0 ? req.seed : std::hash<std::string>{}(req.instance_uuids.front());
}

} // namespace

schedule_result schedule(const scheduler_state& state, const schedule_request& req,
                         const scheduler_config& cfg) {
  schedule_result out;
  if (auto st = check(req); !st.ok()) {
    out.error = st;
    return out;
  }
  auto ctx = make_context(state, req, cfg);
  if (!ctx) {
    out.error = ctx.error();
    return out;
  }
  internal::decision d{state, cfg, std::move(*ctx), seed_of(req)};
  out.claim.check = cfg.claim_check;
  for (uint32_t i = 0; i < req.instance_uuids.size(); ++i) {
    filter_report report;
    report.instance = i;
    report.placed = i;
    report.min_count = req.min_count;
    if (!d.choose(report)) {
      out.report = report;
      if (i < req.min_count) {
        out.error = {errc::not_found, report.describe()};
        out.claim.consumers.clear();
        out.hosts.clear();
      }
      return out;
    }
    out.hosts.emplace_back();
    out.claim.consumers.push_back(
      d.take(req.instance_uuids[i], req.project_id, req.user_id, out.hosts.back()));
    out.report = report;
    out.report.placed = i + 1;
  }
  return out;
}

} // namespace strato::scheduler
