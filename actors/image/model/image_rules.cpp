#include "actors/image/model/image_rules.hpp"

#include <algorithm>
#include <array>

namespace strato::image {

namespace {

bool contains(const std::vector<std::string>& values, std::string_view x) {
  return std::find(values.begin(), values.end(), x) != values.end();
}

// Glance's schema lists these as attributes of the image itself; some are
// read-only, some reserved (location, deleted), none may be a property.
constexpr std::array<std::string_view, 27> base_attributes{
  "id",         "name",          "status",        "visibility",
  "protected",  "os_hidden",     "checksum",      "os_hash_algo",
  "os_hash_value", "owner",      "size",          "virtual_size",
  "container_format", "disk_format", "created_at", "updated_at",
  "tags",       "direct_url",    "min_ram",       "min_disk",
  "self",       "file",          "stores",        "schema",
  "locations",  "location",      "deleted",
};

} // namespace

const std::vector<std::string>& disk_formats() {
  static const std::vector<std::string> values{
    "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso",
    "ploop"};
  return values;
}

const std::vector<std::string>& container_formats() {
  static const std::vector<std::string> values{
    "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"};
  return values;
}

std::string_view to_string(v1::ImageStatus status) noexcept {
  switch (status) {
    case v1::IMAGE_STATUS_QUEUED: return "queued";
    case v1::IMAGE_STATUS_SAVING: return "saving";
    case v1::IMAGE_STATUS_ACTIVE: return "active";
    case v1::IMAGE_STATUS_KILLED: return "killed";
    case v1::IMAGE_STATUS_DELETED: return "deleted";
    case v1::IMAGE_STATUS_PENDING_DELETE: return "pending_delete";
    case v1::IMAGE_STATUS_DEACTIVATED: return "deactivated";
    case v1::IMAGE_STATUS_UPLOADING: return "uploading";
    case v1::IMAGE_STATUS_IMPORTING: return "importing";
    default: return "unknown";
  }
}

bool is_base_attribute(std::string_view name) {
  return std::find(base_attributes.begin(), base_attributes.end(), name)
         != base_attributes.end();
}

bool owned_by(const v1::ImageSnapshot& image, const viewer& who) {
  return who.admin
         || (!who.project_id.empty() && who.project_id == image.owner());
}

bool visible_to(const v1::ImageSnapshot& image, const viewer& who) {
  if (image.status() == v1::IMAGE_STATUS_DELETED
      || image.status() == v1::IMAGE_STATUS_UNSPECIFIED) {
    return false;
  }
  if (owned_by(image, who)) {
    return true;
  }
  const auto& visibility = image.attributes().visibility();
  if (visibility == "public" || visibility == "community") {
    return true;
  }
  return visibility == "shared" && image.members().contains(who.project_id);
}

status validate_attributes(const v1::ImageAttributes& attrs) {
  auto invalid = [](std::string message) {
    return status{errc::invalid_argument, std::move(message)};
  };
  if (attrs.has_name() && attrs.name().size() > 255) {
    return invalid("Provided object does not match schema 'image': '"
                   + attrs.name() + "' is too long");
  }
  static const std::vector<std::string> visibilities{"public", "private",
                                                     "shared", "community"};
  if (!contains(visibilities, attrs.visibility())) {
    return invalid("Invalid visibility value: " + attrs.visibility());
  }
  if (attrs.has_disk_format() && !contains(disk_formats(), attrs.disk_format())) {
    return invalid("Invalid disk format '" + attrs.disk_format()
                   + "' for image.");
  }
  if (attrs.has_container_format()
      && !contains(container_formats(), attrs.container_format())) {
    return invalid("Invalid container format '" + attrs.container_format()
                   + "' for image.");
  }
  if (attrs.min_disk() < 0 || attrs.min_ram() < 0) {
    return invalid("Cannot be a negative value.");
  }
  for (const auto& tag : attrs.tags()) {
    if (tag.size() > 255) {
      return invalid("Provided object does not match schema 'image': '" + tag
                     + "' is too long");
    }
  }
  for (const auto& [key, value] : attrs.properties()) {
    if (is_base_attribute(key)) {
      return {errc::forbidden, "Attribute '" + key + "' is read-only."};
    }
    if (key.size() > 255 || value.size() > 65535) {
      return invalid("Provided object does not match schema 'image': '" + key
                     + "' is too long");
    }
  }
  return {};
}

} // namespace strato::image
