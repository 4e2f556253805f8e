#pragma once

/// IPv4 and IPv6 addresses and prefixes as 128-bit numbers, so that address
/// arithmetic (pools, next free address, containment) is the same code for
/// both families. Text forms follow Python's `ipaddress`: dotted quads
/// without leading zeros, RFC 5952 compressed IPv6.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strato::network {

using u128 = unsigned __int128;

struct ip_address {
  int version = 4; ///< 4 or 6
  u128 value = 0;

  [[nodiscard]] std::string to_string() const;
  auto operator<=>(const ip_address&) const = default;
};

/// "10.0.0.5" or "fd00::5"; nullopt for anything else.
[[nodiscard]] std::optional<ip_address> parse_ip(std::string_view text);

struct ip_prefix {
  ip_address network; ///< Host bits zero.
  int length = 0;

  [[nodiscard]] int bits() const {
    return network.version == 4 ? 32 : 128;
  }
  [[nodiscard]] u128 size() const; ///< Saturates at 2^128 - 1.
  [[nodiscard]] ip_address first() const {
    return network;
  }
  [[nodiscard]] ip_address last() const;
  [[nodiscard]] bool contains(const ip_address& a) const;
  [[nodiscard]] bool overlaps(const ip_prefix& other) const;
  [[nodiscard]] std::string to_string() const;
};

/// "10.0.0.0/24"; `host_bits_set` tells whether the address had bits set
/// below the prefix (Neutron refuses those as not a recommended CIDR).
struct parsed_prefix {
  ip_prefix prefix;
  bool host_bits_set = false;
};
[[nodiscard]] std::optional<parsed_prefix> parse_prefix(std::string_view text);

} // namespace strato::network
