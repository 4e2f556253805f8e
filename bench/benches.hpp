#pragma once

// The subcommands of strato-bench.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

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
int run_cluster(const bench_options& opts, reporter& out);

/// Boot+delete cycles through the Nova API at 127.0.0.1:`port`: `clients`
/// keep-alive loops of POST /servers, GET until not BUILD, DELETE.
struct http_churn_result {
  double cycles_per_s = 0;
  latencies latency; ///< Per cycle, microseconds.
  uint64_t failures = 0;
  double polls_per_cycle = 0;
};
[[nodiscard]] http_churn_result
churn_over_http(uint16_t port, const std::string& token, size_t clients,
                std::chrono::milliseconds duration);
/// A token of the bootstrap admin; the admin project's compute quotas are
/// lifted so that churn never hits them.
[[nodiscard]] std::string bench_admin_token(uint16_t port,
                                            const std::string& password);
/// One request to 127.0.0.1:`port` ("GET", "POST", ...); the JSON body
/// (discarded when not JSON) and, in `status`, the HTTP status.
nlohmann::json bench_request(uint16_t port, const std::string& method,
                             const std::string& target,
                             const std::string& body, const std::string& token,
                             int* status = nullptr);
int run_hypervisor(const bench_options& opts, reporter& out);

} // namespace strato::bench
