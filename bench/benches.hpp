#pragma once

// The subcommands of strato-bench.

#include <chrono>
#include <string>

#include "bench/report.hpp"

namespace strato::bench {

struct bench_options {
  /// Where scratch stores go (on the disk under test).
  std::string dir;
  std::chrono::milliseconds seconds_per_case{2000};
  bool quick = false; ///< Smaller sizes, for CI smoke runs.
};

/// A scratch directory under `parent`, removed afterwards.
class scratch_dir {
public:
  explicit scratch_dir(const std::string& parent);
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  [[nodiscard]] const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

int run_eventstore(const bench_options& opts, reporter& out);
int run_entities(const bench_options& opts, reporter& out);
int run_tokens(const bench_options& opts, reporter& out);
int run_http(const bench_options& opts, reporter& out);
int run_scheduler(const bench_options& opts, reporter& out);

} // namespace strato::bench
