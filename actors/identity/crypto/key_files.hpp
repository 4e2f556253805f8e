#pragma once

/// The file operations behind the key repository: reading one key file and
/// writing a new one so that a crash leaves it either absent or whole
/// (temporary file, fsync, rename, fsync of the directory). Errors are
/// `errc::io_error` with the path and the system's reason, or
/// `errc::corruption` for a file that does not hold a key.

#include <filesystem>
#include <string_view>

#include "actors/identity/crypto/key_set.hpp"
#include "runtime/core/error.hpp"

namespace strato::identity::internal {

[[nodiscard]] status io_failure(std::string_view what,
                                const std::filesystem::path& path, int err);

/// The key in `path`: url-safe base64 of 32 bytes, padding and trailing
/// whitespace optional.
[[nodiscard]] result<key_material> read_key_file(
  const std::filesystem::path& path);

/// A new random key in a hidden temporary file in `dir`, synced and 0600,
/// for `install_key_file` to move into place.
[[nodiscard]] result<std::filesystem::path>
write_temp_key_file(const std::filesystem::path& dir);

/// Renames `from` to `to`, removing `from` if that fails. The caller syncs
/// the directory.
[[nodiscard]] status install_key_file(const std::filesystem::path& from,
                                      const std::filesystem::path& to);

[[nodiscard]] status sync_dir(const std::filesystem::path& dir);

} // namespace strato::identity::internal
