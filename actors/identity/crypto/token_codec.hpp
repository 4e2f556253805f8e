#pragma once

/// Bearer tokens that carry their own payload, authenticated and encrypted,
/// so nothing is stored per token (Keystone's Fernet idea, with AES-256-GCM).
/// A token is url-safe base64 without padding of
///
///     version (1) | key id (4) | nonce (12) | ciphertext | tag (16)
///
/// with the version and key id authenticated as associated data. The key id
/// picks the decrypting key directly; a token whose key has been rotated out
/// fails like a forged one. Nonces are random, which bounds a key to about
/// 2^32 tokens: rotate long before that.
///
/// Every function may be called from any number of threads at once; OpenSSL
/// state is per thread.

#include <string>
#include <string_view>

#include "actors/identity/crypto/key_set.hpp"
#include "actors/identity/crypto/keystone_time.hpp"
#include "actors/identity/crypto/token_payload.hpp"
#include "runtime/core/error.hpp"

namespace strato::identity {

/// Bumped whenever the token layout or the payload encoding changes.
inline constexpr uint8_t token_version = 1;

/// Keystone's 401 text, the message of every rejection but expiry.
inline constexpr std::string_view unauthenticated_message =
  "The request you have made requires authentication.";

/// The message of a rejection for expiry alone, so the HTTP layer can tell
/// it apart (Keystone answers 404 for an expired X-Subject-Token).
inline constexpr std::string_view token_expired_message =
  "The request you have made requires authentication. The token has "
  "expired.";

/// Encrypts `payload` under the primary key. `errc::invalid_argument` for a
/// payload `pack_payload` rejects, `errc::unavailable` if OpenSSL fails.
[[nodiscard]] result<std::string> encode_token(const token_payload& payload,
                                               const key_set& keys);

/// Authenticates and decrypts `token` and checks it is not expired at `now`.
/// `errc::unauthorized` for anything malformed, forged, from an unknown key
/// or expired (then with `token_expired_message`).
[[nodiscard]] result<token_payload>
decode_token(std::string_view token, const key_set& keys, timestamp now);

/// As `decode_token` without the expiry check, for Keystone's
/// `allow_expired` validation; the caller applies its own window.
[[nodiscard]] result<token_payload>
decode_token_allow_expired(std::string_view token, const key_set& keys);

/// Whether `st` is a `decode_token` rejection for expiry.
[[nodiscard]] bool is_token_expired(const status& st);

} // namespace strato::identity
