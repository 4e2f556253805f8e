// The v3 attachments API (3.27+): POST/GET/PUT/DELETE /attachments and
// POST /attachments/{id}/action os-complete (3.44), on the same attach flow
// as volume_protocol.hpp.

#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

struct found_attachment {
  attachment_record attachment;
  std::string project_id;
};

std::optional<found_attachment> find_attachment(const volume_api& api, const call& c,
                                                const std::string& id) {
  return api.catalog().read([&](const catalog_contents& cat) -> std::optional<found_attachment> {
    for (const auto& [vid, v] : cat.volumes) {
      if (const auto* a = v.find_attachment(id); a != nullptr && visible(c, v.project_id)) {
        return found_attachment{*a, v.project_id};
      }
    }
    return std::nullopt;
  });
}

status attachment_not_found(const std::string& id) {
  return {errc::not_found, "VolumeAttachment " + id + " could not be found."};
}

bool needs_new_attach(const volume_api& api, const call& c) {
  if (c.at_least(27)) {
    return true;
  }
  api.fail(c, {errc::not_found, "The resource could not be found."});
  return false;
}

json connection_info(const volume_connection& conn) {
  return {{"driver_volume_type", conn.driver_volume_type},
          {"data", {{"device_path", conn.path},
                    {"name", conn.path},
                    {"format", conn.format},
                    {"volume_id", conn.volume_id},
                    {"access_mode", "rw"},
                    {"encrypted", false}}},
          {"serial", conn.serial},
          {"attachment_id", conn.attachment_id}};
}

/// Answers the attachment's detail view, with `conn` as its connection_info.
void send_attachment(const volume_api& api, const call& c, const std::string& id,
                     const json& conn, int status = 200) {
  auto found = find_attachment(api, c, id);
  if (!found) {
    api.fail(c, attachment_not_found(id));
    return;
  }
  auto view = attachment_view(found->attachment, true);
  view["connection_info"] = conn;
  api.send(c, status, {{"attachment", view}});
}

void connect(const volume_api& api, std::shared_ptr<call> c, const std::string& volume_id,
             const std::string& attachment_id, const json& connector) {
  auto field = [&](const char* key) {
    return connector.contains(key) && connector[key].is_string() ? connector[key].get<std::string>()
                                                                 : std::string{};
  };
  attach_connect msg{volume_id, attachment_id, field("host"), field("mountpoint"),
                     c->req.request_id};
  api.ask<volume_connection>(api.services().volumes, volume_id, caf::make_message(std::move(msg)),
                             [&api, c, attachment_id](result<volume_connection> r) {
                               if (!r) {
                                 api.fail(*c, r.error());
                                 return;
                               }
                               send_attachment(api, *c, attachment_id, connection_info(*r));
                             });
}

void create_attachment(const volume_api& api, call& c) {
  if (!needs_new_attach(api, c)) {
    return;
  }
  auto body = api.body(c, schemas().attachment_create);
  if (!body) {
    return;
  }
  const auto& a = (*body)["attachment"];
  auto volume_id = a["volume_uuid"].get<std::string>();
  auto owner = api.catalog().read([&](const catalog_contents& cat) {
    auto it = cat.volumes.find(volume_id);
    return it == cat.volumes.end() || !visible(c, it->second.project_id) ? std::string{}
                                                                        : it->second.project_id;
  });
  if (owner.empty()) {
    api.fail(c, volume_not_found(volume_id));
    return;
  }
  if (!service::may_write(c.caller, owner)) {
    api.fail(c, {errc::forbidden, "Policy doesn't allow volume:attachment_create to be performed."});
    return;
  }
  attach_reserve msg{volume_id, a.value("instance_uuid", std::string{}), "", c.req.request_id};
  json connector = a.contains("connector") && a["connector"].is_object() ? a["connector"] : json{};
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<attachment_info>(api.services().volumes, volume_id, caf::make_message(std::move(msg)),
                           [&api, shared, volume_id, connector](result<attachment_info> r) {
                             if (!r) {
                               api.fail(*shared, r.error());
                               return;
                             }
                             if (connector.is_object() && !connector.empty()) {
                               connect(api, shared, volume_id, r->attachment_id, connector);
                               return;
                             }
                             send_attachment(api, *shared, r->attachment_id, nullptr);
                           });
}

void update_attachment(const volume_api& api, call& c) {
  if (!needs_new_attach(api, c)) {
    return;
  }
  auto body = api.body(c, schemas().attachment_update);
  if (!body) {
    return;
  }
  auto id = std::string{c.req.path_param("attachment_id")};
  auto found = find_attachment(api, c, id);
  if (!found) {
    api.fail(c, attachment_not_found(id));
    return;
  }
  connect(api, std::make_shared<call>(std::move(c)), found->attachment.volume_id, id,
          (*body)["attachment"]["connector"]);
}

/// Sends `msg` for the named attachment and answers `respond`.
void attachment_step(const volume_api& api, call& c,
                     std::function<caf::message(const attachment_record&, const std::string&)> make,
                     std::function<void(const call&, const std::string& volume_id)> respond) {
  if (!needs_new_attach(api, c)) {
    return;
  }
  auto id = std::string{c.req.path_param("attachment_id")};
  auto found = find_attachment(api, c, id);
  if (!found) {
    api.fail(c, attachment_not_found(id));
    return;
  }
  auto volume_id = found->attachment.volume_id;
  auto shared = std::make_shared<call>(std::move(c));
  api.ask<attachment_info>(api.services().volumes, volume_id,
                           make(found->attachment, shared->req.request_id),
                           [&api, shared, respond, volume_id](result<attachment_info> r) {
                             if (!r) {
                               api.fail(*shared, r.error());
                               return;
                             }
                             respond(*shared, volume_id);
                           });
}

void complete_attachment(const volume_api& api, call& c) {
  attachment_step(
    api, c,
    [](const attachment_record& a, const std::string& rid) {
      return caf::make_message(attach_complete{a.volume_id, a.id, a.mountpoint, rid});
    },
    [&api](const call& done, const std::string&) { api.send_empty(done, 204); });
}

void delete_attachment(const volume_api& api, call& c) {
  attachment_step(
    api, c,
    [](const attachment_record& a, const std::string& rid) {
      return caf::make_message(detach_complete{a.volume_id, a.id, rid});
    },
    [&api](const call& done, const std::string& volume_id) {
      auto left = api.catalog().read([&](const catalog_contents& cat) {
        json items = json::array();
        if (auto it = cat.volumes.find(volume_id); it != cat.volumes.end()) {
          for (const auto& a : it->second.attachments) {
            items.push_back(attachment_view(a, false));
          }
        }
        return items;
      });
      api.send(done, 200, {{"attachments", left}});
    });
}

void list_attachments(const volume_api& api, call& c, bool detail) {
  if (!needs_new_attach(api, c)) {
    return;
  }
  auto body = api.catalog().read([&](const catalog_contents& cat) {
    json items = json::array();
    bool all = all_projects(c);
    auto volume_filter = c.req.query("volume_id");
    auto instance_filter = c.req.query("instance_id");
    for (const auto& [id, v] : cat.volumes) {
      if (!all && v.project_id != c.caller.project_id) {
        continue;
      }
      for (const auto& a : v.attachments) {
        if ((volume_filter && *volume_filter != v.id)
            || (instance_filter && *instance_filter != a.instance_uuid)) {
          continue;
        }
        items.push_back(attachment_view(a, detail));
      }
    }
    return json{{"attachments", items}};
  });
  api.send(c, 200, body);
}

void show_attachment(const volume_api& api, call& c) {
  if (!needs_new_attach(api, c)) {
    return;
  }
  send_attachment(api, c, std::string{c.req.path_param("attachment_id")}, nullptr);
}

} // namespace

void volume_api::install_attachments(http::router& routes) {
  using http::method;
  add(routes, method::post, "/attachments", [this](call& c) { create_attachment(*this, c); });
  add(routes, method::get, "/attachments", [this](call& c) { list_attachments(*this, c, false); });
  add(routes, method::get, "/attachments/detail",
      [this](call& c) { list_attachments(*this, c, true); });
  add(routes, method::get, "/attachments/{attachment_id}",
      [this](call& c) { show_attachment(*this, c); });
  add(routes, method::put, "/attachments/{attachment_id}",
      [this](call& c) { update_attachment(*this, c); });
  add(routes, method::delete_, "/attachments/{attachment_id}",
      [this](call& c) { delete_attachment(*this, c); });
  add(routes, method::post, "/attachments/{attachment_id}/action",
      [this](call& c) { complete_attachment(*this, c); });
}

} // namespace strato::volume
