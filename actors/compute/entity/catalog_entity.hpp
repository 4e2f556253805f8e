#pragma once

/// The compute catalog (flavors, keypairs, server groups) as one entity,
/// stream "compute/catalog". Commands are `CatalogCommand`s: every event is
/// checked against the state the earlier ones leave, then all are persisted
/// or none. The aggregate publishes into the `shared_catalog` given as the
/// entity extension, so HTTP readers see a change once it is durable.
///
/// Protocol: (catalog_atom, std::string command_bytes, std::string
///            request_id) -> uint64_t stream version after the command

#include <memory>

#include "actors/compute/core/catalog.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::compute {

using catalog_atom = caf::atom_constant<caf::atom("ccatalog")>;

/// The id of the one catalog entity (stream "compute/catalog").
inline constexpr std::string_view catalog_id = "catalog";

struct catalog_aggregate {
  using event_type = pb::CatalogEvent;
  static constexpr std::string_view kind = "compute";

  std::shared_ptr<shared_catalog> shared;

  void attach(const actor::entity_env& env);
  void apply(const event_type& event);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  /// Every flavor read needs it: it stays resident.
  [[nodiscard]] bool passivation_allowed() const {
    return false;
  }
};

caf::message_handler
catalog_behavior(actor::entity_actor<catalog_aggregate>* self);

/// The message for the catalog region that runs `cmd`.
[[nodiscard]] caf::message catalog_command(const pb::CatalogCommand& cmd,
                                           const std::string& request_id);

} // namespace strato::compute
