#pragma once

/// Names the driver gives to host objects, derived from Neutron ids so that
/// a restarted driver finds what it made before. Device names stay within
/// IFNAMSIZ (15 characters).

#include <string>

#include "drivers/network/network_driver.hpp"

namespace strato::network {

/// "tq" + 12 hex digits of a hash of the network and the remote address.
[[nodiscard]] std::string tunnel_name(const tunnel_endpoint& tunnel);
/// `prefix` + the first 11 characters of `port_id` ("ns-", "qr-", "qg-").
[[nodiscard]] std::string device_name(const std::string& prefix,
                                      const std::string& port_id);
/// The OpenFlow cookie that marks a port's flows, "0x" + 16 hex digits.
[[nodiscard]] std::string flow_cookie(const std::string& port_id);

/// Deliberately drops a failure whose only consequence is already handled
/// elsewhere; greppable, as STYLE.md asks.
inline void ignore_error(const status& /*outcome*/, const char* /*why*/) {
}

} // namespace strato::network
