#include "actors/compute/core/transitions.hpp"

#include <algorithm>
#include <initializer_list>

namespace strato::compute {

namespace {

using names = std::initializer_list<std::string_view>;

/// Which task states an action accepts: only None (Nova's default), any, or
/// a list.
enum class task_rule : uint8_t { none_only, any, listed };

struct action_rule {
  action_kind kind;
  std::string_view api;
  std::string_view record;
  names vm_states; ///< Empty: any vm_state.
  task_rule tasks;
  names task_states; ///< For task_rule::listed ("" is None).
  bool must_have_launched;
  bool checks_lock;
  std::string_view first_task; ///< "" for actions without a task.
};

constexpr names any_vm{};

// nova/compute/api.py decorators, nova/compute/{vm,task}_states.py.
const action_rule rules[] = {
  {action_kind::start, "start", "start", {"stopped"}, task_rule::none_only,
   {}, true, true, "powering-on"},
  {action_kind::stop, "stop", "stop", {"active", "error"},
   task_rule::none_only, {}, true, true, "powering-off"},
  {action_kind::reboot, "reboot", "reboot", {"active"}, task_rule::none_only,
   {}, true, true, "rebooting"},
  {action_kind::reboot_hard, "reboot", "reboot",
   {"active", "stopped", "paused", "suspended", "error"}, task_rule::listed,
   {"", "rebooting", "reboot_pending", "reboot_started", "resuming",
    "rebooting_hard", "unpausing", "pausing", "suspending"},
   true, true, "rebooting_hard"},
  {action_kind::pause, "pause", "pause", {"active"}, task_rule::none_only, {},
   true, true, "pausing"},
  {action_kind::unpause, "unpause", "unpause", {"paused"},
   task_rule::none_only, {}, true, true, "unpausing"},
  {action_kind::suspend, "suspend", "suspend", {"active"},
   task_rule::none_only, {}, true, true, "suspending"},
  {action_kind::resume, "resume", "resume", {"suspended"},
   task_rule::none_only, {}, true, true, "resuming"},
  {action_kind::rebuild, "rebuild", "rebuild", {"active", "stopped", "error"},
   task_rule::none_only, {}, true, true, "rebuilding"},
  {action_kind::resize, "resize", "resize", {"active", "stopped"},
   task_rule::none_only, {}, true, true, "resize_prep"},
  {action_kind::confirm_resize, "confirmResize", "confirmResize",
   {"resized"}, task_rule::none_only, {}, true, true, "resize_confirming"},
  {action_kind::revert_resize, "revertResize", "revertResize", {"resized"},
   task_rule::none_only, {}, true, true, "resize_reverting"},
  {action_kind::migrate, "migrate", "migrate", {"active", "stopped"},
   task_rule::none_only, {}, true, true, "resize_prep"},
  {action_kind::live_migrate, "os-migrateLive", "live-migration",
   {"active", "paused"}, task_rule::none_only, {}, true, true, "migrating"},
  {action_kind::shelve, "shelve", "shelve",
   {"active", "stopped", "paused", "suspended"}, task_rule::none_only, {},
   true, true, "shelving"},
  {action_kind::shelve_offload, "shelveOffload", "shelveOffload",
   {"shelved"}, task_rule::none_only, {}, true, true, "shelving_offloading"},
  {action_kind::unshelve, "unshelve", "unshelve",
   {"shelved", "shelved_offloaded"}, task_rule::none_only, {}, true, true,
   "unshelving"},
  {action_kind::lock, "lock", "lock", any_vm, task_rule::any, {}, false,
   false, ""},
  {action_kind::unlock, "unlock", "unlock", any_vm, task_rule::any, {},
   false, false, ""},
  {action_kind::delete_, "delete", "delete", any_vm, task_rule::any, {},
   false, true, "deleting"},
  {action_kind::force_delete, "forceDelete", "forceDelete", any_vm,
   task_rule::any, {}, false, false, "deleting"},
  {action_kind::update_metadata, "update_metadata", "update_metadata",
   {"active", "paused", "suspended", "stopped"}, task_rule::none_only, {},
   true, true, ""},
  // Nova runs these without a task_state; ours is set so that a crash
  // between the port and the hypervisor resumes the step.
  {action_kind::interface_attach, "attach_interface", "attach_interface",
   {"active", "paused", "stopped"}, task_rule::none_only, {}, false, true,
   "interface_attaching"},
  {action_kind::interface_detach, "detach_interface", "detach_interface",
   {"active", "paused", "stopped"}, task_rule::none_only, {}, false, true,
   "interface_detaching"},
  // Nova's evacuate checks no lock: an operator rescues the server.
  {action_kind::evacuate, "evacuate", "evacuate",
   {"active", "stopped", "error"}, task_rule::none_only, {}, true, false,
   "rebuilding"},
};

/// An evacuation's "rebuilding" picks a new host: the old one is down, so
/// nothing is destroyed there (its node cleans up when it returns).
bool evacuating(const instance_model& m) {
  return m.pending.action() == "evacuate";
}

const action_rule& rule_of(action_kind kind) {
  for (const auto& r : rules) {
    if (r.kind == kind) {
      return r;
    }
  }
  return rules[0]; // Unreachable: every kind has a row.
}

bool contains(names list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string python_repr(std::string_view task_state) {
  return task_state.empty() ? "None" : std::string{task_state};
}

status invalid_state(const instance_model& m, const action_rule& r,
                     std::string_view attr, const std::string& state) {
  return {errc::invalid_transition,
          "Cannot '" + std::string{r.api} + "' instance " + m.id()
            + " while it is in " + std::string{attr} + " " + state};
}

pb::InstanceEvent state_event(const instance_model& m, std::string vm_state,
                              std::string task_state, int32_t power_state,
                              int64_t now_us) {
  pb::InstanceEvent ev;
  auto* sc = ev.mutable_state_changed();
  sc->set_vm_state(std::move(vm_state));
  sc->set_task_state(std::move(task_state));
  sc->set_power_state(power_state);
  sc->set_at_us(now_us);
  (void)m;
  return ev;
}

/// The same vm_state and power, another task_state.
pb::InstanceEvent next_task(const instance_model& m, std::string task,
                            int64_t now_us) {
  return state_event(m, m.vm_state, std::move(task), m.power_state, now_us);
}

pb::InstanceEvent finished(const instance_model& m, int64_t now_us,
                           bool failed = false, std::string message = {}) {
  pb::InstanceEvent ev;
  auto* af = ev.mutable_action_finished();
  af->set_action(m.current_action);
  af->set_request_id(m.current_request_id);
  af->set_failed(failed);
  af->set_message(std::move(message));
  af->set_at_us(now_us);
  return ev;
}

int32_t or_default(int32_t reported, int32_t fallback) {
  return reported != power::nostate ? reported : fallback;
}

/// Running servers end an operation active, powered-off ones stopped.
std::pair<std::string, int32_t> settled(int32_t power_state) {
  if (power_state == power::shutdown) {
    return {"stopped", power::shutdown};
  }
  return {"active", power_state == power::nostate ? power::running
                                                  : power_state};
}

} // namespace

std::string_view api_name(action_kind kind) {
  return rule_of(kind).api;
}

std::string_view record_name(action_kind kind) {
  return rule_of(kind).record;
}

status check_action(const instance_model& m, action_kind kind, bool admin) {
  const auto& r = rule_of(kind);
  if (r.checks_lock && m.locked && !admin) {
    return {errc::invalid_transition, "Instance " + m.id() + " is locked"};
  }
  if (r.vm_states.size() != 0 && !contains(r.vm_states, m.vm_state)) {
    return invalid_state(m, r, "vm_state", m.vm_state);
  }
  bool task_ok = r.tasks == task_rule::any
                 || (r.tasks == task_rule::none_only && m.task_state.empty())
                 || (r.tasks == task_rule::listed
                     && contains(r.task_states, m.task_state));
  if (!task_ok) {
    return invalid_state(m, r, "task_state", python_repr(m.task_state));
  }
  if (r.must_have_launched && m.launched_at_us == 0) {
    return invalid_state(m, r, "launched_at", "None");
  }
  return {};
}

result<std::vector<pb::InstanceEvent>>
begin_action(const instance_model& m, const action_request& req) {
  if (auto st = check_action(m, req.kind, req.admin); !st.ok()) {
    return st;
  }
  const auto& r = rule_of(req.kind);
  std::vector<pb::InstanceEvent> events;
  pb::InstanceEvent started;
  auto* as = started.mutable_action_started();
  as->set_action(std::string{r.record});
  as->set_request_id(req.request_id);
  as->set_user_id(req.user_id);
  as->set_project_id(req.project_id);
  as->set_at_us(req.now_us);
  if (req.kind == action_kind::resize) {
    *as->mutable_new_flavor() = req.new_flavor;
  }
  as->set_image_id(req.image_id);
  as->set_target_host(req.target_host);
  as->set_hard(req.kind == action_kind::reboot_hard);
  if (req.kind == action_kind::interface_attach
      || req.kind == action_kind::interface_detach) {
    *as->mutable_interface() = req.interface;
  }
  events.push_back(std::move(started));
  if (req.kind == action_kind::lock || req.kind == action_kind::unlock) {
    pb::InstanceEvent lock;
    auto* lc = lock.mutable_lock_changed();
    lc->set_locked(req.kind == action_kind::lock);
    lc->set_reason(req.lock_reason);
    lc->set_by(req.admin ? "admin" : "owner");
    lc->set_at_us(req.now_us);
    events.push_back(std::move(lock));
    pb::InstanceEvent done;
    auto* af = done.mutable_action_finished();
    af->set_action(std::string{r.record});
    af->set_request_id(req.request_id);
    af->set_at_us(req.now_us);
    events.push_back(std::move(done));
    return events;
  }
  events.push_back(next_task(m, std::string{r.first_task}, req.now_us));
  return events;
}

std::vector<pb::InstanceEvent>
begin_create(const pb::InstanceCreated& created,
             const std::string& request_id) {
  std::vector<pb::InstanceEvent> events(2);
  *events[0].mutable_created() = created;
  auto* as = events[1].mutable_action_started();
  as->set_action("create");
  as->set_request_id(request_id);
  as->set_user_id(created.user_id());
  as->set_project_id(created.project_id());
  as->set_at_us(created.created_at_us());
  return events;
}

bool needs_networking(const instance_model& m) {
  return m.vm_state == "building"
         && m.created.requested_networks_size() > 0;
}

std::optional<host_step> next_step(const instance_model& m) {
  const auto& t = m.task_state;
  if (t.empty()) {
    return std::nullopt;
  }
  const auto& p = m.pending;
  if (t == "scheduling" || t == "unshelving") {
    return host_step{"pick", "", "", false};
  }
  if (t == "networking") {
    return host_step{"networking", m.host, "", false};
  }
  if (t == "interface_attaching") {
    return host_step{"attach_port", m.host, "", false};
  }
  if (t == "interface_detaching") {
    return host_step{"detach_port", m.host, "", false};
  }
  if (t == "spawning") {
    return host_step{"spawn", m.host, "", false};
  }
  if (t == "powering-on") {
    return host_step{"power_on", m.host, "", false};
  }
  if (t == "powering-off" || t == "shelving") {
    return host_step{"power_off", m.host, "", false};
  }
  if (t == "rebooting" || t == "rebooting_hard") {
    return host_step{"reboot", m.host, "", t == "rebooting_hard"};
  }
  if (t == "pausing" || t == "unpausing" || t == "suspending"
      || t == "resuming") {
    static const std::pair<std::string_view, std::string_view> ops[] = {
      {"pausing", "pause"},
      {"unpausing", "unpause"},
      {"suspending", "suspend"},
      {"resuming", "resume"}};
    for (auto [task, op] : ops) {
      if (task == t) {
        return host_step{std::string{op}, m.host, "", false};
      }
    }
  }
  if (t == "rebuilding" && evacuating(m)) {
    if (!p.target_host().empty()) {
      return host_step{"check_host", p.target_host(), m.host, false};
    }
    return host_step{"pick", "", m.host, false};
  }
  if (t == "rebuilding") {
    return host_step{"destroy", m.host, "", false};
  }
  if (t == "rebuild_spawning") {
    return host_step{"spawn", m.host, "", false};
  }
  if (t == "resize_prep" || (t == "migrating" && m.migration_target.empty())) {
    if (!p.target_host().empty()) {
      return host_step{"check_host", p.target_host(), m.host, false};
    }
    return host_step{"pick", "", m.host, false};
  }
  if (t == "resize_migrating") {
    return host_step{"resize", m.migration_target, "", false};
  }
  if (t == "migrating") {
    return host_step{"live_migrate", m.host, m.migration_target, false};
  }
  if (t == "resize_confirming") {
    return host_step{"destroy", m.previous_host, "", false};
  }
  if (t == "resize_reverting") {
    return host_step{"destroy", m.host, "", false};
  }
  if (t == "shelving_offloading" || t == "deleting") {
    // "delete" also frees the server's claim on its host.
    return host_step{"delete", m.host, "", false};
  }
  return std::nullopt;
}

namespace {

pb::InstanceEvent with_host(pb::InstanceEvent ev, const std::string& host) {
  ev.mutable_state_changed()->set_host(host);
  return ev;
}

} // namespace

std::vector<pb::InstanceEvent>
step_succeeded(const instance_model& m, const step_outcome& out,
               int64_t now_us) {
  const auto& t = m.task_state;
  std::vector<pb::InstanceEvent> events;
  auto finish = [&](pb::InstanceEvent last) {
    events.push_back(std::move(last));
    events.push_back(finished(m, now_us));
  };
  if (t == "scheduling" && needs_networking(m)) {
    events.push_back(with_host(next_task(m, "networking", now_us), out.host));
  } else if (t == "scheduling" || t == "unshelving") {
    events.push_back(with_host(next_task(m, "spawning", now_us), out.host));
  } else if (t == "networking") {
    pb::InstanceEvent allocated;
    auto* pa = allocated.mutable_ports_allocated();
    for (const auto& port : out.ports) {
      *pa->add_ports() = port;
    }
    pa->set_at_us(now_us);
    events.push_back(std::move(allocated));
    events.push_back(next_task(m, "spawning", now_us));
  } else if (t == "spawning" || t == "rebuild_spawning") {
    auto [vm, pw] = t == "rebuild_spawning" && m.vm_state == "stopped"
                      ? std::pair<std::string, int32_t>{"stopped",
                                                        power::shutdown}
                      : std::pair<std::string, int32_t>{"active",
                                                        power::running};
    auto ev = state_event(m, vm, "", or_default(out.power_state, pw), now_us);
    ev.mutable_state_changed()->set_launched_at_us(now_us);
    ev.mutable_state_changed()->set_fault("");
    if (t == "rebuild_spawning" && !m.pending.image_id().empty()) {
      ev.mutable_state_changed()->set_image_id(m.pending.image_id());
    }
    finish(std::move(ev));
  } else if (t == "interface_attaching" || t == "interface_detaching") {
    pb::InstanceEvent change;
    if (t == "interface_attaching" && !out.ports.empty()) {
      *change.mutable_port_attached()->mutable_port() = out.ports.front();
      change.mutable_port_attached()->set_at_us(now_us);
    } else if (t == "interface_detaching") {
      change.mutable_port_detached()->set_port_id(
        m.pending.interface().port_id());
      change.mutable_port_detached()->set_at_us(now_us);
    }
    if (change.event_case() != pb::InstanceEvent::EVENT_NOT_SET) {
      events.push_back(std::move(change));
    }
    finish(state_event(m, m.vm_state, "", m.power_state, now_us));
  } else if (t == "rebuilding" && evacuating(m)) {
    events.push_back(
      with_host(next_task(m, "rebuild_spawning", now_us), out.host));
  } else if (t == "rebuilding") {
    events.push_back(next_task(m, "rebuild_spawning", now_us));
  } else if (t == "powering-on" || t == "rebooting" || t == "rebooting_hard"
             || t == "unpausing" || t == "resuming") {
    finish(state_event(m, "active", "",
                       or_default(out.power_state, power::running), now_us));
  } else if (t == "powering-off") {
    finish(state_event(m, "stopped", "",
                       or_default(out.power_state, power::shutdown), now_us));
  } else if (t == "pausing") {
    finish(state_event(m, "paused", "",
                       or_default(out.power_state, power::paused), now_us));
  } else if (t == "suspending") {
    finish(state_event(m, "suspended", "",
                       or_default(out.power_state, power::suspended), now_us));
  } else if (t == "resize_prep" || t == "migrating") {
    auto ev = next_task(m, t == "migrating" ? "migrating" : "resize_migrating",
                        now_us);
    ev.mutable_state_changed()->set_migration_target(out.host);
    events.push_back(std::move(ev));
  } else if (t == "resize_migrating") {
    auto ev = state_event(m, "resized", "", m.power_state, now_us);
    auto* sc = ev.mutable_state_changed();
    sc->set_previous_host(m.host);
    sc->set_host(m.migration_target);
    *sc->mutable_old_flavor() = m.flavor;
    if (m.pending.has_new_flavor() && !m.pending.new_flavor().id().empty()) {
      *sc->mutable_flavor() = m.pending.new_flavor();
    }
    finish(std::move(ev));
  } else if (t == "resize_confirming" || t == "resize_reverting") {
    auto [vm, pw] = settled(m.power_state);
    auto ev = state_event(m, vm, "", pw, now_us);
    auto* sc = ev.mutable_state_changed();
    sc->mutable_old_flavor(); // An empty old flavor clears it.
    sc->set_previous_host("");
    if (t == "resize_reverting") {
      sc->set_host(m.previous_host);
      if (m.old_flavor) {
        *sc->mutable_flavor() = *m.old_flavor;
      }
    }
    finish(std::move(ev));
  } else if (t == "shelving") {
    events.push_back(state_event(m, m.vm_state, "shelving_offloading",
                                 power::shutdown, now_us));
  } else if (t == "shelving_offloading") {
    finish(with_host(state_event(m, "shelved_offloaded", "", power::shutdown,
                                 now_us),
                     ""));
  } else if (t == "deleting") {
    pb::InstanceEvent del;
    del.mutable_deleted()->set_at_us(now_us);
    events.push_back(finished(m, now_us));
    events.push_back(std::move(del));
  }
  if (t == "migrating" && !m.migration_target.empty()) {
    events.clear();
    finish(with_host(state_event(m, m.vm_state, "", m.power_state, now_us),
                     out.host.empty() ? m.migration_target : out.host));
  }
  return events;
}

std::vector<pb::InstanceEvent>
step_failed(const instance_model& m, const std::string& message,
            int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  const auto& t = m.task_state;
  if (m.vm_state == "building" || t == "deleting" || t == "rebuild_spawning") {
    auto ev = state_event(m, "error", "", power::nostate, now_us);
    ev.mutable_state_changed()->set_fault(message);
    events.push_back(std::move(ev));
  } else {
    auto ev = state_event(m, m.vm_state, "", m.power_state, now_us);
    if (t == "resize_migrating" || t == "resize_prep" || t == "migrating") {
      ev.mutable_state_changed()->set_migration_target("");
    }
    events.push_back(std::move(ev));
  }
  events.push_back(finished(m, now_us, true, message));
  return events;
}

} // namespace strato::compute
