#include "actors/scheduler/core/allocation_candidates.hpp"

#include <algorithm>

namespace strato::scheduler {

namespace {

using options = std::vector<std::vector<provider_id>>;

/// The providers able to supply each need for the tree at `root`; false when
/// some need has none.
bool collect_options(const placement_state& ps, const resolved_request& req,
                     provider_id root, options& out) {
  std::vector<provider_id> lenders;
  if (!ps.get(root).shares) {
    ps.sharing_providers(root, lenders);
  }
  out.assign(req.needs.size(), {});
  for (size_t i = 0; i < req.needs.size(); ++i) {
    auto [rc, amount] = req.needs[i];
    auto offer = [&](provider_id id) {
      const auto* inv = ps.find_inventory(id, rc);
      if (inv != nullptr && inv->fits(amount)) {
        out[i].push_back(id);
      }
    };
    std::for_each(ps.tree(root).begin(), ps.tree(root).end(), offer);
    std::for_each(lenders.begin(), lenders.end(), offer);
    if (out[i].empty()) {
      return false;
    }
  }
  return true;
}

std::vector<provider_allocation> to_allocations(const placement_state& ps,
                                                const resolved_request& req,
                                                const std::vector<provider_id>& choice) {
  std::vector<provider_allocation> out;
  for (size_t i = 0; i < choice.size(); ++i) {
    const auto& p = ps.get(choice[i]);
    auto it = std::find_if(out.begin(), out.end(),
                           [&](auto& pa) { return pa.provider == p.uuid; });
    if (it == out.end()) {
      it = out.insert(out.end(), provider_allocation{p.uuid, p.generation, {}});
    }
    it->resources.push_back(
      {ps.resource_classes().name(req.needs[i].rc), req.needs[i].amount});
  }
  return out;
}

/// Appends each combination of one option per need, up to `limit` in all.
void enumerate(const placement_state& ps, const resolved_request& req,
               provider_id root, const options& opts, size_t limit,
               allocation_candidates_result& out, std::vector<provider_id>& involved) {
  std::vector<size_t> at(opts.size(), 0);
  std::vector<provider_id> choice(opts.size());
  while (out.allocation_requests.size() < limit) {
    auto anchored = false;
    for (size_t i = 0; i < opts.size(); ++i) {
      choice[i] = opts[i][at[i]];
      anchored = anchored || ps.get(choice[i]).root == root;
    }
    if (anchored) {
      out.allocation_requests.push_back(to_allocations(ps, req, choice));
      involved.insert(involved.end(), choice.begin(), choice.end());
    }
    auto i = size_t{0};
    for (; i < opts.size(); ++i) {
      if (++at[i] < opts[i].size()) {
        break;
      }
      at[i] = 0;
    }
    if (i == opts.size()) {
      return;
    }
  }
}

provider_summary summarize(const placement_state& ps, provider_id id) {
  const auto& p = ps.get(id);
  provider_summary s{p.uuid, ps.get(p.root).uuid, p.generation, {}, {}};
  for (const auto& inv : ps.inventories(id)) {
    s.resources.push_back({ps.resource_classes().name(inv.rc), inv.capacity, inv.used});
  }
  for (auto t : p.traits) {
    s.traits.push_back(ps.traits().name(t));
  }
  return s;
}

} // namespace

result<allocation_candidates_result>
allocation_candidates(const placement_state& ps, const resource_request& req,
                      size_t limit) {
  auto resolved = resolve(ps, req);
  if (!resolved) {
    return resolved.error();
  }
  const auto& r = *resolved;
  if (r.needs.empty()) {
    return status{errc::invalid_argument, "the request names no resources"};
  }
  if (r.in_tree_root == no_id) {
    return status{errc::invalid_argument, "no resource provider " + req.in_tree};
  }
  allocation_candidates_result out;
  std::vector<provider_id> involved;
  options opts;
  for (provider_id root = 0; root < ps.provider_count(); ++root) {
    const auto& p = ps.get(root);
    if (p.root != root || (r.in_tree_root && *r.in_tree_root != root)) {
      continue;
    }
    if (!member_of_match(r, p.aggregates) || !traits_match(r, tree_traits(ps, root))
        || !collect_options(ps, r, root, opts)) {
      continue;
    }
    enumerate(ps, r, root, opts, limit, out, involved);
  }
  std::sort(involved.begin(), involved.end());
  involved.erase(std::unique(involved.begin(), involved.end()), involved.end());
  for (auto id : involved) {
    out.provider_summaries.push_back(summarize(ps, id));
  }
  return out;
}

} // namespace strato::scheduler
