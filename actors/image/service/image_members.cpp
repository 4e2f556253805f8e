// Glance v2 image members: the owner shares an image (visibility "shared")
// with other projects, which accept or reject it.

#include <nlohmann/json.hpp>

#include "actors/image/model/image_view.hpp"
#include "actors/image/service/image_service.hpp"
#include "runtime/api/json_body.hpp"

namespace strato::image {

namespace {

using json = nlohmann::json;
using svc_ptr = std::shared_ptr<image_service>;

void send_member(const http::responder& reply, const v1::ImageSnapshot& image,
                 const std::string& member_id) {
  reply.send(http::response::json(200, member_json(image, member_id)));
}

void list_members(const svc_ptr& svc, const http::request& req,
                  const http::responder& reply,
                  const identity::auth_context& who) {
  auto image = svc->visible_image(std::string{req.path_param("image_id")}, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  auto owner = owned_by(*image, viewer_of(who));
  json members = json::array();
  for (const auto& [id, member] : image->members()) {
    if (owner || id == who.project_id) {
      members.push_back(member_json(*image, id));
    }
  }
  reply.send(http::response::json(
    200, {{"members", members}, {"schema", "/v2/schemas/members"}}));
}

void show_member(const svc_ptr& svc, const http::request& req,
                 const http::responder& reply,
                 const identity::auth_context& who) {
  auto image = svc->visible_image(std::string{req.path_param("image_id")}, who);
  auto member = std::string{req.path_param("member_id")};
  if (!image) {
    reply.fail(image.error());
    return;
  }
  if (!image->members().contains(member)
      || (!owned_by(*image, viewer_of(who)) && member != who.project_id)) {
    reply.fail(404, "Member " + member + " not found");
    return;
  }
  send_member(reply, *image, member);
}

/// Runs a member command and answers the member (or 204 when removed).
void member_command(const svc_ptr& svc, image_command cmd,
                    const http::responder& reply) {
  auto member = cmd.member_id;
  auto op = cmd.op;
  svc->command(std::move(cmd), [reply, member, op](
                                 result<v1::ImageSnapshot> image) {
    if (!image) {
      reply.fail(image.error());
    } else if (op == "member_remove") {
      reply.send(http::response::empty(204));
    } else {
      send_member(reply, *image, member);
    }
  });
}

void add_member(const svc_ptr& svc, const http::request& req,
                const http::responder& reply,
                const identity::auth_context& who) {
  auto image = svc->owned_image(std::string{req.path_param("image_id")}, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  auto body = api::parse_json_body(req.body);
  if (!body || !body->is_object() || !body->contains("member")
      || !(*body)["member"].is_string()) {
    reply.fail(400, "Member to be added not specified");
    return;
  }
  image_command cmd;
  cmd.op = "member_add";
  cmd.image_id = image->id();
  cmd.member_id = (*body)["member"].get<std::string>();
  cmd.request_id = req.request_id;
  member_command(svc, std::move(cmd), reply);
}

void update_member(const svc_ptr& svc, const http::request& req,
                   const http::responder& reply,
                   const identity::auth_context& who) {
  auto image = svc->visible_image(std::string{req.path_param("image_id")}, who);
  auto member = std::string{req.path_param("member_id")};
  if (!image) {
    reply.fail(image.error());
    return;
  }
  if (!image->members().contains(member)) {
    reply.fail(404, "Member " + member + " not found");
    return;
  }
  if (member != who.project_id) {
    reply.fail(403, "You are not permitted to modify 'status' on this image "
                    "member.");
    return;
  }
  auto body = api::parse_json_body(req.body);
  if (!body || !body->is_object() || !body->contains("status")
      || !(*body)["status"].is_string()) {
    reply.fail(400, "Status not specified");
    return;
  }
  image_command cmd;
  cmd.op = "member_status";
  cmd.image_id = image->id();
  cmd.member_id = member;
  cmd.text = (*body)["status"].get<std::string>();
  cmd.request_id = req.request_id;
  member_command(svc, std::move(cmd), reply);
}

void remove_member(const svc_ptr& svc, const http::request& req,
                   const http::responder& reply,
                   const identity::auth_context& who) {
  auto image = svc->owned_image(std::string{req.path_param("image_id")}, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  image_command cmd;
  cmd.op = "member_remove";
  cmd.image_id = image->id();
  cmd.member_id = std::string{req.path_param("member_id")};
  cmd.request_id = req.request_id;
  member_command(svc, std::move(cmd), reply);
}

using member_handler = void (*)(const svc_ptr&, const http::request&,
                                const http::responder&,
                                const identity::auth_context&);

http::handler with(const svc_ptr& svc, member_handler h) {
  return [svc, h](http::request req, http::responder reply) {
    auto shared = std::make_shared<http::request>(std::move(req));
    svc->with_caller(*shared, reply,
                     [svc, h, shared, reply](const identity::auth_context& who) {
                       h(svc, *shared, reply, who);
                     });
  };
}

} // namespace

void install_member_routes(const svc_ptr& svc, http::router& routes) {
  using http::method;
  std::string members = "/image/v2/images/{image_id}/members";
  std::string member = members + "/{member_id}";
  routes.add(method::get, members, with(svc, list_members));
  routes.add(method::post, members, with(svc, add_member));
  routes.add(method::get, member, with(svc, show_member));
  routes.add(method::put, member, with(svc, update_member));
  routes.add(method::delete_, member, with(svc, remove_member));
}

} // namespace strato::image
