#pragma once

/// The ports' part of an instance's host operations, run by the host
/// gateway against the "network" actor (actors/network/network_protocol.hpp).
///
/// Every function converges, so a step resumed after a crash may run it
/// again: `allocate_ports` first lists the ports already on the instance
/// (device_id = its uuid) and only makes or takes those still missing;
/// binding, marking plugged, deleting and detaching repeat harmlessly.
/// `done` runs on the calling actor's thread.

#include <caf/fwd.hpp>

#include <functional>
#include <vector>

#include "actors/compute/entity/host_ops.hpp"
#include "drivers/hypervisor/hypervisor_driver.hpp"
#include "runtime/core/error.hpp"

namespace strato::compute {

using ports_done
  = std::function<void(result<std::vector<compute::v1::InstancePort>>)>;
using ports_status_done = std::function<void(status)>;

/// "networking": one port per entry of `op.networks` (made on the network,
/// or the user's port taken), each bound to `op.host`, in request order.
void allocate_ports(caf::event_based_actor* self, const caf::actor& network,
                    const host_op& op, ports_done done);

/// After the spawn plugged `op.ports`: each becomes ACTIVE.
void mark_ports_plugged(caf::event_based_actor* self,
                        const caf::actor& network, const host_op& op,
                        ports_status_done done);

/// After the guest is gone: deletes the instance's ports compute created
/// and detaches (keeps) the ones the user passed in.
void release_ports(caf::event_based_actor* self, const caf::actor& network,
                   const host_op& op, ports_status_done done);

/// Detaches `port` (the user's) or deletes it (compute's); a port already
/// gone counts as released.
void release_port(caf::event_based_actor* self, const caf::actor& network,
                  const compute::v1::InstancePort& port,
                  const std::string& request_id, ports_status_done done);

/// A refusal of the "network" actor for `req` as Nova words it (nova's
/// exception.py): NetworkNotFound and PortNotFound 400, PortInUse 409,
/// FixedIpAlreadyInUse 400, NoMoreFixedIps; other faults keep their text.
[[nodiscard]] status nova_refusal(const status& st,
                                  const compute::v1::RequestedNetwork& req);

/// How the hypervisor plugs `port` (an OVS integration bridge port).
[[nodiscard]] hypervisor::interface_spec
interface_of(const compute::v1::InstancePort& port);

} // namespace strato::compute
