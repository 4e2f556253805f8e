#include "actors/scheduler/core/resource_query.hpp"

#include <algorithm>

namespace strato::scheduler {

namespace {

status check_names(const resource_request& req) {
  for (size_t i = 0; i < req.resources.size(); ++i) {
    const auto& r = req.resources[i];
    for (size_t j = 0; j < i; ++j) {
      if (req.resources[j].resource_class == r.resource_class) {
        return {errc::invalid_argument,
                "resource class " + r.resource_class + " requested twice"};
      }
    }
    if (!is_valid_resource_class(r.resource_class)) {
      return {errc::invalid_argument, "unknown resource class " + r.resource_class};
    }
    if (r.amount < 1) {
      return {errc::invalid_argument,
              "requested amount of " + r.resource_class + " must be at least 1"};
    }
  }
  for (auto* list : {&req.required_traits, &req.forbidden_traits}) {
    for (auto& t : *list) {
      if (!is_valid_trait(t)) {
        return {errc::invalid_argument, "invalid trait " + t};
      }
    }
  }
  for (auto& t : req.required_traits) {
    if (std::find(req.forbidden_traits.begin(), req.forbidden_traits.end(), t)
        != req.forbidden_traits.end()) {
      return {errc::invalid_argument, "trait " + t + " is both required and forbidden"};
    }
  }
  return {};
}

} // namespace

result<resolved_request> resolve(const placement_state& ps,
                                 const resource_request& req) {
  if (auto st = check_names(req); !st.ok()) {
    return st;
  }
  resolved_request out;
  for (auto& r : req.resources) {
    auto rc = ps.resource_classes().find(r.resource_class).value_or(no_id);
    out.needs.push_back({rc, r.amount});
  }
  for (auto& t : req.required_traits) {
    out.required.push_back(ps.traits().find(t).value_or(no_id));
  }
  for (auto& t : req.forbidden_traits) {
    if (auto id = ps.traits().find(t)) {
      out.forbidden.push_back(*id);
    }
  }
  std::sort(out.required.begin(), out.required.end());
  std::sort(out.forbidden.begin(), out.forbidden.end());
  for (auto& any_of : req.member_of) {
    auto& ids = out.member_of.emplace_back();
    for (auto& a : any_of) {
      if (auto id = ps.aggregates().find(a)) {
        ids.push_back(*id);
      }
    }
  }
  if (!req.in_tree.empty()) {
    auto id = ps.find_provider(req.in_tree);
    out.in_tree_root = id ? ps.get(*id).root : no_id;
  }
  return out;
}

bool traits_match(const resolved_request& req, std::span<const trait_id> traits) {
  return std::includes(traits.begin(), traits.end(), req.required.begin(),
                       req.required.end())
         && std::none_of(req.forbidden.begin(), req.forbidden.end(), [&](trait_id t) {
              return std::binary_search(traits.begin(), traits.end(), t);
            });
}

bool member_of_match(const resolved_request& req,
                     std::span<const aggregate_id> aggregates) {
  return std::all_of(req.member_of.begin(), req.member_of.end(), [&](auto& any_of) {
    return std::any_of(any_of.begin(), any_of.end(), [&](aggregate_id a) {
      return std::binary_search(aggregates.begin(), aggregates.end(), a);
    });
  });
}

std::vector<trait_id> tree_traits(const placement_state& ps, provider_id root) {
  auto tree = ps.tree(root);
  if (tree.size() == 1) {
    return ps.get(root).traits;
  }
  std::vector<trait_id> out;
  for (auto id : tree) {
    const auto& t = ps.get(id).traits;
    out.insert(out.end(), t.begin(), t.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

} // namespace strato::scheduler
