#include "actors/image/model/image_model.hpp"

#include <algorithm>

namespace strato::image {

namespace {

image_events one(v1::ImageEvent event) {
  image_events out;
  out.push_back(std::move(event));
  return out;
}

status transition_refused(v1::ImageStatus from, std::string_view to) {
  return {errc::invalid_transition,
          "Image status transition from " + std::string{to_string(from)}
            + " to " + std::string{to} + " is not allowed"};
}

} // namespace

bool image_model::exists() const noexcept {
  return record_.status() != v1::IMAGE_STATUS_UNSPECIFIED
         && record_.status() != v1::IMAGE_STATUS_DELETED;
}

status image_model::require_exists() const {
  if (!exists()) {
    return {errc::not_found, "No image found with ID " + record_.id()};
  }
  return {};
}

// -- apply --------------------------------------------------------------------

void image_model::apply(const v1::ImageEvent& event) {
  auto& r = record_;
  switch (event.event_case()) {
    case v1::ImageEvent::kCreated: {
      const auto& e = event.created();
      r.set_id(e.id());
      r.set_owner(e.owner());
      *r.mutable_attributes() = e.attributes();
      r.set_status(v1::IMAGE_STATUS_QUEUED);
      r.set_created_at_us(e.at_us());
      r.set_updated_at_us(e.at_us());
      break;
    }
    case v1::ImageEvent::kUpdated:
      *r.mutable_attributes() = event.updated().attributes();
      r.set_updated_at_us(event.updated().at_us());
      break;
    case v1::ImageEvent::kUploadStarted:
      r.set_status(v1::IMAGE_STATUS_SAVING);
      r.set_upload_id(event.upload_started().upload_id());
      r.set_updated_at_us(event.upload_started().at_us());
      break;
    case v1::ImageEvent::kUploadCompleted: {
      const auto& e = event.upload_completed();
      r.set_status(v1::IMAGE_STATUS_ACTIVE);
      r.set_size(e.size());
      r.set_virtual_size(e.virtual_size());
      r.set_checksum(e.checksum());
      r.set_os_hash_algo(e.os_hash_algo());
      r.set_os_hash_value(e.os_hash_value());
      r.set_location(e.location());
      r.clear_upload_id();
      r.set_updated_at_us(e.at_us());
      break;
    }
    case v1::ImageEvent::kUploadFailed:
      r.set_status(v1::IMAGE_STATUS_QUEUED);
      r.clear_upload_id();
      r.set_updated_at_us(event.upload_failed().at_us());
      break;
    case v1::ImageEvent::kDeactivated:
      r.set_status(v1::IMAGE_STATUS_DEACTIVATED);
      r.set_updated_at_us(event.deactivated().at_us());
      break;
    case v1::ImageEvent::kReactivated:
      r.set_status(v1::IMAGE_STATUS_ACTIVE);
      r.set_updated_at_us(event.reactivated().at_us());
      break;
    case v1::ImageEvent::kDeleted:
      r.set_status(v1::IMAGE_STATUS_DELETED);
      r.set_updated_at_us(event.deleted().at_us());
      break;
    case v1::ImageEvent::kMemberSet: {
      const auto& e = event.member_set();
      auto& member = (*r.mutable_members())[e.member_id()];
      if (member.created_at_us() == 0) {
        member.set_created_at_us(e.at_us());
      }
      member.set_status(e.status());
      member.set_updated_at_us(e.at_us());
      break;
    }
    case v1::ImageEvent::kMemberRemoved:
      r.mutable_members()->erase(event.member_removed().member_id());
      break;
    case v1::ImageEvent::kUseStarted:
      r.add_consumers(event.use_started().consumer());
      break;
    case v1::ImageEvent::kUseEnded: {
      auto* consumers = r.mutable_consumers();
      auto it = std::find(consumers->begin(), consumers->end(),
                          event.use_ended().consumer());
      if (it != consumers->end()) {
        consumers->erase(it);
      }
      break;
    }
    case v1::ImageEvent::EVENT_NOT_SET:
      break;
  }
}

std::string image_model::snapshot_state() const {
  return record_.SerializeAsString();
}

status image_model::restore(std::string_view state) {
  if (!record_.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return {errc::corruption, "image snapshot cannot be decoded"};
  }
  return {};
}

// -- decide -------------------------------------------------------------------

result<image_events>
image_model::decide_create(const std::string& id, const std::string& owner,
                           const v1::ImageAttributes& attrs,
                           int64_t now_us) const {
  if (record_.status() != v1::IMAGE_STATUS_UNSPECIFIED) {
    return status{errc::conflict, "An image with identifier " + id
                                    + " already exists"};
  }
  if (auto ok = validate_attributes(attrs); !ok.ok()) {
    return ok;
  }
  v1::ImageEvent event;
  auto* created = event.mutable_created();
  created->set_id(id);
  created->set_owner(owner);
  *created->mutable_attributes() = attrs;
  created->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_update(const v1::ImageAttributes& attrs,
                           int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (auto ok = validate_attributes(attrs); !ok.ok()) {
    return ok;
  }
  const auto& old = record_.attributes();
  bool queued = record_.status() == v1::IMAGE_STATUS_QUEUED;
  if (!queued && (old.disk_format() != attrs.disk_format()
                  || old.has_disk_format() != attrs.has_disk_format())) {
    return status{errc::forbidden, "Attribute disk_format can be only "
                                   "replaced for a queued image."};
  }
  if (!queued
      && (old.container_format() != attrs.container_format()
          || old.has_container_format() != attrs.has_container_format())) {
    return status{errc::forbidden, "Attribute container_format can be only "
                                   "replaced for a queued image."};
  }
  // Members survive a visibility change (Glance ignores them until the
  // image is shared again).
  v1::ImageEvent event;
  *event.mutable_updated()->mutable_attributes() = attrs;
  event.mutable_updated()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_upload_start(const std::string& upload_id,
                                 int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.status() != v1::IMAGE_STATUS_QUEUED) {
    return transition_refused(record_.status(), "saving");
  }
  const auto& attrs = record_.attributes();
  if (!attrs.has_disk_format() || !attrs.has_container_format()) {
    return status{errc::invalid_argument,
                  "Properties disk_format, container_format must be set "
                  "prior to saving data."};
  }
  v1::ImageEvent event;
  event.mutable_upload_started()->set_upload_id(upload_id);
  event.mutable_upload_started()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_upload_complete(const upload_outcome& outcome,
                                    int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.status() != v1::IMAGE_STATUS_SAVING
      || record_.upload_id() != outcome.upload_id) {
    return status{errc::conflict, "Image " + record_.id()
                                    + " could not be found after upload. The "
                                      "image may have been deleted during "
                                      "the upload."};
  }
  v1::ImageEvent event;
  auto* done = event.mutable_upload_completed();
  done->set_upload_id(outcome.upload_id);
  done->set_size(outcome.size);
  done->set_virtual_size(outcome.virtual_size);
  done->set_checksum(outcome.checksum);
  done->set_os_hash_algo("sha512");
  done->set_os_hash_value(outcome.os_hash_value);
  done->set_location(outcome.location);
  done->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_upload_fail(const std::string& upload_id,
                                const std::string& reason,
                                int64_t now_us) const {
  if (!exists() || record_.status() != v1::IMAGE_STATUS_SAVING
      || record_.upload_id() != upload_id) {
    return image_events{}; // Deleted or superseded meanwhile: nothing to undo.
  }
  v1::ImageEvent event;
  event.mutable_upload_failed()->set_upload_id(upload_id);
  event.mutable_upload_failed()->set_reason(reason);
  event.mutable_upload_failed()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events> image_model::decide_deactivate(int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.status() == v1::IMAGE_STATUS_DEACTIVATED) {
    return image_events{};
  }
  if (record_.status() != v1::IMAGE_STATUS_ACTIVE) {
    return status{errc::forbidden,
                  "Not allowed to deactivate image in status '"
                    + std::string{to_string(record_.status())} + "'"};
  }
  v1::ImageEvent event;
  event.mutable_deactivated()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events> image_model::decide_reactivate(int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.status() == v1::IMAGE_STATUS_ACTIVE) {
    return image_events{};
  }
  if (record_.status() != v1::IMAGE_STATUS_DEACTIVATED) {
    return status{errc::forbidden,
                  "Not allowed to reactivate image in status '"
                    + std::string{to_string(record_.status())} + "'"};
  }
  v1::ImageEvent event;
  event.mutable_reactivated()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events> image_model::decide_delete(int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.attributes().protected_()) {
    return status{errc::forbidden, "Image " + record_.id()
                                     + " is protected and cannot be deleted."};
  }
  if (record_.consumers_size() > 0) {
    return status{errc::conflict, "Image " + record_.id() + " is in use by "
                                    + record_.consumers(0)
                                    + " and cannot be deleted."};
  }
  v1::ImageEvent event;
  event.mutable_deleted()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_member_add(const std::string& member_id,
                               int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (record_.attributes().visibility() != "shared") {
    return status{errc::forbidden,
                  "Only shared images have members."};
  }
  if (record_.members().contains(member_id)) {
    return status{errc::conflict, "The target member " + member_id
                                    + " is already associated with image "
                                    + record_.id() + "."};
  }
  v1::ImageEvent event;
  auto* set = event.mutable_member_set();
  set->set_member_id(member_id);
  set->set_status("pending");
  set->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_member_status(const std::string& member_id,
                                  const std::string& status_name,
                                  int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (!record_.members().contains(member_id)) {
    return status{errc::not_found, "Member " + member_id
                                     + " not found for image " + record_.id()};
  }
  if (status_name != "pending" && status_name != "accepted"
      && status_name != "rejected") {
    return status{errc::invalid_argument,
                  "Provided object does not match schema 'member': '"
                    + status_name
                    + "' is not one of ['pending', 'accepted', 'rejected']"};
  }
  v1::ImageEvent event;
  auto* set = event.mutable_member_set();
  set->set_member_id(member_id);
  set->set_status(status_name);
  set->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_member_remove(const std::string& member_id,
                                  int64_t now_us) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  if (!record_.members().contains(member_id)) {
    return status{errc::not_found, "Member " + member_id
                                     + " not found for image " + record_.id()};
  }
  v1::ImageEvent event;
  event.mutable_member_removed()->set_member_id(member_id);
  event.mutable_member_removed()->set_at_us(now_us);
  return one(std::move(event));
}

result<image_events>
image_model::decide_use(const std::string& consumer) const {
  if (auto ok = require_exists(); !ok.ok()) {
    return ok;
  }
  const auto& consumers = record_.consumers();
  if (std::find(consumers.begin(), consumers.end(), consumer)
      != consumers.end()) {
    return image_events{};
  }
  if (record_.status() != v1::IMAGE_STATUS_ACTIVE) {
    return status{errc::invalid_transition,
                  "Image " + record_.id() + " is not active (status "
                    + std::string{to_string(record_.status())} + ")."};
  }
  v1::ImageEvent event;
  event.mutable_use_started()->set_consumer(consumer);
  return one(std::move(event));
}

result<image_events>
image_model::decide_release(const std::string& consumer) const {
  const auto& consumers = record_.consumers();
  if (std::find(consumers.begin(), consumers.end(), consumer)
      == consumers.end()) {
    return image_events{};
  }
  v1::ImageEvent event;
  event.mutable_use_ended()->set_consumer(consumer);
  return one(std::move(event));
}

} // namespace strato::image
