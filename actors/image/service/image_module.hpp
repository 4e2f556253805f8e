#pragma once

/// The "image" service module (Glance v2 under /image/v2): the image
/// entities' shard region, the catalog read by the API, the filesystem
/// store in `<data-dir>/images`, and the "image" actor other services use
/// (`actors/image/image_protocol.hpp`).

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::image {

[[nodiscard]] std::unique_ptr<service::service_module> make_image_module();

} // namespace strato::image
