#pragma once

/// The block storage service (Cinder v3) as a node module: the volume,
/// snapshot and backup shard regions, the catalog projection over the
/// global log, the driver, the HTTP API, and the "volume" actor other
/// services use (volume_protocol.hpp). Starts after tenant and image.

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::volume {

[[nodiscard]] std::unique_ptr<service::service_module> make_volume_module();

} // namespace strato::volume
