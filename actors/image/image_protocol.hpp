#pragma once

/// The image service as other services (Nova's compute, Cinder's volumes)
/// use it.
///
/// The image module registers one actor as "image" in the
/// `service::actor_directory` (it starts after placement, before compute and
/// volume). It routes each message below to the image's entity; the answer
/// comes straight back to the requester, or a `caf::error` carrying a strato
/// errc:
///   errc::not_found          no such image, it is deleted, or the project
///                            may not see it (Glance answers 404 for all);
///   errc::invalid_transition the image is not usable in its status (only
///                            "active" images can be taken into use);
///   errc::unavailable        the store failed.
///
/// Visibility, as Glance decides it for a non-admin project P:
///   public, community  -> everyone;
///   private            -> the owner only;
///   shared             -> the owner and projects that are members of the
///                         image (any member status; Glance lists only
///                         accepted ones, but a member may always use it).
/// An empty `project_id` means an admin caller: every image is visible.
///
/// Usage tracking: a consumer (an instance booted from the image, a volume
/// created from it) calls `image_use` before reading the file and
/// `image_release` when it no longer needs it. While any consumer holds it,
/// deleting the image is refused (409), as is deleting a `protected` image.
/// Both are idempotent for the same (consumer_kind, consumer_id): a retry
/// after a crash answers as the first call did. Every request carries the
/// API request id (`req-<uuid>`), recorded as the events' correlation id.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace strato::image {

/// Reads one image. Answers `image_info`.
struct image_lookup {
  std::string image_id;
  std::string project_id; ///< The caller's project; empty: admin, any.
};

/// Takes an active image into use by a consumer, so that it cannot be
/// deleted until released. Answers `image_info` (with the data's path).
struct image_use {
  std::string image_id;
  std::string project_id;    ///< Visibility check as for lookup.
  std::string consumer_kind; ///< "instance" or "volume".
  std::string consumer_id;
  std::string request_id;
};

/// Ends a consumer's use; unknown consumers are not an error.
/// Answers `bool` (true when the consumer held the image).
struct image_release {
  std::string image_id;
  std::string consumer_kind;
  std::string consumer_id;
  std::string request_id;
};

/// An image as another service needs it.
struct image_info {
  std::string id;
  std::string name;
  std::string owner;      ///< Project id of the owner.
  std::string visibility; ///< "public", "private", "shared", "community".
  /// "queued", "saving", "active", "killed", "deleted", "pending_delete",
  /// "deactivated", "uploading", "importing".
  std::string status;
  std::string disk_format;      ///< "qcow2", "raw", ... ; empty if unset.
  std::string container_format; ///< "bare", ... ; empty if unset.
  uint64_t size = 0;            ///< Bytes of image data; 0 before upload.
  uint64_t virtual_size = 0;    ///< Guest-visible disk size; 0 if unknown.
  uint64_t min_disk = 0;        ///< GiB.
  uint64_t min_ram = 0;         ///< MiB.
  bool is_protected = false;
  std::string checksum; ///< md5, hex.
  /// Additional properties ("hw_disk_bus", "os_distro", ...).
  std::map<std::string, std::string> properties;
  /// Absolute path of the image's data in the filesystem store; empty until
  /// the image is active. Read-only for consumers: they copy or use it as a
  /// backing file, never write it.
  std::string file_path;
  /// Consumers holding the image, as "instance/<id>" or "volume/<id>".
  std::vector<std::string> consumers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, image_lookup& x) {
  return f(caf::meta::type_name("strato.image.image_lookup"), x.image_id,
           x.project_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, image_use& x) {
  return f(caf::meta::type_name("strato.image.image_use"), x.image_id,
           x.project_id, x.consumer_kind, x.consumer_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, image_release& x) {
  return f(caf::meta::type_name("strato.image.image_release"), x.image_id,
           x.consumer_kind, x.consumer_id, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, image_info& x) {
  return f(caf::meta::type_name("strato.image.image_info"), x.id, x.name,
           x.owner, x.visibility, x.status, x.disk_format, x.container_format,
           x.size, x.virtual_size, x.min_disk, x.min_ram, x.is_protected,
           x.checksum, x.properties, x.file_path, x.consumers);
}

} // namespace strato::image
