#pragma once

/// A shard region owns the entities of one kind on this node: it activates an
/// entity on the first message for its id, routes messages to it (the entity
/// answers the original requester directly), restarts it from its history
/// when it crashes, parks it as failed when it crashes too often, and
/// passivates entities that were idle for a while so that only the busy ones
/// stay resident.
///
/// Protocol (dynamically typed, process-local):
///   (std::string id, caf::message cmd)  -> whatever the entity answers
///   (stats_atom)                        -> region_stats
///   (failed_atom)                       -> std::vector<std::string> ids
///   (unpark_atom, std::string id)       -> bool: was parked, may run again

#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstdint>
#include <string>

#include "runtime/actor/entity.hpp"

namespace strato::actor {

struct region_options {
  std::string kind;
  entity_spawner spawn;
  /// An entity that received nothing for this long is passivated.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes{5}};
  /// How often the region looks for idle entities.
  std::chrono::milliseconds sweep_interval{std::chrono::seconds{10}};
  /// More than this many crashes within `restart_window` parks the entity.
  size_t max_restarts = 3;
  std::chrono::milliseconds restart_window{std::chrono::seconds{30}};
};

struct region_stats {
  uint64_t active = 0;
  uint64_t activations = 0;
  uint64_t passivations = 0;
  uint64_t restarts = 0;
  uint64_t failed = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, region_stats& x) {
  return f(caf::meta::type_name("strato.region_stats"), x.active,
           x.activations, x.passivations, x.restarts, x.failed);
}

[[nodiscard]] caf::actor spawn_region(caf::actor_system& sys,
                                      region_options options);

/// The message to send a region so that it reaches entity `id`.
template <class... Ts>
caf::message to_entity(Ts&&... xs) {
  return caf::make_message(std::forward<Ts>(xs)...);
}

} // namespace strato::actor
