#pragma once

/// Address management of one subnet: its allocation pools and the addresses
/// handed out. The registry owns one per subnet and changes it only by
/// applying IpAllocated/IpReleased events, so an address is never handed
/// out twice: the registry decides every allocation against this state,
/// one command at a time. Not thread-safe.

#include <optional>
#include <set>
#include <vector>

#include "actors/network/core/ip_address.hpp"

namespace strato::network {

struct ip_range {
  ip_address start;
  ip_address end;
};

/// Neutron's default pools: the whole prefix less the network address, the
/// IPv4 broadcast address and the gateway.
[[nodiscard]] std::vector<ip_range>
default_pools(const ip_prefix& cidr, const std::optional<ip_address>& gateway);

class subnet_ipam {
public:
  subnet_ipam() = default;
  subnet_ipam(ip_prefix cidr, std::vector<ip_range> pools);

  /// The lowest free pool address at or after the last one handed out
  /// (wrapping around), without taking it; nullopt when the pools are full.
  /// Addresses in `also_taken` count as handed out (for several addresses
  /// decided at once).
  [[nodiscard]] std::optional<ip_address>
  next_free(const std::set<u128>& also_taken = {}) const;

  /// Whether `a` may be asked for explicitly: inside the prefix and not its
  /// network address (or IPv4 broadcast address).
  [[nodiscard]] bool assignable(const ip_address& a) const;
  [[nodiscard]] bool allocated(const ip_address& a) const {
    return used_.count(a.value) != 0;
  }
  /// Marks `a` as handed out; false if it already was.
  bool take(const ip_address& a);
  void release(const ip_address& a);

  [[nodiscard]] size_t allocated_count() const {
    return used_.size();
  }
  [[nodiscard]] const ip_prefix& cidr() const {
    return cidr_;
  }

private:
  [[nodiscard]] std::optional<u128>
  free_in(const ip_range& r, u128 from, const std::set<u128>& also) const;

  ip_prefix cidr_;
  std::vector<ip_range> pools_;
  std::set<u128> used_;
  u128 hint_ = 0;
};

} // namespace strato::network
