#pragma once

/// How other services (compute first) use Neutron's ports.
///
/// The network module registers an actor as "network" in the
/// `service::actor_directory`. Send it one of the messages below; every
/// answer comes once the change is durable (recorded as events), or is an
/// error. Errors are strato codes: errc::not_found (no such network or port,
/// or one the project may not see), errc::conflict (port bound to another
/// device, address already in use, no free address), errc::quota_exceeded,
/// errc::invalid_argument.
///
///   (port_attach_atom, port_request)           -> port_info
///       Creates a port for `device_id` on `network_id` (with `fixed_ip` if
///       given, else one address per subnet from IPAM), or, when `port_id`
///       is set, takes that existing unbound port and sets its device. The
///       port stays DOWN until its host has plugged it.
///   (port_check_atom, port_request)            -> bool (true)
///       Decides `port_attach` against the current registry without
///       writing anything: the same refusals, so that compute's API can
///       refuse a create before it records the server.
///   (port_bind_atom, std::string port_id, std::string host_id,
///    std::string request_id)                   -> port_info
///       Sets `binding:host_id` (binding:vif_type becomes "ovs"). A port
///       bound to another host before (its server moved) goes DOWN until
///       the new host has plugged it, as ML2 does; "" unbinds it.
///   (port_plugged_atom, std::string port_id, std::string request_id)
///                                              -> port_info
///       The host has plugged the port: status DOWN -> ACTIVE.
///   (port_detach_atom, std::string port_id, std::string request_id)
///                                              -> port_info
///       Unbinds the port and clears its device (for `server remove port`
///       of a port the user created); status -> DOWN. The port is kept.
///   (port_delete_atom, std::string port_id, std::string request_id)
///                                              -> bool (true)
///       Deletes the port and frees its addresses (for ports compute
///       created). Deleting a port that is already gone answers true.
///   (device_ports_atom, std::string device_id) -> std::vector<port_info>
///       The ports whose device_id is `device_id` (an instance's ports, for
///       Nova's `addresses`), oldest first.
///   (available_networks_atom, std::string project_id)
///                                              -> std::vector<network_summary>
///       What Nova's `_get_available_networks` lists for a server that
///       names no network: the project's own networks that are not shared,
///       then every shared network, each in creation order.

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strato::network {

using port_attach_atom = caf::atom_constant<caf::atom("pattach")>;
using port_check_atom = caf::atom_constant<caf::atom("pcheck")>;
using port_bind_atom = caf::atom_constant<caf::atom("pbind")>;
using port_plugged_atom = caf::atom_constant<caf::atom("pplugged")>;
using port_detach_atom = caf::atom_constant<caf::atom("pdetach")>;
using port_delete_atom = caf::atom_constant<caf::atom("pdelete")>;
using device_ports_atom = caf::atom_constant<caf::atom("devports")>;
using available_networks_atom = caf::atom_constant<caf::atom("availnets")>;

/// A network as Nova's network selection needs it.
struct network_summary {
  std::string id;
  std::string name;
  std::string project_id;
  bool shared = false;
  bool admin_state_up = true;
  bool external = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, network_summary& x) {
  return f(caf::meta::type_name("strato.network.network_summary"), x.id,
           x.name, x.project_id, x.shared, x.admin_state_up, x.external);
}

/// One fixed address of a port.
struct fixed_ip {
  std::string subnet_id;
  std::string ip_address; ///< "10.0.0.5", "fd00::5"
  int ip_version = 4;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fixed_ip& x) {
  return f(caf::meta::type_name("strato.network.fixed_ip"), x.subnet_id,
           x.ip_address, x.ip_version);
}

/// Asks for a port for a device (an instance).
struct port_request {
  std::string project_id;   ///< The instance's project; owns a new port.
  bool admin = false;       ///< Caller may use any project's port/network.
  std::string network_id;   ///< Create a port here (when port_id is empty).
  std::string port_id;      ///< Use this existing port instead.
  std::string fixed_ip;     ///< Optional requested address on network_id.
  std::string device_id;    ///< The instance's uuid.
  std::string device_owner = "compute:nova";
  std::string request_id;   ///< Correlation id of the events.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, port_request& x) {
  return f(caf::meta::type_name("strato.network.port_request"), x.project_id,
           x.admin, x.network_id, x.port_id, x.fixed_ip, x.device_id,
           x.device_owner, x.request_id);
}

/// A port as compute needs it (plug it, report Nova's `addresses`).
struct port_info {
  std::string id;
  std::string project_id;
  std::string network_id;
  std::string network_name; ///< The key of Nova's `addresses`.
  std::string mac_address;  ///< "fa:16:3e:xx:xx:xx"
  std::vector<fixed_ip> fixed_ips;
  std::string device_id;
  std::string device_owner;
  std::string host_id;      ///< binding:host_id; empty when unbound.
  std::string status;       ///< "DOWN" or "ACTIVE"
  std::string network_type; ///< "vlan", "vxlan", "gre", "flat", "local"
  int64_t segmentation_id = 0;
  int64_t mtu = 1500;
  bool port_security_enabled = true;
  std::vector<std::string> security_group_ids;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, port_info& x) {
  return f(caf::meta::type_name("strato.network.port_info"), x.id,
           x.project_id, x.network_id, x.network_name, x.mac_address,
           x.fixed_ips, x.device_id, x.device_owner, x.host_id, x.status,
           x.network_type, x.segmentation_id, x.mtu, x.port_security_enabled,
           x.security_group_ids);
}

} // namespace strato::network
