// Volume types and their extra specs (/types, /types/{id}/extra_specs).
// Types are admin-managed and rare: their events are appended straight to
// "volume_type/<id>" with the version the catalog last saw, so a concurrent
// change is a 409 rather than a lost update.

#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "actors/volume/entity/volume_entity.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/service/policy.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::volume {

namespace {

status type_not_found(const std::string& id) {
  return {errc::not_found, "Volume type " + id + " could not be found."};
}

std::optional<volume_type_record> find_type(const volume_api& api, const call& c,
                                            const std::string& id_or_name) {
  return api.catalog().read([&](const catalog_contents& cat) -> std::optional<volume_type_record> {
    const auto* t = cat.find_type(id_or_name);
    if (t == nullptr || (!t->is_public && !service::is_admin(c.caller))) {
      return std::nullopt;
    }
    return *t;
  });
}

bool require_admin(const volume_api& api, const call& c) {
  if (service::is_admin(c.caller)) {
    return true;
  }
  api.fail(c, {errc::forbidden,
               "Policy doesn't allow volume_extension:types_manage to be performed."});
  return false;
}

/// Appends `ev` to the type's stream, then answers with `respond()`.
void write_type(const volume_api& api, std::shared_ptr<call> c, const std::string& id,
                uint64_t expected_version, pb::VolumeTypeEvent ev,
                std::function<void(const call&)> respond) {
  ev.set_at_us(now_us());
  store::append_request req{std::string{type_kind} + "/" + id, expected_version, {},
                            c->req.request_id, {}};
  req.events.push_back({ev.GetTypeName(), ev.SerializeAsString()});
  api.services().store->append(std::move(req),
                               [&api, c, respond](result<store::append_result> r) {
                                 if (!r) {
                                   api.fail(*c, r.error());
                                   return;
                                 }
                                 respond(*c);
                               });
}

bool flag(const json& o, const char* key, bool fallback) {
  if (!o.contains(key)) {
    return fallback;
  }
  const auto& v = o[key];
  if (v.is_boolean()) {
    return v.get<bool>();
  }
  auto s = v.get<std::string>();
  return s == "True" || s == "true" || s == "1" || s == "yes" || s == "on" || s == "t" || s == "y";
}

void list_types(const volume_api& api, call& c) {
  auto body = api.catalog().read([&](const catalog_contents& cat) {
    json items = json::array();
    auto public_filter = c.req.query("is_public");
    for (const auto& [id, t] : cat.types) {
      bool admin = service::is_admin(c.caller);
      if (!t.is_public && !admin) {
        continue;
      }
      if (public_filter && admin && (*public_filter == "true" || *public_filter == "True")
          && !t.is_public) {
        continue;
      }
      items.push_back(type_view(c, t));
    }
    return json{{"volume_types", items}};
  });
  api.send(c, 200, body);
}

void show_type(const volume_api& api, call& c) {
  auto id = std::string{c.req.path_param("type_id")};
  if (id == "default") {
    id = std::string{default_type_id};
  }
  auto t = find_type(api, c, id);
  if (!t) {
    api.fail(c, type_not_found(id));
    return;
  }
  api.send(c, 200, {{"volume_type", type_view(c, *t)}});
}

void create_type(const volume_api& api, call& c) {
  if (!require_admin(api, c)) {
    return;
  }
  auto body = api.body(c, schemas().type_create);
  if (!body) {
    return;
  }
  const auto& t = (*body)["volume_type"];
  auto name = t["name"].get<std::string>();
  bool taken = api.catalog().read(
    [&](const catalog_contents& cat) { return cat.find_type(name) != nullptr; });
  if (taken) {
    api.fail(c, {errc::conflict, "Volume Type " + name + " already exists."});
    return;
  }
  pb::VolumeTypeEvent ev;
  auto id = new_uuid();
  auto* created = ev.mutable_created();
  created->set_id(id);
  created->set_name(name);
  if (t.contains("description") && t["description"].is_string()) {
    created->set_description(t["description"].get<std::string>());
  }
  created->set_is_public(flag(t, "os-volume-type-access:is_public", flag(t, "is_public", true)));
  if (t.contains("extra_specs") && t["extra_specs"].is_object()) {
    for (const auto& [k, v] : t["extra_specs"].items()) {
      (*created->mutable_extra_specs())[k] = v.get<std::string>();
    }
  }
  write_type(api, std::make_shared<call>(std::move(c)), id, 0, std::move(ev),
             [&api, id](const call& done) {
               auto t = find_type(api, done, id);
               api.send(done, 200, {{"volume_type", type_view(done, *t)}});
             });
}

/// Runs `change` on an existing, non-default type the admin names.
void change_type(const volume_api& api, call& c,
                 std::function<std::optional<pb::VolumeTypeEvent>(const call&, const volume_type_record&)> change,
                 std::function<void(const call&)> respond) {
  if (!require_admin(api, c)) {
    return;
  }
  auto id = std::string{c.req.path_param("type_id")};
  auto t = find_type(api, c, id);
  if (!t) {
    api.fail(c, type_not_found(id));
    return;
  }
  auto ev = change(c, *t);
  if (!ev) {
    return; // `change` answered.
  }
  write_type(api, std::make_shared<call>(std::move(c)), t->id, t->version, std::move(*ev),
             respond);
}

void update_type(const volume_api& api, call& c) {
  auto body = api.body(c, schemas().type_update);
  if (!body) {
    return;
  }
  auto t = (*body)["volume_type"];
  auto id = std::string{c.req.path_param("type_id")};
  change_type(api, c,
              [&api, t](const call& cc, const volume_type_record&) -> std::optional<pb::VolumeTypeEvent> {
                pb::VolumeTypeEvent ev;
                auto* u = ev.mutable_updated();
                if (t.contains("name") && t["name"].is_string()) {
                  u->set_name(t["name"].get<std::string>());
                }
                if (t.contains("description") && t["description"].is_string()) {
                  u->set_description(t["description"].get<std::string>());
                }
                if (t.contains("is_public")) {
                  u->set_is_public(flag(t, "is_public", true));
                }
                (void)api;
                (void)cc;
                return ev;
              },
              [&api, id](const call& done) {
                auto t = find_type(api, done, id);
                api.send(done, 200, {{"volume_type", type_view(done, *t)}});
              });
}

void delete_type(const volume_api& api, call& c) {
  change_type(api, c,
              [&api](const call& cc, const volume_type_record& t) -> std::optional<pb::VolumeTypeEvent> {
                bool in_use = api.catalog().read([&](const catalog_contents& cat) {
                  for (const auto& [id, v] : cat.volumes) {
                    if (v.volume_type_id == t.id) {
                      return true;
                    }
                  }
                  return false;
                });
                if (t.id == default_type_id) {
                  api.fail(cc, {errc::invalid_argument,
                                "Invalid volume type: Default volume type can not be deleted."});
                  return std::nullopt;
                }
                if (in_use) {
                  api.fail(cc, {errc::invalid_argument,
                                "Invalid volume type: Target volume type is still in use."});
                  return std::nullopt;
                }
                pb::VolumeTypeEvent ev;
                ev.mutable_deleted();
                return ev;
              },
              [&api](const call& done) { api.send_empty(done, 202); });
}

void list_specs(const volume_api& api, call& c) {
  auto id = std::string{c.req.path_param("type_id")};
  auto t = find_type(api, c, id);
  if (!t) {
    api.fail(c, type_not_found(id));
    return;
  }
  auto key = c.req.path_param("key");
  if (!key.empty()) {
    auto it = t->extra_specs.find(std::string{key});
    if (it == t->extra_specs.end()) {
      api.fail(c, {errc::not_found, "Volume Type " + id + " has no extra specs with key "
                                      + std::string{key} + "."});
      return;
    }
    api.send(c, 200, {{it->first, it->second}});
    return;
  }
  api.send(c, 200, {{"extra_specs", t->extra_specs}});
}

void set_specs(const volume_api& api, call& c) {
  auto parsed = api::parse_json_body(c.req.body);
  auto key = std::string{c.req.path_param("key")};
  json specs;
  if (parsed && key.empty()) {
    if (auto st = schemas().extra_specs.validate(*parsed); !st.ok()) {
      api.fail(c, st);
      return;
    }
    specs = (*parsed)["extra_specs"];
  } else if (parsed && parsed->is_object() && parsed->size() == 1 && parsed->contains(key)
             && (*parsed)[key].is_string()) {
    specs = *parsed;
  } else {
    api.fail(c, {errc::invalid_argument, "Malformed request body"});
    return;
  }
  change_type(api, c,
              [specs](const call&, const volume_type_record&) -> std::optional<pb::VolumeTypeEvent> {
                pb::VolumeTypeEvent ev;
                for (const auto& [k, v] : specs.items()) {
                  (*ev.mutable_extra_specs_set()->mutable_extra_specs())[k] = v.get<std::string>();
                }
                return ev;
              },
              [&api, specs, key](const call& done) {
                api.send(done, 200, key.empty() ? json{{"extra_specs", specs}} : specs);
              });
}

void unset_spec(const volume_api& api, call& c) {
  auto key = std::string{c.req.path_param("key")};
  change_type(api, c,
              [&api, key](const call& cc, const volume_type_record& t) -> std::optional<pb::VolumeTypeEvent> {
                if (!t.extra_specs.contains(key)) {
                  api.fail(cc, {errc::not_found, "Volume Type " + t.id
                                                   + " has no extra specs with key " + key + "."});
                  return std::nullopt;
                }
                pb::VolumeTypeEvent ev;
                ev.mutable_extra_spec_unset()->set_key(key);
                return ev;
              },
              [&api](const call& done) { api.send_empty(done, 202); });
}

} // namespace

void volume_api::install_types(http::router& routes) {
  using http::method;
  add(routes, method::get, "/types", [this](call& c) { list_types(*this, c); });
  add(routes, method::post, "/types", [this](call& c) { create_type(*this, c); });
  add(routes, method::get, "/types/{type_id}", [this](call& c) { show_type(*this, c); });
  add(routes, method::put, "/types/{type_id}", [this](call& c) { update_type(*this, c); });
  add(routes, method::delete_, "/types/{type_id}", [this](call& c) { delete_type(*this, c); });
  add(routes, method::get, "/types/{type_id}/extra_specs",
      [this](call& c) { list_specs(*this, c); });
  add(routes, method::post, "/types/{type_id}/extra_specs",
      [this](call& c) { set_specs(*this, c); });
  add(routes, method::get, "/types/{type_id}/extra_specs/{key}",
      [this](call& c) { list_specs(*this, c); });
  add(routes, method::put, "/types/{type_id}/extra_specs/{key}",
      [this](call& c) { set_specs(*this, c); });
  add(routes, method::delete_, "/types/{type_id}/extra_specs/{key}",
      [this](call& c) { unset_spec(*this, c); });
}

} // namespace strato::volume
