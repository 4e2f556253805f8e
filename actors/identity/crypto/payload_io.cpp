#include "actors/identity/crypto/payload_io.hpp"

#include <algorithm>

namespace strato::identity::internal {

namespace {

constexpr uint64_t tag_hex_uuid = 0;
constexpr uint64_t tag_dashed_uuid = 1;
constexpr uint64_t tag_string_base = 2;
constexpr size_t uuid_size = 16;

constexpr std::string_view hex_digits = "0123456789abcdef";

int hex_value(char c) {
  auto pos = hex_digits.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool is_dash_position(size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

bool is_hex_uuid(std::string_view id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) {
           return hex_value(c) >= 0;
         });
}

bool is_dashed_uuid(std::string_view id) {
  if (id.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < id.size(); ++i) {
    if (is_dash_position(i) ? id[i] != '-' : hex_value(id[i]) < 0) {
      return false;
    }
  }
  return true;
}

} // namespace

void payload_writer::varint(uint64_t v) {
  while (v >= 0x80) {
    byte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  byte(static_cast<uint8_t>(v));
}

void payload_writer::id(std::string_view id) {
  bool dashed = is_dashed_uuid(id);
  if (!dashed && !is_hex_uuid(id)) {
    varint(tag_string_base + id.size());
    out_ += id;
    return;
  }
  varint(dashed ? tag_dashed_uuid : tag_hex_uuid);
  int high = -1;
  for (char c : id) {
    if (c == '-') {
      continue;
    }
    if (high < 0) {
      high = hex_value(c);
    } else {
      byte(static_cast<uint8_t>(high << 4 | hex_value(c)));
      high = -1;
    }
  }
}

uint8_t payload_reader::byte() {
  if (in_.empty()) {
    ok_ = false;
    return 0;
  }
  auto b = static_cast<uint8_t>(in_.front());
  in_.remove_prefix(1);
  return b;
}

uint64_t payload_reader::varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && ok_; shift += 7) {
    auto b = byte();
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      return v;
    }
  }
  ok_ = false;
  return 0;
}

std::string_view payload_reader::raw(size_t size) {
  if (in_.size() < size) {
    ok_ = false;
    return {};
  }
  auto out = in_.substr(0, size);
  in_.remove_prefix(size);
  return out;
}

std::string payload_reader::id() {
  auto tag = varint();
  if (tag >= tag_string_base) {
    auto size = tag - tag_string_base;
    if (size > max_id_size) {
      ok_ = false;
      return {};
    }
    return std::string{raw(size)};
  }
  auto bytes = raw(uuid_size);
  if (!ok_) {
    return {};
  }
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (tag == tag_dashed_uuid && is_dash_position(out.size())) {
      out += '-';
    }
    auto b = static_cast<uint8_t>(bytes[i]);
    out += hex_digits[b >> 4];
    out += hex_digits[b & 0xf];
  }
  return out;
}

} // namespace strato::identity::internal
