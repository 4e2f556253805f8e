#include "actors/compute/core/moves.hpp"

#include "actors/compute/core/transition_events.hpp"

namespace strato::compute {

namespace {

using namespace internal;

host_step on(std::string op, const std::string& host, bool start = true) {
  host_step step{std::move(op), host, "", false};
  step.start_guest = start;
  return step;
}

/// The undo stages: what the failed step left is taken back.
std::optional<host_step> undo_step(const instance_model& m) {
  const auto& stage = m.move_stage;
  if (stage == "cleanup") {
    return on("abort_boot", m.host);
  }
  if (stage == "rollback_dest") {
    return on("destroy", m.migration_target);
  }
  if (m.task_state == "spawning") {
    return on("offload", m.host); // An unshelve that failed to spawn.
  }
  // Back to the source: its claim is taken back from the target too.
  auto back = m.task_state == "migrating"
                ? on("live_rollback", m.host)
                : on("restore", m.host, m.vm_state == "active");
  back.other_host = m.migration_target;
  return back;
}

std::optional<host_step> live_step(const instance_model& m) {
  if (m.move_stage == "migrate") {
    host_step step{"live_migrate", m.host, m.migration_target, false};
    return step;
  }
  if (m.move_stage == "post") {
    return on("live_post", m.migration_target);
  }
  return on("live_prepare", m.migration_target);
}

bool undoing(const instance_model& m) {
  return m.move_stage == "cleanup" || m.move_stage == "rollback"
         || m.move_stage == "rollback_dest";
}

void add_bound(std::vector<pb::InstanceEvent>& events, const std::string& host,
               const step_outcome& out, int64_t now_us) {
  if (out.bound) {
    events.push_back(bound_event(host, out, now_us));
  }
}

pb::InstanceEvent with_fault(pb::InstanceEvent ev, const std::string& fault) {
  ev.mutable_state_changed()->set_fault(fault);
  return ev;
}

/// What an undo stage records once it is done.
std::vector<pb::InstanceEvent> undone(const instance_model& m,
                                      const step_outcome& out,
                                      int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  const auto& t = m.task_state;
  if (m.move_stage == "cleanup") {
    events.push_back(
      with_fault(state_event("error", "", power::nostate, now_us), m.fault));
  } else if (m.move_stage == "rollback_dest") {
    events.push_back(next_stage(m, "rollback", now_us));
    return events;
  } else if (t == "spawning") {
    add_bound(events, "", out, now_us);
    events.push_back(with_host(
      state_event("shelved_offloaded", "", power::shutdown, now_us), ""));
  } else {
    add_bound(events, m.host, out, now_us);
    auto power = m.power_state;
    if (t != "migrating") {
      power = m.vm_state == "active" ? power::running : power::shutdown;
    }
    auto ev = state_event(m.vm_state, "", power, now_us);
    ev.mutable_state_changed()->set_migration_target("");
    events.push_back(std::move(ev));
  }
  events.push_back(finished(m, now_us, true, m.fault));
  return events;
}

std::vector<pb::InstanceEvent> resized(const instance_model& m,
                                       const step_outcome& out,
                                       int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  add_bound(events, m.migration_target, out, now_us);
  // The recorded power state stays the one before the move: a revert
  // starts the source guest again only if it ran.
  auto ev = state_event("resized", "", m.power_state, now_us);
  auto* sc = ev.mutable_state_changed();
  sc->set_previous_host(m.host);
  sc->set_host(m.migration_target);
  *sc->mutable_old_flavor() = m.flavor;
  if (m.pending.has_new_flavor() && !m.pending.new_flavor().id().empty()) {
    *sc->mutable_flavor() = m.pending.new_flavor();
  }
  events.push_back(std::move(ev));
  events.push_back(finished(m, now_us));
  return events;
}

std::vector<pb::InstanceEvent> reverted(const instance_model& m,
                                        const step_outcome& out,
                                        int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  add_bound(events, m.previous_host, out, now_us);
  auto [vm, pw] = settled(m.power_state);
  auto ev = state_event(vm, "", pw, now_us);
  auto* sc = ev.mutable_state_changed();
  sc->mutable_old_flavor(); // An empty old flavor clears it.
  sc->set_previous_host("");
  sc->set_host(m.previous_host);
  if (m.old_flavor) {
    *sc->mutable_flavor() = *m.old_flavor;
  }
  events.push_back(std::move(ev));
  events.push_back(finished(m, now_us));
  return events;
}

std::vector<pb::InstanceEvent> live_moved(const instance_model& m,
                                          const step_outcome& out,
                                          int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  add_bound(events, m.migration_target, out, now_us);
  if (m.move_stage.empty()) {
    events.push_back(next_stage(m, "migrate", now_us));
  } else if (m.move_stage == "migrate") {
    events.push_back(next_stage(m, "post", now_us));
  } else {
    events.push_back(with_host(
      state_event(m.vm_state, "", m.power_state, now_us), m.migration_target));
    events.push_back(finished(m, now_us));
  }
  return events;
}

/// An error the server cannot be brought back from by itself.
std::vector<pb::InstanceEvent> broken(const instance_model& m,
                                      const std::string& message,
                                      int64_t now_us) {
  auto fault = m.fault.empty() || !undoing(m) ? message : m.fault;
  std::vector<pb::InstanceEvent> events;
  events.push_back(
    with_fault(state_event("error", "", power::nostate, now_us), fault));
  events.push_back(finished(m, now_us, true, fault));
  return events;
}

} // namespace

bool is_move(const instance_model& m) {
  const auto& t = m.task_state;
  return !m.move_stage.empty() || t == "resize_migrating"
         || t == "resize_migrated" || t == "resize_reverting"
         || t == "shelving_offloading"
         || (t == "migrating" && !m.migration_target.empty());
}

bool must_undo(const instance_model& m) {
  if (m.task_state == "deleting") {
    return false; // A failed delete ends in error.
  }
  return m.vm_state == "building"
         || (m.task_state == "spawning" && m.vm_state == "shelved_offloaded");
}

std::optional<host_step> next_move_step(const instance_model& m) {
  const auto& t = m.task_state;
  if (undoing(m)) {
    return undo_step(m);
  }
  if (t == "resize_migrating") {
    return on("migrate_out", m.host);
  }
  if (t == "resize_migrated") {
    return on("resize", m.migration_target, m.vm_state == "active");
  }
  if (t == "resize_reverting") {
    if (m.move_stage == "source") {
      auto back = on("restore", m.previous_host,
                     m.power_state != power::shutdown);
      back.other_host = m.host;
      return back;
    }
    return on("destroy", m.host);
  }
  if (t == "shelving_offloading") {
    return on("offload", m.host);
  }
  if (t == "migrating") {
    return live_step(m);
  }
  return std::nullopt;
}

std::vector<pb::InstanceEvent>
move_step_succeeded(const instance_model& m, const step_outcome& out,
                    int64_t now_us) {
  const auto& t = m.task_state;
  if (undoing(m)) {
    return undone(m, out, now_us);
  }
  std::vector<pb::InstanceEvent> events;
  if (t == "resize_migrating") {
    events.push_back(next_task(m, "resize_migrated", now_us));
  } else if (t == "resize_migrated") {
    return resized(m, out, now_us);
  } else if (t == "resize_reverting" && m.move_stage.empty()) {
    events.push_back(next_stage(m, "source", now_us));
  } else if (t == "resize_reverting") {
    return reverted(m, out, now_us);
  } else if (t == "shelving_offloading") {
    add_bound(events, "", out, now_us);
    events.push_back(with_host(
      state_event("shelved_offloaded", "", power::shutdown, now_us), ""));
    events.push_back(finished(m, now_us));
  } else if (t == "migrating") {
    return live_moved(m, out, now_us);
  }
  return events;
}

std::vector<pb::InstanceEvent>
move_step_failed(const instance_model& m, const std::string& message,
                 int64_t now_us) {
  const auto& t = m.task_state;
  auto undo = [&](std::string stage) {
    return std::vector<pb::InstanceEvent>{
      with_fault(next_stage(m, std::move(stage), now_us), message)};
  };
  if (m.move_stage == "rollback_dest") {
    // The target could not be cleaned; the source is restored all the same.
    return {next_stage(m, "rollback", now_us)};
  }
  if (undoing(m) || t == "resize_reverting"
      || (t == "migrating" && m.move_stage == "post")) {
    auto events = broken(m, message, now_us);
    if (t == "migrating" && m.move_stage == "post") {
      // The guest is on the target already.
      events.front().mutable_state_changed()->set_host(m.migration_target);
    }
    return events;
  }
  if (m.vm_state == "building") {
    return undo("cleanup");
  }
  if (t == "resize_migrated") {
    return undo("rollback_dest");
  }
  if (t == "resize_migrating" || t == "migrating" || t == "spawning") {
    return undo("rollback");
  }
  // shelving_offloading: the guest is off; the server stays where it was.
  std::vector<pb::InstanceEvent> events;
  events.push_back(state_event(m.vm_state, "", m.power_state, now_us));
  events.push_back(finished(m, now_us, true, message));
  return events;
}

pb::InstanceEvent bound_event(const std::string& host, const step_outcome& out,
                              int64_t now_us) {
  pb::InstanceEvent ev;
  auto* b = ev.mutable_resources_bound();
  b->set_host(host);
  for (const auto& port : out.ports) {
    b->add_port_ids(port.port_id());
  }
  for (const auto& id : out.volume_ids) {
    b->add_volume_ids(id);
  }
  b->set_at_us(now_us);
  return ev;
}

} // namespace strato::compute
