#pragma once

// What an entity needs to come back to life: its newest snapshot and the
// events after it. Loaded on the blocking pool, handed to the actor as a
// message. No CAF here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::actor {

struct entity_history {
  status outcome;
  std::optional<store::snapshot> snapshot;
  std::vector<store::recorded_event> events;
};

/// Reads the snapshot of `stream` (if any) and every event after it.
[[nodiscard]] entity_history load_history(store::event_store& store,
                                          const std::string& stream);

/// The store's answer to one append, sent back to the entity.
struct persist_outcome {
  uint64_t ticket = 0;
  result<store::append_result> outcome{store::append_result{}};
};

} // namespace strato::actor
