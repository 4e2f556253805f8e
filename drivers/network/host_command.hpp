#pragma once

/// Runs host tools (`ip`, `ovs-ofctl`, `dnsmasq`, `iptables`) as child
/// processes and collects their output. Blocking: only on the blocking pool.

#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::network {

/// Runs `argv` (argv[0] looked up in PATH, with /usr/sbin and /sbin added)
/// with `stdin_text` on its standard input; its standard output on exit code
/// 0, else errc::unavailable with the command line and its stderr.
[[nodiscard]] result<std::string> run_command(const std::vector<std::string>& argv,
                                              const std::string& stdin_text = {});

/// `argv` run inside network namespace `netns` (`ip netns exec`); as is when
/// `netns` is empty.
[[nodiscard]] std::vector<std::string> in_netns(const std::string& netns,
                                                std::vector<std::string> argv);

/// True if `program` is found in PATH (or /usr/sbin, /sbin).
[[nodiscard]] bool have_program(const std::string& program);

} // namespace strato::network

namespace strato::network {

/// Starts a daemon that forks itself (dnsmasq): its output goes to
/// `log_path`, and this returns once the foreground process exits, with
/// errc::unavailable if it failed.
[[nodiscard]] status run_daemon(const std::vector<std::string>& argv,
                                const std::string& log_path);

} // namespace strato::network
