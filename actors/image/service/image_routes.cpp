// Glance v2 image records: create, show, list, update (JSON patch), delete,
// deactivate/reactivate and tags.

#include <nlohmann/json.hpp>

#include "actors/image/model/image_patch.hpp"
#include "actors/image/model/image_view.hpp"
#include "actors/image/service/image_list.hpp"
#include "actors/image/service/image_service.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/http/request_id.hpp"
#include "runtime/service/policy.hpp"

namespace strato::image {

namespace {

using json = nlohmann::json;
using svc_ptr = std::shared_ptr<image_service>;
constexpr std::string_view base = "/image/v2/images";

http::response image_response(int code, const v1::ImageSnapshot& image) {
  auto r = http::response::json(code, image_json(image));
  if (code == 201) {
    r.headers.add("Location", "/v2/images/" + image.id());
  }
  return r;
}

/// Sends `cmd` and answers the image with `code`, or the error.
void command_and_reply(const svc_ptr& svc, image_command cmd,
                       const http::responder& reply, int code) {
  svc->command(std::move(cmd), [reply, code](result<v1::ImageSnapshot> r) {
    if (!r) {
      reply.fail(r.error());
    } else if (code == 204) {
      reply.send(http::response::empty(204));
    } else {
      reply.send(image_response(code, *r));
    }
  });
}

status check_publicize(const identity::auth_context& caller,
                       const v1::ImageAttributes& attrs) {
  if (attrs.visibility() == "public" && !service::is_admin(caller)) {
    return {errc::forbidden,
            "You are not authorized to complete publicize_image action."};
  }
  return {};
}

void create(const svc_ptr& svc, const http::request& req,
            const http::responder& reply, const identity::auth_context& who) {
  if (auto ok = service::require_project_member(who); !ok.ok()) {
    reply.fail(ok);
    return;
  }
  auto body = api::parse_json_body(req.body);
  if (!body) {
    reply.fail(400, "Body expected in request.");
    return;
  }
  auto attrs = attributes_from_create(*body);
  if (!attrs) {
    reply.fail(attrs.error());
    return;
  }
  if (auto ok = check_publicize(who, *attrs); !ok.ok()) {
    reply.fail(ok);
    return;
  }
  image_command cmd;
  cmd.op = "create";
  cmd.request_id = req.request_id;
  cmd.image_id = http::make_uuid4();
  if (auto id = body->find("id"); id != body->end()) {
    if (!id->is_string() || id->get<std::string>().size() != 36) {
      reply.fail(400, "Invalid image id.");
      return;
    }
    cmd.image_id = id->get<std::string>();
    if (svc->catalog->find(cmd.image_id)) {
      reply.fail(409, "Image with identifier " + cmd.image_id
                        + " already exists!");
      return;
    }
  }
  cmd.owner = who.project_id;
  cmd.attributes = attrs->SerializeAsString();
  command_and_reply(svc, std::move(cmd), reply, 201);
}

void update(const svc_ptr& svc, const http::request& req,
            const http::responder& reply, const identity::auth_context& who) {
  auto id = std::string{req.path_param("image_id")};
  auto image = svc->owned_image(id, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  auto type = req.header("Content-Type").value_or("");
  if (type.find("application/openstack-images-v2.1-json-patch") != 0
      && type.find("application/openstack-images-v2.0-json-patch") != 0) {
    reply.fail(415, "Unsupported Content-Type");
    return;
  }
  auto ops = json::parse(req.body, nullptr, false);
  if (ops.is_discarded()) {
    reply.fail(400, "Malformed JSON in request body.");
    return;
  }
  // Checked here too, so that a refused publicize writes nothing.
  auto patched = apply_patch(image->attributes(), ops);
  if (!patched) {
    reply.fail(patched.error());
    return;
  }
  if (patched->visibility() != image->attributes().visibility()) {
    if (auto ok = check_publicize(who, *patched); !ok.ok()) {
      reply.fail(ok);
      return;
    }
  }
  image_command cmd;
  cmd.op = "patch";
  cmd.request_id = req.request_id;
  cmd.image_id = id;
  cmd.patch = req.body;
  command_and_reply(svc, std::move(cmd), reply, 200);
}

/// The image's entity runs `op`; owner (or `admin_only`: admin) required.
void simple_command(const svc_ptr& svc, const http::request& req,
                    const http::responder& reply,
                    const identity::auth_context& who, std::string op,
                    bool admin_only, int code) {
  auto id = std::string{req.path_param("image_id")};
  auto image = svc->owned_image(id, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  if (admin_only && !service::is_admin(who)) {
    reply.fail(403, "You are not authorized to complete " + op
                      + " action.");
    return;
  }
  image_command cmd;
  cmd.op = std::move(op);
  cmd.request_id = req.request_id;
  cmd.image_id = id;
  command_and_reply(svc, std::move(cmd), reply, code);
}

void tag(const svc_ptr& svc, const http::request& req,
         const http::responder& reply, const identity::auth_context& who,
         bool add) {
  auto id = std::string{req.path_param("image_id")};
  auto image = svc->owned_image(id, who);
  if (!image) {
    reply.fail(image.error());
    return;
  }
  auto value = std::string{req.path_param("tag")};
  const auto& tags = image->attributes().tags();
  auto it = std::find(tags.begin(), tags.end(), value);
  if (!add && it == tags.end()) {
    reply.fail(404, "Tag " + value + " not found");
    return;
  }
  if (add && it != tags.end()) {
    reply.send(http::response::empty(204));
    return;
  }
  json op = add ? json{{"op", "add"}, {"path", "/tags/-"}, {"value", value}}
                : json{{"op", "remove"},
                       {"path", "/tags/" + std::to_string(it - tags.begin())}};
  image_command cmd;
  cmd.op = "patch";
  cmd.request_id = req.request_id;
  cmd.image_id = id;
  cmd.patch = json::array({op}).dump();
  command_and_reply(svc, std::move(cmd), reply, 204);
}

using image_handler = void (*)(const svc_ptr&, const http::request&,
                               const http::responder&,
                               const identity::auth_context&);

http::handler with(const svc_ptr& svc, image_handler h) {
  return [svc, h](http::request req, http::responder reply) {
    auto shared = std::make_shared<http::request>(std::move(req));
    svc->with_caller(*shared, reply,
                     [svc, h, shared, reply](const identity::auth_context& who) {
                       h(svc, *shared, reply, who);
                     });
  };
}

} // namespace

void install_image_routes(const svc_ptr& svc, http::router& routes) {
  using http::method;
  auto item = std::string{base} + "/{image_id}";
  routes.add(method::post, base, with(svc, create));
  routes.add(method::get, base, with(svc, list_images));
  routes.add(method::get, item,
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               auto image = s->visible_image(
                 std::string{req.path_param("image_id")}, who);
               if (!image) {
                 reply.fail(image.error());
               } else {
                 reply.send(image_response(200, *image));
               }
             }));
  routes.add(method::patch, item, with(svc, update));
  routes.add(method::delete_, item,
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               simple_command(s, req, reply, who, "delete", false, 204);
             }));
  routes.add(method::post, item + "/actions/deactivate",
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               simple_command(s, req, reply, who, "deactivate", true, 204);
             }));
  routes.add(method::post, item + "/actions/reactivate",
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               simple_command(s, req, reply, who, "reactivate", true, 204);
             }));
  routes.add(method::put, item + "/tags/{tag}",
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               tag(s, req, reply, who, true);
             }));
  routes.add(method::delete_, item + "/tags/{tag}",
             with(svc, [](const svc_ptr& s, const http::request& req,
                          const http::responder& reply,
                          const identity::auth_context& who) {
               tag(s, req, reply, who, false);
             }));
}

} // namespace strato::image
