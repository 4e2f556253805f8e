#pragma once

/// The compute service module (Nova): the catalog entity, the instance
/// region, the host gateway, the server index and the routes under
/// /compute/v2.1. Starts after placement ("scheduler"), image, and
/// compute_agent ("compute-agent"), whose actors it uses when present;
/// registers its instance region as "instance".

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::compute {

[[nodiscard]] std::unique_ptr<service::service_module> make_compute_module();

} // namespace strato::compute
