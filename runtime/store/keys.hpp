#pragma once

// Key encodings shared by the RocksDB store and its tests. Big-endian numbers
// keep RocksDB's bytewise order equal to numeric order.

#include <cstdint>
#include <string>
#include <string_view>

namespace strato::store::internal {

inline void put_be64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((x >> shift) & 0xff));
  }
}

inline uint64_t get_be64(std::string_view in) {
  uint64_t x = 0;
  for (size_t i = 0; i < 8 && i < in.size(); ++i) {
    x = (x << 8) | static_cast<uint8_t>(in[i]);
  }
  return x;
}

inline std::string be64(uint64_t x) {
  std::string out;
  out.reserve(8);
  put_be64(out, x);
  return out;
}

/// "<stream>\0" — every event key of the stream starts with it.
inline std::string stream_prefix(std::string_view stream) {
  std::string out;
  out.reserve(stream.size() + 9);
  out.append(stream);
  out.push_back('\0');
  return out;
}

inline std::string event_key(std::string_view stream, uint64_t sequence) {
  auto out = stream_prefix(stream);
  put_be64(out, sequence);
  return out;
}

} // namespace strato::store::internal
