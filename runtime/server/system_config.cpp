#include "runtime/server/system_config.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <thread>

#include "actors/cluster/cluster_protocol.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::server {

node_system_config::node_system_config(const node_config& config,
                                       bool with_middleman) {
  actor::register_error_category(*this);
  // Every node registers the same message types, so that a message means
  // the same on both ends of a connection.
  compute_agent::register_agent_message_types(*this);
  cluster::register_cluster_message_types(*this);
  if (with_middleman) {
    load<caf::io::middleman>();
    if (cluster_tls(config)) {
      load<caf::openssl::manager>();
      openssl_certificate = config.cluster_tls_cert;
      openssl_key = config.cluster_tls_key;
      openssl_cafile = config.cluster_tls_ca;
    }
  }
  if (config.actor_threads > 0) {
    set("scheduler.max-threads", config.actor_threads);
  }
  // With two cores, CAF's work stealing spends its time polling idle
  // queues; one shared queue gives lower tail latency there.
  auto threads = config.actor_threads > 0
                     ? config.actor_threads
                     : size_t{std::thread::hardware_concurrency()};
  if (threads <= 2) {
    set("scheduler.policy", caf::atom("sharing"));
  }
  set("logger.verbosity", caf::atom("quiet"));
}

} // namespace strato::server
