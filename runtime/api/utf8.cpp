#include "runtime/api/utf8.hpp"

namespace strato::api {

namespace {

bool is_continuation(unsigned char byte) noexcept {
  return (byte & 0xC0) == 0x80;
}

} // namespace

int32_t next_code_point(std::string_view text, size_t& pos) noexcept {
  auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  size_t extra = 0;
  int32_t value = 0;
  int32_t min_value = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    value = lead & 0x1F;
    min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    value = lead & 0x0F;
    min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    value = lead & 0x07;
    min_value = 0x10000;
  } else {
    ++pos;
    return -1;
  }
  if (text.size() - pos <= extra) {
    ++pos;
    return -1;
  }
  for (size_t i = 1; i <= extra; ++i) {
    auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!is_continuation(byte)) {
      ++pos;
      return -1;
    }
    value = (value << 6) | (byte & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF
      || (value >= 0xD800 && value <= 0xDFFF)) {
    ++pos;
    return -1;
  }
  pos += extra + 1;
  return value;
}

size_t code_point_count(std::string_view text) noexcept {
  size_t count = 0;
  for (size_t pos = 0; pos < text.size();) {
    // Fast path: ASCII runs dominate request bodies.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
    } else {
      (void) next_code_point(text, pos);
    }
    ++count;
  }
  return count;
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    auto start = pos;
    if (next_code_point(text, pos) < 0) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text.substr(start, pos - start));
    }
  }
  return out;
}

} // namespace strato::api
