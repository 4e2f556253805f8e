#pragma once

/// Glance's vocabulary and rules that need no state: the formats it accepts,
/// status names, who may see an image, and the checks on user-settable
/// attributes. CAF-free and I/O-free.

#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/error.hpp"
#include "strato/image/v1/image.pb.h"

namespace strato::image {

namespace v1 = strato::image::v1;

/// Glance's default `disk_formats` and `container_formats` options.
[[nodiscard]] const std::vector<std::string>& disk_formats();
[[nodiscard]] const std::vector<std::string>& container_formats();

[[nodiscard]] std::string_view to_string(v1::ImageStatus status) noexcept;

/// Who asks: the caller's project ("" for none) and whether it is an admin.
struct viewer {
  std::string project_id;
  bool admin = false;
};

/// Glance's visibility rules: public and community images are visible to
/// everyone, private ones to the owner, shared ones to the owner and members.
/// Admins see everything. Deleted images are visible to no one.
[[nodiscard]] bool visible_to(const v1::ImageSnapshot& image, const viewer& who);

/// May `who` change the image (owner or admin)?
[[nodiscard]] bool owned_by(const v1::ImageSnapshot& image, const viewer& who);

/// Checks attributes as Glance's schema does: known formats and visibility,
/// non-negative minimums, lengths, no reserved property names. 400 on error.
[[nodiscard]] status validate_attributes(const v1::ImageAttributes& attrs);

/// Glance's base attributes: not allowed as additional property names.
[[nodiscard]] bool is_base_attribute(std::string_view name);

} // namespace strato::image
