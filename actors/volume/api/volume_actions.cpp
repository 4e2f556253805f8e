// POST /volumes/{volume_id}/action: os-extend, os-reset_status,
// os-force_delete, os-set_bootable, and the attach flow Nova used before the
// v3 attachments API (os-reserve, os-initialize_connection, os-attach,
// os-begin_detaching, os-detach, os-unreserve, os-terminate_connection).

#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/api/volume_schemas.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

struct action_context {
  const volume_api& api;
  call c;
  std::string volume_id;
  json body;
  volume_record current; ///< As the catalog saw it when the request came.
};

using action_ptr = std::shared_ptr<action_context>;

void reply_202(const action_ptr& a) {
  a->api.send_empty(a->c, 202);
}

template <class Reply>
void send_to_volume(const action_ptr& a, caf::message msg,
                    std::function<void(const action_ptr&, Reply&)> done) {
  a->api.template ask<Reply>(a->api.services().volumes, a->volume_id, std::move(msg),
                             [a, done](result<Reply> r) {
                               if (!r) {
                                 a->api.fail(a->c, r.error());
                                 return;
                               }
                               done(a, *r);
                             });
}

void after_record(const action_ptr& a, volume_record&) {
  reply_202(a);
}

status forbidden(const std::string& rule) {
  return {errc::forbidden, "Policy doesn't allow " + rule + " to be performed."};
}

void extend(const action_ptr& a) {
  if (auto st = schemas().extend.validate(a->body); !st.ok()) {
    a->api.fail(a->c, st);
    return;
  }
  auto size = parse_size(a->body["os-extend"]["new_size"]);
  if (!size) {
    a->api.fail(a->c, size.error());
    return;
  }
  if (*size <= a->current.size_gb) {
    // Let the entity refuse it with Cinder's message; no quota involved.
    volume_extend_cmd cmd{*size, a->c.at_least(42), a->c.req.request_id};
    send_to_volume<volume_record>(a, caf::make_message(std::move(cmd)), after_record);
    return;
  }
  // Cinder reserves the added gigabytes before it extends.
  auto project = a->current.project_id;
  auto delta = static_cast<int64_t>(*size - a->current.size_gb);
  a->api.reserve(project, {{"gigabytes", delta}}, a->c.req.request_id,
                 [a, project, new_size = *size](result<std::string> reservation) {
    if (!reservation) {
      a->api.fail(a->c, reservation.error());
      return;
    }
    volume_extend_cmd cmd{new_size, a->c.at_least(42), a->c.req.request_id};
    a->api.ask<volume_record>(a->api.services().volumes, a->volume_id,
                              caf::make_message(std::move(cmd)),
                              [a, project, res = *reservation](result<volume_record> r) {
                                if (!r) {
                                  a->api.rollback(project, res, a->c.req.request_id);
                                  a->api.fail(a->c, r.error());
                                  return;
                                }
                                a->api.commit(project, res, a->c.req.request_id);
                                reply_202(a);
                              });
  });
}

void reset_status(const action_ptr& a) {
  if (!service::is_admin(a->c.caller)) {
    a->api.fail(a->c, forbidden("volume_extension:volume_admin_actions:reset_status"));
    return;
  }
  if (auto st = schemas().reset_status.validate(a->body); !st.ok()) {
    a->api.fail(a->c, st);
    return;
  }
  const auto& body = a->body["os-reset_status"];
  auto text = body.value("status", std::string{to_string(a->current.status)});
  auto parsed = parse_volume_status(text);
  if (!parsed) {
    a->api.fail(a->c, {errc::invalid_argument,
                       "Invalid input received: Must specify a valid status"});
    return;
  }
  bool detached = body.value("attach_status", std::string{}) == "detached";
  volume_reset_cmd cmd{*parsed, detached, a->c.req.request_id};
  send_to_volume<volume_record>(a, caf::make_message(std::move(cmd)), after_record);
}

void force_delete(const action_ptr& a) {
  if (!service::is_admin(a->c.caller)) {
    a->api.fail(a->c, forbidden("volume_extension:volume_admin_actions:force_delete"));
    return;
  }
  auto snapshots = a->api.catalog().read(
    [&](const catalog_contents& cat) { return cat.snapshots_of(a->volume_id); });
  volume_delete_cmd cmd{snapshots, true, a->c.req.request_id};
  send_to_volume<volume_record>(a, caf::make_message(std::move(cmd)), after_record);
}

void set_bootable(const action_ptr& a) {
  const auto& body = a->body["os-set_bootable"];
  if (!body.is_object() || !body.contains("bootable")) {
    a->api.fail(a->c, {errc::invalid_argument,
                       "Invalid input received: Must specify bootable in request."});
    return;
  }
  update_volume_spec spec;
  const auto& flag = body["bootable"];
  spec.bootable = flag.is_boolean() ? flag.get<bool>()
                                    : (flag.is_string() && (flag == "true" || flag == "True"));
  send_to_volume<volume_record>(
    a, caf::make_message(volume_update_cmd{spec, a->c.req.request_id}),
    [](const action_ptr& done, volume_record&) { done->api.send_empty(done->c, 200); });
}

/// The attachment a legacy action means: the instance's, else the newest
/// one in `wanted` status.
std::string pick_attachment(const volume_record& v, const std::string& instance,
                            std::initializer_list<std::string_view> wanted) {
  std::string found;
  for (const auto& att : v.attachments) {
    if (!instance.empty() && att.instance_uuid == instance) {
      return att.id;
    }
    for (auto w : wanted) {
      if (att.status == w) {
        found = att.id;
      }
    }
  }
  return found;
}

std::string field(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>()
                                                              : std::string{};
}

void reserve(const action_ptr& a) {
  attach_reserve msg{a->volume_id, "", "", a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info&) { reply_202(d); });
}

json connection_json(const volume_connection& conn) {
  return {{"connection_info",
           {{"driver_volume_type", conn.driver_volume_type},
            {"data",
             {{"device_path", conn.path},
              {"name", conn.path},
              {"format", conn.format},
              {"volume_id", conn.volume_id},
              {"attachment_id", conn.attachment_id},
              {"access_mode", "rw"},
              {"encrypted", false},
              {"qos_specs", nullptr}}},
            {"serial", conn.serial}}}};
}

void connect_attachment(const action_ptr& a, const std::string& attachment_id) {
  const auto& connector = a->body["os-initialize_connection"]["connector"];
  attach_connect msg{a->volume_id, attachment_id, field(connector, "host"),
                     field(connector, "mountpoint"), a->c.req.request_id};
  send_to_volume<volume_connection>(
    a, caf::make_message(std::move(msg)), [](const action_ptr& d, volume_connection& conn) {
      d->api.send(d->c, 200, connection_json(conn));
    });
}

void initialize_connection(const action_ptr& a) {
  const auto& body = a->body["os-initialize_connection"];
  if (!body.is_object() || !body.contains("connector") || !body["connector"].is_object()) {
    a->api.fail(a->c, {errc::invalid_argument,
                       "Invalid input received: Must specify 'connector'"});
    return;
  }
  auto att = pick_attachment(a->current, "", {"reserved", "attaching", "attached"});
  if (!att.empty()) {
    connect_attachment(a, att);
    return;
  }
  // Cinder connects an available volume without an earlier reserve.
  attach_reserve msg{a->volume_id, "", "", a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info& info) {
                                    connect_attachment(d, info.attachment_id);
                                  });
}

void attach(const action_ptr& a) {
  const auto& body = a->body["os-attach"];
  auto instance = field(body, "instance_uuid");
  auto att = pick_attachment(a->current, instance, {"reserved", "attaching"});
  if (att.empty()) {
    a->api.fail(a->c, invalid_volume("Volume " + a->volume_id
                                     + " has no reservation to attach; call os-reserve first."));
    return;
  }
  attach_complete msg{a->volume_id, att, field(body, "mountpoint"), a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info&) { reply_202(d); });
}

void begin_detaching(const action_ptr& a) {
  auto att = pick_attachment(a->current, "", {"attached"});
  if (att.empty()) {
    a->api.fail(a->c, invalid_volume("Unable to detach volume. Volume status must be "
                                     "'in-use' and attach_status must be 'attached' "
                                     "to detach."));
    return;
  }
  detach_begin msg{a->volume_id, att, a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info&) { reply_202(d); });
}

void detach(const action_ptr& a) {
  auto att = field(a->body["os-detach"], "attachment_id");
  if (att.empty()) {
    att = pick_attachment(a->current, "", {"detaching", "attached"});
  }
  detach_complete msg{a->volume_id, att, a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info&) { reply_202(d); });
}

void unreserve(const action_ptr& a) {
  auto att = pick_attachment(a->current, "", {"reserved", "attaching"});
  attach_unreserve msg{a->volume_id, att, a->c.req.request_id};
  send_to_volume<attachment_info>(a, caf::make_message(std::move(msg)),
                                  [](const action_ptr& d, attachment_info&) { reply_202(d); });
}

void run_action(const volume_api& api, call& c) {
  auto parsed = api::parse_json_body(c.req.body);
  if (!parsed) {
    api.fail(c, parsed.error());
    return;
  }
  if (!parsed->is_object() || parsed->size() != 1) {
    api.fail(c, {errc::invalid_argument, "Invalid request body"});
    return;
  }
  auto id = std::string{c.req.path_param("volume_id")};
  auto current = api.catalog().read([&](const catalog_contents& cat) -> std::optional<volume_record> {
    auto it = cat.volumes.find(id);
    if (it == cat.volumes.end() || !visible(c, it->second.project_id)) {
      return std::nullopt;
    }
    return it->second;
  });
  if (!current) {
    api.fail(c, volume_not_found(id));
    return;
  }
  if (!service::may_write(c.caller, current->project_id)) {
    api.fail(c, forbidden("volume:update"));
    return;
  }
  auto name = parsed->begin().key();
  auto a = std::make_shared<action_context>(
    action_context{api, std::move(c), id, std::move(*parsed), std::move(*current)});
  static const std::map<std::string, void (*)(const action_ptr&)> actions{
    {"os-extend", extend},
    {"os-reset_status", reset_status},
    {"os-force_delete", force_delete},
    {"os-set_bootable", set_bootable},
    {"os-reserve", reserve},
    {"os-initialize_connection", initialize_connection},
    {"os-attach", attach},
    {"os-begin_detaching", begin_detaching},
    {"os-detach", detach},
    {"os-unreserve", unreserve},
    {"os-terminate_connection", reply_202},
  };
  auto it = actions.find(name);
  if (it == actions.end()) {
    a->c.reply.fail(501, "The volume action " + name
                           + " is not implemented by this Strato node.");
    return;
  }
  it->second(a);
}

} // namespace

void volume_api::install_volume_actions(http::router& routes) {
  add(routes, http::method::post, "/volumes/{volume_id}/action",
      [this](call& c) { run_action(*this, c); });
}

} // namespace strato::volume
