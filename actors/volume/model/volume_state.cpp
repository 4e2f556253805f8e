#include "actors/volume/model/volume_state.hpp"

#include <algorithm>
#include <array>

namespace strato::volume {

namespace {

pb::VolumeEvent stamped(int64_t now_us) {
  pb::VolumeEvent ev;
  ev.set_at_us(now_us);
  return ev;
}

/// A decision that needs no event: the step was already taken (a retry).
pb::VolumeEvent already_done() {
  return pb::VolumeEvent{};
}

bool is_one_of(volume_status s, std::initializer_list<volume_status> set) {
  return std::ranges::find(set, s) != set.end();
}

status not_in_status(const volume_record& v, std::string_view expected,
                     std::string_view action) {
  return invalid_volume("Volume " + v.id + " status must be "
                        + std::string{expected} + " to "
                        + std::string{action} + ", but current status is: "
                        + std::string{to_string(v.status)} + ".");
}

status unknown_attachment(const std::string& id) {
  return {errc::not_found,
          "VolumeAttachment " + id + " could not be found."};
}

} // namespace

status invalid_volume(const std::string& reason) {
  return {errc::invalid_argument, "Invalid volume: " + reason};
}

status volume_not_found(const std::string& id) {
  return {errc::not_found, "Volume " + id + " could not be found."};
}

volume_decision decide_create(const volume_record& v,
                              const create_volume_spec& spec, int64_t now_us) {
  if (v.status != pb::VOLUME_STATUS_UNSPECIFIED) {
    return status{errc::conflict, "Volume " + spec.id + " already exists."};
  }
  if (spec.size_gb == 0) {
    return status{errc::invalid_argument,
                  "Invalid input received: Invalid volume size provided for "
                  "create request: 0 (size argument must be an integer (or "
                  "string representation of an integer) and greater than "
                  "zero)."};
  }
  auto ev = stamped(now_us);
  auto* c = ev.mutable_created();
  c->set_project_id(spec.project_id);
  c->set_user_id(spec.user_id);
  c->set_name(spec.name);
  c->set_description(spec.description);
  c->set_size_gb(spec.size_gb);
  c->set_volume_type_id(spec.volume_type_id);
  c->set_availability_zone(spec.availability_zone);
  c->mutable_metadata()->insert(spec.metadata.begin(), spec.metadata.end());
  *c->mutable_source() = spec.source;
  c->set_id(spec.id);
  c->set_source_path(spec.source_path);
  c->set_source_format(spec.source_format);
  c->set_multiattach(spec.multiattach);
  return ev;
}

volume_decision decide_update(const volume_record& v,
                              const update_volume_spec& spec, int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  auto ev = stamped(now_us);
  auto* u = ev.mutable_updated();
  if (spec.name) {
    u->set_name(*spec.name);
  }
  if (spec.description) {
    u->set_description(*spec.description);
  }
  if (spec.metadata) {
    u->set_replace_metadata(true);
    u->mutable_metadata()->insert(spec.metadata->begin(),
                                  spec.metadata->end());
  } else if (!spec.metadata_set.empty()) {
    u->mutable_metadata()->insert(spec.metadata_set.begin(),
                                  spec.metadata_set.end());
  }
  for (const auto& key : spec.metadata_removed) {
    if (!v.metadata.contains(key)) {
      return status{errc::not_found, "Metadata item was not found."};
    }
    u->add_removed_metadata_keys(key);
  }
  if (spec.bootable) {
    u->set_bootable(*spec.bootable);
  }
  return ev;
}

volume_decision decide_extend(const volume_record& v, uint64_t new_size_gb,
                              bool allow_in_use, int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  bool in_use_ok = allow_in_use && v.status == pb::VOLUME_STATUS_IN_USE;
  if (v.status != pb::VOLUME_STATUS_AVAILABLE && !in_use_ok) {
    // Cinder prints the dict it expected.
    auto expected = allow_in_use && v.status == pb::VOLUME_STATUS_IN_USE
                      ? "in-use"
                      : "available";
    return invalid_volume("Volume " + v.id + " status must be '{'status': '"
                          + expected + "'}' to extend, currently "
                          + std::string{to_string(v.status)} + ".");
  }
  if (new_size_gb <= v.size_gb) {
    return status{errc::invalid_argument,
                  "Invalid input received: New size for extend must be "
                  "greater than current size. (current: "
                    + std::to_string(v.size_gb) + ", extended: "
                    + std::to_string(new_size_gb) + ")."};
  }
  auto ev = stamped(now_us);
  ev.mutable_extend_started()->set_new_size_gb(new_size_gb);
  return ev;
}

volume_decision decide_delete(const volume_record& v, size_t snapshot_count,
                              bool force, int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  if (v.status == pb::VOLUME_STATUS_DELETING) {
    return already_done();
  }
  bool deletable_status = is_one_of(
    v.status, {pb::VOLUME_STATUS_AVAILABLE, pb::VOLUME_STATUS_ERROR,
               pb::VOLUME_STATUS_ERROR_RESTORING,
               pb::VOLUME_STATUS_ERROR_EXTENDING});
  bool attached = std::ranges::any_of(v.attachments, [](const auto& a) {
    return a.status == "attached";
  });
  if ((!force && !deletable_status) || attached || snapshot_count > 0) {
    return invalid_volume(
      "Volume status must be available or error or error_restoring or "
      "error_extending or error_managing and must not be migrating, "
      "attached, belong to a group, have snapshots, awaiting a transfer, or "
      "be disassociated from snapshots after volume transfer.");
  }
  auto ev = stamped(now_us);
  ev.mutable_delete_started();
  return ev;
}

volume_decision decide_reset_status(const volume_record& v,
                                    volume_status status_to,
                                    bool clear_attachments, int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  auto ev = stamped(now_us);
  ev.mutable_status_reset()->set_status(status_to);
  ev.mutable_status_reset()->set_clear_attachments(clear_attachments);
  return ev;
}

status check_copyable(const volume_record& v, bool force,
                      std::string_view what) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  if (v.status == pb::VOLUME_STATUS_AVAILABLE
      || (force && v.status == pb::VOLUME_STATUS_IN_USE)) {
    return {};
  }
  if (v.status == pb::VOLUME_STATUS_ERROR) {
    return invalid_volume("The " + std::string{what}
                          + " cannot be created when the volume is in "
                            "error status.");
  }
  return invalid_volume("Volume " + v.id + " status must be "
                        + (force ? "available or in-use" : "available")
                        + ", but current status is: "
                        + std::string{to_string(v.status)} + ".");
}

volume_decision decide_busy_start(const volume_record& v, volume_status busy,
                                  const std::string& operation_id, bool force,
                                  int64_t now_us,
                                  const std::string& source_path) {
  if (v.exists() && v.busy_operation == operation_id && v.status == busy) {
    return already_done();
  }
  if (auto st = check_copyable(v, force, "backup"); !st.ok()) {
    return st;
  }
  auto ev = stamped(now_us);
  ev.mutable_busy_started()->set_status(busy);
  ev.mutable_busy_started()->set_operation_id(operation_id);
  ev.mutable_busy_started()->set_source_path(source_path);
  return ev;
}

volume_decision decide_busy_finish(const volume_record& v,
                                   const std::string& operation_id,
                                   int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  if (v.busy_operation != operation_id) {
    return already_done();
  }
  auto ev = stamped(now_us);
  ev.mutable_busy_finished()->set_operation_id(operation_id);
  return ev;
}

volume_decision decide_create_finished(const volume_record& v,
                                       const std::string& path,
                                       const std::string& format,
                                       bool bootable, int64_t now_us) {
  if (v.status != pb::VOLUME_STATUS_CREATING) {
    return not_in_status(v, "creating", "finish creating");
  }
  auto ev = stamped(now_us);
  ev.mutable_create_finished()->set_path(path);
  ev.mutable_create_finished()->set_format(format);
  ev.mutable_create_finished()->set_bootable(bootable);
  return ev;
}

volume_decision decide_extend_finished(const volume_record& v,
                                       int64_t now_us) {
  if (v.status != pb::VOLUME_STATUS_EXTENDING) {
    return not_in_status(v, "extending", "finish extending");
  }
  auto ev = stamped(now_us);
  ev.mutable_extended()->set_size_gb(v.extend_to_gb);
  return ev;
}

volume_decision decide_delete_finished(const volume_record& v,
                                       int64_t now_us) {
  if (v.status != pb::VOLUME_STATUS_DELETING) {
    return not_in_status(v, "deleting", "finish deleting");
  }
  auto ev = stamped(now_us);
  ev.mutable_deleted();
  return ev;
}

volume_decision decide_driver_failed(const volume_record& v,
                                     const std::string& reason,
                                     int64_t now_us) {
  volume_status next = pb::VOLUME_STATUS_UNSPECIFIED;
  switch (v.status) {
    case pb::VOLUME_STATUS_CREATING:
      next = pb::VOLUME_STATUS_ERROR;
      break;
    case pb::VOLUME_STATUS_EXTENDING:
      next = pb::VOLUME_STATUS_ERROR_EXTENDING;
      break;
    case pb::VOLUME_STATUS_DELETING:
      next = pb::VOLUME_STATUS_ERROR_DELETING;
      break;
    case pb::VOLUME_STATUS_RESTORING_BACKUP:
      next = pb::VOLUME_STATUS_ERROR_RESTORING;
      break;
    default:
      return not_in_status(v, "in a driver operation", "fail");
  }
  auto ev = stamped(now_us);
  ev.mutable_failed()->set_status(next);
  ev.mutable_failed()->set_reason(reason);
  return ev;
}

volume_decision decide_reserve(const volume_record& v,
                               const std::string& attachment_id,
                               const std::string& instance_uuid,
                               const std::string& mode, int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  if (v.find_attachment(attachment_id) != nullptr) {
    return already_done();
  }
  bool ok = v.status == pb::VOLUME_STATUS_AVAILABLE
            || (v.multiattach && v.status == pb::VOLUME_STATUS_IN_USE);
  if (!ok) {
    return invalid_volume(
      std::string{"Volume status must be "}
      + (v.multiattach ? "available or in-use" : "available")
      + " to reserve, but the status is " + std::string{to_string(v.status)}
      + ".");
  }
  auto ev = stamped(now_us);
  auto* r = ev.mutable_attachment_reserved();
  r->set_attachment_id(attachment_id);
  r->set_instance_uuid(instance_uuid);
  r->set_attach_mode(mode.empty() ? "rw" : mode);
  return ev;
}

volume_decision decide_connect(const volume_record& v,
                               const std::string& attachment_id,
                               const std::string& host,
                               const std::string& mountpoint,
                               int64_t now_us) {
  const auto* a = v.find_attachment(attachment_id);
  if (!v.exists() || a == nullptr) {
    return unknown_attachment(attachment_id);
  }
  if (a->status == "attaching" || a->status == "attached") {
    return already_done();
  }
  if (a->status != "reserved") {
    return invalid_volume("Attachment " + attachment_id
                          + " cannot be connected while " + a->status + ".");
  }
  auto ev = stamped(now_us);
  auto* c = ev.mutable_attachment_connected();
  c->set_attachment_id(attachment_id);
  c->set_host(host);
  c->set_mountpoint(mountpoint);
  return ev;
}

volume_decision decide_attach_complete(const volume_record& v,
                                       const std::string& attachment_id,
                                       const std::string& mountpoint,
                                       int64_t now_us) {
  const auto* a = v.find_attachment(attachment_id);
  if (!v.exists() || a == nullptr) {
    return unknown_attachment(attachment_id);
  }
  if (a->status == "attached") {
    return already_done();
  }
  if (a->status != "attaching" && a->status != "reserved") {
    return invalid_volume("Attachment " + attachment_id
                          + " cannot complete while " + a->status + ".");
  }
  auto ev = stamped(now_us);
  ev.mutable_attachment_completed()->set_attachment_id(attachment_id);
  ev.mutable_attachment_completed()->set_mountpoint(mountpoint);
  return ev;
}

volume_decision decide_begin_detach(const volume_record& v,
                                    const std::string& attachment_id,
                                    int64_t now_us) {
  const auto* a = v.find_attachment(attachment_id);
  if (!v.exists() || a == nullptr) {
    return unknown_attachment(attachment_id);
  }
  if (a->status == "detaching") {
    return already_done();
  }
  if (a->status != "attached") {
    return invalid_volume("Unable to detach volume. Volume status must be "
                          "'in-use' and attach_status must be 'attached' to "
                          "detach.");
  }
  auto ev = stamped(now_us);
  ev.mutable_attachment_detaching()->set_attachment_id(attachment_id);
  return ev;
}

volume_decision decide_move(const volume_record& v,
                            const std::string& attachment_id,
                            const std::string& host, int64_t now_us) {
  const auto* a = v.find_attachment(attachment_id);
  if (!v.exists() || a == nullptr) {
    return unknown_attachment(attachment_id);
  }
  if (a->status != "attaching" && a->status != "attached") {
    return invalid_volume("Attachment " + attachment_id
                          + " cannot move to another host while "
                          + a->status + ".");
  }
  if (a->host == host) {
    return already_done();
  }
  auto ev = stamped(now_us);
  ev.mutable_attachment_moved()->set_attachment_id(attachment_id);
  ev.mutable_attachment_moved()->set_host(host);
  return ev;
}

volume_decision decide_remove_attachment(const volume_record& v,
                                         const std::string& attachment_id,
                                         int64_t now_us) {
  if (!v.exists()) {
    return volume_not_found(v.id);
  }
  if (v.find_attachment(attachment_id) == nullptr) {
    return already_done();
  }
  auto ev = stamped(now_us);
  ev.mutable_attachment_deleted()->set_attachment_id(attachment_id);
  return ev;
}

} // namespace strato::volume
