#pragma once

/// Glance's image update: a JSON patch (media type
/// `application/openstack-images-v2.1-json-patch`) applied to the image's
/// user-settable attributes. Paths name one attribute ("/name",
/// "/min_ram"), an additional property ("/hw_disk_bus") or a tag position
/// ("/tags/0", "/tags/-"); ops are add, replace and remove (add on an
/// existing attribute replaces it, as Glance allows). The whole patch
/// applies, or nothing does.
///
/// Errors, with Glance's statuses: 400 for a malformed patch or a value of
/// the wrong type, 403 for read-only and reserved attributes and for removing
/// a base attribute, 409 for replacing or removing a property that does not
/// exist.

#include <nlohmann/json_fwd.hpp>

#include "actors/image/model/image_rules.hpp"
#include "runtime/core/error.hpp"

namespace strato::image {

[[nodiscard]] result<v1::ImageAttributes>
apply_patch(const v1::ImageAttributes& current, const nlohmann::json& ops);

/// The attributes a create request (`POST /v2/images`) sets; other keys of
/// the body become additional properties. Same errors as `apply_patch`.
[[nodiscard]] result<v1::ImageAttributes>
attributes_from_create(const nlohmann::json& body);

} // namespace strato::image
