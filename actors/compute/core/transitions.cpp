#include "actors/compute/core/transitions.hpp"

#include <algorithm>
#include <initializer_list>

#include "actors/compute/core/moves.hpp"
#include "actors/compute/core/transition_events.hpp"

namespace strato::compute {

namespace {

using namespace internal;
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
  auto first = next_task(m, std::string{r.first_task}, req.now_us);
  // A delete overtakes an undo in progress: its stage no longer applies.
  first.mutable_state_changed()->set_move_stage("");
  events.push_back(std::move(first));
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

namespace {

/// One host operation per task state, for the tasks that stay on one host.
std::optional<host_step> single_host_step(const instance_model& m) {
  const auto& t = m.task_state;
  if (t == "scheduling" || t == "unshelving") {
    return host_step{"pick", "", "", false};
  }
  if (t == "rebuilding" && evacuating(m)) {
    if (!m.pending.target_host().empty()) {
      return host_step{"check_host", m.pending.target_host(), m.host, false};
    }
    return host_step{"pick", "", m.host, false};
  }
  static const std::pair<std::string_view, std::string_view> ops[] = {
    {"networking", "networking"},
    {"interface_attaching", "attach_port"},
    {"interface_detaching", "detach_port"},
    {"powering-on", "power_on"},
    {"powering-off", "power_off"},
    {"shelving", "power_off"},
    {"pausing", "pause"},
    {"unpausing", "unpause"},
    {"suspending", "suspend"},
    {"resuming", "resume"},
    {"rebuilding", "destroy"},
    // "delete" also frees the server's claim on its host.
    {"deleting", "delete"},
  };
  for (auto [task, op] : ops) {
    if (task == t) {
      return host_step{std::string{op}, m.host, "", false};
    }
  }
  if (t == "spawning" || t == "rebuild_spawning") {
    host_step step{"spawn", m.host, "", false};
    // A stopped server is rebuilt stopped (Nova powers it off again).
    step.start_guest = !(t == "rebuild_spawning" && m.vm_state == "stopped");
    return step;
  }
  if (t == "rebooting" || t == "rebooting_hard") {
    return host_step{"reboot", m.host, "", t == "rebooting_hard"};
  }
  if (t == "resize_prep" || t == "migrating") {
    // migrating with a target is a move (moves.hpp); without one it picks.
    if (!m.pending.target_host().empty()) {
      return host_step{"check_host", m.pending.target_host(), m.host, false};
    }
    return host_step{"pick", "", m.host, false};
  }
  if (t == "resize_confirming") {
    return host_step{"destroy", m.previous_host, "", false};
  }
  return std::nullopt;
}

int32_t or_default(int32_t reported, int32_t fallback) {
  return reported != power::nostate ? reported : fallback;
}

/// The spawn that ends a boot, an unshelve or a rebuild.
pb::InstanceEvent spawned(const instance_model& m, const step_outcome& out,
                          int64_t now_us) {
  const auto& t = m.task_state;
  auto [vm, pw] = t == "rebuild_spawning" && m.vm_state == "stopped"
                    ? std::pair<std::string, int32_t>{"stopped",
                                                      power::shutdown}
                    : std::pair<std::string, int32_t>{"active",
                                                      power::running};
  auto ev = state_event(vm, "", or_default(out.power_state, pw), now_us);
  ev.mutable_state_changed()->set_launched_at_us(now_us);
  ev.mutable_state_changed()->set_fault("");
  if (t == "rebuild_spawning" && !m.pending.image_id().empty()) {
    ev.mutable_state_changed()->set_image_id(m.pending.image_id());
  }
  return ev;
}

/// The interface's change, once its step is done.
std::optional<pb::InstanceEvent> interface_change(const instance_model& m,
                                                  const step_outcome& out,
                                                  int64_t now_us) {
  pb::InstanceEvent change;
  if (m.task_state == "interface_attaching" && !out.ports.empty()) {
    *change.mutable_port_attached()->mutable_port() = out.ports.front();
    change.mutable_port_attached()->set_at_us(now_us);
  } else if (m.task_state == "interface_detaching") {
    change.mutable_port_detached()->set_port_id(
      m.pending.interface().port_id());
    change.mutable_port_detached()->set_at_us(now_us);
  } else {
    return std::nullopt;
  }
  return change;
}

/// The state a simple power operation ends in: task -> (vm_state, power).
std::optional<std::pair<std::string, int32_t>>
power_outcome(const std::string& t) {
  static const struct {
    std::string_view task;
    std::string_view vm_state;
    int32_t power;
  } table[] = {
    {"powering-on", "active", power::running},
    {"rebooting", "active", power::running},
    {"rebooting_hard", "active", power::running},
    {"unpausing", "active", power::running},
    {"resuming", "active", power::running},
    {"powering-off", "stopped", power::shutdown},
    {"pausing", "paused", power::paused},
    {"suspending", "suspended", power::suspended},
  };
  for (const auto& row : table) {
    if (row.task == t) {
      return std::pair<std::string, int32_t>{std::string{row.vm_state},
                                             row.power};
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<host_step> next_step(const instance_model& m) {
  if (m.task_state.empty()) {
    return std::nullopt;
  }
  if (is_move(m)) {
    return next_move_step(m);
  }
  return single_host_step(m);
}

std::vector<pb::InstanceEvent>
step_succeeded(const instance_model& m, const step_outcome& out,
               int64_t now_us) {
  if (is_move(m)) {
    return move_step_succeeded(m, out, now_us);
  }
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
    if (out.bound) {
      events.push_back(bound_event(m.host, out, now_us));
    }
    finish(spawned(m, out, now_us));
  } else if (t == "interface_attaching" || t == "interface_detaching") {
    if (auto change = interface_change(m, out, now_us)) {
      events.push_back(std::move(*change));
    }
    finish(state_event(m.vm_state, "", m.power_state, now_us));
  } else if (t == "rebuilding" && evacuating(m)) {
    events.push_back(
      with_host(next_task(m, "rebuild_spawning", now_us), out.host));
  } else if (t == "rebuilding") {
    events.push_back(next_task(m, "rebuild_spawning", now_us));
  } else if (auto power = power_outcome(t)) {
    finish(state_event(power->first, "",
                       or_default(out.power_state, power->second), now_us));
  } else if (t == "resize_prep" || t == "migrating") {
    auto ev = next_task(m, t == "migrating" ? "migrating" : "resize_migrating",
                        now_us);
    ev.mutable_state_changed()->set_migration_target(out.host);
    events.push_back(std::move(ev));
  } else if (t == "resize_confirming") {
    auto [vm, pw] = settled(m.power_state);
    auto ev = state_event(vm, "", pw, now_us);
    auto* sc = ev.mutable_state_changed();
    sc->mutable_old_flavor(); // An empty old flavor clears it.
    sc->set_previous_host("");
    finish(std::move(ev));
  } else if (t == "shelving") {
    events.push_back(state_event(m.vm_state, "shelving_offloading",
                                 power::shutdown, now_us));
  } else if (t == "deleting") {
    pb::InstanceEvent del;
    del.mutable_deleted()->set_at_us(now_us);
    events.push_back(finished(m, now_us));
    events.push_back(std::move(del));
  }
  return events;
}

std::vector<pb::InstanceEvent>
step_failed(const instance_model& m, const std::string& message,
            int64_t now_us) {
  if (is_move(m) || must_undo(m)) {
    return move_step_failed(m, message, now_us);
  }
  std::vector<pb::InstanceEvent> events;
  const auto& t = m.task_state;
  if (t == "deleting" || t == "rebuild_spawning") {
    auto ev = state_event("error", "", power::nostate, now_us);
    ev.mutable_state_changed()->set_fault(message);
    events.push_back(std::move(ev));
  } else {
    auto ev = state_event(m.vm_state, "", m.power_state, now_us);
    if (t == "resize_prep" || t == "migrating") {
      ev.mutable_state_changed()->set_migration_target("");
    }
    events.push_back(std::move(ev));
  }
  events.push_back(finished(m, now_us, true, message));
  return events;
}

} // namespace strato::compute
