// /placement/resource_providers: list, create, show, update; delete is not
// built (the core keeps providers for good).

#include <algorithm>

#include "actors/scheduler/service/placement_api.hpp"
#include "runtime/core/error.hpp"
#include "runtime/core/ids.hpp"

namespace strato::scheduler::rest {

namespace {

const json uuid_schema{{"type", "string"}, {"format", "uuid"}};

json create_schema(const call& c) {
  json props{{"name", {{"type", "string"}, {"maxLength", 200}, {"minLength", 1}}},
             {"uuid", uuid_schema}};
  if (c.at_least(14)) {
    props["parent_provider_uuid"] = {{"anyOf", json::array({uuid_schema, {{"type", "null"}}})}};
  }
  return {{"type", "object"}, {"properties", props}, {"required", {"name"}},
          {"additionalProperties", false}};
}

/// Whether provider `id` passes the list query's filters.
bool matches(const call& c, const placement_state& ps, provider_id id) {
  const auto& p = ps.get(id);
  if (auto name = c.req.query("name"); name && *name != p.name) {
    return false;
  }
  if (auto uuid = c.req.query("uuid"); uuid && *uuid != p.uuid) {
    return false;
  }
  if (auto tree = c.req.query("in_tree"); tree && c.at_least(14)) {
    auto root = ps.find_provider(*tree);
    if (!root || ps.get(*root).root != p.root) {
      return false;
    }
  }
  if (auto required = c.req.query("required"); required && c.at_least(18)) {
    std::string_view list = *required;
    while (!list.empty()) {
      auto comma = list.find(',');
      auto trait = list.substr(0, comma);
      bool forbidden = !trait.empty() && trait.front() == '!';
      auto tid = ps.traits().find(forbidden ? trait.substr(1) : trait);
      bool has = tid && std::binary_search(p.traits.begin(), p.traits.end(), *tid);
      if (has == forbidden) {
        return false;
      }
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
  }
  return true;
}

void list_providers(call c) {
  gather(
    c,
    [c](shard_state& s) {
      const auto& ps = s.hosts().placement();
      json out = json::array();
      for (provider_id id = 0; id < ps.provider_count(); ++id) {
        if (matches(c, ps, id)) {
          out.push_back(provider_json(c, ps, id));
        }
      }
      return out;
    },
    [](const call& c, std::vector<json>& shards) {
      json all = json::array();
      for (auto& list : shards) {
        for (auto& p : list) {
          all.push_back(std::move(p));
        }
      }
      c.send(200, {{"resource_providers", all}});
    });
}

void create_in_shard(const call& c, std::string uuid, std::string name,
                     std::string parent) {
  auto target = parent.empty() ? shard_of(name, c.ctx->shards) : every_shard;
  run_on(
    c, target,
    [c, uuid, name, parent](shard_state& s) -> result<json> {
      const auto& ps = s.hosts().placement();
      if (!parent.empty() && !ps.find_provider(parent)) {
        return status{errc::not_found, "parent provider " + parent + " not found"};
      }
      if (auto st = s.record(change{provider_created{uuid, name, parent}}); !st.ok()) {
        return st;
      }
      return provider_json(c, ps, *ps.find_provider(uuid));
    },
    [uuid](const call& c, json& provider) {
      auto location = c.ctx->public_url + "/placement/resource_providers/" + uuid;
      if (c.at_least(20)) {
        c.send(200, provider, location);
        return;
      }
      c.send_empty(201, location);
    });
}

void create_provider(call c) {
  auto body = c.body(create_schema(c));
  if (!body) {
    return;
  }
  auto name = (*body)["name"].get<std::string>();
  auto uuid = body->contains("uuid") ? (*body)["uuid"].get<std::string>() : strato::new_uuid();
  std::string parent;
  if (auto it = body->find("parent_provider_uuid"); it != body->end() && it->is_string()) {
    parent = it->get<std::string>();
  }
  // Names and uuids are unique across shards: look in every one first.
  gather(
    c,
    [uuid, name](shard_state& s) {
      const auto& ps = s.hosts().placement();
      return json{{"uuid", ps.find_provider(uuid).has_value()},
                  {"name", ps.find_provider_by_name(name).has_value()}};
    },
    [uuid, name, parent](const call& c, std::vector<json>& found) {
      for (auto& f : found) {
        if (f["uuid"].get<bool>()) {
          c.fail(409, "Conflicting resource provider uuid: " + uuid + " already exists.",
                 "placement.duplicate_uuid");
          return;
        }
        if (f["name"].get<bool>()) {
          c.fail(409, "Conflicting resource provider name: " + name + " already exists.",
                 "placement.duplicate_name");
          return;
        }
      }
      create_in_shard(c, uuid, name, parent);
    });
}


void update_provider(call c) {
  auto body = c.body(create_schema(c));
  if (!body) {
    return;
  }
  on_provider(
    c,
    [c, body = *body](shard_state& s, provider_id id) -> result<json> {
      const auto& ps = s.hosts().placement();
      const auto& p = ps.get(id);
      auto parent = p.parent == no_id ? std::string{} : ps.get(p.parent).uuid;
      auto wanted_parent = body.contains("parent_provider_uuid")
                               && body["parent_provider_uuid"].is_string()
                             ? body["parent_provider_uuid"].get<std::string>()
                             : parent;
      if (body["name"] != p.name || wanted_parent != parent) {
        return status{errc::not_implemented,
                      "Renaming or re-parenting a resource provider is not implemented."};
      }
      return provider_json(c, ps, id);
    },
    send_ok);
}

} // namespace

void add_provider_routes(http::router& routes, const api_context& ctx) {
  add_route(routes, ctx, http::method::get, "/resource_providers", 0, list_providers);
  add_route(routes, ctx, http::method::post, "/resource_providers", 0, create_provider);
  add_route(routes, ctx, http::method::get, "/resource_providers/{uuid}", 0, [](call c) {
    on_provider(
      c,
      [c](shard_state& s, provider_id id) -> result<json> {
        return provider_json(c, s.hosts().placement(), id);
      },
      send_ok);
  });
  add_route(routes, ctx, http::method::put, "/resource_providers/{uuid}", 0, update_provider);
  add_route(routes, ctx, http::method::delete_, "/resource_providers/{uuid}", 0, [](call c) {
    c.fail(501, "Deleting resource providers is not implemented.");
  });
  add_route(routes, ctx, http::method::get, "/resource_providers/{uuid}/allocations", 0,
            [](call c) {
              c.fail(501, "Listing a provider's allocations is not implemented.");
            });
}

} // namespace strato::scheduler::rest
