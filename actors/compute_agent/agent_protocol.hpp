#pragma once

/// The compute host agent as the compute service talks to it.
///
/// One agent actor runs per compute host and owns that host's hypervisor
/// driver. It runs every driver call on the node's blocking pool and answers
/// with a message, so no actor thread ever waits on libvirt. Calls for the
/// same instance run one at a time in arrival order; calls for different
/// instances run in parallel (up to the pool's size).
///
/// The compute_agent module registers a router as "compute-agent" in the
/// `service::actor_directory`. Send it `(std::string hostname, caf::message)`
/// with the inner message one of the requests below; the router forwards it
/// to that host's agent, which answers the original sender. An unknown
/// hostname answers errc::not_found. Errors travel as `caf::error` made by
/// `actor::to_caf_error` (read them with `actor::from_caf_error`): the
/// driver's errc and message (libvirt's own text for the libvirt driver).
///
/// Requests (inner messages):
///
///   (agent_run_atom, instance_command)         -> instance_outcome
///       Runs one driver operation on one instance. Use a request timeout
///       that covers the operation (power_off waits up to its timeout).
///   (agent_info_atom, std::string uuid)        -> hypervisor::instance_info
///   (agent_console_atom, std::string uuid, uint64_t max_bytes)
///                                              -> std::string
///   (agent_list_atom)                          -> host_guests
///   (agent_inventory_atom)                     -> hypervisor::host_inventory
///   (agent_subscribe_atom, caf::actor listener) -> bool (true)
///       The listener (the compute service) then receives, as one-way
///       messages:
///         (agent_lifecycle_atom, std::string hostname,
///          hypervisor::lifecycle_event)
///             a power change the hypervisor made on its own (guest shut
///             down, crashed) or that an operation caused;
///         (agent_power_sync_atom, power_sync_report)
///             what the last power-state sync found and corrected;
///       and is asked, once per power-sync period:
///         (agent_expected_atom, std::string hostname) -> expected_instances
///             the instances the compute service has recorded on this host
///             with their recorded state (see "power sync" below).
///       Subscribing again replaces the listener; the agent monitors it and
///       forgets it when it dies.
///   (agent_power_sync_atom)                    -> power_sync_report
///       Runs one power sync now (tests, operators) and answers its report;
///       the report is also sent to the listener.
///
/// The router also answers `(agent_hosts_atom)` -> std::vector<std::string>:
/// every hostname it serves, sorted; and takes agents that live on other
/// nodes (the cluster membership hands them over when a compute node joins):
///   (agent_attach_atom, std::string hostname, caf::actor agent) -> bool
///       Routes `hostname` to `agent` from now on (replacing an older one)
///       and subscribes the current listener with it.
///   (agent_detach_atom, std::string hostname)                  -> bool
///       Forgets the host: requests for it are errc::unavailable until an
///       agent is attached again. A router also detaches an agent it sees
///       die (the connection to its node lost).
/// An agent itself takes `(agent_scheduler_atom, caf::actor scheduler)`
/// -> bool: register with this scheduler from now on (a compute node that
/// joined a controller again).
///
/// Power sync (Nova's `_sync_power_states`): every `power_sync_interval` the
/// agent asks the listener for `expected_instances`, lists the hypervisor's
/// guests, and for each expected instance that has no task in flight
/// compares the recorded vm_state with the observed power state
/// (`plan_power_sync` in power_sync.hpp is the pure rule):
///   - power state differs from the recorded one -> `record_power_state`;
///   - vm_state "active" or "paused" but the guest is shut down, crashed or
///     missing -> `record_stopped` (the compute service records the
///     instance stopped, as Nova's stop API does);
///   - vm_state "stopped" but the guest runs or is paused -> the agent
///     forces the guest off itself -> `powered_off`;
///   - otherwise, a power state that differs from the recorded one (an
///     active guest found paused or suspended: Nova logs and leaves it)
///     -> `record_power_state`.
/// Instances with a task in flight, or with an agent operation queued, are
/// skipped.
/// The compute service records every correction it receives as an event on
/// the instance (so the history shows what power sync changed).
///
/// Scheduler: on start each agent registers its host and inventory with the
/// "scheduler" actor when the directory has one, and reports health every
/// `health_interval` (see scheduler_link.hpp).

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::compute_agent {

using agent_run_atom = caf::atom_constant<caf::atom("agrun")>;
using agent_info_atom = caf::atom_constant<caf::atom("aginfo")>;
using agent_console_atom = caf::atom_constant<caf::atom("agconsole")>;
using agent_list_atom = caf::atom_constant<caf::atom("aglist")>;
using agent_inventory_atom = caf::atom_constant<caf::atom("aginv")>;
using agent_subscribe_atom = caf::atom_constant<caf::atom("agsub")>;
using agent_lifecycle_atom = caf::atom_constant<caf::atom("aglife")>;
using agent_power_sync_atom = caf::atom_constant<caf::atom("agpsync")>;
using agent_expected_atom = caf::atom_constant<caf::atom("agexpect")>;
using agent_hosts_atom = caf::atom_constant<caf::atom("aghosts")>;
using agent_attach_atom = caf::atom_constant<caf::atom("agattach")>;
using agent_detach_atom = caf::atom_constant<caf::atom("agdetach")>;
using agent_scheduler_atom = caf::atom_constant<caf::atom("agsched")>;

/// What `agent_run_atom` does to the instance. Numbers are stable.
enum class instance_operation : uint8_t {
  spawn = 1,       ///< uses `spec`
  destroy = 2,
  power_on = 3,
  power_off = 4,   ///< uses `timeout_s` (graceful, then forced)
  reboot_soft = 5,
  reboot_hard = 6,
  pause = 7,
  unpause = 8,
  suspend = 9,
  resume = 10,
  resize = 11,     ///< uses `spec`
  live_migrate = 12, ///< uses `destination_uri`
  attach_volume = 13,    ///< uses `disk`
  detach_volume = 14,    ///< uses `device_id` (the volume id)
  attach_interface = 15, ///< uses `iface`
  detach_interface = 16, ///< uses `device_id` (the port id)
};

/// "spawn", "power_off", ...: the names `fake_hypervisor::fail_next` takes.
[[nodiscard]] const char* to_string(instance_operation op);

struct instance_command {
  instance_operation operation = instance_operation::spawn;
  std::string uuid;
  /// The API request that caused it, for logs and instance actions.
  std::string request_id;
  hypervisor::instance_spec spec;
  hypervisor::disk_spec disk;
  hypervisor::interface_spec iface;
  std::string device_id;
  std::string destination_uri;
  uint32_t timeout_s = 60;
};

/// A successful operation and the power state the guest is in after it
/// (`nostate` after destroy).
struct instance_outcome {
  std::string uuid;
  instance_operation operation = instance_operation::spawn;
  hypervisor::power_state state = hypervisor::power_state::nostate;
  std::string request_id;
};

/// Every guest on the host and its power state.
struct host_guests {
  std::string hostname;
  std::map<std::string, hypervisor::power_state> guests;
};

/// One instance as the compute service recorded it on this host.
struct expected_instance {
  std::string uuid;
  std::string vm_state; ///< Nova's vm_state: "active", "stopped", "paused", ...
  /// Recorded power state, to detect changes worth recording.
  hypervisor::power_state power_state = hypervisor::power_state::nostate;
  /// A task is in flight (task_state set): power sync leaves it alone.
  bool task_in_flight = false;
};

struct expected_instances {
  std::vector<expected_instance> instances;
};

enum class power_sync_action : uint8_t {
  record_power_state = 1, ///< Only the power state changed; record it.
  record_stopped = 2,     ///< Record the instance stopped (vm_state stopped).
  powered_off = 3,        ///< The agent forced a guest off that should not run.
};

[[nodiscard]] const char* to_string(power_sync_action action);

struct power_sync_correction {
  std::string uuid;
  power_sync_action action = power_sync_action::record_power_state;
  hypervisor::power_state observed = hypervisor::power_state::nostate;
  std::string vm_state; ///< As the compute service recorded it.
};

struct power_sync_report {
  std::string hostname;
  /// Instances compared (expected ones without a task in flight).
  uint32_t checked = 0;
  std::vector<power_sync_correction> corrections;
  /// Guests the hypervisor runs that the compute service does not know.
  std::vector<std::string> unknown_guests;
};

} // namespace strato::compute_agent

// The agent may run on another node than the compute service (`strato node
// --role compute`), so every message it sends or receives is serializable;
// `register_agent_message_types` registers them with an actor system config
// (every node registers the same types).

namespace strato::hypervisor {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, disk_spec& x) {
  return f(caf::meta::type_name("strato.hypervisor.disk_spec"), x.volume_id,
           x.path, x.format, x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interface_spec& x) {
  return f(caf::meta::type_name("strato.hypervisor.interface_spec"),
           x.port_id, x.mac, x.bridge, x.tap, x.mtu);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_spec& x) {
  return f(caf::meta::type_name("strato.hypervisor.instance_spec"), x.uuid,
           x.name, x.vcpus, x.memory_mb, x.root_gb, x.ephemeral_gb, x.swap_mb,
           x.image_path, x.image_format, x.volumes, x.interfaces, x.metadata);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_info& x) {
  return f(caf::meta::type_name("strato.hypervisor.instance_info"), x.state,
           x.vcpus, x.memory_mb, x.cpu_time_ns);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_inventory& x) {
  return f(caf::meta::type_name("strato.hypervisor.host_inventory"),
           x.hostname, x.vcpus, x.memory_mb, x.disk_gb, x.hypervisor_type,
           x.hypervisor_version, x.cpu_arch);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, lifecycle_event& x) {
  return f(caf::meta::type_name("strato.hypervisor.lifecycle_event"), x.uuid,
           x.state, x.reason);
}

} // namespace strato::hypervisor

namespace strato::compute_agent {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_command& x) {
  return f(caf::meta::type_name("strato.compute_agent.instance_command"),
           x.operation, x.uuid, x.request_id, x.spec, x.disk, x.iface,
           x.device_id, x.destination_uri, x.timeout_s);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instance_outcome& x) {
  return f(caf::meta::type_name("strato.compute_agent.instance_outcome"),
           x.uuid, x.operation, x.state, x.request_id);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, host_guests& x) {
  return f(caf::meta::type_name("strato.compute_agent.host_guests"),
           x.hostname, x.guests);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, expected_instance& x) {
  return f(caf::meta::type_name("strato.compute_agent.expected_instance"),
           x.uuid, x.vm_state, x.power_state, x.task_in_flight);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, expected_instances& x) {
  return f(caf::meta::type_name("strato.compute_agent.expected_instances"),
           x.instances);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f,
                                        power_sync_correction& x) {
  return f(caf::meta::type_name("strato.compute_agent.power_sync_correction"),
           x.uuid, x.action, x.observed, x.vm_state);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, power_sync_report& x) {
  return f(caf::meta::type_name("strato.compute_agent.power_sync_report"),
           x.hostname, x.checked, x.corrections, x.unknown_guests);
}

/// Adds the agent protocol's types (and the scheduler registration the
/// agents send) to `config`.
void register_agent_message_types(caf::actor_system_config& config);

} // namespace strato::compute_agent
