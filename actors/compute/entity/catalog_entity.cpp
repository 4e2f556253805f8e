#include "actors/compute/entity/catalog_entity.hpp"

namespace strato::compute {

void catalog_aggregate::attach(const actor::entity_env& env) {
  shared = std::static_pointer_cast<shared_catalog>(env.extension);
  // A restarted entity replays its history into the same shared view.
  shared->write([](catalog& c) { c.clear(); });
}

void catalog_aggregate::apply(const event_type& event) {
  shared->write([&](catalog& c) { c.apply(event); });
}

std::string catalog_aggregate::snapshot_state() const {
  return shared->read([](const catalog& c) { return c.snapshot_state(); });
}

status catalog_aggregate::restore(std::string_view state) {
  return shared->write([&](catalog& c) { return c.restore(state); });
}

namespace {

status check_command(const catalog& current, const pb::CatalogCommand& cmd) {
  if (cmd.events().empty()) {
    return {errc::invalid_argument, "a catalog command needs events"};
  }
  if (cmd.events_size() == 1) {
    return current.check(cmd.events(0));
  }
  auto scratch = current;
  for (const auto& event : cmd.events()) {
    if (auto st = scratch.check(event); !st.ok()) {
      return st;
    }
    scratch.apply(event);
  }
  return {};
}

} // namespace

caf::message_handler
catalog_behavior(actor::entity_actor<catalog_aggregate>* self) {
  return {
    [self](catalog_atom, const std::string& bytes,
           std::string& request_id) -> caf::result<uint64_t> {
      pb::CatalogCommand cmd;
      if (!cmd.ParseFromString(bytes)) {
        return actor::to_caf_error(
          status{errc::invalid_argument, "unreadable catalog command"});
      }
      auto checked = self->state.model.shared->read(
        [&](const catalog& c) { return check_command(c, cmd); });
      if (!checked.ok()) {
        return actor::to_caf_error(checked);
      }
      std::vector<pb::CatalogEvent> events{cmd.events().begin(),
                                           cmd.events().end()};
      return actor::persist(self, std::move(events), std::move(request_id),
                            [self](const catalog_aggregate&) {
                              return self->state.version;
                            });
    },
  };
}

caf::message catalog_command(const pb::CatalogCommand& cmd,
                             const std::string& request_id) {
  return caf::make_message(std::string{catalog_id},
                           caf::make_message(catalog_atom::value,
                                             cmd.SerializeAsString(),
                                             request_id));
}

} // namespace strato::compute
