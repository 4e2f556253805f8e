// Flavors, their extra specs and access lists (Nova's flavors,
// flavor_manage, flavors_extraspecs and flavor_access controllers).

#include <algorithm>

#include "actors/compute/api/compute_api.hpp"
#include "runtime/api/links.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/params.hpp"
#include "runtime/core/ids.hpp"

namespace strato::compute {

namespace {

const json size_param = {{"type", json::array({"integer", "string"})},
                         {"pattern", "^[0-9]+$"},
                         {"minimum", 1},
                         {"maximum", 2147483647}};

json non_negative() {
  auto p = size_param;
  p["minimum"] = 0;
  return p;
}

const api::schema& create_schema() {
  static const auto s = compile_schema(
    {{"type", "object"},
     {"properties",
      {{"flavor",
        {{"type", "object"},
         {"properties",
          {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}},
           {"id",
            {{"type", json::array({"string", "number", "null"})},
             {"minLength", 1},
             {"maxLength", 255},
             {"pattern", "^(?! )[a-zA-Z0-9. _-]+$"}}},
           {"ram", size_param},
           {"vcpus", size_param},
           {"disk", non_negative()},
           {"OS-FLV-EXT-DATA:ephemeral", non_negative()},
           {"swap", non_negative()},
           {"rxtx_factor",
            {{"type", json::array({"number", "string"})},
             {"pattern", "^[0-9]+(\\.[0-9]+)?$"},
             {"exclusiveMinimum", 0}}},
           {"os-flavor-access:is_public",
            {{"type", json::array({"boolean", "string"})}}},
           {"description",
            {{"type", json::array({"string", "null"})},
             {"maxLength", 65535}}}}},
         {"required", json::array({"name", "ram", "vcpus", "disk"})},
         {"additionalProperties", false}}}}},
     {"required", json::array({"flavor"})},
     {"additionalProperties", false}});
  return s;
}

const api::schema& extra_specs_schema() {
  static const auto s = compile_schema(
    {{"type", "object"},
     {"properties",
      {{"extra_specs",
        {{"type", "object"},
         {"patternProperties",
          {{"^[a-zA-Z0-9-_:. ]{1,255}$",
            {{"type", json::array({"string", "number", "boolean"})},
             {"maxLength", 255}}}}},
         {"additionalProperties", false}}}}},
     {"required", json::array({"extra_specs"})},
     {"additionalProperties", false}});
  return s;
}

bool truthy(std::string_view value, bool fallback) {
  auto parsed = api::parse_bool_param("is_public", value);
  return parsed ? *parsed : fallback;
}

int64_t as_int(const json& v) {
  if (v.is_string()) {
    return std::stoll(v.get<std::string>());
  }
  return v.get<int64_t>();
}

std::string spec_value(const json& v) {
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? "True" : "False";
  }
  return v.dump();
}

json extra_specs_json(const pb::Flavor& f) {
  json out = json::object();
  for (const auto& [k, v] : f.extra_specs()) {
    out[k] = v;
  }
  return out;
}

/// Nova's `is_public` list filter: admins see public flavors by default
/// and every flavor with is_public=None; others see what they may use.
bool listed(const call& c, const catalog& cat, const pb::Flavor& f) {
  auto is_public = c.req.query("is_public");
  if (c.admin()) {
    if (is_public && (*is_public == "none" || *is_public == "None")) {
      return true;
    }
    bool want = !is_public || truthy(*is_public, true);
    return f.is_public() == want;
  }
  return cat.flavor_visible(f, c.caller.project_id, false);
}

bool passes_min(const call& c, const pb::Flavor& f) {
  auto min_ram = c.req.query("minRam");
  auto min_disk = c.req.query("minDisk");
  try {
    if (min_ram && f.ram_mb() < std::stoll(std::string{*min_ram})) {
      return false;
    }
    if (min_disk && f.disk_gb() < std::stoll(std::string{*min_disk})) {
      return false;
    }
  } catch (const std::exception&) {
    return true;
  }
  return true;
}

void list_flavors(const compute_api& self, call& c, bool detail) {
  auto limit = api::parse_limit(c.req.query_params, 1000);
  if (!limit) {
    c.fail(limit.error());
    return;
  }
  auto marker = api::parse_marker(c.req.query_params);
  auto rows = self.catalog->read([&](const catalog& cat) {
    std::vector<pb::Flavor> out;
    for (const auto& [id, f] : cat.flavors) {
      if (listed(c, cat, f) && passes_min(c, f)) {
        out.push_back(f);
      }
    }
    return out;
  });
  auto page = api::paginate(rows, [](const pb::Flavor& f) -> const std::string& {
    return f.id();
  }, *limit, marker, 1000);
  if (!page) {
    c.fail(page.error());
    return;
  }
  json items = json::array();
  for (const auto& f : page->items) {
    items.push_back(render_flavor(c, f, detail));
  }
  json body{{"flavors", std::move(items)}};
  if (page->has_more) {
    auto url = api::request_base_url(c.req) + "/compute/v2.1/flavors"
               + (detail ? "/detail" : "");
    body["flavors_links"] = api::nova_links(url, c.req.query_params,
                                            page->items.back().id());
  }
  c.send(200, body);
}

std::optional<pb::Flavor> find_flavor(const compute_api& self, const call& c,
                                      const std::string& id) {
  auto found = self.catalog->read([&](const catalog& cat) {
    const auto* f = cat.flavor(id);
    return f != nullptr && cat.flavor_visible(*f, c.caller.project_id,
                                              c.admin())
             ? std::optional<pb::Flavor>{*f}
             : std::nullopt;
  });
  if (!found) {
    c.fail({errc::not_found, "Flavor " + id + " could not be found."});
  }
  return found;
}

bool require_admin(const call& c) {
  if (!c.admin()) {
    c.fail({errc::forbidden, "Policy doesn't allow os_compute_api:"
                             "os-flavor-manage to be performed."});
    return false;
  }
  return true;
}

void create_flavor(const compute_api& self, call& c) {
  if (!require_admin(c)) {
    return;
  }
  auto body = body_of(c);
  if (!body || !valid(c, create_schema(), *body)) {
    return;
  }
  const auto& in = (*body)["flavor"];
  pb::CatalogCommand cmd;
  auto* f = cmd.add_events()->mutable_flavor_created();
  auto name = in["name"].get<std::string>();
  if (name.find_first_not_of(' ') == std::string::npos
      || name.front() == ' ' || name.back() == ' ') {
    c.fail({errc::invalid_argument,
            "Invalid input for field/attribute name. Value: " + name
              + ". Leading/trailing whitespaces are not allowed"});
    return;
  }
  f->set_name(name);
  auto id = in.contains("id") && !in["id"].is_null()
              ? (in["id"].is_string() ? in["id"].get<std::string>()
                                      : in["id"].dump())
              : new_uuid();
  f->set_id(id);
  f->set_ram_mb(as_int(in["ram"]));
  f->set_vcpus(static_cast<int32_t>(as_int(in["vcpus"])));
  f->set_disk_gb(as_int(in["disk"]));
  f->set_ephemeral_gb(in.contains("OS-FLV-EXT-DATA:ephemeral")
                        ? as_int(in["OS-FLV-EXT-DATA:ephemeral"])
                        : 0);
  f->set_swap_mb(in.contains("swap") ? as_int(in["swap"]) : 0);
  f->set_rxtx_factor(1.0);
  if (in.contains("rxtx_factor")) {
    const auto& r = in["rxtx_factor"];
    f->set_rxtx_factor(r.is_string() ? std::stod(r.get<std::string>())
                                     : r.get<double>());
  }
  f->set_is_public(true);
  if (in.contains("os-flavor-access:is_public")) {
    const auto& p = in["os-flavor-access:is_public"];
    f->set_is_public(p.is_boolean()
                       ? p.get<bool>()
                       : truthy(p.get<std::string>(), true));
  }
  if (in.contains("description") && in["description"].is_string()) {
    if (!c.at_least(55)) {
      c.fail({errc::invalid_argument,
              "Additional properties are not allowed ('description' was "
              "unexpected)"});
      return;
    }
    f->set_description(in["description"].get<std::string>());
  }
  f->set_created_at_us(now_us());
  auto flavor = *f;
  self.write_catalog(cmd, c, [c, flavor] {
    c.send(200, {{"flavor", render_flavor(c, flavor, true)}});
  });
}

void delete_flavor(const compute_api& self, call& c) {
  if (!require_admin(c)) {
    return;
  }
  pb::CatalogCommand cmd;
  cmd.add_events()->mutable_flavor_deleted()->set_id(
    std::string{*c.req.path_params.get("id")});
  self.write_catalog(cmd, c, [c] { c.send(202, nullptr); });
}

void update_flavor(const compute_api& self, call& c) {
  if (!c.at_least(55)) {
    c.fail(404, "The resource could not be found.");
    return;
  }
  if (!require_admin(c)) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  if (!body->contains("flavor") || !(*body)["flavor"].is_object()
      || !(*body)["flavor"].contains("description")) {
    c.fail({errc::invalid_argument,
            "Invalid input for field/attribute flavor. 'description' is a "
            "required property"});
    return;
  }
  const auto& d = (*body)["flavor"]["description"];
  std::string id{*c.req.path_params.get("id")};
  pb::CatalogCommand cmd;
  auto* set = cmd.add_events()->mutable_flavor_description_set();
  set->set_flavor_id(id);
  set->set_description(d.is_string() ? d.get<std::string>() : "");
  self.write_catalog(cmd, c, [&self, c, id] {
    auto f = self.catalog->read([&](const catalog& cat) {
      return *cat.flavor(id);
    });
    c.send(200, {{"flavor", render_flavor(c, f, true)}});
  });
}

void set_extra_specs(const compute_api& self, call& c, bool one_key) {
  if (!require_admin(c)) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  std::string id{*c.req.path_params.get("id")};
  json specs;
  if (one_key) {
    std::string key{*c.req.path_params.get("key")};
    if (body->size() != 1 || !body->contains(key)) {
      c.fail({errc::invalid_argument, "Request body and URI mismatch"});
      return;
    }
    specs = *body;
  } else {
    if (!valid(c, extra_specs_schema(), *body)) {
      return;
    }
    specs = (*body)["extra_specs"];
  }
  pb::CatalogCommand cmd;
  auto* set = cmd.add_events()->mutable_flavor_extra_specs_set();
  set->set_flavor_id(id);
  for (const auto& [k, v] : specs.items()) {
    (*set->mutable_specs())[k] = spec_value(v);
  }
  self.write_catalog(cmd, c, [c, specs, one_key] {
    json out = json::object();
    for (const auto& [k, v] : specs.items()) {
      out[k] = spec_value(v);
    }
    c.send(200, one_key ? out : json{{"extra_specs", out}});
  });
}

void access_action(const compute_api& self, call& c) {
  if (!require_admin(c)) {
    return;
  }
  auto body = body_of(c);
  if (!body) {
    return;
  }
  std::string id{*c.req.path_params.get("id")};
  bool add = body->contains("addTenantAccess");
  const auto& inner = add ? (*body)["addTenantAccess"]
                          : (*body)["removeTenantAccess"];
  if ((!add && !body->contains("removeTenantAccess")) || !inner.is_object()
      || !inner.contains("tenant") || !inner["tenant"].is_string()) {
    c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                    "tenant. 'tenant' is a required property"});
    return;
  }
  pb::CatalogCommand cmd;
  auto* a = cmd.add_events()->mutable_flavor_access_changed();
  a->set_flavor_id(id);
  a->set_project_id(inner["tenant"].get<std::string>());
  a->set_granted(add);
  self.write_catalog(cmd, c, [&self, c, id] {
    json list = json::array();
    self.catalog->read([&](const catalog& cat) {
      if (auto it = cat.flavor_access.find(id); it != cat.flavor_access.end()) {
        for (const auto& p : it->second) {
          list.push_back({{"flavor_id", id}, {"tenant_id", p}});
        }
      }
      return 0;
    });
    c.send(200, {{"flavor_access", list}});
  });
}

} // namespace

json render_flavor(const call& c, const pb::Flavor& f, bool detail) {
  json out{{"id", f.id()},
           {"name", f.name()},
           {"links", resource_links(c.req, "flavors", f.id())}};
  if (c.at_least(55)) {
    out["description"] = f.description().empty() ? json(nullptr)
                                                 : json(f.description());
  }
  if (!detail) {
    return out;
  }
  out["ram"] = f.ram_mb();
  out["disk"] = f.disk_gb();
  out["swap"] = c.at_least(75) || f.swap_mb() != 0 ? json(f.swap_mb())
                                                   : json("");
  out["OS-FLV-EXT-DATA:ephemeral"] = f.ephemeral_gb();
  out["OS-FLV-DISABLED:disabled"] = f.disabled();
  out["vcpus"] = f.vcpus();
  out["os-flavor-access:is_public"] = f.is_public();
  out["rxtx_factor"] = f.rxtx_factor();
  if (c.at_least(61)) {
    out["extra_specs"] = extra_specs_json(f);
  }
  return out;
}

void compute_api::install_flavors(http::router& routes) const {
  const std::string base = "/compute/v2.1/flavors";
  using http::method;
  routes.add(method::get, base,
             wrap([this](call& c) { list_flavors(*this, c, false); }));
  routes.add(method::get, base + "/detail",
             wrap([this](call& c) { list_flavors(*this, c, true); }));
  routes.add(method::post, base,
             wrap([this](call& c) { create_flavor(*this, c); }));
  routes.add(method::get, base + "/{id}", wrap([this](call& c) {
               if (auto f = find_flavor(*this, c,
                                        std::string{*c.req.path_params.get("id")})) {
                 c.send(200, {{"flavor", render_flavor(c, *f, true)}});
               }
             }));
  routes.add(method::put, base + "/{id}",
             wrap([this](call& c) { update_flavor(*this, c); }));
  routes.add(method::delete_, base + "/{id}",
             wrap([this](call& c) { delete_flavor(*this, c); }));
  routes.add(method::get, base + "/{id}/os-extra_specs", wrap([this](call& c) {
               if (auto f = find_flavor(*this, c,
                                        std::string{*c.req.path_params.get("id")})) {
                 c.send(200, {{"extra_specs", extra_specs_json(*f)}});
               }
             }));
  routes.add(method::post, base + "/{id}/os-extra_specs",
             wrap([this](call& c) { set_extra_specs(*this, c, false); }));
  routes.add(method::get, base + "/{id}/os-extra_specs/{key}",
             wrap([this](call& c) {
               auto f = find_flavor(*this, c,
                                    std::string{*c.req.path_params.get("id")});
               if (!f) {
                 return;
               }
               std::string key{*c.req.path_params.get("key")};
               auto it = f->extra_specs().find(key);
               if (it == f->extra_specs().end()) {
                 c.fail({errc::not_found, "Flavor " + f->id()
                                            + " has no extra specs with key "
                                            + key + "."});
                 return;
               }
               c.send(200, {{key, it->second}});
             }));
  routes.add(method::put, base + "/{id}/os-extra_specs/{key}",
             wrap([this](call& c) { set_extra_specs(*this, c, true); }));
  routes.add(method::delete_, base + "/{id}/os-extra_specs/{key}",
             wrap([this](call& c) {
               if (!require_admin(c)) {
                 return;
               }
               pb::CatalogCommand cmd;
               auto* d = cmd.add_events()->mutable_flavor_extra_spec_deleted();
               d->set_flavor_id(std::string{*c.req.path_params.get("id")});
               d->set_key(std::string{*c.req.path_params.get("key")});
               write_catalog(cmd, c, [c] { c.send(200, nullptr); });
             }));
  routes.add(method::get, base + "/{id}/os-flavor-access",
             wrap([this](call& c) {
               std::string id{*c.req.path_params.get("id")};
               auto f = find_flavor(*this, c, id);
               if (!f) {
                 return;
               }
               if (f->is_public()) {
                 c.fail({errc::not_found,
                         "Access list not available for public flavors."});
                 return;
               }
               json list = json::array();
               catalog->read([&](const struct catalog& cat) {
                 if (auto it = cat.flavor_access.find(id);
                     it != cat.flavor_access.end()) {
                   for (const auto& p : it->second) {
                     list.push_back({{"flavor_id", id}, {"tenant_id", p}});
                   }
                 }
                 return 0;
               });
               c.send(200, {{"flavor_access", list}});
             }));
  routes.add(method::post, base + "/{id}/action",
             wrap([this](call& c) { access_action(*this, c); }));
}

} // namespace strato::compute
