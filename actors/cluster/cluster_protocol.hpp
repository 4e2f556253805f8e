#pragma once

/// How nodes join a controller and stay members (see ARCHITECTURE.md,
/// "The cluster").
///
/// A controller publishes its membership actor on `--cluster-listen`
/// (CAF's middleman: remote actors over TCP). A node started with `--join`
/// connects to it through its cluster link and says hello; compute nodes
/// bring their host agents, which the controller's "compute-agent" router
/// then reaches like local ones. Every message below crosses the network,
/// so every type is serializable and registered by
/// `register_cluster_message_types` on every node.
///
/// Membership actor (controller):
///   (join_atom, node_hello)                     -> join_welcome
///       Records Joined on "node/<name>" before answering, attaches the
///       node's agents to the router and marks their hosts up.
///   (heartbeat_atom, std::string name, std::string incarnation) -> bool
///       false: the controller does not know this incarnation as up (it
///       restarted, or declared the node down): the node must join again.
///   (leave_atom, std::string name)              -> bool
///       A clean goodbye: recorded as Left, hosts down.
///   (members_atom)                              -> std::vector<member_status>
///
/// A node that misses heartbeats for `suspect_after`, or whose connection
/// drops, is declared down (recorded as Down): its hosts are marked down in
/// the scheduler (no new instances), their agents detached (operations on
/// them fail as unavailable) and their instances show host_status UNKNOWN.

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace strato::cluster {

using join_atom = caf::atom_constant<caf::atom("cljoin")>;
using heartbeat_atom = caf::atom_constant<caf::atom("clbeat")>;
using leave_atom = caf::atom_constant<caf::atom("clleave")>;
using members_atom = caf::atom_constant<caf::atom("clmembers")>;

struct node_hello {
  std::string name;
  /// New on every start of the node's process, so a restarted node is told
  /// apart from one that only lost its connection for a moment.
  std::string incarnation;
  std::vector<std::string> roles;
  /// Compute host name -> the agent that runs its hypervisor.
  std::map<std::string, caf::actor> agents;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("strato.cluster.node_hello"), x.name,
           x.incarnation, x.roles, x.agents);
}

struct join_welcome {
  /// The "scheduler" actor the node's agents register their hosts with.
  caf::actor scheduler;
  uint32_t heartbeat_ms = 1000;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_welcome& x) {
  return f(caf::meta::type_name("strato.cluster.join_welcome"), x.scheduler,
           x.heartbeat_ms);
}

struct member_status {
  std::string name;
  std::string incarnation;
  std::vector<std::string> roles;
  std::vector<std::string> compute_hosts;
  bool up = false;
  bool left = false;
  /// Milliseconds since its last heartbeat (or join).
  int64_t silent_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_status& x) {
  return f(caf::meta::type_name("strato.cluster.member_status"), x.name,
           x.incarnation, x.roles, x.compute_hosts, x.up, x.left, x.silent_ms);
}

/// Adds the types above to `config`; every node registers the same set.
void register_cluster_message_types(caf::actor_system_config& config);

} // namespace strato::cluster
