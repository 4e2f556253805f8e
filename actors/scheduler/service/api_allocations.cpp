// /placement/allocations/{consumer}, POST /placement/allocations and
// /placement/usages. A consumer's allocations are claimed all or nothing on
// the shard that owns their providers; consumer generations (1.28) guard
// against lost updates.

#include "actors/scheduler/service/placement_api.hpp"

namespace strato::scheduler::rest {

namespace {

const json resources_schema{{"type", "object"},
                            {"patternProperties",
                             {{"^[A-Z0-9_]+$", {{"type", "integer"}, {"minimum", 1}}}}},
                            {"additionalProperties", false}};

json consumer_schema(const call& c) {
  json allocations{{"type", "object"},
                   {"patternProperties",
                    {{"^[0-9a-fA-F-]{32,36}$",
                      {{"type", "object"},
                       {"properties", {{"resources", resources_schema},
                                       {"generation", {{"type", "integer"}}}}},
                       {"required", {"resources"}},
                       {"additionalProperties", false}}}}},
                   {"additionalProperties", false}};
  json props{{"allocations", allocations},
             {"project_id", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
             {"user_id", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}}};
  json required{"allocations", "project_id", "user_id"};
  if (c.at_least(28)) {
    props["consumer_generation"] = {{"type", {"integer", "null"}}};
    required.push_back("consumer_generation");
  }
  if (c.at_least(38)) {
    props["consumer_type"] = {{"type", "string"}};
  }
  return {{"type", "object"}, {"properties", props}, {"required", required},
          {"additionalProperties", false}};
}

consumer_claim to_claim(const std::string& consumer, const json& body) {
  consumer_claim claim{consumer, body["project_id"], body["user_id"], {}};
  for (const auto& [rp, alloc] : body["allocations"].items()) {
    for (const auto& [rc, amount] : alloc["resources"].items()) {
      claim.allocations[rp][rc] = amount.get<int64_t>();
    }
  }
  return claim;
}

/// Writes one consumer's allocations on a shard (PUT semantics).
status write_consumer(shard_state& s, const consumer_claim& claim, const json& generation,
                      bool check_generation) {
  const auto* current = s.hosts().placement().find_consumer(claim.consumer);
  if (check_generation) {
    bool ok = current == nullptr ? generation.is_null()
                                 : generation.is_number() && generation == current->generation;
    if (!ok) {
      return {errc::conflict, "consumer generation conflict - expected "
                                + (current ? std::to_string(current->generation) : "null")
                                + " but got " + generation.dump()};
    }
  }
  if (claim.allocations.empty()) {
    s.free(claim.consumer);
    return {};
  }
  return s.replace(claim);
}

/// Whether this shard is where `claims` belong.
status owned_here(const shard_state& s, const std::vector<consumer_claim>& claims) {
  bool any = false;
  bool all = true;
  for (const auto& c : claims) {
    bool held = s.hosts().placement().find_consumer(c.consumer) != nullptr;
    bool owned = c.allocations.empty() ? held : s.owns_all(c.allocations);
    any = any || owned || held;
    all = all && (owned || (held && c.allocations.empty()));
  }
  if (!any) {
    return {errc::not_found, "No resource provider of these allocations was found"};
  }
  if (!all) {
    return {errc::not_implemented, "Allocations spanning resource providers of different "
                                   "scheduler shards are not supported"};
  }
  return {};
}

void put_allocations(call c) {
  auto body = c.body(consumer_schema(c));
  if (!body) {
    return;
  }
  std::string consumer{c.req.path_param("consumer")};
  auto claim = to_claim(consumer, *body);
  auto generation = body->value("consumer_generation", json(nullptr));
  bool check = c.at_least(28);
  run_on(
    c, every_shard,
    [claim, generation, check](shard_state& s) -> result<json> {
      if (auto st = owned_here(s, {claim}); !st.ok()) {
        return st;
      }
      if (auto st = write_consumer(s, claim, generation, check); !st.ok()) {
        return st;
      }
      return json::object();
    },
    [](const call& c, json&) { c.send_empty(204); });
}

void post_allocations(call c) {
  auto one = consumer_schema(c);
  auto body = c.body({{"type", "object"},
                      {"minProperties", 1},
                      {"patternProperties", {{"^[0-9a-fA-F-]{32,36}$", one}}},
                      {"additionalProperties", false}});
  if (!body) {
    return;
  }
  std::vector<consumer_claim> claims;
  std::vector<json> generations;
  for (const auto& [consumer, alloc] : body->items()) {
    claims.push_back(to_claim(consumer, alloc));
    generations.push_back(alloc.value("consumer_generation", json(nullptr)));
  }
  bool check = c.at_least(28);
  run_on(
    c, every_shard,
    [claims, generations, check](shard_state& s) -> result<json> {
      if (auto st = owned_here(s, claims); !st.ok()) {
        return st;
      }
      for (size_t i = 0; i < claims.size(); ++i) {
        if (auto st = write_consumer(s, claims[i], generations[i], check); !st.ok()) {
          return st;
        }
      }
      return json::object();
    },
    [](const call& c, json&) { c.send_empty(204); });
}

void get_allocations(call c) {
  std::string consumer{c.req.path_param("consumer")};
  gather(
    c,
    [consumer](shard_state& s) {
      const auto& ps = s.hosts().placement();
      const auto* held = ps.find_consumer(consumer);
      if (held == nullptr) {
        return json(nullptr);
      }
      json allocs = json::object();
      for (const auto& [rp, amounts] : to_map(ps, *held)) {
        allocs[rp] = {{"generation", ps.get(*ps.find_provider(rp)).generation},
                      {"resources", amounts}};
      }
      return json{{"allocations", allocs}, {"project_id", held->project},
                  {"user_id", held->user}, {"consumer_generation", held->generation}};
    },
    [](const call& c, std::vector<json>& shards) {
      json out{{"allocations", json::object()}};
      for (auto& doc : shards) {
        if (doc.is_null()) {
          continue;
        }
        out["allocations"].update(doc["allocations"]);
        if (c.at_least(12)) {
          out["project_id"] = doc["project_id"];
          out["user_id"] = doc["user_id"];
        }
        if (c.at_least(28)) {
          out["consumer_generation"] = doc["consumer_generation"];
        }
      }
      c.send(200, out);
    });
}

void delete_allocations(call c) {
  std::string consumer{c.req.path_param("consumer")};
  gather(
    c, [consumer](shard_state& s) { return json(s.free(consumer)); },
    [consumer](const call& c, std::vector<json>& freed) {
      for (auto& f : freed) {
        if (f.get<bool>()) {
          c.send_empty(204);
          return;
        }
      }
      c.fail(404, "No allocations for consumer '" + consumer + "'");
    });
}

void usages(call c) {
  auto project = c.req.query("project_id");
  if (!project) {
    c.fail(400, "Invalid query string parameters: 'project_id' is a required property");
    return;
  }
  std::string p{*project};
  std::optional<std::string> user;
  if (auto u = c.req.query("user_id")) {
    user = std::string{*u};
  }
  gather(
    c,
    [p, user](shard_state& s) {
      const auto& ps = s.hosts().placement();
      json out = json::object();
      for (const auto& r : user ? ps.user_usages(p, *user) : ps.project_usages(p)) {
        out[r.resource_class] = r.amount;
      }
      return out;
    },
    [](const call& c, std::vector<json>& shards) {
      json total = json::object();
      for (auto& doc : shards) {
        for (auto& [rc, n] : doc.items()) {
          total[rc] = total.value(rc, int64_t{0}) + n.get<int64_t>();
        }
      }
      c.send(200, {{"usages", total}});
    });
}

} // namespace

void add_allocation_routes(http::router& routes, const api_context& ctx) {
  using http::method;
  add_route(routes, ctx, method::get, "/allocations/{consumer}", 0, get_allocations);
  add_route(routes, ctx, method::put, "/allocations/{consumer}", 12, put_allocations);
  add_route(routes, ctx, method::delete_, "/allocations/{consumer}", 0, delete_allocations);
  add_route(routes, ctx, method::post, "/allocations", 13, post_allocations);
  add_route(routes, ctx, method::get, "/usages", 9, usages);
}

} // namespace strato::scheduler::rest
