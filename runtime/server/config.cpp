#include "runtime/server/config.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace strato::server {

namespace {

/// The node's settings are options of the main program, not of a
/// subcommand, so that a config file holds them as top-level keys; fallthrough
/// lets them follow the subcommand on the command line.
void add_node_options(CLI::App& serve, node_config& config) {
  serve.set_config("--config", "", "settings file (TOML or INI)");
  serve.add_option("--data-dir", config.data_dir, "where events are stored")
    ->envname("STRATO_DATA_DIR")
    ->capture_default_str();
  serve.add_option("--listen", config.listen, "API address, ADDRESS:PORT")
    ->envname("STRATO_LISTEN")
    ->capture_default_str();
  serve.add_option("--public-url", config.public_url,
                   "URL clients use to reach the API (default: from --listen)")
    ->envname("STRATO_PUBLIC_URL");
  serve.add_option("--log-level", config.log_level,
                   "trace, debug, info, warn, error, critical or off")
    ->envname("STRATO_LOG_LEVEL")
    ->capture_default_str();
  serve.add_option("--log-format", config.log_format, "text or json")
    ->envname("STRATO_LOG_FORMAT")
    ->check(CLI::IsMember({"text", "json"}))
    ->capture_default_str();
  serve.add_flag("--unsafe-no-fsync", config.unsafe_no_fsync,
                 "do not fsync commits: acknowledged writes can be lost on a "
                 "crash (benchmarks only)")
    ->envname("STRATO_UNSAFE_NO_FSYNC");
  serve.add_option("--snapshot-every", config.snapshot_every,
                   "snapshot an entity every N events (0: never)")
    ->envname("STRATO_SNAPSHOT_EVERY")
    ->capture_default_str();
  serve.add_option("--io-threads", config.io_threads, "HTTP I/O threads")
    ->envname("STRATO_IO_THREADS")
    ->check(CLI::Range(1, 64))
    ->capture_default_str();
  serve.add_option("--actor-threads", config.actor_threads,
                   "actor scheduler threads (0: one per core)")
    ->envname("STRATO_ACTOR_THREADS")
    ->capture_default_str();
  serve.add_option("--blocking-threads", config.blocking_threads,
                   "threads for blocking disk and driver calls")
    ->envname("STRATO_BLOCKING_THREADS")
    ->check(CLI::Range(1, 256))
    ->capture_default_str();
  serve.add_option("--max-body-bytes", config.max_body_bytes,
                   "largest request body accepted (413 above)")
    ->envname("STRATO_MAX_BODY_BYTES")
    ->capture_default_str();
  serve.add_option("--tls-cert", config.tls_certificate_file,
                   "PEM certificate chain; enables TLS with --tls-key")
    ->envname("STRATO_TLS_CERT");
  serve.add_option("--tls-key", config.tls_private_key_file,
                   "PEM private key")
    ->envname("STRATO_TLS_KEY");
  serve.add_option("--admin-password", config.admin_password,
                   "password of the bootstrap admin (generated if unset)")
    ->envname("STRATO_ADMIN_PASSWORD");
  // Compute host agent (actors/compute_agent).
  serve.add_option("--hypervisor", config.hypervisor, "fake or libvirt")
    ->envname("STRATO_HYPERVISOR")
    ->check(CLI::IsMember({"fake", "libvirt"}))
    ->capture_default_str();
  serve.add_option("--libvirt-uri", config.libvirt_uri,
                   "libvirt connection (qemu:///system, test:///default)")
    ->envname("STRATO_LIBVIRT_URI")
    ->capture_default_str();
  serve.add_option("--libvirt-virt-type", config.libvirt_virt_type,
                   "domain type: kvm, or qemu for software emulation")
    ->envname("STRATO_LIBVIRT_VIRT_TYPE")
    ->check(CLI::IsMember({"kvm", "qemu"}))
    ->capture_default_str();
  serve.add_option("--compute-host", config.compute_host,
                   "this node's compute host name (default: hostname)")
    ->envname("STRATO_COMPUTE_HOST");
  serve.add_option("--fake-compute-hosts", config.fake_compute_hosts,
                   "fake hosts to present with --hypervisor fake")
    ->envname("STRATO_FAKE_COMPUTE_HOSTS")
    ->check(CLI::Range(1, 100000))
    ->capture_default_str();
  // Block storage (actors/volume).
  serve.add_option("--volume-driver", config.volume_driver,
                   "volume files: file (qcow2 via qemu-img) or fake")
    ->envname("STRATO_VOLUME_DRIVER")
    ->check(CLI::IsMember({"file", "fake"}))
    ->capture_default_str();
  // Networking data plane (drivers/network).
  serve.add_option("--network-driver", config.network_driver, "ovs or noop")
    ->envname("STRATO_NETWORK_DRIVER")
    ->check(CLI::IsMember({"ovs", "noop"}))
    ->capture_default_str();
  serve.add_option("--ovsdb", config.ovsdb,
                   "OVSDB server of this host: unix:PATH or tcp:IP:PORT")
    ->envname("STRATO_OVSDB")
    ->capture_default_str();
  serve.add_option("--integration-bridge", config.integration_bridge,
                   "OVS bridge that instance ports are plugged into")
    ->envname("STRATO_INTEGRATION_BRIDGE")
    ->capture_default_str();
  // Networking (actors/network).
  serve.add_option("--tenant-network-type", config.tenant_network_type,
                   "segment type of project networks")
    ->envname("STRATO_TENANT_NETWORK_TYPE")
    ->check(CLI::IsMember({"vxlan", "gre", "vlan", "local"}))
    ->capture_default_str();
  serve.add_option("--network-vlan-range", config.network_vlan_range,
                   "PHYSNET:MIN:MAX VLAN tags for project networks")
    ->envname("STRATO_NETWORK_VLAN_RANGE")
    ->capture_default_str();
  serve.add_option("--network-tunnel-range", config.network_tunnel_range,
                   "MIN:MAX VXLAN VNIs / GRE keys for project networks")
    ->envname("STRATO_NETWORK_TUNNEL_RANGE")
    ->capture_default_str();
  // The cluster (actors/cluster).
  serve.add_option("--node-name", config.node_name,
                   "this node's name in the cluster (default: compute host "
                   "name or hostname)")
    ->envname("STRATO_NODE_NAME");
  serve.add_option("--cluster-listen", config.cluster_listen,
                   "ADDRESS:PORT where a controller accepts nodes joining")
    ->envname("STRATO_CLUSTER_LISTEN");
  serve.add_option("--cluster-tls-cert", config.cluster_tls_cert,
                   "PEM certificate for TLS between nodes (with "
                   "--cluster-tls-key)")
    ->envname("STRATO_CLUSTER_TLS_CERT");
  serve.add_option("--cluster-tls-key", config.cluster_tls_key,
                   "PEM private key for TLS between nodes")
    ->envname("STRATO_CLUSTER_TLS_KEY");
  serve.add_option("--cluster-tls-ca", config.cluster_tls_ca,
                   "PEM CA file: peers must present a certificate it signed")
    ->envname("STRATO_CLUSTER_TLS_CA");
  serve.add_option("--heartbeat-ms", config.heartbeat_ms,
                   "how often members send heartbeats")
    ->envname("STRATO_HEARTBEAT_MS")
    ->check(CLI::Range(50, 60000))
    ->capture_default_str();
  serve.add_option("--suspect-after-ms", config.suspect_after_ms,
                   "a member silent this long is declared down")
    ->envname("STRATO_SUSPECT_AFTER_MS")
    ->check(CLI::Range(100, 600000))
    ->capture_default_str();
  serve.add_option("--scheduler-shards", config.scheduler_shards,
                   "Scheduler shards the compute hosts are partitioned across")
    ->envname("STRATO_SCHEDULER_SHARDS")
    ->check(CLI::Range(1, 64))
    ->capture_default_str();
}

void validate_roles(node_config& config) {
  bool controller = false;
  bool compute = false;
  bool inside_controller = false;
  for (const auto& role : split_list(config.roles)) {
    if (role == "controller") {
      controller = true;
    } else if (role == "compute") {
      compute = true;
    } else if (role == "api" || role == "scheduler") {
      inside_controller = true;
    } else {
      throw CLI::ValidationError("--role", "unknown role '" + role
                                             + "' (controller, compute, api, "
                                               "scheduler)");
    }
  }
  if (inside_controller && !controller) {
    throw CLI::ValidationError(
      "--role", "api and scheduler run inside a controller for now: add "
                "'controller'");
  }
  if (!controller && !compute) {
    throw CLI::ValidationError("--role", "no role given");
  }
  if (!controller && config.join.empty()) {
    throw CLI::ValidationError("--join",
                               "a node without the controller role needs "
                               "--join HOST:PORT of a controller");
  }
  if (controller && !config.join.empty()) {
    throw CLI::ValidationError(
      "--join", "controllers do not join each other yet (one controller "
                "per cluster); give it --cluster-listen instead");
  }
}

} // namespace

command_line parse_command_line(int argc, char** argv) {
  CLI::App app{"strato: an OpenStack-compatible cloud control plane"};
  app.require_subcommand(1);
  app.fallthrough();
  command_line out;
  add_node_options(app, out.config);
  auto* serve = app.add_subcommand(
    "serve", "run an all-in-one node: every service on one address");
  serve->footer("Settings are the options of 'strato --help'; they may "
                "follow 'serve'.");
  auto* node = app.add_subcommand(
    "node", "run some roles of a cluster node and join the controllers");
  node->add_option("--role", out.config.roles,
                   "controller, compute, or both: controller,compute ('api' "
                   "and 'scheduler' run inside a controller)")
    ->required()
    ->envname("STRATO_ROLE");
  node->add_option("--join", out.config.join,
                   "HOST:PORT[,HOST:PORT] of the controllers to join")
    ->envname("STRATO_JOIN");
  node->footer("Settings are the options of 'strato --help'; they may "
               "follow 'node'.");
  try {
    app.parse(argc, argv);
    if (node->parsed()) {
      validate_roles(out.config);
    }
  } catch (const CLI::ParseError& e) {
    out.exit_code = app.exit(e);
    return out;
  }
  out.run = serve->parsed() || node->parsed();
  return out;
}

} // namespace strato::server
