#include "runtime/actor/entity_history.hpp"

namespace strato::actor {

entity_history load_history(store::event_store& store,
                            const std::string& stream) {
  entity_history out;
  auto snap = store.load_snapshot(stream);
  if (!snap) {
    out.outcome = snap.error();
    return out;
  }
  out.snapshot = std::move(*snap);
  auto from = out.snapshot ? out.snapshot->version + 1 : 1;
  auto events = store.read_stream(stream, from);
  if (!events) {
    out.outcome = events.error();
    return out;
  }
  out.events = std::move(*events);
  return out;
}

} // namespace strato::actor
