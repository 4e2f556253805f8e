#include "runtime/http/request_id.hpp"

#include <cstdint>
#include <random>

namespace strato::http {

namespace {

/// xoshiro256** with a per-thread state: fast, and request ids only need to
/// be unique, not unpredictable.
class generator {
public:
  generator() {
    std::random_device device;
    for (auto& word : state_) {
      word = (uint64_t{device()} << 32) ^ device();
    }
  }

  uint64_t next() noexcept {
    auto result = rotl(state_[1] * 5, 7) * 9;
    auto t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

private:
  static uint64_t rotl(uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  uint64_t state_[4];
};

void append_uuid4(std::string& out) {
  thread_local generator gen;
  constexpr char digits[] = "0123456789abcdef";
  uint64_t hi = gen.next();
  uint64_t lo = gen.next();
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000}; // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60); // variant 10
  auto emit = [&](uint64_t word, int nibbles_from, int nibbles_to) {
    for (int i = nibbles_from; i < nibbles_to; ++i) {
      out.push_back(digits[(word >> (60 - 4 * i)) & 0xF]);
    }
  };
  emit(hi, 0, 8);
  out.push_back('-');
  emit(hi, 8, 12);
  out.push_back('-');
  emit(hi, 12, 16);
  out.push_back('-');
  emit(lo, 0, 4);
  out.push_back('-');
  emit(lo, 4, 16);
}

} // namespace

std::string make_request_id() {
  std::string out;
  out.reserve(40);
  out += "req-";
  append_uuid4(out);
  return out;
}

std::string make_uuid4() {
  std::string out;
  out.reserve(36);
  append_uuid4(out);
  return out;
}

} // namespace strato::http
