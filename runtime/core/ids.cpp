#include "runtime/core/ids.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <random>

namespace strato {

namespace {

std::array<uint8_t, 16> random_bytes() {
  thread_local std::mt19937_64 gen{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64{seq};
  }()};
  std::array<uint8_t, 16> bytes{};
  for (size_t i = 0; i < bytes.size(); i += 8) {
    auto word = gen();
    for (size_t j = 0; j < 8; ++j) {
      bytes[i + j] = static_cast<uint8_t>(word >> (8 * j));
    }
  }
  return bytes;
}

constexpr char hex_digits[] = "0123456789abcdef";

} // namespace

std::string new_uuid() {
  auto bytes = random_bytes();
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    out.push_back(hex_digits[bytes[i] >> 4]);
    out.push_back(hex_digits[bytes[i] & 0x0F]);
  }
  return out;
}

std::string new_hex_id() {
  auto bytes = random_bytes();
  std::string out;
  out.reserve(32);
  for (auto b : bytes) {
    out.push_back(hex_digits[b >> 4]);
    out.push_back(hex_digits[b & 0x0F]);
  }
  return out;
}

bool looks_like_uuid(std::string_view s) {
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (std::isxdigit(c)) {
      ++digits;
    } else if (c != '-' || s.size() != 36
               || (i != 8 && i != 13 && i != 18 && i != 23)) {
      return false;
    }
  }
  return digits == 32 && (s.size() == 32 || s.size() == 36);
}

} // namespace strato
