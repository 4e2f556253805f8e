// /servers/{id}/os-volume_attachments: Nova's volume attachment API
// (nova/api/openstack/compute/volumes.py VolumeAttachmentController).
// Reads come from the server index; an attach or detach is a command to the
// server's entity, which runs its steps against the volume service and the
// hypervisor (core/volume_attachments.hpp).

#include <cctype>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/volume/volume_protocol.hpp"
#include "runtime/core/ids.hpp"

namespace strato::compute {

namespace {

namespace vol = strato::volume;

constexpr auto lookup_timeout = std::chrono::seconds{30};

std::string path_param(const call& c, std::string_view name) {
  return std::string{*c.req.path_params.get(name)};
}

/// nova/api/openstack/compute/schemas/volumes.py create_volume_attachment,
/// with tag from 2.49 and delete_on_termination from 2.79.
const api::schema& create_schema(bool with_tag, bool with_delete) {
  auto make = [](bool tag, bool del) {
    json props{
      {"volumeId", {{"type", "string"}, {"format", "uuid"}}},
      {"device",
       {{"type", {"string", "null"}},
        {"pattern", "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}}}};
    if (tag) {
      props["tag"] = {{"type", "string"},
                      {"minLength", 1},
                      {"maxLength", 60},
                      {"pattern", "^[^,/]*$"}};
    }
    if (del) {
      props["delete_on_termination"]
        = {{"type", {"boolean", "string"}},
           {"enum", {true,  "True", "TRUE",  "true",  "1",   "ON",  "On",
                     "on",  "YES",  "Yes",   "yes",   false, "False",
                     "FALSE", "false", "0",  "OFF",   "Off", "off", "NO",
                     "No",  "no"}}};
    }
    return compile_schema(
      {{"type", "object"},
       {"properties",
        {{"volumeAttachment",
          {{"type", "object"},
           {"properties", props},
           {"required", {"volumeId"}},
           {"additionalProperties", false}}}}},
       {"required", {"volumeAttachment"}},
       {"additionalProperties", false}});
  };
  static const auto v21 = make(false, false);
  static const auto v249 = make(true, false);
  static const auto v279 = make(true, true);
  return with_delete ? v279 : with_tag ? v249 : v21;
}

/// oslo's bool_from_string over the values the schema admits.
bool truthy(const json& value) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  auto s = value.get<std::string>();
  for (auto& ch : s) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s == "true" || s == "1" || s == "on" || s == "yes";
}

/// _translate_attachment_detail_view.
json attachment_view(const call& c, const std::string& server_id,
                     const pb::VolumeAttachment& v) {
  json out = json::object();
  if (!c.at_least(89)) {
    out["id"] = v.volume_id();
  }
  out["volumeId"] = v.volume_id();
  out["serverId"] = server_id;
  if (!v.device().empty()) {
    out["device"] = v.device();
  }
  if (c.at_least(70)) {
    out["tag"] = v.tag().empty() ? json(nullptr) : json(v.tag());
  }
  if (c.at_least(79)) {
    out["delete_on_termination"] = v.delete_on_termination();
  }
  if (c.at_least(89)) {
    out["attachment_id"] = v.attachment_id().empty()
                             ? json(nullptr)
                             : json(v.attachment_id());
    out["bdm_uuid"] = v.bdm_uuid();
  }
  return out;
}

status not_attached(const std::string& server_id,
                    const std::string& volume_id) {
  return {errc::not_found, "Instance " + server_id
                             + " is not attached to volume " + volume_id};
}

void list(const compute_api& self, const call& c) {
  auto id = path_param(c, "id");
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  json rows = json::array();
  for (const auto& v : s->model.volumes) {
    rows.push_back(attachment_view(c, id, v));
  }
  c.send(200, {{"volumeAttachments", rows}});
}

void show(const compute_api& self, const call& c) {
  auto id = path_param(c, "id");
  auto s = self.visible_server(c, id);
  if (!s) {
    return;
  }
  auto volume_id = path_param(c, "volume_id");
  const auto* v = s->model.find_volume(volume_id);
  if (v == nullptr) {
    c.fail(not_attached(id, volume_id));
    return;
  }
  c.send(200, {{"volumeAttachment", attachment_view(c, id, *v)}});
}

/// Nova's _check_volume_already_attached and the multiattach microversion
/// check, on the volume service's view of the volume.
status check_volume(const call& c, const std::string& server_id,
                    const vol::volume_summary& v) {
  std::string others;
  bool ours = false;
  for (const auto& a : v.attachments) {
    ours = ours || a.instance_uuid == server_id;
    others += (others.empty() ? "" : " ") + a.instance_uuid;
  }
  if (!v.multiattach && !others.empty() && !ours) {
    return {errc::invalid_argument,
            "Invalid volume: volume " + v.id
              + " is already attached to instances: " + others};
  }
  if (v.multiattach && !c.at_least(60)) {
    return {errc::invalid_argument,
            "Multiattach volumes are only supported starting with compute "
            "API version 2.60."};
  }
  return {};
}

void send_attached(const call& c, const std::string& server_id,
                   const volume_attach_request& req, const std::string& device) {
  json out{{"id", req.volume_id},
           {"serverId", server_id},
           {"volumeId", req.volume_id},
           {"device", device}};
  if (c.at_least(70)) {
    out["tag"] = req.tag.empty() ? json(nullptr) : json(req.tag);
  }
  if (c.at_least(79)) {
    out["delete_on_termination"] = req.delete_on_termination;
  }
  c.send(200, {{"volumeAttachment", out}});
}

/// Asks the volume service for `volume_id` as the caller sees it, then
/// `then(summary)`; a 404 is sent when it does not exist.
void lookup_volume(const compute_api& self, const call& c,
                   const std::string& volume_id,
                   std::function<void(vol::volume_summary&)> then) {
  vol::volume_lookup lookup{volume_id,
                            c.admin() ? std::string{} : c.caller.project_id};
  actor::ask<vol::volume_summary>(
    *self.sys, self.volume, caf::make_message(lookup), lookup_timeout,
    [c, then = std::move(then)](result<vol::volume_summary> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      then(*r);
    });
}

bool refuse_without_volumes(const compute_api& self, const call& c) {
  if (!self.volume) {
    c.fail({errc::not_implemented,
            "Volume attachments need the block storage service."});
    return true;
  }
  return false;
}

volume_attach_request attach_request_of(const call& c, const json& in) {
  volume_attach_request req;
  req.volume_id = in["volumeId"].get<std::string>();
  if (in.contains("device") && in["device"].is_string()) {
    req.device = in["device"].get<std::string>();
  }
  if (in.contains("tag")) {
    req.tag = in["tag"].get<std::string>();
  }
  if (in.contains("delete_on_termination")) {
    req.delete_on_termination = truthy(in["delete_on_termination"]);
  }
  req.bdm_uuid = new_uuid();
  req.request_id = c.req.request_id;
  req.user_id = c.caller.user_id;
  req.project_id = c.caller.project_id;
  req.admin = c.admin();
  return req;
}

void attach(const compute_api& self, const call& c) {
  auto id = path_param(c, "id");
  auto s = self.visible_server(c, id);
  if (!s || refuse_without_volumes(self, c)) {
    return;
  }
  auto body = body_of(c);
  if (!body || !valid(c, create_schema(c.at_least(49), c.at_least(79)), *body)) {
    return;
  }
  const auto& vm_state = s->model.vm_state;
  if ((vm_state == "shelved" || vm_state == "shelved_offloaded")
      && !c.at_least(20)) {
    c.fail({errc::invalid_transition, "Cannot 'attach_volume' instance " + id
                                        + " while it is in vm_state "
                                        + vm_state});
    return;
  }
  auto req = attach_request_of(c, (*body)["volumeAttachment"]);
  lookup_volume(self, c, req.volume_id,
                [&self, c, id, req](vol::volume_summary& v) {
                  if (auto st = check_volume(c, id, v); !st.ok()) {
                    c.fail(st);
                    return;
                  }
                  self.ask_instance<std::string>(
                    id, caf::make_message(volume_attach_atom::value, req),
                    [c, id, req](result<std::string> device) {
                      if (!device) {
                        c.fail(device.error());
                        return;
                      }
                      send_attached(c, id, req, *device);
                    });
                });
}

void detach(const compute_api& self, const call& c) {
  auto id = path_param(c, "id");
  auto s = self.visible_server(c, id);
  if (!s || refuse_without_volumes(self, c)) {
    return;
  }
  const auto& vm_state = s->model.vm_state;
  if ((vm_state == "shelved" || vm_state == "shelved_offloaded")
      && !c.at_least(20)) {
    c.fail({errc::invalid_transition, "Cannot 'detach_volume' instance " + id
                                        + " while it is in vm_state "
                                        + vm_state});
    return;
  }
  volume_detach_request req;
  req.volume_id = path_param(c, "volume_id");
  req.request_id = c.req.request_id;
  req.user_id = c.caller.user_id;
  req.project_id = c.caller.project_id;
  req.admin = c.admin();
  lookup_volume(self, c, req.volume_id,
                [&self, c, id, req](vol::volume_summary&) {
                  self.ask_instance<bool>(
                    id, caf::make_message(volume_detach_atom::value, req),
                    [c](result<bool> r) {
                      if (!r) {
                        c.fail(r.error());
                        return;
                      }
                      c.send(202, nullptr);
                    });
                });
}

} // namespace

void compute_api::install_volume_attachments(http::router& routes) const {
  const std::string base = "/compute/v2.1/servers/{id}/os-volume_attachments";
  using http::method;
  routes.add(method::get, base, wrap([this](call& c) { list(*this, c); }));
  routes.add(method::post, base, wrap([this](call& c) { attach(*this, c); }));
  routes.add(method::get, base + "/{volume_id}",
             wrap([this](call& c) { show(*this, c); }));
  routes.add(method::delete_, base + "/{volume_id}",
             wrap([this](call& c) { detach(*this, c); }));
}

} // namespace strato::compute
