#pragma once

/// The settings of a Strato node and where they come from. Precedence, lowest
/// first: built-in defaults, the config file (`--config`, TOML or INI), the
/// environment (`STRATO_<NAME>`), command-line flags.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strato::server {

struct node_config {
  std::string data_dir = "./strato-data";
  /// ADDRESS:PORT of the API front; port 0 picks a free one.
  std::string listen = "127.0.0.1:8080";
  /// The URL clients reach the API at, for the service catalog and version
  /// documents; derived from `listen` when empty.
  std::string public_url;
  std::string log_level = "info";
  std::string log_format = "text";
  /// fsync every commit batch; only benchmarks turn this off.
  bool unsafe_no_fsync = false;
  uint64_t snapshot_every = 100;
  size_t io_threads = 1;
  size_t actor_threads = 0; ///< 0: one per core.
  size_t blocking_threads = 4;
  size_t max_body_bytes = 1 << 20;
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  /// The bootstrap admin's password; generated when empty.
  std::string admin_password;

  // Compute host agent (actors/compute_agent): the hypervisor this node runs
  // guests on.
  std::string hypervisor = "fake"; ///< "fake" or "libvirt".
  std::string libvirt_uri = "qemu:///system";
  std::string libvirt_virt_type = "qemu"; ///< "kvm" or "qemu" (emulation).
  /// This node's compute host name; empty: the machine's hostname.
  std::string compute_host;
  /// Fake hosts this process presents (benchmarks): NAME-1 ... NAME-N.
  size_t fake_compute_hosts = 1;

  // Block storage (actors/volume): where volume, snapshot and backup files
  // live. "file": qcow2 files made with qemu-img under
  // <data-dir>/volumes and <data-dir>/volume-backups; "fake": nothing on
  // disk (benchmarks).
  std::string volume_driver = "file";

  // Networking data plane (drivers/network): "ovs" writes the integration
  // bridge and ports to OVSDB and runs DHCP and routers in namespaces;
  // "noop" does nothing (API-only nodes, benchmarks).
  std::string network_driver = "noop";
  std::string ovsdb = "unix:/run/openvswitch/db.sock"; ///< or tcp:IP:PORT
  std::string integration_bridge = "br-int";

  // Networking (actors/network): the segment project networks get, one per
  // network and never shared (tenant isolation).
  std::string tenant_network_type = "vxlan"; ///< vxlan, gre, vlan or local.
  /// PHYSNET:MIN:MAX, the VLAN tags of VLAN project networks.
  std::string network_vlan_range = "physnet1:100:4094";
  /// MIN:MAX, the VXLAN VNIs and GRE keys of project networks.
  std::string network_tunnel_range = "1:1000";

  // The cluster (actors/cluster). `strato serve` runs every role in one
  // process; `strato node --role ...` runs some of them.
  /// "controller" (every service, the API and the event store), "compute"
  /// (host agents), or both ("controller,compute"); "api" and "scheduler"
  /// run inside a controller.
  std::string roles = "controller,compute";
  /// This node's name in the cluster; empty: the compute host name, or the
  /// machine's hostname.
  std::string node_name;
  /// HOST:PORT[,HOST:PORT]: the controllers' cluster endpoints to join.
  std::string join;
  /// ADDRESS:PORT a controller accepts nodes on; empty: no cluster.
  std::string cluster_listen;
  /// PEM files: with a certificate and key, nodes talk TLS to each other
  /// and, with a CA file, accept only peers whose certificate it signed.
  std::string cluster_tls_cert;
  std::string cluster_tls_key;
  std::string cluster_tls_ca;
  uint32_t heartbeat_ms = 1000;
  /// A node silent for this long is declared down.
  uint32_t suspect_after_ms = 5000;

  // Scheduler and placement (actors/scheduler): hosts are partitioned across
  // this many scheduler shards, each deciding and claiming for its own hosts.
  uint32_t scheduler_shards = 4;
};

/// The parts of a comma-separated setting ("controller,compute",
/// "a:1,b:2"); empty parts are skipped.
[[nodiscard]] inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    if (auto part = text.substr(0, comma); !part.empty()) {
      out.emplace_back(part);
    }
    text = comma == std::string_view::npos ? std::string_view{}
                                           : text.substr(comma + 1);
  }
  return out;
}

/// Whether `config.roles` includes `role` ("api" and "scheduler" are part
/// of "controller"). Inline: service modules ask it without linking the
/// server library.
[[nodiscard]] inline bool has_role(const node_config& config,
                                   std::string_view role) {
  for (const auto& r : split_list(config.roles)) {
    if (r == role
        || (r == "controller" && (role == "api" || role == "scheduler"))) {
      return true;
    }
  }
  return false;
}

/// Outcome of reading the command line: run `serve` or `node` with `config`,
/// or exit with `exit_code` (help printed, or a usage error already
/// reported).
struct command_line {
  bool run = false;
  int exit_code = 0;
  node_config config;
};

[[nodiscard]] command_line parse_command_line(int argc, char** argv);

} // namespace strato::server
