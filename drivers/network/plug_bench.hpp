#pragma once

/// Measuring the network driver's port plug+unplug rate, for strato-bench
/// (`strato-bench ovs`, and the OVS case of `strato-bench network`): a
/// private ovsdb-server to measure against and the timed loop itself.

#include <chrono>
#include <memory>
#include <string>

#include "drivers/network/network_driver.hpp"

namespace strato::network {

/// An ovsdb-server of its own (fresh Open_vSwitch database in `dir`,
/// `--detach`ed, unix socket in `dir`), stopped by the destructor.
class private_ovsdb {
public:
  [[nodiscard]] static result<std::unique_ptr<private_ovsdb>>
  start(const std::string& dir);
  ~private_ovsdb();
  private_ovsdb(const private_ovsdb&) = delete;
  private_ovsdb& operator=(const private_ovsdb&) = delete;

  /// "unix:DIR/db.sock".
  [[nodiscard]] std::string remote() const {
    return "unix:" + dir_ + "/db.sock";
  }

private:
  explicit private_ovsdb(std::string dir) : dir_(std::move(dir)) {
  }
  std::string dir_;
};

struct plug_rate {
  uint64_t cycles = 0; ///< plug + unplug pairs
  double cycles_per_s = 0;
  double p50_us = 0; ///< of one plug + unplug pair
  double p99_us = 0;
};

/// Plugs and unplugs distinct ports on `network_id` (whose segment it
/// ensures, after the bridge) for `duration`, one at a time.
[[nodiscard]] result<plug_rate> measure_plug_unplug(network_driver& driver,
                                                    const std::string& network_id,
                                                    std::chrono::milliseconds duration);

} // namespace strato::network
