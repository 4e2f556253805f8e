#include "actors/network/registry_entity.hpp"

namespace strato::network {

void registry_aggregate::attach(const actor::entity_env& env) {
  shared = std::static_pointer_cast<shared_registry>(env.extension);
  // A restarted entity replays its history into the same shared view.
  shared->write([](registry& r) { r.restore(pb::RegistrySnapshot{}); });
}

void registry_aggregate::apply(const event_type& event) {
  shared->write([&](registry& r) { r.apply(event); });
}

std::string registry_aggregate::snapshot_state() const {
  return shared->writer_view().snapshot().SerializeAsString();
}

status registry_aggregate::restore(std::string_view state) {
  pb::RegistrySnapshot snap;
  if (!snap.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return {errc::corruption, "the network registry snapshot is unreadable"};
  }
  shared->write([&](registry& r) { r.restore(snap); });
  return {};
}

caf::message_handler
registry_behavior(actor::entity_actor<registry_aggregate>* self) {
  return {
    [self](registry_atom, registry_command& cmd,
           std::string& request_id) -> caf::result<uint64_t> {
      auto decided = cmd.decide(self->state.model.shared->writer_view());
      if (!decided) {
        return actor::to_caf_error(decided.error());
      }
      if (decided->empty()) {
        return self->state.version;
      }
      return actor::persist(self, std::move(*decided), std::move(request_id),
                            [self](const registry_aggregate&) {
                              return self->state.version;
                            });
    },
  };
}

actor::entity_spawner make_registry_spawner(actor::entity_env env) {
  return actor::make_spawner<registry_aggregate>(std::move(env),
                                                 registry_behavior);
}

} // namespace strato::network
