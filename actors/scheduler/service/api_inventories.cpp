// /placement/resource_providers/{uuid}/inventories[/{resource_class}] and
// /usages: a provider's inventories are replaced as a whole (one
// inventory_set change) under its generation, as Placement does.

#include "actors/scheduler/service/placement_api.hpp"

namespace strato::scheduler::rest {

namespace {

constexpr int64_t max_int32 = 2147483647;

json int_field(int64_t min) {
  return {{"type", "integer"}, {"minimum", min}, {"maximum", max_int32}};
}

json inventory_fields() {
  return {{"total", int_field(1)},
          {"reserved", int_field(0)},
          {"min_unit", int_field(1)},
          {"max_unit", int_field(1)},
          {"step_size", int_field(1)},
          {"allocation_ratio", {{"type", "number"}, {"minimum", 0}, {"maximum", 3.40282e38}}}};
}

json inventory_schema(bool with_class) {
  auto props = inventory_fields();
  props["resource_provider_generation"] = {{"type", "integer"}};
  json required = json::array({"total", "resource_provider_generation"});
  if (with_class) {
    props["resource_class"] = {{"type", "string"}, {"pattern", "^[A-Z0-9_]+$"}};
    required.push_back("resource_class");
  }
  return {{"type", "object"}, {"properties", props}, {"required", required},
          {"additionalProperties", false}};
}

const json put_all_schema{
  {"type", "object"},
  {"properties",
   {{"resource_provider_generation", {{"type", "integer"}}},
    {"inventories",
     {{"type", "object"},
      {"patternProperties",
       {{"^[A-Z0-9_]+$",
         {{"type", "object"},
          {"properties", inventory_fields()},
          {"required", {"total"}},
          {"additionalProperties", false}}}}},
      {"additionalProperties", false}}}}},
  {"required", {"resource_provider_generation", "inventories"}},
  {"additionalProperties", false}};

inventory from_json(const json& j) {
  inventory inv;
  inv.total = j.at("total").get<int64_t>();
  inv.reserved = j.value("reserved", int64_t{0});
  inv.min_unit = j.value("min_unit", int64_t{1});
  inv.max_unit = j.value("max_unit", max_int32);
  inv.step_size = j.value("step_size", int64_t{1});
  inv.allocation_ratio = j.value("allocation_ratio", 1.0);
  return inv;
}

json to_json(const inventory& inv) {
  return {{"total", inv.total},         {"reserved", inv.reserved},
          {"min_unit", inv.min_unit},   {"max_unit", inv.max_unit},
          {"step_size", inv.step_size}, {"allocation_ratio", inv.allocation_ratio}};
}

std::map<std::string, inventory> current(const placement_state& ps, provider_id id) {
  std::map<std::string, inventory> out;
  for (const auto& pi : ps.inventories(id)) {
    out[ps.resource_classes().name(pi.rc)] = pi.inv;
  }
  return out;
}

json inventories_json(const placement_state& ps, provider_id id) {
  json invs = json::object();
  for (const auto& [rc, inv] : current(ps, id)) {
    invs[rc] = to_json(inv);
  }
  return {{"inventories", invs}, {"resource_provider_generation", ps.get(id).generation}};
}

/// Replaces provider `id`'s inventories with `next` under `generation`.
status write(shard_state& s, provider_id id, uint64_t generation,
             const std::map<std::string, inventory>& next) {
  inventory_set change_set{s.hosts().placement().get(id).uuid, generation, {}};
  for (const auto& [rc, inv] : next) {
    if (!is_valid_resource_class(rc)) {
      return {errc::invalid_argument, "Unknown resource class in inventory: " + rc};
    }
    if (auto st = validate(inv); !st.ok()) {
      return {errc::invalid_argument, "Unable to update inventory for resource provider "
                                        + change_set.provider + ": " + st.message()};
    }
    change_set.inventories.push_back({rc, inv});
  }
  return s.record(change{change_set});
}


void put_all(call c) {
  auto body = c.body(put_all_schema);
  if (!body) {
    return;
  }
  on_provider(
    c,
    [body = *body](shard_state& s, provider_id id) -> result<json> {
      std::map<std::string, inventory> next;
      for (const auto& [rc, inv] : body["inventories"].items()) {
        next[rc] = from_json(inv);
      }
      auto gen = body["resource_provider_generation"].get<uint64_t>();
      if (auto st = write(s, id, gen, next); !st.ok()) {
        return st;
      }
      return inventories_json(s.hosts().placement(), id);
    },
    send_ok);
}

/// Changes one class's inventory (nullopt deletes it).
void change_one(const call& c, std::string rc, std::optional<inventory> inv,
                std::optional<uint64_t> generation, bool must_be_new, int ok_status) {
  on_provider(
    c,
    [rc, inv, generation, must_be_new](shard_state& s, provider_id id) -> result<json> {
      const auto& ps = s.hosts().placement();
      auto next = current(ps, id);
      bool exists = next.contains(rc);
      if (must_be_new && exists) {
        return status{errc::conflict, "Inventory for " + rc + " on resource provider "
                                        + ps.get(id).uuid + " already exists."};
      }
      if (!must_be_new && !exists) {
        return status{errc::not_found, "No inventory of class " + rc + " found for "
                                         + ps.get(id).uuid};
      }
      if (inv) {
        next[rc] = *inv;
      } else {
        next.erase(rc);
      }
      if (auto st = write(s, id, generation.value_or(ps.get(id).generation), next); !st.ok()) {
        return st;
      }
      json out = inv ? to_json(*inv) : json::object();
      out["resource_provider_generation"] = ps.get(id).generation;
      return out;
    },
    [ok_status](const call& c, json& doc) {
      if (ok_status == 204) {
        c.send_empty(204);
      } else {
        c.send(ok_status, doc);
      }
    });
}

} // namespace

void add_inventory_routes(http::router& routes, const api_context& ctx) {
  const std::string base = "/resource_providers/{uuid}/inventories";
  add_route(routes, ctx, http::method::get, base, 0, [](call c) {
    on_provider(
      c,
      [](shard_state& s, provider_id id) -> result<json> {
        return inventories_json(s.hosts().placement(), id);
      },
      send_ok);
  });
  add_route(routes, ctx, http::method::put, base, 0, put_all);
  add_route(routes, ctx, http::method::post, base, 0, [](call c) {
    auto body = c.body(inventory_schema(true));
    if (body) {
      change_one(c, (*body)["resource_class"], from_json(*body),
                 (*body)["resource_provider_generation"].get<uint64_t>(), true, 201);
    }
  });
  add_route(routes, ctx, http::method::delete_, base, 5, [](call c) {
    on_provider(
      c,
      [](shard_state& s, provider_id id) -> result<json> {
        if (auto st = write(s, id, s.hosts().placement().get(id).generation, {}); !st.ok()) {
          return st;
        }
        return json::object();
      },
      [](const call& c, json&) { c.send_empty(204); });
  });
  add_route(routes, ctx, http::method::get, base + "/{rc}", 0, [](call c) {
    std::string rc{c.req.path_param("rc")};
    on_provider(
      c,
      [rc](shard_state& s, provider_id id) -> result<json> {
        const auto& ps = s.hosts().placement();
        auto all = current(ps, id);
        if (!all.contains(rc)) {
          return status{errc::not_found, "No inventory of class " + rc + " for "
                                           + ps.get(id).uuid};
        }
        auto out = to_json(all[rc]);
        out["resource_provider_generation"] = ps.get(id).generation;
        return out;
      },
      send_ok);
  });
  add_route(routes, ctx, http::method::put, base + "/{rc}", 0, [](call c) {
    auto body = c.body(inventory_schema(false));
    if (body) {
      change_one(c, std::string{c.req.path_param("rc")}, from_json(*body),
                 (*body)["resource_provider_generation"].get<uint64_t>(), false, 200);
    }
  });
  add_route(routes, ctx, http::method::delete_, base + "/{rc}", 0, [](call c) {
    change_one(c, std::string{c.req.path_param("rc")}, std::nullopt, std::nullopt, false,
               204);
  });
  add_route(routes, ctx, http::method::get, "/resource_providers/{uuid}/usages", 0,
            [](call c) {
              on_provider(
                c,
                [](shard_state& s, provider_id id) -> result<json> {
                  const auto& ps = s.hosts().placement();
                  json usages = json::object();
                  for (const auto& pi : ps.inventories(id)) {
                    usages[ps.resource_classes().name(pi.rc)] = pi.used;
                  }
                  return json{{"usages", usages},
                              {"resource_provider_generation", ps.get(id).generation}};
                },
                send_ok);
            });
}

} // namespace strato::scheduler::rest
