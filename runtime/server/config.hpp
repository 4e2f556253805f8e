#pragma once

/// The settings of a Strato node and where they come from. Precedence, lowest
/// first: built-in defaults, the config file (`--config`, TOML or INI), the
/// environment (`STRATO_<NAME>`), command-line flags.

#include <chrono>
#include <cstdint>
#include <string>

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
};

/// Outcome of reading the command line: run `serve` with `config`, or exit
/// with `exit_code` (help printed, or a usage error already reported).
struct command_line {
  bool run = false;
  int exit_code = 0;
  node_config config;
};

[[nodiscard]] command_line parse_command_line(int argc, char** argv);

} // namespace strato::server
