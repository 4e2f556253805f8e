#pragma once

/// Hashing of user passwords and application-credential secrets:
/// PBKDF2-HMAC-SHA512 stored in passlib's modular-crypt format,
///
///     $pbkdf2-sha512$<rounds>$<ab64 salt>$<ab64 checksum>
///
/// which is what Keystone writes through passlib, so hashes migrate from a
/// Keystone database unchanged. "ab64" is base64 with `.` for `+` and no
/// padding.
///
/// Hashing and verifying are deliberately slow (tens of milliseconds at the
/// default rounds): run them on a blocking pool, never on an actor thread.
/// Every function is stateless and thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::identity {

inline constexpr uint32_t default_pbkdf2_iterations = 100000;
inline constexpr size_t pbkdf2_salt_size = 16;

/// A new hash of `secret` under a fresh random salt. `errc::invalid_argument`
/// for zero or more than INT_MAX rounds; `errc::unavailable` if the system
/// random source fails.
[[nodiscard]] result<std::string>
hash_password(std::string_view secret,
              uint32_t iterations = default_pbkdf2_iterations);

/// Whether `secret` matches `stored`, compared in constant time. A mismatch
/// is `false`, not an error. `errc::corruption` when `stored` is not a
/// well-formed pbkdf2-sha512 hash; `errc::unsupported_format` when it is
/// another passlib scheme (bcrypt, sha512_crypt, ...).
[[nodiscard]] result<bool> verify_password(std::string_view secret,
                                           std::string_view stored);

/// Whether `stored` should be replaced after the next successful login: its
/// rounds differ from `iterations` or its salt is shorter than ours. Errors as
/// for `verify_password`.
[[nodiscard]] result<bool> needs_rehash(std::string_view stored,
                                        uint32_t iterations);

} // namespace strato::identity
