#pragma once

// One measured case of a strato-bench subcommand, printed as a table row or
// as one JSON object per line (--json).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strato::bench {

struct measurement {
  std::string bench;
  std::string name;
  double ops_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  /// The case's parameters and extra figures, in print order.
  std::vector<std::pair<std::string, std::string>> params;
};

class reporter {
public:
  explicit reporter(bool json) : json_(json) {
  }
  /// Prints `m` at once, so long runs show progress.
  void add(const measurement& m);

private:
  bool json_;
  std::string last_bench_;
};

/// Latency samples in microseconds; quantiles by sorting once.
class latencies {
public:
  void reserve(size_t n) {
    samples_.reserve(n);
  }
  void add(double us) {
    samples_.push_back(us);
  }
  void merge(const latencies& other) {
    samples_.insert(samples_.end(), other.samples_.begin(),
                    other.samples_.end());
  }
  [[nodiscard]] double quantile(double q);
  [[nodiscard]] size_t size() const {
    return samples_.size();
  }

private:
  std::vector<double> samples_;
  bool sorted_ = false;
};

std::string fmt_bool(bool b);

} // namespace strato::bench
