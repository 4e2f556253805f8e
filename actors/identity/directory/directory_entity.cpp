#include "actors/identity/directory/directory_entity.hpp"

namespace strato::identity {

void directory_aggregate::attach(const actor::entity_env& env) {
  shared = std::static_pointer_cast<shared_directory>(env.extension);
  // A restarted entity replays its history into the same shared view.
  shared->write([](directory& d) { d.clear(); });
}

void directory_aggregate::apply(const event_type& event) {
  shared->write([&](directory& d) { d.apply(event); });
}

std::string directory_aggregate::snapshot_state() const {
  return shared->read(
    [](const directory& d) { return d.snapshot().SerializeAsString(); });
}

status directory_aggregate::restore(std::string_view state) {
  pb::DirectorySnapshot snap;
  if (!snap.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return {errc::corruption, "the identity directory snapshot is unreadable"};
  }
  shared->write([&](directory& d) { d.restore(snap); });
  return {};
}

namespace {

/// Checks every event against the state the earlier ones leave. A single
/// event is checked in place; a batch needs a scratch copy to apply to.
status check_command(const directory& current, const pb::IdentityCommand& cmd) {
  if (cmd.events().empty()) {
    return {errc::invalid_argument, "an identity command needs events"};
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
directory_behavior(actor::entity_actor<directory_aggregate>* self) {
  return {
    [self](identity_atom, const std::string& bytes,
           std::string& request_id) -> caf::result<uint64_t> {
      pb::IdentityCommand cmd;
      if (!cmd.ParseFromString(bytes)) {
        return actor::to_caf_error(
          status{errc::invalid_argument, "unreadable identity command"});
      }
      auto checked = self->state.model.shared->read(
        [&](const directory& d) { return check_command(d, cmd); });
      if (!checked.ok()) {
        return actor::to_caf_error(checked);
      }
      std::vector<pb::IdentityEvent> events{cmd.events().begin(),
                                            cmd.events().end()};
      return actor::persist(self, std::move(events), std::move(request_id),
                            [self](const directory_aggregate&) {
                              return self->state.version;
                            });
    },
  };
}

} // namespace strato::identity
