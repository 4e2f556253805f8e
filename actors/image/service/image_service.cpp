#include "actors/image/service/image_service.hpp"

#include <caf/all.hpp>

#include "runtime/actor/ask.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/service/policy.hpp"

namespace strato::image {

viewer viewer_of(const identity::auth_context& caller) {
  return {caller.project_id, service::is_admin(caller)};
}

void image_service::on_actor(std::function<void()> fn) const {
  caf::anon_send(front, continuation{std::move(fn)});
}

void image_service::with_caller(
  const http::request& req, const http::responder& reply,
  std::function<void(const identity::auth_context&)> fn) const {
  auto caller = context->identity.authenticate(req);
  if (!caller) {
    reply.fail(caller.error());
    return;
  }
  auto position = context->store.last_position();
  catalog->when_caught_up(position, [fn = std::move(fn),
                                     who = std::move(*caller)] { fn(who); });
}

result<v1::ImageSnapshot>
image_service::visible_image(const std::string& id,
                             const identity::auth_context& caller) const {
  auto found = catalog->find(id);
  if (!found || !visible_to(*found, viewer_of(caller))) {
    return status{errc::not_found, "No image found with ID " + id};
  }
  return std::move(*found);
}

result<v1::ImageSnapshot>
image_service::owned_image(const std::string& id,
                           const identity::auth_context& caller) const {
  auto found = visible_image(id, caller);
  if (!found) {
    return found;
  }
  if (!owned_by(*found, viewer_of(caller))) {
    return status{errc::forbidden,
                  "You are not permitted to modify image " + id + "."};
  }
  if (!service::is_admin(caller) && !caller.has_role("member")) {
    return status{errc::forbidden, "Policy doesn't allow modify_image to be "
                                   "performed."};
  }
  return found;
}

void image_service::command(
  image_command cmd,
  std::function<void(result<v1::ImageSnapshot>)> done) const {
  // The id is copied first: argument evaluation order is unspecified, and
  // moving `cmd` into the message must not empty the id we route by.
  auto entity_id = cmd.image_id;
  actor::ask<std::string>(
    context->system, region,
    actor::to_entity(std::move(entity_id), caf::make_message(std::move(cmd))),
    timeout, [done = std::move(done)](result<std::string> bytes) {
      if (!bytes) {
        done(bytes.error());
        return;
      }
      v1::ImageSnapshot record;
      if (!record.ParseFromString(*bytes)) {
        done(status{errc::corruption, "unreadable image record"});
        return;
      }
      done(std::move(record));
    });
}

} // namespace strato::image
