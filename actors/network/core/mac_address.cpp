#include "actors/network/core/mac_address.hpp"

#include <cctype>
#include <cstdio>

namespace strato::network {

std::optional<uint64_t> parse_mac(std::string_view text) {
  if (text.size() != 17) {
    return std::nullopt;
  }
  uint64_t mac = 0;
  for (size_t i = 0; i < 17; ++i) {
    char c = text[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-') {
        return std::nullopt;
      }
      continue;
    }
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    int v = std::isdigit(static_cast<unsigned char>(c)) != 0
              ? c - '0'
              : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    mac = (mac << 4) | static_cast<uint64_t>(v);
  }
  // A multicast MAC (low bit of the first octet) cannot be a port's.
  if (((mac >> 40) & 1U) != 0) {
    return std::nullopt;
  }
  return mac;
}

std::string format_mac(uint64_t mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x",
                static_cast<unsigned>((mac >> 40) & 0xff),
                static_cast<unsigned>((mac >> 32) & 0xff),
                static_cast<unsigned>((mac >> 24) & 0xff),
                static_cast<unsigned>((mac >> 16) & 0xff),
                static_cast<unsigned>((mac >> 8) & 0xff),
                static_cast<unsigned>(mac & 0xff));
  return buf;
}

std::optional<std::string> mac_registry::generate(std::mt19937_64& rng) const {
  constexpr uint64_t space = 1ULL << 24;
  uint64_t start = rng() % space;
  // Random first; a long run of collisions means the space is nearly full,
  // so walk it from there.
  for (int attempt = 0; attempt < 16; ++attempt) {
    uint64_t mac = base | (rng() % space);
    if (!in_use(mac)) {
      return format_mac(mac);
    }
  }
  for (uint64_t i = 0; i < space; ++i) {
    uint64_t mac = base | ((start + i) % space);
    if (!in_use(mac)) {
      return format_mac(mac);
    }
  }
  return std::nullopt;
}

} // namespace strato::network
