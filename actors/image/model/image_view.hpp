#pragma once

/// The image as Glance's API shows it (glance.api.v2.images
/// ResponseSerializer._format_image): base attributes, additional
/// properties flattened beside them, `self`/`file`/`schema` links, times as
/// "YYYY-MM-DDTHH:MM:SSZ"; attributes without a value are null.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/image/model/image_rules.hpp"

namespace strato::image {

[[nodiscard]] nlohmann::json image_json(const v1::ImageSnapshot& image);

/// Glance's member view.
[[nodiscard]] nlohmann::json member_json(const v1::ImageSnapshot& image,
                                         const std::string& member_id);

/// Microseconds since the epoch as Glance's isotime ("2024-05-01T10:00:00Z").
[[nodiscard]] std::string glance_time(int64_t us);

} // namespace strato::image
