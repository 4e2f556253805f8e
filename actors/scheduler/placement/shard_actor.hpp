#pragma once

/// A scheduler shard as an actor: owns one shard_state and its event stream
/// "placement/shard-<n>".
///
///   spawn ──> loading ──(stream read on the blocking pool, replayed)──> ready
///
/// In `ready`, each command is decided and applied at once, and its events
/// are appended with the stream version expected after all earlier appends;
/// the reply goes out when the append is durable. Appends are pipelined (the
/// store commits them in order, grouped), so the shard keeps deciding while
/// earlier claims are being written: a decision may build on a claim not yet
/// durable, which is safe because its own append commits after that claim's,
/// or fails with it. A failed append means memory is ahead of disk: every
/// waiting requester gets the error and the shard quits; its owner respawns
/// it from the stream.
///
/// Messages: the scheduler protocol's (scheduler_protocol.hpp) with these
/// shard-level answers:
///   (select_destinations_atom, destination_request) -> shard_selection
///   (free_allocations_atom, consumer)  -> bool: whether it held any here
///   (move_allocations_atom, from, to)  -> bool, errc::not_found if not here
/// plus `(shard_run_atom, shard_command)` -> caf::message, which runs a
/// function on the state (the Placement REST API's queries and writes).

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "actors/scheduler/placement/shard_state.hpp"
#include "runtime/core/error.hpp"

namespace strato {
class blocking_pool;
namespace store {
class event_store;
} // namespace store
} // namespace strato

namespace strato::scheduler {

using shard_run_atom = caf::atom_constant<caf::atom("shrun")>;

/// A function run on a shard's state. Changes it records are persisted
/// before the returned message (or error) is delivered.
struct shard_command {
  std::function<result<caf::message>(shard_state&)> run;
};

struct shard_env {
  store::event_store* store = nullptr;
  blocking_pool* pool = nullptr;
  scheduler_config config{};
};

[[nodiscard]] std::string shard_stream(uint32_t shard);

[[nodiscard]] caf::actor spawn_shard(caf::actor_system& sys, uint32_t shard,
                                     const shard_env& env);

} // namespace strato::scheduler

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::scheduler::shard_command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::scheduler::shard_selection)
