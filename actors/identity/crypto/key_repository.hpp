#pragma once

/// The token key repository on disk, laid out as `keystone-manage
/// fernet_setup` / `fernet_rotate` lay it out: a directory holding files
/// named 0, 1, 2, ..., each with one url-safe base64 32-byte key (Fernet's
/// key format, padding optional). File 0 is the staged key, the highest
/// number is the primary, every other number is a secondary that still
/// decrypts. Other files in the directory are ignored.
///
/// Rotation is what an operator (or a timer) runs on one node before copying
/// the directory to the others; staging the next primary as key 0 means any
/// node can already decrypt tokens from a node that promoted it first.
///
/// Key files are written 0600 through a temporary file, fsync and rename, so a
/// crash leaves each file either absent or whole. The functions do not lock:
/// run at most one `setup` or `rotate` per directory at a time. Errors:
/// `errc::io_error` for a directory or file that cannot be read or written,
/// `errc::corruption` for a key file that does not hold a key,
/// `errc::not_found` for a directory without keys, `errc::invalid_argument`
/// for bad parameters.

#include <cstdint>
#include <filesystem>

#include "actors/identity/crypto/key_set.hpp"
#include "runtime/core/error.hpp"

namespace strato::identity::key_repository {

/// Creates `dir` (0700, parents as needed) and gives it a primary key 1 and a
/// staged key 0. Idempotent: existing keys are kept, and only a missing
/// staged or primary key is added, which also completes a rotation that
/// crashed half way.
[[nodiscard]] status setup(const std::filesystem::path& dir);

/// Promotes the staged key to primary (the next number), stages a new key 0
/// and deletes the lowest-numbered secondaries until `max_active_keys` keys
/// remain, staged and primary included (Keystone's semantics). Needs at least
/// two; Keystone's default is 3.
[[nodiscard]] status rotate(const std::filesystem::path& dir,
                            uint32_t max_active_keys);

/// Reads every key in `dir`.
[[nodiscard]] result<key_set> load(const std::filesystem::path& dir);

} // namespace strato::identity::key_repository
