#pragma once

/// Byte-level reading and writing for token payloads: unsigned LEB128
/// varints, raw bytes and ids. An id is a varint tag followed by its bytes:
/// 0 = a 32-hex-digit uuid as 16 bytes, 1 = a dashed 36-character uuid as 16
/// bytes, n >= 2 = a string of n - 2 bytes. Only lowercase uuids are packed;
/// uppercase ones would not read back as the same string.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace strato::identity::internal {

/// Ids longer than this are refused on both sides.
inline constexpr size_t max_id_size = 255;

class payload_writer {
public:
  void byte(uint8_t b) {
    out_ += static_cast<char>(b);
  }
  void varint(uint64_t v);
  void raw(const unsigned char* data, size_t size) {
    out_.append(reinterpret_cast<const char*>(data), size);
  }
  /// `id` must not exceed `max_id_size`; the caller checks.
  void id(std::string_view id);

  [[nodiscard]] std::string take() {
    return std::move(out_);
  }

private:
  std::string out_;
};

/// Reads until the input runs out or is malformed; after that every read
/// returns zero or empty values and `ok()` stays false, so callers check once
/// at the end.
class payload_reader {
public:
  explicit payload_reader(std::string_view in) : in_(in) {
  }

  [[nodiscard]] bool ok() const {
    return ok_;
  }
  /// Whether everything was read, and read well.
  [[nodiscard]] bool done() const {
    return ok_ && in_.empty();
  }

  uint8_t byte();
  uint64_t varint();
  std::string_view raw(size_t size);
  std::string id();

private:
  std::string_view in_;
  bool ok_ = true;
};

} // namespace strato::identity::internal
