#pragma once

/// The "scheduler" actor: the front of the scheduler shards, speaking the
/// protocol of scheduler_protocol.hpp.
///
/// Hosts are partitioned across `shards` shard actors by a stable hash of the
/// host name; each shard decides and claims for its own hosts only, so a
/// claim is checked against exactly the state it was decided on and shards
/// never coordinate. select_destinations goes to one shard (round robin, or
/// by server group so a group's members meet in one shard) and moves on to
/// the next when that shard has no valid host; the "No valid host" answer
/// sums every shard's filter counts. Allocation commands go to every shard
/// and the one holding the consumer acts.
///
/// Besides the protocol it answers, for the Placement REST API:
///   (shard_run_atom, uint32_t target, shard_command) -> caf::message
///       runs the command on shard `target`, or on every shard when target is
///       `every_shard`: the first shard that answers without an error wins;
///       errc::not_found only when every shard says not_found.
///   (shard_gather_atom, shard_command) -> std::vector<std::string>
///       runs a command answering one std::string on every shard.
///   (shard_count_atom) -> uint32_t
///
/// Shards that fail (a failed append) are respawned from their streams.

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <limits>

#include "actors/scheduler/placement/shard_actor.hpp"

namespace strato::scheduler {

using shard_gather_atom = caf::atom_constant<caf::atom("shgather")>;
using shard_count_atom = caf::atom_constant<caf::atom("shcount")>;

inline constexpr uint32_t every_shard = std::numeric_limits<uint32_t>::max();

struct scheduler_options {
  uint32_t shards = 4;
  shard_env env{};
  std::chrono::milliseconds shard_timeout{30000};
};

/// The shard that owns a host (or root provider) of this name.
[[nodiscard]] uint32_t shard_of(std::string_view name, uint32_t shards) noexcept;

[[nodiscard]] caf::actor spawn_scheduler(caf::actor_system& sys,
                                         const scheduler_options& options);

} // namespace strato::scheduler
