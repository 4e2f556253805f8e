// GET /placement/allocation_candidates (1.10+): every shard answers for its
// own providers; the answers are concatenated up to `limit`.

#include <charconv>

#include "actors/scheduler/core/allocation_candidates.hpp"
#include "actors/scheduler/service/placement_api.hpp"

namespace strato::scheduler::rest {

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    auto at = s.find(sep);
    out.emplace_back(s.substr(0, at));
    if (at == std::string_view::npos) {
      return out;
    }
    s = s.substr(at + 1);
  }
}

result<resource_request> parse_query(const call& c) {
  resource_request req;
  auto resources = c.req.query("resources");
  if (!resources || resources->empty()) {
    return status{errc::invalid_argument,
                  "Invalid query string parameters: 'resources' is a required property"};
  }
  for (const auto& item : split(*resources, ',')) {
    auto colon = item.find(':');
    int64_t amount = 0;
    auto digits = colon == std::string::npos ? std::string_view{} : std::string_view{item}.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), amount);
    if (colon == std::string::npos || ec != std::errc{} || end != digits.data() + digits.size()
        || amount < 1) {
      return status{errc::invalid_argument,
                    "Badly formed resources parameter. Expected resources query string "
                    "parameter in form: ?resources=VCPU:2,MEMORY_MB:1024. Got: "
                      + std::string{*resources}};
    }
    req.resources.push_back({item.substr(0, colon), amount});
  }
  if (auto required = c.req.query("required"); required && c.at_least(17)) {
    for (auto& t : split(*required, ',')) {
      if (!t.empty() && t.front() == '!' && c.at_least(22)) {
        req.forbidden_traits.push_back(t.substr(1));
      } else {
        req.required_traits.push_back(t);
      }
    }
  }
  if (c.at_least(21)) {
    for (auto m : c.req.query_all("member_of")) {
      if (m.rfind("in:", 0) == 0) {
        m.remove_prefix(3);
      }
      req.member_of.push_back(split(m, ','));
    }
  }
  if (auto tree = c.req.query("in_tree"); tree && c.at_least(31)) {
    req.in_tree = std::string{*tree};
  }
  return req;
}

json summaries_json(const call& c, const placement_state& ps,
                    const allocation_candidates_result& r) {
  json out = json::object();
  for (const auto& s : r.provider_summaries) {
    json resources = json::object();
    for (const auto& rc : s.resources) {
      resources[rc.resource_class] = {{"capacity", rc.capacity}, {"used", rc.used}};
    }
    json entry{{"resources", resources}};
    if (c.at_least(17)) {
      entry["traits"] = s.traits;
    }
    if (c.at_least(29)) {
      auto id = ps.find_provider(s.provider);
      auto parent = id ? ps.get(*id).parent : no_id;
      entry["parent_provider_uuid"] = parent == no_id ? json(nullptr) : json(ps.get(parent).uuid);
      entry["root_provider_uuid"] = s.root;
    }
    out[s.provider] = entry;
  }
  return out;
}

json request_json(const call& c, const std::vector<provider_allocation>& allocs) {
  if (c.at_least(12)) {
    json by_provider = json::object();
    for (const auto& pa : allocs) {
      for (const auto& r : pa.resources) {
        by_provider[pa.provider]["resources"][r.resource_class] = r.amount;
      }
    }
    return {{"allocations", by_provider}};
  }
  json list = json::array();
  for (const auto& pa : allocs) {
    json resources = json::object();
    for (const auto& r : pa.resources) {
      resources[r.resource_class] = r.amount;
    }
    list.push_back({{"resource_provider", {{"uuid", pa.provider}}}, {"resources", resources}});
  }
  return {{"allocations", list}};
}

void candidates(call c) {
  auto query = parse_query(c);
  if (!query) {
    c.fail(query.error());
    return;
  }
  size_t limit = 1000;
  if (auto l = c.req.query("limit"); l && c.at_least(16)) {
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc{} || end != l->data() + l->size() || limit == 0) {
      c.fail(400, "Invalid query string parameters: limit must be a positive integer");
      return;
    }
  }
  gather(
    c,
    [c, req = *query, limit](shard_state& s) -> json {
      const auto& ps = s.hosts().placement();
      auto r = allocation_candidates(ps, req, limit);
      if (!r) {
        return {{"error", r.error().message()}};
      }
      json requests = json::array();
      for (const auto& a : r->allocation_requests) {
        requests.push_back(request_json(c, a));
      }
      return {{"allocation_requests", requests},
              {"provider_summaries", summaries_json(c, ps, *r)}};
    },
    [limit](const call& c, std::vector<json>& shards) {
      json requests = json::array();
      json summaries = json::object();
      for (auto& doc : shards) {
        if (doc.contains("error")) {
          c.fail(400, doc["error"].get<std::string>());
          return;
        }
        for (auto& r : doc["allocation_requests"]) {
          if (requests.size() < limit) {
            requests.push_back(std::move(r));
          }
        }
        summaries.update(doc["provider_summaries"]);
      }
      c.send(200, {{"allocation_requests", requests}, {"provider_summaries", summaries}});
    });
}

} // namespace

void add_candidate_routes(http::router& routes, const api_context& ctx) {
  add_route(routes, ctx, http::method::get, "/allocation_candidates", 10, candidates);
}

} // namespace strato::scheduler::rest
