#pragma once

// Runs a program as a child process for whole-process tests: its stdout and
// stderr go to files that the test can read while it runs.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace strato::testing {

class child_process {
public:
  /// Starts `argv[0]` with `argv`, output captured under `log_dir`; extra
  /// `env` entries ("NAME=value") are added to the environment.
  child_process(std::vector<std::string> argv, const std::string& log_dir,
                std::vector<std::string> env = {});
  ~child_process(); ///< SIGKILLs the child if it still runs.
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  [[nodiscard]] pid_t pid() const {
    return pid_;
  }

  /// Waits up to `timeout` for the exit; the exit code, or 128+signal, or
  /// nothing when it is still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  void signal(int sig);

  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;

  /// Waits until stdout contains `needle`; false on exit or timeout.
  bool wait_for_output(const std::string& needle,
                       std::chrono::milliseconds timeout);

private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string out_path_;
  std::string err_path_;
};

} // namespace strato::testing
