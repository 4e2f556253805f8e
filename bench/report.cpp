#include "bench/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace strato::bench {

void reporter::add(const measurement& m) {
  if (json_) {
    nlohmann::ordered_json row;
    row["bench"] = m.bench;
    row["case"] = m.name;
    row["ops_per_s"] = m.ops_per_s;
    row["p50_us"] = m.p50_us;
    row["p99_us"] = m.p99_us;
    for (auto& [key, value] : m.params) {
      // Numbers and booleans stay typed for machines.
      auto parsed = nlohmann::json::parse(value, nullptr, false);
      row[key] = parsed.is_discarded() ? nlohmann::json(value) : parsed;
    }
    std::puts(row.dump().c_str());
  } else {
    if (m.bench != last_bench_) {
      std::puts(fmt::format("\n{:<34} {:>13} {:>10} {:>10}  {}", m.bench + ":",
                            "ops/s", "p50 us", "p99 us", "parameters")
                  .c_str());
      last_bench_ = m.bench;
    }
    std::string params;
    for (auto& [key, value] : m.params) {
      params += key + "=" + value + " ";
    }
    std::puts(fmt::format("  {:<32} {:>13.0f} {:>10.1f} {:>10.1f}  {}", m.name,
                          m.ops_per_s, m.p50_us, m.p99_us, params)
                .c_str());
  }
  std::fflush(stdout);
}

double latencies::quantile(double q) {
  if (samples_.empty()) {
    return 0;
  }
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  auto index = static_cast<size_t>(q * static_cast<double>(samples_.size() - 1));
  return samples_[index];
}

std::string fmt_bool(bool b) {
  return b ? "true" : "false";
}

} // namespace strato::bench
