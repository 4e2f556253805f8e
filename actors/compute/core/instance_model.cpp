#include "actors/compute/core/instance_model.hpp"

#include <algorithm>
#include <utility>

namespace strato::compute {

namespace {

void apply_state(instance_model& m, const pb::StateChanged& ev) {
  m.vm_state = ev.vm_state();
  m.task_state = ev.task_state();
  m.power_state = ev.power_state();
  if (ev.has_host()) {
    m.host = ev.host();
  }
  if (ev.has_previous_host()) {
    m.previous_host = ev.previous_host();
  }
  if (ev.has_flavor()) {
    m.flavor = ev.flavor();
  }
  if (ev.has_old_flavor()) {
    // An old flavor without an id clears it (resize confirmed or reverted).
    if (ev.old_flavor().id().empty()) {
      m.old_flavor.reset();
    } else {
      m.old_flavor = ev.old_flavor();
    }
  }
  if (ev.has_image_id()) {
    m.image_id = ev.image_id();
  }
  if (ev.has_launched_at_us()) {
    m.launched_at_us = ev.launched_at_us();
  }
  if (ev.has_fault()) {
    m.fault = ev.fault();
  }
  if (ev.has_migration_target()) {
    m.migration_target = ev.migration_target();
  }
  if (ev.has_move_stage()) {
    m.move_stage = ev.move_stage();
  }
  if (m.task_state.empty()) {
    m.current_action.clear();
    m.current_request_id.clear();
    m.pending.Clear();
    m.migration_target.clear();
    m.move_stage.clear();
  }
  m.updated_at_us = ev.at_us();
}

void apply_update(instance_model& m, const pb::Updated& ev) {
  if (ev.has_name()) {
    m.created.set_name(ev.name());
  }
  if (ev.has_description()) {
    m.created.set_description(ev.description());
  }
  if (ev.has_hostname()) {
    m.created.set_hostname(ev.hostname());
  }
  if (ev.has_access_ipv4()) {
    m.created.set_access_ipv4(ev.access_ipv4());
  }
  if (ev.has_access_ipv6()) {
    m.created.set_access_ipv6(ev.access_ipv6());
  }
  m.updated_at_us = ev.at_us();
}

void apply_volume_change(instance_model& m,
                         const pb::VolumeAttachmentChanged& ev) {
  auto& volumes = m.volumes;
  auto it = std::find_if(volumes.begin(), volumes.end(), [&](const auto& v) {
    return v.volume_id() == ev.volume_id();
  });
  if (it == volumes.end()) {
    return;
  }
  if (ev.phase() == "detached") {
    volumes.erase(it);
    return;
  }
  it->set_phase(ev.phase());
  if (ev.has_attachment_id()) {
    it->set_attachment_id(ev.attachment_id());
  }
  if (ev.has_fault()) {
    it->set_fault(ev.fault());
  }
  if (ev.has_request_id()) {
    it->set_request_id(ev.request_id());
  }
  if (ev.has_host()) {
    it->set_host(ev.host());
  }
}

void apply_bound(instance_model& m, const pb::ResourcesBound& ev) {
  for (const auto& id : ev.port_ids()) {
    for (auto& p : m.ports) {
      if (p.port_id() == id) {
        p.set_host(ev.host());
      }
    }
  }
  for (const auto& id : ev.volume_ids()) {
    for (auto& v : m.volumes) {
      if (v.volume_id() == id) {
        v.set_host(ev.host());
      }
    }
  }
  m.updated_at_us = ev.at_us();
}

} // namespace

bool instance_model::volume_work_pending() const {
  return std::any_of(volumes.begin(), volumes.end(), [](const auto& v) {
    return v.phase() != "attached";
  });
}

const pb::VolumeAttachment*
instance_model::find_volume(const std::string& volume_id) const {
  for (const auto& v : volumes) {
    if (v.volume_id() == volume_id) {
      return &v;
    }
  }
  return nullptr;
}

void instance_model::apply(const event_type& event) {
  switch (event.event_case()) {
    case pb::InstanceEvent::kCreated:
      created = event.created();
      vm_state = "building";
      task_state = "scheduling";
      power_state = power::nostate;
      flavor = created.flavor();
      image_id = created.image_id();
      updated_at_us = created.created_at_us();
      volumes.assign(created.block_device_volumes().begin(),
                     created.block_device_volumes().end());
      break;
    case pb::InstanceEvent::kActionStarted:
      current_action = event.action_started().action();
      current_request_id = event.action_started().request_id();
      pending = event.action_started();
      break;
    case pb::InstanceEvent::kActionFinished:
      if (task_state.empty()) {
        current_action.clear();
        current_request_id.clear();
        pending.Clear();
      }
      break;
    case pb::InstanceEvent::kStateChanged:
      apply_state(*this, event.state_changed());
      break;
    case pb::InstanceEvent::kUpdated:
      apply_update(*this, event.updated());
      break;
    case pb::InstanceEvent::kMetadataSet:
      *created.mutable_metadata() = event.metadata_set().metadata();
      updated_at_us = event.metadata_set().at_us();
      break;
    case pb::InstanceEvent::kTagsSet:
      *created.mutable_tags() = event.tags_set().tags();
      updated_at_us = event.tags_set().at_us();
      break;
    case pb::InstanceEvent::kLockChanged:
      locked = event.lock_changed().locked();
      locked_reason = event.lock_changed().reason();
      locked_by = locked ? event.lock_changed().by() : std::string{};
      updated_at_us = event.lock_changed().at_us();
      break;
    case pb::InstanceEvent::kPortsAllocated:
      for (const auto& port : event.ports_allocated().ports()) {
        put_port(port);
      }
      break;
    case pb::InstanceEvent::kPortAttached:
      put_port(event.port_attached().port());
      updated_at_us = event.port_attached().at_us();
      break;
    case pb::InstanceEvent::kPortDetached:
      std::erase_if(ports, [&](const pb::InstancePort& p) {
        return p.port_id() == event.port_detached().port_id();
      });
      updated_at_us = event.port_detached().at_us();
      break;
    case pb::InstanceEvent::kResourcesBound:
      apply_bound(*this, event.resources_bound());
      break;
    case pb::InstanceEvent::kDeleted:
      ports.clear();
      deleted = true;
      vm_state = "deleted";
      task_state.clear();
      power_state = power::nostate;
      deleted_at_us = event.deleted().at_us();
      current_action.clear();
      current_request_id.clear();
      pending.Clear();
      migration_target.clear();
      move_stage.clear();
      volumes.clear();
      break;
    case pb::InstanceEvent::kVolumeAttachRequested:
      volumes.push_back(event.volume_attach_requested());
      break;
    case pb::InstanceEvent::kVolumeAttachmentChanged:
      apply_volume_change(*this, event.volume_attachment_changed());
      break;
    case pb::InstanceEvent::EVENT_NOT_SET:
      break;
  }
}

pb::InstanceSnapshot instance_model::snapshot() const {
  pb::InstanceSnapshot s;
  *s.mutable_created() = created;
  s.set_vm_state(vm_state);
  s.set_task_state(task_state);
  s.set_power_state(power_state);
  s.set_host(host);
  *s.mutable_flavor() = flavor;
  if (old_flavor) {
    *s.mutable_old_flavor() = *old_flavor;
  }
  s.set_image_id(image_id);
  s.set_launched_at_us(launched_at_us);
  s.set_updated_at_us(updated_at_us);
  s.set_locked(locked);
  s.set_locked_reason(locked_reason);
  s.set_locked_by(locked_by);
  s.set_deleted(deleted);
  s.set_deleted_at_us(deleted_at_us);
  s.set_previous_host(previous_host);
  s.set_fault(fault);
  s.set_current_action(current_action);
  s.set_current_request_id(current_request_id);
  *s.mutable_pending() = pending;
  s.set_migration_target(migration_target);
  s.set_move_stage(move_stage);
  s.mutable_volumes()->Add(volumes.begin(), volumes.end());
  for (const auto& port : ports) {
    *s.add_ports() = port;
  }
  return s;
}

void instance_model::restore(const pb::InstanceSnapshot& s) {
  created = s.created();
  vm_state = s.vm_state();
  task_state = s.task_state();
  power_state = s.power_state();
  host = s.host();
  flavor = s.flavor();
  old_flavor.reset();
  if (s.has_old_flavor()) {
    old_flavor = s.old_flavor();
  }
  image_id = s.image_id();
  launched_at_us = s.launched_at_us();
  updated_at_us = s.updated_at_us();
  locked = s.locked();
  locked_reason = s.locked_reason();
  locked_by = s.locked_by();
  deleted = s.deleted();
  deleted_at_us = s.deleted_at_us();
  previous_host = s.previous_host();
  fault = s.fault();
  current_action = s.current_action();
  current_request_id = s.current_request_id();
  pending = s.pending();
  migration_target = s.migration_target();
  move_stage = s.move_stage();
  volumes.assign(s.volumes().begin(), s.volumes().end());
  ports.assign(s.ports().begin(), s.ports().end());
}

void instance_model::put_port(const pb::InstancePort& port) {
  for (auto& p : ports) {
    if (p.port_id() == port.port_id()) {
      p = port;
      return;
    }
  }
  ports.push_back(port);
}

const pb::InstancePort*
instance_model::find_port(const std::string& port_id) const {
  for (const auto& p : ports) {
    if (p.port_id() == port_id) {
      return &p;
    }
  }
  return nullptr;
}

std::string instance_model::snapshot_state() const {
  return snapshot().SerializeAsString();
}

status instance_model::restore(std::string_view state) {
  pb::InstanceSnapshot snap;
  if (!snap.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return {errc::corruption, "an instance snapshot is unreadable"};
  }
  restore(snap);
  return {};
}

namespace {

struct status_row {
  std::string_view vm_state;
  std::string_view task_state; // "*" is the vm_state's default.
  std::string_view status;
};

// nova/api/openstack/common.py _STATE_MAP, row for row.
constexpr status_row status_map[] = {
  {"active", "*", "ACTIVE"},
  {"active", "rebooting", "REBOOT"},
  {"active", "reboot_pending", "REBOOT"},
  {"active", "reboot_started", "REBOOT"},
  {"active", "rebooting_hard", "HARD_REBOOT"},
  {"active", "reboot_pending_hard", "HARD_REBOOT"},
  {"active", "reboot_started_hard", "HARD_REBOOT"},
  {"active", "updating_password", "PASSWORD"},
  {"active", "rebuilding", "REBUILD"},
  {"active", "rebuild_block_device_mapping", "REBUILD"},
  {"active", "rebuild_spawning", "REBUILD"},
  {"active", "migrating", "MIGRATING"},
  {"active", "resize_prep", "RESIZE"},
  {"active", "resize_migrating", "RESIZE"},
  {"active", "resize_migrated", "RESIZE"},
  {"active", "resize_finish", "RESIZE"},
  {"building", "*", "BUILD"},
  {"stopped", "*", "SHUTOFF"},
  {"stopped", "resize_prep", "RESIZE"},
  {"stopped", "resize_migrating", "RESIZE"},
  {"stopped", "resize_migrated", "RESIZE"},
  {"stopped", "resize_finish", "RESIZE"},
  {"stopped", "rebuilding", "REBUILD"},
  {"stopped", "rebuild_block_device_mapping", "REBUILD"},
  {"stopped", "rebuild_spawning", "REBUILD"},
  {"resized", "*", "VERIFY_RESIZE"},
  {"resized", "resize_reverting", "REVERT_RESIZE"},
  {"paused", "*", "PAUSED"},
  {"paused", "migrating", "MIGRATING"},
  {"suspended", "*", "SUSPENDED"},
  {"rescued", "*", "RESCUE"},
  {"error", "*", "ERROR"},
  {"error", "rebuilding", "REBUILD"},
  {"error", "rebuild_block_device_mapping", "REBUILD"},
  {"error", "rebuild_spawning", "REBUILD"},
  {"deleted", "*", "DELETED"},
  {"soft-delete", "*", "SOFT_DELETED"},
  {"shelved", "*", "SHELVED"},
  {"shelved_offloaded", "*", "SHELVED_OFFLOADED"},
};

} // namespace

std::string_view api_status(std::string_view vm_state,
                            std::string_view task_state) {
  std::string_view fallback = "UNKNOWN";
  for (const auto& row : status_map) {
    if (row.vm_state != vm_state) {
      continue;
    }
    if (row.task_state == "*") {
      fallback = row.status;
    } else if (!task_state.empty() && row.task_state == task_state) {
      return row.status;
    }
  }
  return fallback;
}

} // namespace strato::compute
