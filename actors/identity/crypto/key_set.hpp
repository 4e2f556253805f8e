#pragma once

/// The token keys a node holds in memory, as loaded from its key repository
/// (see key_repository.hpp): every key can decrypt, the highest-numbered one
/// (the primary) encrypts. Key 0 is the staged key, present so that a token
/// encrypted by a node that already promoted it still validates here.
///
/// A key_set is immutable after construction and safe to share between
/// threads; swap a `std::shared_ptr<const key_set>` to pick up a rotation.
/// Key material is wiped when the set is destroyed.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "runtime/core/error.hpp"

namespace strato::identity {

inline constexpr size_t token_key_size = 32;
inline constexpr size_t token_key_id_size = 4;

using key_material = std::array<unsigned char, token_key_size>;

/// A short public fingerprint of a key that tokens carry, so validation goes
/// straight to the right key: the first bytes of a SHA-256 over a domain
/// label and the key. Collisions are possible and tolerated.
using key_id = std::array<unsigned char, token_key_id_size>;

struct token_key {
  uint32_t index = 0; ///< The key's file number; 0 is the staged key.
  key_material material{};
  key_id id{};
};

class key_set {
public:
  /// Builds a set from (file number, material) pairs: tests and benchmarks
  /// use it directly. `errc::invalid_argument` when empty or when a number
  /// repeats; `errc::unavailable` if hashing fails.
  [[nodiscard]] static result<key_set>
  from_keys(const std::vector<std::pair<uint32_t, key_material>>& keys);

  /// A set holding one fresh random key (numbered 1), for tests and
  /// benchmarks. `errc::unavailable` if the random source fails.
  [[nodiscard]] static result<key_set> random();

  key_set(const key_set&) = default;
  key_set(key_set&&) noexcept = default;
  key_set& operator=(const key_set&) = default;
  key_set& operator=(key_set&&) noexcept = default;
  ~key_set();

  /// The key that encrypts new tokens: the highest number.
  [[nodiscard]] const token_key& primary() const {
    return keys_.front();
  }

  /// Every key, highest number first.
  [[nodiscard]] std::span<const token_key> keys() const {
    return keys_;
  }

private:
  explicit key_set(std::vector<token_key> keys) : keys_(std::move(keys)) {
  }

  std::vector<token_key> keys_;
};

/// Fresh key material from the system random source.
[[nodiscard]] result<key_material> random_key_material();

} // namespace strato::identity
