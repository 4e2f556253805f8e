#pragma once

// A minimal event-sourced entity for the runtime's tests and benchmarks.

#include "runtime/actor/entity.hpp"
#include "strato/testing/v1/counter.pb.h"

namespace strato::testing {

using add_atom = caf::atom_constant<caf::atom("add")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using reset_atom = caf::atom_constant<caf::atom("reset")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using throw_atom = caf::atom_constant<caf::atom("throw")>;
using pin_atom = caf::atom_constant<caf::atom("pin")>;

struct counter {
  using event_type = strato::testing::v1::CounterEvent;
  static constexpr std::string_view kind = "counter";

  int64_t value = 0;
  uint64_t resets = 0;
  bool pinned = false; // Not persisted: a pinned counter refuses passivation.

  void apply(const event_type& ev);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);
  [[nodiscard]] bool passivation_allowed() const {
    return !pinned;
  }
};

/// Commands: (add, amount, request_id) -> value; (get) -> value;
/// (reset) -> value; (crash) quits abnormally; (throw) throws; (pin) -> bool.
caf::message_handler counter_behavior(actor::entity_actor<counter>* self);

} // namespace strato::testing
