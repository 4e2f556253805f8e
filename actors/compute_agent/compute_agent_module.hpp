#pragma once

/// The "compute_agent" service module: this node's compute host agents (one
/// per host: the machine's own, or `--fake-compute-hosts` fakes) and the
/// "compute-agent" router the compute service talks to. Agents register
/// with the "scheduler" actor when the placement module started before.
/// Driver calls run on a pool of the module's own, so that a slow hypervisor
/// never holds up the node's disk work.

#include <map>
#include <memory>
#include <string>

#include "runtime/service/service_module.hpp"

namespace strato::compute_agent {

/// Driver threads per node: libvirt calls block for seconds (graceful
/// shutdowns).
inline constexpr size_t hypervisor_threads = 4;

/// This machine's hostname ("localhost" when it has none): the default
/// compute host and node name.
[[nodiscard]] std::string machine_hostname();

/// One agent per compute host this node presents (the machine itself, or
/// `--fake-compute-hosts` fakes), driver calls on `pool`, registering with
/// `scheduler` when valid. Compute-only nodes use it directly.
[[nodiscard]] result<std::map<std::string, caf::actor>>
spawn_local_host_agents(caf::actor_system& system,
                        const server::node_config& config,
                        const std::shared_ptr<blocking_pool>& pool,
                        const caf::actor& scheduler);

[[nodiscard]] std::unique_ptr<service::service_module>
make_compute_agent_module();

} // namespace strato::compute_agent
