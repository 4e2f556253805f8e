#pragma once

/// The three base64 dialects identity needs: url-safe for tokens, audit ids
/// and key files (as Keystone and Fernet write them), and passlib's "adapted
/// base64" (`.` instead of `+`, no padding) for password hashes. Binary data
/// travels in `std::string`. Stateless and thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace strato::identity::internal {

enum class base64_alphabet {
  url,      ///< RFC 4648 section 5: `-` and `_`.
  adapted,  ///< passlib's ab64: `.` and `/`.
};

/// Encodes `bytes`; `pad` appends `=` to a multiple of four characters.
[[nodiscard]] std::string base64_encode(std::string_view bytes,
                                        base64_alphabet alphabet, bool pad);

/// Decodes `text`, with or without padding; nullopt on any character outside
/// the alphabet, misplaced padding, an impossible length or non-zero unused
/// bits in the last character (so every byte string has one encoding).
[[nodiscard]] std::optional<std::string>
base64_decode(std::string_view text, base64_alphabet alphabet);

} // namespace strato::identity::internal
