#pragma once

/// The image entity: one actor per image (stream "image/<id>") in the image
/// shard region, holding an `image_model`. It answers the public protocol
/// (`image_protocol.hpp`) and the API's own commands:
///
///   (image_command)  -> std::string: the serialized ImageSnapshot after it
///
/// Each command is decided by the model, persisted, applied, then answered;
/// a refused command writes nothing.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "actors/image/model/image_model.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::image {

/// One API command for an image. `op` names it; the other fields are its
/// arguments where it has them.
struct image_command {
  /// "create", "patch", "upload_start", "upload_complete", "upload_fail",
  /// "deactivate", "reactivate", "delete", "member_add", "member_status",
  /// "member_remove".
  std::string op;
  std::string request_id;
  std::string image_id;   ///< the image (routes the command)
  std::string owner;      ///< create
  std::string attributes; ///< create: serialized ImageAttributes
  std::string patch;      ///< patch: the JSON patch document
  std::string upload_id;  ///< upload_*
  std::string member_id;  ///< member_*
  std::string text;       ///< member_status: status; upload_fail: reason
  int64_t size = 0;       ///< upload_complete
  int64_t virtual_size = 0;
  std::string checksum;
  std::string os_hash_value;
  std::string location;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, image_command& x) {
  return f(caf::meta::type_name("strato.image.image_command"), x.op,
           x.request_id, x.image_id, x.owner, x.attributes, x.patch, x.upload_id,
           x.member_id, x.text, x.size, x.virtual_size, x.checksum,
           x.os_hash_value, x.location);
}

/// Runs a closure on an actor thread: how blocking-pool and store threads
/// hand work back to the actor world (they must not spawn or ask).
struct continuation {
  std::function<void()> run;
};

/// The region's entity spawner.
[[nodiscard]] actor::entity_spawner image_entity_spawner(actor::entity_env env);

/// The public "image" actor: forwards the protocol to the region and runs
/// continuations.
[[nodiscard]] caf::actor spawn_image_front(caf::actor_system& sys,
                                           caf::actor region);

} // namespace strato::image

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::image::continuation)
