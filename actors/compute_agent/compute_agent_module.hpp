#pragma once

/// The "compute_agent" service module: this node's compute host agents (one
/// per host: the machine's own, or `--fake-compute-hosts` fakes) and the
/// "compute-agent" router the compute service talks to. Agents register
/// with the "scheduler" actor when the placement module started before.
/// Driver calls run on a pool of the module's own, so that a slow hypervisor
/// never holds up the node's disk work.

#include <memory>

#include "runtime/service/service_module.hpp"

namespace strato::compute_agent {

[[nodiscard]] std::unique_ptr<service::service_module>
make_compute_agent_module();

} // namespace strato::compute_agent
