#include "actors/cluster/cluster_protocol.hpp"

#include <caf/actor_system_config.hpp>

namespace strato::cluster {

void register_cluster_message_types(caf::actor_system_config& config) {
  config.add_message_type<node_hello>("strato.cluster.node_hello");
  config.add_message_type<join_welcome>("strato.cluster.join_welcome");
  config.add_message_type<member_status>("strato.cluster.member_status");
}

} // namespace strato::cluster
