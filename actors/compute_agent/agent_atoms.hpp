#pragma once

/// The agent's messages to itself (not part of its protocol).

#include <caf/atom.hpp>

namespace strato::compute_agent::internal {

/// (done_atom, uint64_t ticket, std::string uuid, caf::message reply)
using done_atom = caf::atom_constant<caf::atom("agdone")>;
/// (health_atom): probe the driver and report to the scheduler.
using health_atom = caf::atom_constant<caf::atom("aghealth")>;
/// (health_atom, bool up, host_inventory)
/// (sync_tick_atom): a periodic power sync.
using sync_tick_atom = caf::atom_constant<caf::atom("agtick")>;

} // namespace strato::compute_agent::internal
