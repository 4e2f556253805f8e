#include "actors/network/core/ip_address.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>

namespace strato::network {

namespace {

u128 mask_of(int length, int bits) {
  if (length == 0) {
    return 0;
  }
  u128 all = bits == 32 ? u128{0xffffffffU} : ~u128{0};
  return (all << (bits - length)) & all;
}

} // namespace

std::string ip_address::to_string() const {
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (version == 4) {
    in_addr a{};
    a.s_addr = htonl(static_cast<uint32_t>(value));
    inet_ntop(AF_INET, &a, buf.data(), buf.size());
  } else {
    in6_addr a{};
    for (int i = 0; i < 16; ++i) {
      a.s6_addr[15 - i] = static_cast<uint8_t>(value >> (8 * i));
    }
    inet_ntop(AF_INET6, &a, buf.data(), buf.size());
  }
  return buf.data();
}

std::optional<ip_address> parse_ip(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
    return std::nullopt;
  }
  std::string s{text};
  in_addr a4{};
  if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    return ip_address{4, ntohl(a4.s_addr)};
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    u128 v = 0;
    for (unsigned char byte : a6.s6_addr) {
      v = (v << 8) | byte;
    }
    return ip_address{6, v};
  }
  return std::nullopt;
}

u128 ip_prefix::size() const {
  int host = bits() - length;
  return host >= 128 ? ~u128{0} : (u128{1} << host);
}

ip_address ip_prefix::last() const {
  u128 host = ~mask_of(length, bits()) & mask_of(bits(), bits());
  return {network.version, network.value | host};
}

bool ip_prefix::contains(const ip_address& a) const {
  return a.version == network.version
         && (a.value & mask_of(length, bits())) == network.value;
}

bool ip_prefix::overlaps(const ip_prefix& other) const {
  return network.version == other.network.version
         && (contains(other.network) || other.contains(network));
}

std::string ip_prefix::to_string() const {
  return network.to_string() + "/" + std::to_string(length);
}

std::optional<parsed_prefix> parse_prefix(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  auto addr = parse_ip(text.substr(0, slash));
  auto len_text = text.substr(slash + 1);
  int length = -1;
  auto [end, ec] = std::from_chars(len_text.data(),
                                   len_text.data() + len_text.size(), length);
  if (!addr || ec != std::errc{} || end != len_text.data() + len_text.size()
      || len_text.empty()) {
    return std::nullopt;
  }
  int bits = addr->version == 4 ? 32 : 128;
  if (length < 0 || length > bits) {
    return std::nullopt;
  }
  auto mask = mask_of(length, bits);
  parsed_prefix out;
  out.prefix = {{addr->version, addr->value & mask}, length};
  out.host_bits_set = (addr->value & mask) != addr->value;
  return out;
}

} // namespace strato::network
