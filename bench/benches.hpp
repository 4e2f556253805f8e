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
  std::string plot;   ///< scheduler: PNG of ops/s and p99 against hosts.
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
/// The scheduler's claim path through its actors (part of `scheduler`).
int run_scheduler_actors(const bench_options& opts, reporter& out);
/// Writes `png` (and its .dat/.gp) with gnuplot; 0 on success.
int plot_scheduler(const std::vector<measurement>& cases, const std::string& png);
int run_network(const bench_options& opts, reporter& out);
int run_images(const bench_options& opts, reporter& out);
int run_volumes(const bench_options& opts, reporter& out);
int run_churn(const bench_options& opts, reporter& out);
int run_ovs(const bench_options& opts, reporter& out);
int run_hypervisor(const bench_options& opts, reporter& out);

} // namespace strato::bench
