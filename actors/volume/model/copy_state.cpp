#include "actors/volume/model/copy_state.hpp"

namespace strato::volume {

namespace {

pb::CopyEvent stamped(int64_t now_us) {
  pb::CopyEvent ev;
  ev.set_at_us(now_us);
  return ev;
}

status invalid(copy_kind kind, const std::string& reason) {
  return {errc::invalid_argument,
          (kind == copy_kind::snapshot ? "Invalid snapshot: "
                                       : "Invalid backup: ")
            + reason};
}

} // namespace

status copy_not_found(copy_kind kind, const std::string& id) {
  return {errc::not_found, (kind == copy_kind::snapshot ? "Snapshot " : "Backup ")
                             + id + " could not be found."};
}

copy_decision decide_copy_create(const copy_record& c,
                                 pb::CopyEvent::Created created,
                                 int64_t now_us) {
  if (c.status != pb::COPY_STATUS_UNSPECIFIED) {
    return status{errc::conflict, created.id() + " already exists."};
  }
  auto ev = stamped(now_us);
  *ev.mutable_created() = std::move(created);
  return ev;
}

copy_decision decide_copy_update(const copy_record& c, copy_kind kind,
                                 const std::optional<std::string>& name,
                                 const std::optional<std::string>& description,
                                 const std::optional<string_map>& metadata,
                                 int64_t now_us) {
  if (!c.exists()) {
    return copy_not_found(kind, c.id);
  }
  auto ev = stamped(now_us);
  auto* u = ev.mutable_updated();
  if (name) {
    u->set_name(*name);
  }
  if (description) {
    u->set_description(*description);
  }
  if (metadata) {
    u->set_replace_metadata(true);
    u->mutable_metadata()->insert(metadata->begin(), metadata->end());
  }
  return ev;
}

copy_decision decide_copy_delete(const copy_record& c, copy_kind kind,
                                 bool force, int64_t now_us) {
  if (!c.exists()) {
    return copy_not_found(kind, c.id);
  }
  if (c.status == pb::COPY_STATUS_DELETING) {
    return pb::CopyEvent{};
  }
  bool deletable = c.status == pb::COPY_STATUS_AVAILABLE
                   || c.status == pb::COPY_STATUS_ERROR
                   || c.status == pb::COPY_STATUS_ERROR_DELETING;
  if (!deletable && !force) {
    return invalid(kind, kind == copy_kind::snapshot
                           ? "Volume Snapshot status must be available or "
                             "error and must not be part of a group"
                           : "Backup status must be available or error");
  }
  auto ev = stamped(now_us);
  ev.mutable_delete_started();
  return ev;
}

copy_decision decide_copy_reset(const copy_record& c, copy_kind kind,
                                copy_status status_to, int64_t now_us) {
  if (!c.exists()) {
    return copy_not_found(kind, c.id);
  }
  auto ev = stamped(now_us);
  ev.mutable_status_reset()->set_status(status_to);
  return ev;
}

copy_decision decide_copy_finished(const copy_record& c,
                                   const std::string& path,
                                   uint64_t stored_bytes, int64_t now_us) {
  if (c.status != pb::COPY_STATUS_CREATING) {
    return status{errc::invalid_transition, "not creating"};
  }
  auto ev = stamped(now_us);
  ev.mutable_create_finished()->set_path(path);
  ev.mutable_create_finished()->set_stored_bytes(stored_bytes);
  return ev;
}

copy_decision decide_copy_failed(const copy_record& c,
                                 const std::string& reason, int64_t now_us) {
  copy_status next = pb::COPY_STATUS_UNSPECIFIED;
  if (c.status == pb::COPY_STATUS_CREATING) {
    next = pb::COPY_STATUS_ERROR;
  } else if (c.status == pb::COPY_STATUS_DELETING) {
    next = pb::COPY_STATUS_ERROR_DELETING;
  } else {
    return status{errc::invalid_transition, "no operation in progress"};
  }
  auto ev = stamped(now_us);
  ev.mutable_failed()->set_status(next);
  ev.mutable_failed()->set_reason(reason);
  return ev;
}

copy_decision decide_copy_deleted(const copy_record& c, int64_t now_us) {
  if (c.status != pb::COPY_STATUS_DELETING) {
    return status{errc::invalid_transition, "not deleting"};
  }
  auto ev = stamped(now_us);
  ev.mutable_deleted();
  return ev;
}

} // namespace strato::volume
