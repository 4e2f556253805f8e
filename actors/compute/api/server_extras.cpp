// Server metadata, tags and instance actions (os-instance-actions, read
// from the server index, which folds them from the event history).

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"

namespace strato::compute {

namespace {

using string_map = std::map<std::string, std::string>;

std::string path(const call& c, std::string_view name) {
  return std::string{*c.req.path_params.get(name)};
}

/// `{"metadata": {...}}` or `{"meta": {key: value}}` as a string map.
std::optional<string_map> items_of(const call& c, const json& body,
                                   const char* key) {
  if (!body.contains(key) || !body[key].is_object()) {
    c.fail({errc::invalid_argument, std::string{"Invalid input for field/"
                                                "attribute "} + key + ". '"
                                      + key + "' is a required property"});
    return std::nullopt;
  }
  string_map out;
  for (const auto& [k, v] : body[key].items()) {
    if (!v.is_string() || k.empty() || k.size() > 255
        || v.get<std::string>().size() > 255) {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                        + std::string{key} + "."});
      return std::nullopt;
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

void change_metadata(const compute_api& self, call& c, bool replace,
                     bool one_key, bool remove) {
  auto id = path(c, "id");
  if (!self.visible_server(c, id)) {
    return;
  }
  string_map items;
  std::string delete_key;
  if (remove) {
    delete_key = path(c, "key");
  } else {
    auto body = body_of(c);
    if (!body) {
      return;
    }
    auto parsed = items_of(c, *body, one_key ? "meta" : "metadata");
    if (!parsed) {
      return;
    }
    items = std::move(*parsed);
    if (one_key && (items.size() != 1 || !items.count(path(c, "key")))) {
      c.fail({errc::invalid_argument, "Request body and URI mismatch"});
      return;
    }
  }
  self.ask_instance<string_map>(
    id,
    caf::make_message(metadata_atom::value, items, replace, delete_key,
                      c.admin(), c.req.request_id),
    [c, one_key, remove, items](result<string_map> r) {
      if (!r) {
        c.fail(r.error());
      } else if (remove) {
        c.send(204, nullptr);
      } else if (one_key) {
        c.send(200, {{"meta", items}});
      } else {
        c.send(200, {{"metadata", *r}});
      }
    });
}

void change_tags(const compute_api& self, call& c, int32_t op,
                 std::vector<std::string> tags, int status, bool echo) {
  auto id = path(c, "id");
  if (!self.visible_server(c, id)) {
    return;
  }
  self.ask_instance<std::vector<std::string>>(
    id, caf::make_message(tags_atom::value, op, std::move(tags),
                          c.req.request_id),
    [c, status, echo](result<std::vector<std::string>> r) {
      if (!r) {
        c.fail(r.error());
      } else {
        c.send(status, echo ? json{{"tags", *r}} : json(nullptr));
      }
    });
}

json action_row(const call& c, const std::string& id, const action_record& a,
                bool with_events) {
  json row{{"action", a.action},
           {"instance_uuid", id},
           {"request_id", a.request_id},
           {"user_id", a.user_id},
           {"project_id", a.project_id},
           {"start_time", iso_time_micro(a.start_us)},
           {"message", a.failed ? json("Error") : json(nullptr)}};
  if (c.at_least(58)) {
    row["updated_at"] = iso_time_micro(a.finish_us != 0 ? a.finish_us
                                                        : a.start_us);
  }
  if (with_events) {
    json ev{{"event", "compute_" + a.action},
            {"start_time", iso_time_micro(a.start_us)},
            {"finish_time", a.finish_us != 0 ? json(iso_time_micro(a.finish_us))
                                             : json(nullptr)},
            {"result", a.finish_us == 0 ? json(nullptr)
                                        : json(a.failed ? "Error" : "Success")},
            {"traceback", nullptr}};
    if (c.at_least(62) && c.admin()) {
      ev["hostId"] = "";
      ev["host"] = "";
    } else if (c.at_least(62)) {
      ev["hostId"] = "";
    }
    if (c.at_least(84) && c.admin()) {
      ev["details"] = a.failed ? json(a.message) : json(nullptr);
    }
    row["events"] = json::array({ev});
  }
  return row;
}

void list_actions(const compute_api& self, call& c) {
  auto id = path(c, "id");
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  json rows = json::array();
  for (auto it = s->actions.rbegin(); it != s->actions.rend(); ++it) {
    rows.push_back(action_row(c, id, *it, false));
  }
  json body{{"instanceActions", rows}};
  if (c.at_least(58)) {
    body["links"] = json::array();
  }
  c.send(200, body);
}

void show_action(const compute_api& self, call& c) {
  auto id = path(c, "id");
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  auto request_id = path(c, "request_id");
  for (const auto& a : s->actions) {
    if (a.request_id == request_id) {
      c.send(200, {{"instanceAction", action_row(c, id, a, true)}});
      return;
    }
  }
  c.fail({errc::not_found, "Action " + request_id + " on instance " + id
                             + " could not be found."});
}

} // namespace

void compute_api::install_server_extras(http::router& routes) const {
  const std::string base = "/compute/v2.1/servers/{id}";
  using http::method;
  routes.add(method::get, base + "/metadata", wrap([this](call& c) {
               if (auto s = visible_server(c, path(c, "id"))) {
                 string_map meta{s->model.created.metadata().begin(),
                                 s->model.created.metadata().end()};
                 c.send(200, {{"metadata", meta}});
               }
             }));
  routes.add(method::get, base + "/metadata/{key}", wrap([this](call& c) {
               auto s = visible_server(c, path(c, "id"));
               if (!s) {
                 return;
               }
               auto key = path(c, "key");
               auto it = s->model.created.metadata().find(key);
               if (it == s->model.created.metadata().end()) {
                 c.fail({errc::not_found, "Metadata item was not found"});
                 return;
               }
               c.send(200, {{"meta", {{key, it->second}}}});
             }));
  routes.add(method::post, base + "/metadata", wrap([this](call& c) {
               change_metadata(*this, c, false, false, false);
             }));
  routes.add(method::put, base + "/metadata", wrap([this](call& c) {
               change_metadata(*this, c, true, false, false);
             }));
  routes.add(method::put, base + "/metadata/{key}", wrap([this](call& c) {
               change_metadata(*this, c, false, true, false);
             }));
  routes.add(method::delete_, base + "/metadata/{key}", wrap([this](call& c) {
               change_metadata(*this, c, false, false, true);
             }));
  routes.add(method::get, base + "/tags", wrap([this](call& c) {
               if (auto s = visible_server(c, path(c, "id"))) {
                 c.send(200, {{"tags", std::vector<std::string>{
                                         s->model.created.tags().begin(),
                                         s->model.created.tags().end()}}});
               }
             }));
  routes.add(method::get, base + "/tags/{tag}", wrap([this](call& c) {
               auto s = visible_server(c, path(c, "id"));
               if (!s) {
                 return;
               }
               const auto& tags = s->model.created.tags();
               if (std::find(tags.begin(), tags.end(), path(c, "tag"))
                   == tags.end()) {
                 c.fail({errc::not_found, "Tag '" + path(c, "tag")
                                            + "' could not be found."});
                 return;
               }
               c.send(204, nullptr);
             }));
  routes.add(method::put, base + "/tags", wrap([this](call& c) {
               auto body = body_of(c);
               if (!body) {
                 return;
               }
               if (!body->contains("tags") || !(*body)["tags"].is_array()) {
                 c.fail({errc::invalid_argument,
                         "Invalid input for field/attribute tags."});
                 return;
               }
               std::vector<std::string> tags;
               for (const auto& t : (*body)["tags"]) {
                 if (!t.is_string()) {
                   c.fail({errc::invalid_argument,
                           "Invalid input for field/attribute tags."});
                   return;
                 }
                 tags.push_back(t.get<std::string>());
               }
               change_tags(*this, c, 0, std::move(tags), 200, true);
             }));
  routes.add(method::put, base + "/tags/{tag}", wrap([this](call& c) {
               change_tags(*this, c, 1, {path(c, "tag")}, 201, false);
             }));
  routes.add(method::delete_, base + "/tags/{tag}", wrap([this](call& c) {
               change_tags(*this, c, 2, {path(c, "tag")}, 204, false);
             }));
  routes.add(method::delete_, base + "/tags", wrap([this](call& c) {
               change_tags(*this, c, 0, {}, 204, false);
             }));
  routes.add(method::get, base + "/os-instance-actions",
             wrap([this](call& c) { list_actions(*this, c); }));
  routes.add(method::get, base + "/os-instance-actions/{request_id}",
             wrap([this](call& c) { show_action(*this, c); }));
}

} // namespace strato::compute
