#pragma once

/// Port MAC addresses: Neutron's base "fa:16:3e" with three random octets,
/// never one already used on this registry (Neutron retries on a collision;
/// here the registry knows every MAC, so it draws again before deciding).

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>

namespace strato::network {

/// "FA:16:3e:00:00:01" -> 0xfa163e000001; nullopt when not a unicast MAC.
[[nodiscard]] std::optional<uint64_t> parse_mac(std::string_view text);
/// Lowercase, colon-separated.
[[nodiscard]] std::string format_mac(uint64_t mac);

class mac_registry {
public:
  static constexpr uint64_t base = 0xfa163e000000ULL;

  /// A fresh MAC under `base`, or nullopt when all 2^24 are used.
  [[nodiscard]] std::optional<std::string> generate(std::mt19937_64& rng) const;
  [[nodiscard]] bool in_use(uint64_t mac) const {
    return used_.count(mac) != 0;
  }
  void add(uint64_t mac) {
    used_.insert(mac);
  }
  void remove(uint64_t mac) {
    used_.erase(mac);
  }
  [[nodiscard]] size_t size() const {
    return used_.size();
  }

private:
  std::set<uint64_t> used_;
};

} // namespace strato::network
