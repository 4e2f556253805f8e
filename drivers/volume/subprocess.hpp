#pragma once

/// Runs a program to completion and collects what it printed. Blocks: call
/// it on the blocking pool only. Uses posix_spawn (safe in a threaded
/// process, unlike fork + exec with allocations in between).

#include <string>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::volume::internal {

struct process_output {
  int exit_code = 0;
  std::string out; ///< stdout
  std::string err; ///< stderr
};

/// Runs argv[0] (looked up in PATH) with argv. Fails with errc::io_error
/// only when it cannot start or be waited for; a non-zero exit is a value.
[[nodiscard]] result<process_output> run_process(const std::vector<std::string>& argv);

/// run_process, and errc::io_error naming the command and its stderr when it
/// exits non-zero.
[[nodiscard]] result<std::string> run_checked(const std::vector<std::string>& argv);

} // namespace strato::volume::internal
