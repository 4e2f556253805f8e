#include "actors/identity/crypto/key_set.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace strato::identity {

namespace {

/// Versioned so that a future key-id scheme cannot collide with this one.
constexpr std::string_view fingerprint_label = "strato-token-key-id-v1";

std::optional<key_id> fingerprint(const key_material& material) {
  std::array<unsigned char, fingerprint_label.size() + token_key_size> input{};
  std::copy(fingerprint_label.begin(), fingerprint_label.end(), input.begin());
  std::copy(material.begin(), material.end(),
            input.begin() + fingerprint_label.size());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  auto* done = SHA256(input.data(), input.size(), digest);
  OPENSSL_cleanse(input.data(), input.size());
  if (done == nullptr) {
    return std::nullopt;
  }
  key_id id{};
  std::copy_n(digest, id.size(), id.begin());
  return id;
}

} // namespace

result<key_set>
key_set::from_keys(const std::vector<std::pair<uint32_t, key_material>>& keys) {
  if (keys.empty()) {
    return status{errc::invalid_argument, "a key set needs at least one key"};
  }
  std::vector<token_key> built;
  built.reserve(keys.size());
  for (const auto& [index, material] : keys) {
    auto id = fingerprint(material);
    if (!id) {
      OPENSSL_cleanse(built.data(), built.size() * sizeof(token_key));
      return status{errc::unavailable, "SHA-256 failed"};
    }
    built.push_back({index, material, *id});
  }
  std::sort(built.begin(), built.end(),
            [](const auto& a, const auto& b) { return a.index > b.index; });
  auto dup = std::adjacent_find(
    built.begin(), built.end(),
    [](const auto& a, const auto& b) { return a.index == b.index; });
  if (dup != built.end()) {
    auto message = "duplicate key number " + std::to_string(dup->index);
    OPENSSL_cleanse(built.data(), built.size() * sizeof(token_key));
    return status{errc::invalid_argument, std::move(message)};
  }
  return key_set{std::move(built)};
}

result<key_set> key_set::random() {
  auto material = random_key_material();
  if (!material) {
    return material.error();
  }
  std::vector<std::pair<uint32_t, key_material>> keys{{1, *material}};
  auto set = from_keys(keys);
  OPENSSL_cleanse(material->data(), material->size());
  OPENSSL_cleanse(keys.data(), sizeof(keys[0]));
  return set;
}

key_set::~key_set() {
  OPENSSL_cleanse(keys_.data(), keys_.size() * sizeof(token_key));
}

result<key_material> random_key_material() {
  key_material material{};
  if (RAND_bytes(material.data(), static_cast<int>(material.size())) != 1) {
    return status{errc::unavailable, "system random source failed"};
  }
  return material;
}

} // namespace strato::identity
