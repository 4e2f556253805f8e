#include "actors/identity/crypto/token_codec.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "actors/identity/crypto/base64.hpp"

namespace strato::identity {

namespace {

constexpr size_t nonce_size = 12;
constexpr size_t tag_size = 16;
constexpr size_t aad_size = 1 + token_key_id_size;
constexpr size_t overhead = aad_size + nonce_size + tag_size;
/// Far above any token we issue; stops oversized input before decoding.
constexpr size_t max_token_chars = 2048;

/// Fetched once: an implicit fetch per call costs a locked lookup.
const EVP_CIPHER* aes_256_gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

struct context_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const {
    EVP_CIPHER_CTX_free(ctx);
  }
};

/// One context per thread, re-initialised per token: allocating one per call
/// would be a large share of a decode.
EVP_CIPHER_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, context_deleter> ctx{
    EVP_CIPHER_CTX_new()};
  return ctx.get();
}

auto* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

auto* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

status unauthenticated() {
  return {errc::unauthorized, std::string{unauthenticated_message}};
}

/// Writes ciphertext and tag for `plain` into `out`, which already holds the
/// header and nonce and has room for them.
bool seal(const token_key& key, std::string_view plain, std::string& out) {
  auto* ctx = thread_context();
  auto* cipher = aes_256_gcm();
  if (ctx == nullptr || cipher == nullptr) {
    return false;
  }
  auto* nonce = bytes(out) + aad_size;
  auto* sealed = nonce + nonce_size;
  int len = 0;
  int final_len = 0;
  return EVP_EncryptInit_ex2(ctx, cipher, key.material.data(), nonce, nullptr)
           == 1
         && EVP_EncryptUpdate(ctx, nullptr, &len, bytes(out), aad_size) == 1
         && EVP_EncryptUpdate(ctx, sealed, &len, bytes(plain),
                              static_cast<int>(plain.size()))
              == 1
         && EVP_EncryptFinal_ex(ctx, sealed + len, &final_len) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, tag_size,
                                sealed + plain.size())
              == 1;
}

/// The plaintext of `raw` under `key`, or nullopt if it does not
/// authenticate.
std::optional<std::string> open(const token_key& key, std::string_view raw) {
  auto* ctx = thread_context();
  auto* cipher = aes_256_gcm();
  if (ctx == nullptr || cipher == nullptr) {
    return std::nullopt;
  }
  auto* nonce = bytes(raw) + aad_size;
  auto* sealed = nonce + nonce_size;
  auto sealed_size = raw.size() - overhead;
  std::array<unsigned char, tag_size> tag{};
  std::copy_n(sealed + sealed_size, tag_size, tag.begin());
  std::string plain(sealed_size, '\0');
  int len = 0;
  int final_len = 0;
  bool ok =
    EVP_DecryptInit_ex2(ctx, cipher, key.material.data(), nonce, nullptr) == 1
    && EVP_DecryptUpdate(ctx, nullptr, &len, bytes(raw), aad_size) == 1
    && EVP_DecryptUpdate(ctx, bytes(plain), &len, sealed,
                         static_cast<int>(sealed_size))
         == 1
    && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, tag_size, tag.data())
         == 1
    && EVP_DecryptFinal_ex(ctx, bytes(plain) + len, &final_len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  return plain;
}

} // namespace

result<std::string> encode_token(const token_payload& payload,
                                 const key_set& keys) {
  auto plain = pack_payload(payload);
  if (!plain) {
    return plain.error();
  }
  const auto& key = keys.primary();
  std::string raw(overhead + plain->size(), '\0');
  raw[0] = static_cast<char>(token_version);
  std::copy(key.id.begin(), key.id.end(), bytes(raw) + 1);
  bool ok = RAND_bytes(bytes(raw) + aad_size, nonce_size) == 1
            && seal(key, *plain, raw);
  OPENSSL_cleanse(plain->data(), plain->size());
  if (!ok) {
    return status{errc::unavailable, "token encryption failed"};
  }
  return internal::base64_encode(raw, internal::base64_alphabet::url, false);
}

result<token_payload> decode_token_allow_expired(std::string_view token,
                                                 const key_set& keys) {
  if (token.size() > max_token_chars
      || token.find('=') != std::string_view::npos) {
    return unauthenticated();
  }
  auto raw = internal::base64_decode(token, internal::base64_alphabet::url);
  if (!raw || raw->size() < overhead
      || static_cast<uint8_t>((*raw)[0]) != token_version) {
    return unauthenticated();
  }
  auto id = std::string_view{*raw}.substr(1, token_key_id_size);
  for (const auto& key : keys.keys()) {
    if (!std::equal(key.id.begin(), key.id.end(), bytes(id))) {
      continue;
    }
    auto plain = open(key, *raw);
    if (!plain) {
      continue; // A key-id collision: another key may still match.
    }
    auto payload = unpack_payload(*plain);
    OPENSSL_cleanse(plain->data(), plain->size());
    if (!payload) {
      return unauthenticated();
    }
    return payload;
  }
  return unauthenticated();
}

result<token_payload> decode_token(std::string_view token, const key_set& keys,
                                   timestamp now) {
  auto payload = decode_token_allow_expired(token, keys);
  if (payload && payload->expires_at <= now) {
    return status{errc::unauthorized, std::string{token_expired_message}};
  }
  return payload;
}

bool is_token_expired(const status& st) {
  return st.code() == errc::unauthorized
         && st.message() == token_expired_message;
}

} // namespace strato::identity
