#include "tests/support/counter_entity.hpp"

#include <stdexcept>

namespace strato::testing {

void counter::apply(const event_type& ev) {
  switch (ev.kind_case()) {
    case event_type::kAdded:
      value += ev.added().amount();
      break;
    case event_type::kReset:
      value = 0;
      ++resets;
      break;
    case event_type::KIND_NOT_SET:
      break;
  }
}

std::string counter::snapshot_state() const {
  v1::CounterState state;
  state.set_value(value);
  state.set_resets(resets);
  return state.SerializeAsString();
}

status counter::restore(std::string_view bytes) {
  v1::CounterState state;
  if (!state.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return {errc::corruption, "bad counter snapshot"};
  }
  value = state.value();
  resets = state.resets();
  return {};
}

namespace {

int64_t current_value(const counter& model) {
  return model.value;
}

} // namespace

caf::message_handler counter_behavior(actor::entity_actor<counter>* self) {
  return {
    [self](add_atom, int64_t amount,
           std::string& request_id) -> caf::result<int64_t> {
      if (amount <= 0) {
        return actor::to_caf_error(errc::invalid_argument,
                                   "amount must be positive");
      }
      counter::event_type ev;
      ev.mutable_added()->set_amount(amount);
      return actor::persist(self, {std::move(ev)}, std::move(request_id),
                            current_value);
    },
    [self](get_atom) { return self->state.model.value; },
    [self](reset_atom) -> caf::result<int64_t> {
      counter::event_type ev;
      ev.mutable_reset()->set_reason("asked");
      return actor::persist(self, {std::move(ev)}, "", current_value);
    },
    [self](crash_atom) {
      self->quit(actor::to_caf_error(errc::unavailable, "crash requested"));
    },
    [](throw_atom) -> int64_t { throw std::runtime_error("boom"); },
    [self](pin_atom) {
      self->state.model.pinned = true;
      return true;
    },
  };
}

} // namespace strato::testing
