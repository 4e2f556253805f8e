#pragma once

/// The Neutron registry as an event-sourced entity: stream
/// "neutron/registry", one writer. Every command is a decision function run
/// on the entity's thread against the current registry: its events are
/// persisted in one append and applied, or it is refused and nothing is
/// written. One writer is what makes allocations safe under concurrent
/// requests: two ports asking for addresses are decided one after the
/// other, each against a state that includes the other's allocation.
///
/// Readers (HTTP lists and shows, the "network" actor) read the
/// `shared_registry` under a read lock; the entity applies into it under the
/// write lock once an append is durable, so clients read their writes.
///
/// Protocol: (registry_atom, registry_command, std::string request_id)
///           -> uint64_t stream version after the command

#include <functional>
#include <memory>
#include <shared_mutex>

#include "actors/network/core/registry.hpp"
#include "runtime/actor/entity.hpp"

namespace strato::network {

using registry_atom = caf::atom_constant<caf::atom("nregistry")>;

/// The id of the one registry entity.
inline constexpr std::string_view registry_id = "registry";

class shared_registry {
public:
  explicit shared_registry(segment_ranges ranges) : reg_(std::move(ranges)) {
  }

  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(reg_);
  }

  template <class F>
  void write(F&& f) {
    std::unique_lock lock{mutex_};
    f(reg_);
  }

  /// For the entity, the only writer: reading on its own thread needs no
  /// lock.
  [[nodiscard]] const registry& writer_view() const {
    return reg_;
  }

private:
  mutable std::shared_mutex mutex_;
  registry reg_;
};

/// Decides a change against the registry; runs on the entity's thread.
struct registry_command {
  std::function<result<events>(const registry&)> decide;
};

struct registry_aggregate {
  using event_type = pb::NetworkEvent;
  static constexpr std::string_view kind = "neutron";

  std::shared_ptr<shared_registry> shared;

  void attach(const actor::entity_env& env);
  void apply(const event_type& event);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  /// Every request reads the registry: it stays resident.
  [[nodiscard]] bool passivation_allowed() const {
    return false;
  }
};

caf::message_handler
registry_behavior(actor::entity_actor<registry_aggregate>* self);

[[nodiscard]] actor::entity_spawner
make_registry_spawner(actor::entity_env env);

} // namespace strato::network

// A closure: never leaves the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(strato::network::registry_command)
