#include "drivers/network/naming.hpp"

#include <cstdint>
#include <cstdio>

namespace strato::network {

namespace {

uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return hash;
}

std::string hex(uint64_t value, int digits) {
  std::string out(size_t(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[size_t(i)] = "0123456789abcdef"[value & 0xf];
    value >>= 4;
  }
  return out;
}

} // namespace

std::string tap_name(const std::string& port_id) {
  return device_name("tap", port_id);
}

std::string device_name(const std::string& prefix, const std::string& port_id) {
  return prefix + port_id.substr(0, 11);
}

std::string tunnel_name(const tunnel_endpoint& tunnel) {
  return "tq" + hex(fnv1a(tunnel.network_id + "/" + tunnel.remote_ip), 12);
}

std::string flow_cookie(const std::string& port_id) {
  // The top bit stays clear so that the cookie never equals OpenFlow's
  // all-ones "any cookie" value.
  return "0x" + hex(fnv1a(port_id) >> 1, 16);
}

} // namespace strato::network
