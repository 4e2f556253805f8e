#include "actors/volume/model/records.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace strato::volume {

namespace {

constexpr std::array<std::pair<volume_status, std::string_view>, 17>
  volume_names{{
    {pb::VOLUME_STATUS_CREATING, "creating"},
    {pb::VOLUME_STATUS_AVAILABLE, "available"},
    {pb::VOLUME_STATUS_RESERVED, "reserved"},
    {pb::VOLUME_STATUS_ATTACHING, "attaching"},
    {pb::VOLUME_STATUS_IN_USE, "in-use"},
    {pb::VOLUME_STATUS_DETACHING, "detaching"},
    {pb::VOLUME_STATUS_DELETING, "deleting"},
    {pb::VOLUME_STATUS_ERROR, "error"},
    {pb::VOLUME_STATUS_ERROR_DELETING, "error_deleting"},
    {pb::VOLUME_STATUS_EXTENDING, "extending"},
    {pb::VOLUME_STATUS_BACKING_UP, "backing-up"},
    {pb::VOLUME_STATUS_RESTORING_BACKUP, "restoring-backup"},
    {pb::VOLUME_STATUS_MAINTENANCE, "maintenance"},
    {pb::VOLUME_STATUS_DOWNLOADING, "downloading"},
    {pb::VOLUME_STATUS_UPLOADING, "uploading"},
    {pb::VOLUME_STATUS_ERROR_EXTENDING, "error_extending"},
    {pb::VOLUME_STATUS_ERROR_RESTORING, "error_restoring"},
  }};

constexpr std::array<std::pair<copy_status, std::string_view>, 6> copy_names{{
  {pb::COPY_STATUS_CREATING, "creating"},
  {pb::COPY_STATUS_AVAILABLE, "available"},
  {pb::COPY_STATUS_DELETING, "deleting"},
  {pb::COPY_STATUS_ERROR, "error"},
  {pb::COPY_STATUS_ERROR_DELETING, "error_deleting"},
  {pb::COPY_STATUS_RESTORING, "restoring"},
}};

template <class Table, class Status>
std::string_view name_of(const Table& table, Status status) noexcept {
  for (const auto& [value, name] : table) {
    if (value == status) {
      return name;
    }
  }
  return "unknown";
}

template <class Status, class Table>
std::optional<Status> parse_in(const Table& table,
                               std::string_view text) noexcept {
  for (const auto& [value, name] : table) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

void merge_metadata(string_map& target, bool replace,
                    const google::protobuf::Map<std::string, std::string>& m) {
  if (replace) {
    target.clear();
  }
  for (const auto& [key, value] : m) {
    target[key] = value;
  }
}

attachment_record* find_mutable(volume_record& v, const std::string& id) {
  auto it = std::ranges::find(v.attachments, id, &attachment_record::id);
  return it == v.attachments.end() ? nullptr : &*it;
}

/// After an attachment changes: in-use while any is attached, else the
/// transitional status of the newest one, else available.
volume_status status_from_attachments(const volume_record& v) {
  bool detaching = false;
  for (const auto& a : v.attachments) {
    if (a.status == "attached") {
      return pb::VOLUME_STATUS_IN_USE;
    }
    detaching = detaching || a.status == "detaching";
  }
  if (detaching) {
    return pb::VOLUME_STATUS_DETACHING;
  }
  if (v.attachments.empty()) {
    return pb::VOLUME_STATUS_AVAILABLE;
  }
  return v.attachments.back().status == "attaching"
           ? pb::VOLUME_STATUS_ATTACHING
           : pb::VOLUME_STATUS_RESERVED;
}

void apply_attachment_event(volume_record& v, const pb::VolumeEvent& ev) {
  using E = pb::VolumeEvent;
  switch (ev.event_case()) {
    case E::kAttachmentReserved: {
      const auto& e = ev.attachment_reserved();
      attachment_record a;
      a.id = e.attachment_id();
      a.volume_id = v.id;
      a.instance_uuid = e.instance_uuid();
      a.attach_mode = e.attach_mode().empty() ? "rw" : e.attach_mode();
      a.created_at_us = ev.at_us();
      v.attachments.push_back(std::move(a));
      break;
    }
    case E::kAttachmentConnected:
      if (auto* a = find_mutable(v, ev.attachment_connected().attachment_id())) {
        a->status = "attaching";
        a->host = ev.attachment_connected().host();
        a->mountpoint = ev.attachment_connected().mountpoint();
      }
      break;
    case E::kAttachmentCompleted:
      if (auto* a = find_mutable(v, ev.attachment_completed().attachment_id())) {
        a->status = "attached";
        if (!ev.attachment_completed().mountpoint().empty()) {
          a->mountpoint = ev.attachment_completed().mountpoint();
        }
        a->attached_at_us = ev.at_us();
      }
      break;
    case E::kAttachmentDetaching:
      if (auto* a = find_mutable(v, ev.attachment_detaching().attachment_id())) {
        a->status = "detaching";
      }
      break;
    case E::kAttachmentDeleted:
      std::erase_if(v.attachments, [&](const attachment_record& a) {
        return a.id == ev.attachment_deleted().attachment_id();
      });
      break;
    case E::kAttachmentMoved:
      if (auto* a = find_mutable(v, ev.attachment_moved().attachment_id())) {
        a->host = ev.attachment_moved().host();
      }
      break;
    default:
      return;
  }
  v.status = status_from_attachments(v);
}

} // namespace

std::string_view to_string(volume_status status) noexcept {
  return name_of(volume_names, status);
}

std::string_view to_string(copy_status status) noexcept {
  return name_of(copy_names, status);
}

std::optional<volume_status>
parse_volume_status(std::string_view text) noexcept {
  return parse_in<volume_status>(volume_names, text);
}

std::optional<copy_status> parse_copy_status(std::string_view text) noexcept {
  return parse_in<copy_status>(copy_names, text);
}

const attachment_record*
volume_record::find_attachment(std::string_view attachment_id) const {
  auto it = std::ranges::find(attachments, attachment_id,
                              &attachment_record::id);
  return it == attachments.end() ? nullptr : &*it;
}

std::string volume_record::source_snapshot_id() const {
  return source.kind_case() == pb::VolumeSource::kSnapshotId
           ? source.snapshot_id()
           : std::string{};
}

std::string volume_record::source_volume_id() const {
  return source.kind_case() == pb::VolumeSource::kSourceVolid
           ? source.source_volid()
           : std::string{};
}

void apply_volume_event(volume_record& v, const std::string& id,
                        const pb::VolumeEvent& ev) {
  using E = pb::VolumeEvent;
  v.updated_at_us = ev.at_us();
  switch (ev.event_case()) {
    case E::kCreated: {
      const auto& e = ev.created();
      v.id = e.id().empty() ? id : e.id();
      v.project_id = e.project_id();
      v.user_id = e.user_id();
      v.name = e.name();
      v.description = e.description();
      v.size_gb = e.size_gb();
      v.volume_type_id = e.volume_type_id();
      v.availability_zone = e.availability_zone();
      v.metadata = {e.metadata().begin(), e.metadata().end()};
      v.source = e.source();
      v.source_path = e.source_path();
      v.source_format = e.source_format();
      v.multiattach = e.multiattach();
      v.status = pb::VOLUME_STATUS_CREATING;
      v.created_at_us = ev.at_us();
      v.updated_at_us = 0; // Cinder shows null until the first change.
      break;
    }
    case E::kCreateFinished:
      v.path = ev.create_finished().path();
      v.format = ev.create_finished().format();
      v.bootable = v.bootable || ev.create_finished().bootable();
      v.status = pb::VOLUME_STATUS_AVAILABLE;
      break;
    case E::kFailed:
      v.status = ev.failed().status();
      v.fail_reason = ev.failed().reason();
      v.extend_to_gb = 0;
      break;
    case E::kUpdated: {
      const auto& e = ev.updated();
      if (e.has_name()) {
        v.name = e.name();
      }
      if (e.has_description()) {
        v.description = e.description();
      }
      merge_metadata(v.metadata, e.replace_metadata(), e.metadata());
      for (const auto& key : e.removed_metadata_keys()) {
        v.metadata.erase(key);
      }
      if (e.has_bootable()) {
        v.bootable = e.bootable();
      }
      break;
    }
    case E::kStatusReset:
      v.status = ev.status_reset().status();
      if (ev.status_reset().clear_attachments()) {
        v.attachments.clear();
      }
      break;
    case E::kExtendStarted:
      v.extend_to_gb = ev.extend_started().new_size_gb();
      v.status_before_busy = v.status;
      v.status = pb::VOLUME_STATUS_EXTENDING;
      break;
    case E::kExtended:
      v.size_gb = ev.extended().size_gb();
      v.extend_to_gb = 0;
      v.status = v.status_before_busy == pb::VOLUME_STATUS_IN_USE
                   ? pb::VOLUME_STATUS_IN_USE
                   : pb::VOLUME_STATUS_AVAILABLE;
      break;
    case E::kDeleteStarted:
      v.status = pb::VOLUME_STATUS_DELETING;
      break;
    case E::kDeleted:
      v.deleted = true;
      break;
    case E::kBusyStarted:
      v.status_before_busy = v.status;
      v.status = ev.busy_started().status();
      v.busy_operation = ev.busy_started().operation_id();
      if (!ev.busy_started().source_path().empty()) {
        v.source_path = ev.busy_started().source_path();
      }
      break;
    case E::kBusyFinished:
      v.status = v.status_before_busy == pb::VOLUME_STATUS_UNSPECIFIED
                   ? pb::VOLUME_STATUS_AVAILABLE
                   : v.status_before_busy;
      v.busy_operation.clear();
      break;
    default:
      apply_attachment_event(v, ev);
      break;
  }
}

void apply_copy_event(copy_record& c, const std::string& id,
                      const pb::CopyEvent& ev) {
  using E = pb::CopyEvent;
  c.updated_at_us = ev.at_us();
  switch (ev.event_case()) {
    case E::kCreated: {
      const auto& e = ev.created();
      c.id = e.id().empty() ? id : e.id();
      c.project_id = e.project_id();
      c.user_id = e.user_id();
      c.volume_id = e.volume_id();
      c.name = e.name();
      c.description = e.description();
      c.size_gb = e.size_gb();
      c.metadata = {e.metadata().begin(), e.metadata().end()};
      c.container = e.container();
      c.snapshot_id = e.snapshot_id();
      c.source_path = e.source_path();
      c.status = pb::COPY_STATUS_CREATING;
      c.created_at_us = ev.at_us();
      c.updated_at_us = 0;
      break;
    }
    case E::kCreateFinished:
      c.path = ev.create_finished().path();
      c.stored_bytes = ev.create_finished().stored_bytes();
      c.status = pb::COPY_STATUS_AVAILABLE;
      break;
    case E::kFailed:
      c.status = ev.failed().status();
      c.fail_reason = ev.failed().reason();
      c.restoring_volume_id.clear();
      break;
    case E::kUpdated: {
      const auto& e = ev.updated();
      if (e.has_name()) {
        c.name = e.name();
      }
      if (e.has_description()) {
        c.description = e.description();
      }
      merge_metadata(c.metadata, e.replace_metadata(), e.metadata());
      break;
    }
    case E::kStatusReset:
      c.status = ev.status_reset().status();
      break;
    case E::kRestoreStarted:
      c.status = pb::COPY_STATUS_RESTORING;
      c.restoring_volume_id = ev.restore_started().volume_id();
      break;
    case E::kRestoreFinished:
      c.status = pb::COPY_STATUS_AVAILABLE;
      c.restoring_volume_id.clear();
      break;
    case E::kDeleteStarted:
      c.status = pb::COPY_STATUS_DELETING;
      break;
    case E::kDeleted:
      c.deleted = true;
      break;
    default:
      break;
  }
}

void apply_type_event(volume_type_record& t, const std::string& id,
                      const pb::VolumeTypeEvent& ev) {
  using E = pb::VolumeTypeEvent;
  switch (ev.event_case()) {
    case E::kCreated:
      t.id = ev.created().id().empty() ? id : ev.created().id();
      t.name = ev.created().name();
      t.description = ev.created().description();
      t.is_public = ev.created().is_public();
      t.extra_specs = {ev.created().extra_specs().begin(),
                       ev.created().extra_specs().end()};
      break;
    case E::kUpdated:
      if (ev.updated().has_name()) {
        t.name = ev.updated().name();
      }
      if (ev.updated().has_description()) {
        t.description = ev.updated().description();
      }
      if (ev.updated().has_is_public()) {
        t.is_public = ev.updated().is_public();
      }
      break;
    case E::kExtraSpecsSet:
      for (const auto& [key, value] : ev.extra_specs_set().extra_specs()) {
        t.extra_specs[key] = value;
      }
      break;
    case E::kExtraSpecUnset:
      t.extra_specs.erase(ev.extra_spec_unset().key());
      break;
    case E::kDeleted:
      t.deleted = true;
      break;
    default:
      break;
  }
}

volume_type_record default_volume_type() {
  volume_type_record t;
  t.id = std::string{default_type_id};
  t.name = std::string{default_type_name};
  t.description = "Default Volume Type";
  t.is_public = true;
  return t;
}

} // namespace strato::volume
