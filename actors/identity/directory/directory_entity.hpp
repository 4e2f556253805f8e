#pragma once

/// The directory as an event-sourced entity: stream "identity/directory",
/// one writer. Commands are `IdentityCommand`s (serialized, so they can cross
/// nodes later): every event in one is checked against the state the earlier
/// ones leave, and either all are persisted or none. The aggregate publishes
/// into the `shared_directory` handed to it as the entity extension, so
/// readers see each change once it is durable.
///
/// Protocol: (identity_atom, std::string command, std::string request_id)
///           -> uint64_t stream version after the command

#include <memory>

#include "actors/identity/directory/directory.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::identity {

using identity_atom = caf::atom_constant<caf::atom("identity")>;

/// The id of the one directory entity.
inline constexpr std::string_view directory_id = "directory";

struct directory_aggregate {
  using event_type = pb::IdentityEvent;
  static constexpr std::string_view kind = "identity";

  std::shared_ptr<shared_directory> shared;

  void attach(const actor::entity_env& env);
  void apply(const event_type& event);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  /// Every request reads the directory: it stays resident.
  [[nodiscard]] bool passivation_allowed() const {
    return false;
  }
};

caf::message_handler
directory_behavior(actor::entity_actor<directory_aggregate>* self);

} // namespace strato::identity
