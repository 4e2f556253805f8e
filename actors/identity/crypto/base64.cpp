#include "actors/identity/crypto/base64.hpp"

#include <array>
#include <cstdint>

namespace strato::identity::internal {

namespace {

constexpr std::string_view url_chars =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view adapted_chars =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./";

constexpr uint8_t invalid = 0xff;

constexpr std::array<uint8_t, 256> reverse(std::string_view chars) {
  std::array<uint8_t, 256> table{};
  table.fill(invalid);
  for (size_t i = 0; i < chars.size(); ++i) {
    table[static_cast<uint8_t>(chars[i])] = static_cast<uint8_t>(i);
  }
  return table;
}

constexpr auto url_table = reverse(url_chars);
constexpr auto adapted_table = reverse(adapted_chars);

std::string_view chars_of(base64_alphabet alphabet) {
  return alphabet == base64_alphabet::url ? url_chars : adapted_chars;
}

uint32_t byte_at(std::string_view bytes, size_t i) {
  return static_cast<uint8_t>(bytes[i]);
}

const std::array<uint8_t, 256>& table_of(base64_alphabet alphabet) {
  return alphabet == base64_alphabet::url ? url_table : adapted_table;
}

} // namespace

std::string base64_encode(std::string_view bytes, base64_alphabet alphabet,
                          bool pad) {
  auto chars = chars_of(alphabet);
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = byte_at(bytes, i) << 16 | byte_at(bytes, i + 1) << 8
                 | byte_at(bytes, i + 2);
    out += chars[(n >> 18) & 63];
    out += chars[(n >> 12) & 63];
    out += chars[(n >> 6) & 63];
    out += chars[n & 63];
  }
  auto rest = bytes.size() - i;
  if (rest == 0) {
    return out;
  }
  uint32_t n = byte_at(bytes, i) << 16;
  if (rest == 2) {
    n |= byte_at(bytes, i + 1) << 8;
  }
  out += chars[(n >> 18) & 63];
  out += chars[(n >> 12) & 63];
  if (rest == 2) {
    out += chars[(n >> 6) & 63];
  }
  if (pad) {
    out.append(3 - rest, '=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text,
                                         base64_alphabet alphabet) {
  if (text.size() % 4 == 0 && !text.empty()) {
    auto padding = text.find_last_not_of('=');
    auto pad_count = text.size() - 1 - padding;
    if (pad_count > 2) {
      return std::nullopt;
    }
    text.remove_suffix(pad_count);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  const auto& table = table_of(alphabet);
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto v = table[static_cast<uint8_t>(c)];
    if (v == invalid) {
      return std::nullopt;
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero so that each byte string has one spelling.
  if ((acc & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

} // namespace strato::identity::internal
