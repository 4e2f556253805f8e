// /placement/traits, /placement/resource_classes and a provider's traits and
// aggregates. Custom names (CUSTOM_*) live in shard 0's catalog; standard
// names are known by their shape (the os-traits list grows every release).

#include <algorithm>
#include <set>

#include "actors/scheduler/service/placement_api.hpp"

namespace strato::scheduler::rest {

namespace {

constexpr std::string_view custom_prefix = "CUSTOM_";

bool is_custom(std::string_view name) {
  return name.rfind(custom_prefix, 0) == 0;
}

const json name_list_schema{{"type", "array"},
                            {"items", {{"type", "string"}, {"pattern", "^[A-Z0-9_]+$"}}},
                            {"uniqueItems", true}};

/// Adds or removes a custom name in shard 0's catalog. `fresh` says whether
/// the name was new (added) or existed (removed).
void change_catalog(const call& c, bool trait, bool add, std::string name,
                    std::function<void(const call&, bool fresh)> ok) {
  run_on(
    c, 0,
    [trait, add, name](shard_state& s) -> result<json> {
      const auto& names = trait ? s.custom_traits() : s.custom_resource_classes();
      bool exists = names.contains(name);
      if (add != exists) {
        if (auto st = s.record(catalog_change{trait, add, name}); !st.ok()) {
          return st;
        }
      }
      return json{{"fresh", add != exists}};
    },
    [ok = std::move(ok)](const call& c, json& doc) { ok(c, doc["fresh"].get<bool>()); });
}

void list_names(const call& c, bool trait) {
  gather(
    c,
    [trait](shard_state& s) {
      json out = json::array();
      const auto& ps = s.hosts().placement();
      const auto& table = trait ? ps.traits() : ps.resource_classes();
      for (uint32_t i = 0; i < table.size(); ++i) {
        out.push_back(table.name(i));
      }
      for (const auto& n : trait ? s.custom_traits() : s.custom_resource_classes()) {
        out.push_back(n);
      }
      return out;
    },
    [trait](const call& c, std::vector<json>& shards) {
      std::set<std::string> names;
      if (!trait) {
        for (auto rc : {"VCPU", "MEMORY_MB", "DISK_GB", "PCPU", "PCI_DEVICE", "SRIOV_NET_VF",
                        "IPV4_ADDRESS", "VGPU", "VGPU_DISPLAY_HEAD", "NUMA_SOCKET",
                        "NUMA_CORE", "NUMA_THREAD", "NUMA_MEMORY_MB", "PGPU", "FPGA",
                        "MEM_ENCRYPTION_CONTEXT", "NET_BW_EGR_KILOBIT_PER_SEC",
                        "NET_BW_IGR_KILOBIT_PER_SEC"}) {
          names.insert(rc);
        }
      }
      for (auto& list : shards) {
        for (auto& n : list) {
          names.insert(n.get<std::string>());
        }
      }
      auto filter = c.req.query("name");
      json out = json::array();
      for (const auto& n : names) {
        if (trait && filter) {
          std::string_view f = *filter;
          if (f.rfind("startswith:", 0) == 0 && n.rfind(f.substr(11), 0) != 0) {
            continue;
          }
          if (f.rfind("in:", 0) == 0
              && ("," + std::string{f.substr(3)} + ",").find("," + n + ",")
                   == std::string::npos) {
            continue;
          }
        }
        if (trait) {
          out.push_back(n);
        } else {
          out.push_back({{"name", n},
                         {"links", {{{"rel", "self"},
                                     {"href", "/placement/resource_classes/" + n}}}}});
        }
      }
      c.send(200, {{trait ? "traits" : "resource_classes", out}});
    });
}

/// GET of one name: standard names exist by shape, custom ones if created.
void show_name(const call& c, bool trait) {
  std::string name{c.req.path_param("name")};
  bool valid = trait ? is_valid_trait(name) : is_valid_resource_class(name);
  auto found = [trait, name](const call& c, bool exists) {
    if (!exists) {
      c.fail(404, std::string{trait ? "No such trait(s): " : "No such resource class "}
                    + name);
    } else if (trait) {
      c.send_empty(204);
    } else {
      c.send(200, {{"name", name},
                   {"links", {{{"rel", "self"},
                               {"href", "/placement/resource_classes/" + name}}}}});
    }
  };
  if (!valid || !is_custom(name)) {
    found(c, valid);
    return;
  }
  run_on(
    c, 0,
    [trait, name](shard_state& s) -> result<json> {
      const auto& names = trait ? s.custom_traits() : s.custom_resource_classes();
      return json{{"exists", names.contains(name)}};
    },
    [found](const call& c, json& doc) { found(c, doc["exists"].get<bool>()); });
}

void put_name(const call& c, bool trait) {
  std::string name{c.req.path_param("name")};
  if (!is_custom(name) || !(trait ? is_valid_trait(name) : is_valid_resource_class(name))) {
    c.fail(400, "The " + std::string{trait ? "trait" : "resource class"}
                  + " must start with CUSTOM_ and contain only A-Z, 0-9 and _: " + name);
    return;
  }
  change_catalog(c, trait, true, name, [name, trait](const call& c, bool fresh) {
    if (!fresh) {
      c.send_empty(204);
      return;
    }
    c.send_empty(201, c.ctx->public_url
                        + (trait ? "/placement/traits/" : "/placement/resource_classes/")
                        + name);
  });
}

void delete_name(const call& c, bool trait) {
  std::string name{c.req.path_param("name")};
  if (!is_custom(name)) {
    c.fail(400, "Cannot delete standard " + std::string{trait ? "trait " : "resource class "}
                  + name + ".");
    return;
  }
  change_catalog(c, trait, false, name, [name](const call& c, bool fresh) {
    if (!fresh) {
      c.fail(404, "No such name: " + name);
    } else {
      c.send_empty(204);
    }
  });
}

json names(const symbol_table& table, const std::vector<uint32_t>& ids) {
  json out = json::array();
  for (auto id : ids) {
    out.push_back(table.name(id));
  }
  return out;
}

/// GET/PUT of a provider's traits or aggregates.
void provider_set(const call& c, bool trait, std::optional<json> body) {
  on_provider(
    c,
    [trait, body](shard_state& s, provider_id id) -> result<json> {
      const auto& ps = s.hosts().placement();
      if (body) {
        auto key = trait ? "traits" : "aggregates";
        const json& list = body->is_array() ? *body : (*body)[key];
        auto values = list.get<std::vector<std::string>>();
        auto gen = body->is_array() ? ps.get(id).generation
                                    : (*body)["resource_provider_generation"].get<uint64_t>();
        const auto& uuid = ps.get(id).uuid;
        auto st = trait ? s.record(change{traits_set{uuid, gen, values}})
                        : s.record(change{aggregates_set{uuid, gen, values}});
        if (!st.ok()) {
          return st;
        }
      }
      const auto& p = ps.get(id);
      return json{{trait ? "traits" : "aggregates",
                   trait ? names(ps.traits(), p.traits) : names(ps.aggregates(), p.aggregates)},
                  {"resource_provider_generation", p.generation}};
    },
    [trait](const call& c, json& doc) {
      if (!trait && !c.at_least(19)) {
        doc.erase("resource_provider_generation");
      }
      c.send(200, doc);
    });
}

json set_schema(const call& c, bool trait) {
  auto items = trait ? name_list_schema
                     : json{{"type", "array"},
                            {"items", {{"type", "string"}, {"format", "uuid"}}},
                            {"uniqueItems", true}};
  if (!trait && !c.at_least(19)) {
    return items;
  }
  return {{"type", "object"},
          {"properties",
           {{trait ? "traits" : "aggregates", items},
            {"resource_provider_generation", {{"type", "integer"}}}}},
          {"required", {trait ? "traits" : "aggregates", "resource_provider_generation"}},
          {"additionalProperties", false}};
}

} // namespace

void add_trait_routes(http::router& routes, const api_context& ctx) {
  using http::method;
  for (bool trait : {true, false}) {
    std::string base = trait ? "/traits" : "/resource_classes";
    uint32_t since = trait ? 6 : 2;
    add_route(routes, ctx, method::get, base, since, [trait](call c) { list_names(c, trait); });
    add_route(routes, ctx, method::get, base + "/{name}", since,
              [trait](call c) { show_name(c, trait); });
    add_route(routes, ctx, method::put, base + "/{name}", trait ? 6 : 7,
              [trait](call c) { put_name(c, trait); });
    add_route(routes, ctx, method::delete_, base + "/{name}", since,
              [trait](call c) { delete_name(c, trait); });
    auto of_provider = std::string{"/resource_providers/{uuid}"} + (trait ? "/traits" : "/aggregates");
    add_route(routes, ctx, method::get, of_provider, trait ? 6 : 1,
              [trait](call c) { provider_set(c, trait, std::nullopt); });
    add_route(routes, ctx, method::put, of_provider, trait ? 6 : 1, [trait](call c) {
      if (auto body = c.body(set_schema(c, trait))) {
        provider_set(c, trait, std::move(body));
      }
    });
  }
  add_route(routes, ctx, method::post, "/resource_classes", 2, [](call c) {
    auto body = c.body({{"type", "object"},
                        {"properties", {{"name", {{"type", "string"}}}}},
                        {"required", {"name"}},
                        {"additionalProperties", false}});
    if (!body) {
      return;
    }
    auto name = (*body)["name"].get<std::string>();
    if (!is_custom(name) || !is_valid_resource_class(name)) {
      c.fail(400, "JSON does not validate: resource class names start with CUSTOM_");
      return;
    }
    change_catalog(c, false, true, name, [name](const call& c, bool fresh) {
      if (!fresh) {
        c.fail(409, "Conflicting resource class already exists: " + name);
        return;
      }
      c.send_empty(201, "/placement/resource_classes/" + name);
    });
  });
  add_route(routes, ctx, method::delete_, "/resource_providers/{uuid}/traits", 6, [](call c) {
    on_provider(
      c,
      [](shard_state& s, provider_id id) -> result<json> {
        const auto& p = s.hosts().placement().get(id);
        if (auto st = s.record(change{traits_set{p.uuid, p.generation, {}}}); !st.ok()) {
          return st;
        }
        return json::object();
      },
      [](const call& c, json&) { c.send_empty(204); });
  });
}

} // namespace strato::scheduler::rest
