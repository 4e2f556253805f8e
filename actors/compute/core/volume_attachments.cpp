#include "actors/compute/core/volume_attachments.hpp"

#include "actors/compute/core/transitions.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace strato::compute {

namespace {

// nova/compute/api.py attach_volume / detach_volume decorators.
constexpr std::array<std::string_view, 7> volume_vm_states{
  "active",  "paused",          "stopped",          "resized",
  "soft-delete", "shelved", "shelved_offloaded"};

constexpr char device_prefix[] = "/dev/vd";

pb::InstanceEvent action_started(std::string action,
                                 const std::string& request_id,
                                 const std::string& user_id,
                                 const std::string& project_id,
                                 int64_t now_us) {
  pb::InstanceEvent ev;
  auto* as = ev.mutable_action_started();
  as->set_action(std::move(action));
  as->set_request_id(request_id);
  as->set_user_id(user_id);
  as->set_project_id(project_id);
  as->set_at_us(now_us);
  return ev;
}

pb::InstanceEvent action_finished(std::string action,
                                  const std::string& request_id, bool failed,
                                  std::string message, int64_t now_us) {
  pb::InstanceEvent ev;
  auto* af = ev.mutable_action_finished();
  af->set_action(std::move(action));
  af->set_request_id(request_id);
  af->set_failed(failed);
  af->set_message(std::move(message));
  af->set_at_us(now_us);
  return ev;
}

pb::InstanceEvent moved_to(const std::string& volume_id, std::string phase,
                           int64_t now_us) {
  pb::InstanceEvent ev;
  auto* c = ev.mutable_volume_attachment_changed();
  c->set_volume_id(volume_id);
  c->set_phase(std::move(phase));
  c->set_at_us(now_us);
  return ev;
}

/// The request id of the action the attachment's current step belongs to.
std::string request_of(const instance_model& m, const std::string& volume_id) {
  const auto* v = m.find_volume(volume_id);
  return v != nullptr ? v->request_id() : std::string{};
}

std::string fault_of(const instance_model& m, const std::string& volume_id) {
  const auto* v = m.find_volume(volume_id);
  return v != nullptr ? v->fault() : std::string{};
}

/// A volume of the create's block device mapping, while the boot runs.
bool is_boot(const instance_model& m, const std::string& volume_id) {
  const auto* v = m.find_volume(volume_id);
  return v != nullptr && v->boot() && m.vm_state == "building";
}

/// A release ends the action of an attach or detach it interrupted.
void end_released(const instance_model& m, const std::string& volume_id,
                  int64_t now_us, std::vector<pb::InstanceEvent>& events) {
  const auto* v = m.find_volume(volume_id);
  if (v == nullptr || v->phase() == "attached" || is_boot(m, volume_id)) {
    return;
  }
  if (v->phase() == "detaching") {
    events.push_back(action_finished("detach_volume", v->request_id(), false,
                                     {}, now_us));
    return;
  }
  events.push_back(action_finished("attach_volume", v->request_id(), true,
                                   "Instance " + m.id()
                                     + " was deleted during the attach.",
                                   now_us));
}

} // namespace

status check_volume_action(const instance_model& m, bool attach, bool admin) {
  std::string method = attach ? "attach_volume" : "detach_volume";
  if (m.locked && !admin) {
    return {errc::invalid_transition, "Instance " + m.id() + " is locked"};
  }
  auto refuse = [&](std::string_view attr, const std::string& state) {
    return status{errc::invalid_transition,
                  "Cannot '" + method + "' instance " + m.id()
                    + " while it is in " + std::string{attr} + " " + state};
  };
  if (std::find(volume_vm_states.begin(), volume_vm_states.end(), m.vm_state)
      == volume_vm_states.end()) {
    return refuse("vm_state", m.vm_state);
  }
  if (!m.task_state.empty()) {
    return refuse("task_state", m.task_state);
  }
  return {};
}

result<std::string> next_free_device(const instance_model& m) {
  for (char letter = 'b'; letter <= 'z'; ++letter) {
    auto device = std::string{device_prefix} + letter;
    auto used = std::any_of(m.volumes.begin(), m.volumes.end(),
                            [&](const auto& v) { return v.device() == device; });
    if (!used) {
      return device;
    }
  }
  return status{errc::forbidden,
                "The maximum allowed number of disk devices (26) to attach to "
                "a single instance has been exceeded."};
}

result<std::vector<pb::InstanceEvent>>
begin_attach(const instance_model& m, const volume_attach_request& req) {
  if (auto st = check_volume_action(m, true, req.admin); !st.ok()) {
    return st;
  }
  if (m.find_volume(req.volume_id) != nullptr) {
    return status{errc::invalid_argument,
                  "Invalid volume: volume " + req.volume_id
                    + " already attached"};
  }
  std::string device = req.device;
  if (device.empty()) {
    auto picked = next_free_device(m);
    if (!picked) {
      return picked.error();
    }
    device = std::move(*picked);
  } else if (std::any_of(m.volumes.begin(), m.volumes.end(), [&](const auto& v) {
               return v.device() == device;
             })) {
    return status{errc::conflict,
                  "The supplied device path (" + device + ") is in use."};
  }
  std::vector<pb::InstanceEvent> events;
  events.push_back(action_started("attach_volume", req.request_id,
                                  req.user_id, req.project_id, req.now_us));
  pb::InstanceEvent requested;
  auto* v = requested.mutable_volume_attach_requested();
  v->set_volume_id(req.volume_id);
  v->set_device(device);
  v->set_tag(req.tag);
  v->set_delete_on_termination(req.delete_on_termination);
  v->set_bdm_uuid(req.bdm_uuid);
  v->set_phase("reserving");
  v->set_request_id(req.request_id);
  events.push_back(std::move(requested));
  return events;
}

result<std::vector<pb::InstanceEvent>>
begin_detach(const instance_model& m, const volume_detach_request& req) {
  if (auto st = check_volume_action(m, false, req.admin); !st.ok()) {
    return st;
  }
  const auto* v = m.find_volume(req.volume_id);
  if (v == nullptr) {
    return status{errc::not_found, "Instance " + m.id()
                                     + " is not attached to volume "
                                     + req.volume_id};
  }
  if (v->boot() && v->boot_index() == 0) {
    return status{errc::invalid_argument,
                  "Cannot detach a root device volume"};
  }
  if (v->phase() != "attached") {
    // Cinder's begin_detaching refusal, which Nova reports as a 400.
    return status{errc::invalid_argument,
                  "Invalid volume: Unable to detach volume. Volume status "
                  "must be 'in-use' and attach_status must be 'attached' to "
                  "detach."};
  }
  std::vector<pb::InstanceEvent> events;
  events.push_back(action_started("detach_volume", req.request_id,
                                  req.user_id, req.project_id, req.now_us));
  auto detaching = moved_to(req.volume_id, "detaching", req.now_us);
  detaching.mutable_volume_attachment_changed()->set_request_id(
    req.request_id);
  events.push_back(std::move(detaching));
  return events;
}

std::optional<volume_step> next_volume_step(const instance_model& m) {
  bool releasing = m.task_state == "deleting" || m.move_stage == "cleanup";
  // A building server has no guest yet: its spawn takes the disks.
  auto guest_host = m.vm_state == "building" ? std::string{} : m.host;
  for (const auto& v : m.volumes) {
    const auto& phase = v.phase();
    if (phase == "attached" && !releasing) {
      continue;
    }
    volume_step step{"", v.volume_id(), v.attachment_id(), v.device(),
                     guest_host, false, false};
    // The disk may be on the guest once the connect step has started.
    step.on_guest = phase != "reserving" && phase != "creating";
    if (releasing) {
      step.op = "release";
      step.delete_volume = v.delete_on_termination();
    } else if (phase == "creating") {
      step.op = "create";
    } else if (phase == "reserving") {
      step.op = "reserve";
    } else if (phase == "connecting") {
      step.op = "connect";
    } else if (phase == "completing") {
      step.op = "complete";
    } else if (phase == "detaching") {
      step.op = "detach";
    } else {
      step.op = "roll_back";
    }
    return step;
  }
  return std::nullopt;
}

std::vector<pb::InstanceEvent>
volume_step_succeeded(const instance_model& m, const volume_step& step,
                      const std::string& attachment_id, int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  const auto& id = step.volume_id;
  auto request_id = request_of(m, id);
  if (step.op == "create") {
    events.push_back(moved_to(id, "reserving", now_us));
  } else if (step.op == "reserve") {
    auto ev = moved_to(id, "connecting", now_us);
    ev.mutable_volume_attachment_changed()->set_attachment_id(attachment_id);
    events.push_back(std::move(ev));
  } else if (step.op == "connect") {
    auto ev = moved_to(id, "completing", now_us);
    if (!step.host.empty()) {
      ev.mutable_volume_attachment_changed()->set_host(step.host);
    }
    events.push_back(std::move(ev));
  } else if (step.op == "complete") {
    events.push_back(moved_to(id, "attached", now_us));
    if (!is_boot(m, id)) {
      events.push_back(
        action_finished("attach_volume", request_id, false, {}, now_us));
    }
  } else if (step.op == "detach") {
    events.push_back(moved_to(id, "detached", now_us));
    events.push_back(
      action_finished("detach_volume", request_id, false, {}, now_us));
  } else if (step.op == "roll_back") {
    auto fault = fault_of(m, id);
    events.push_back(moved_to(id, "detached", now_us));
    events.push_back(
      action_finished("attach_volume", request_id, true, fault, now_us));
  } else if (step.op == "release") {
    end_released(m, id, now_us, events);
    events.push_back(moved_to(id, "detached", now_us));
  }
  return events;
}

std::vector<pb::InstanceEvent>
volume_step_failed(const instance_model& m, const volume_step& step,
                   const std::string& message, int64_t now_us) {
  std::vector<pb::InstanceEvent> events;
  const auto& id = step.volume_id;
  auto request_id = request_of(m, id);
  if (is_boot(m, id) && step.op != "release") {
    // Nova's BuildAbortException: the boot fails and its clean-up releases
    // every volume, this one included.
    auto fault = moved_to(id, m.find_volume(id)->phase(), now_us);
    fault.mutable_volume_attachment_changed()->set_fault(message);
    events.push_back(std::move(fault));
    auto failed = step_failed(
      m, "Build of instance " + m.id() + " aborted: " + message, now_us);
    events.insert(events.end(), failed.begin(), failed.end());
    return events;
  }
  if (step.op == "reserve") {
    // The volume service refused the reserve: nothing to undo.
    events.push_back(moved_to(id, "detached", now_us));
    events.push_back(
      action_finished("attach_volume", request_id, true, message, now_us));
  } else if (step.op == "connect" || step.op == "complete") {
    auto ev = moved_to(id, "rolling_back", now_us);
    ev.mutable_volume_attachment_changed()->set_fault(message);
    events.push_back(std::move(ev));
  } else if (step.op == "detach") {
    events.push_back(moved_to(id, "attached", now_us));
    events.push_back(
      action_finished("detach_volume", request_id, true, message, now_us));
  } else if (step.op == "roll_back") {
    // Undoing is best effort: the volume service keeps its own record.
    auto fault = fault_of(m, id);
    events.push_back(moved_to(id, "detached", now_us));
    events.push_back(action_finished("attach_volume", request_id, true,
                                     fault.empty() ? message : fault, now_us));
  } else if (step.op == "release") {
    end_released(m, id, now_us, events);
    events.push_back(moved_to(id, "detached", now_us));
  }
  return events;
}

} // namespace strato::compute
