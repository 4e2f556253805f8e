#pragma once

/// The runtime's message vocabulary: atoms (CAF 0.17 atoms hold at most ten
/// characters) and the process-local types that travel in mailboxes.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>

#include "runtime/actor/entity_history.hpp"

namespace strato::actor {

using loaded_atom = caf::atom_constant<caf::atom("loaded")>;
using persisted_atom = caf::atom_constant<caf::atom("persisted")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using failed_atom = caf::atom_constant<caf::atom("failed")>;
using unpark_atom = caf::atom_constant<caf::atom("unpark")>;
using version_atom = caf::atom_constant<caf::atom("version")>;

} // namespace strato::actor

// Never leave the process: a node-to-node protocol uses inspectable types.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::actor::entity_history)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::actor::persist_outcome)
