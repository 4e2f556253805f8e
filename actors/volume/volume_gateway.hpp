#pragma once

/// The "volume" actor (volume_protocol.hpp): routes the attach flow and
/// lookups to the volume's entity, which answers the requester directly,
/// and runs the creates and deletes compute asks for (boot from volume,
/// delete_on_termination) with the quota steps the API runs around them.

#include <caf/fwd.hpp>

#include <memory>

namespace strato::volume {

struct volume_services;
class volume_catalog;

[[nodiscard]] caf::actor
spawn_volume_gateway(caf::actor_system& sys,
                     std::shared_ptr<volume_services> services,
                     std::shared_ptr<volume_catalog> catalog);

} // namespace strato::volume
