#include "actors/compute/core/transition_events.hpp"

namespace strato::compute::internal {

pb::InstanceEvent state_event(std::string vm_state, std::string task_state,
                              int32_t power_state, int64_t now_us) {
  pb::InstanceEvent ev;
  auto* sc = ev.mutable_state_changed();
  sc->set_vm_state(std::move(vm_state));
  sc->set_task_state(std::move(task_state));
  sc->set_power_state(power_state);
  sc->set_at_us(now_us);
  return ev;
}

pb::InstanceEvent next_task(const instance_model& m, std::string task,
                            int64_t now_us) {
  return state_event(m.vm_state, std::move(task), m.power_state, now_us);
}

pb::InstanceEvent next_stage(const instance_model& m, std::string stage,
                             int64_t now_us) {
  auto ev = next_task(m, m.task_state, now_us);
  ev.mutable_state_changed()->set_move_stage(std::move(stage));
  return ev;
}

pb::InstanceEvent finished(const instance_model& m, int64_t now_us,
                           bool failed, std::string message) {
  pb::InstanceEvent ev;
  auto* af = ev.mutable_action_finished();
  af->set_action(m.current_action);
  af->set_request_id(m.current_request_id);
  af->set_failed(failed);
  af->set_message(std::move(message));
  af->set_at_us(now_us);
  return ev;
}

pb::InstanceEvent with_host(pb::InstanceEvent ev, const std::string& host) {
  ev.mutable_state_changed()->set_host(host);
  return ev;
}

std::pair<std::string, int32_t> settled(int32_t power_state) {
  if (power_state == power::shutdown) {
    return {"stopped", power::shutdown};
  }
  return {"active", power_state == power::nostate ? power::running
                                                  : power_state};
}

} // namespace strato::compute::internal
