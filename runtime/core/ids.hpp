#pragma once

/// Random identifiers for new entities. Unique, not secret (tokens and
/// keys use OpenSSL's generator instead).

#include <string>
#include <string_view>

namespace strato {

/// A version 4 UUID in canonical form: "1b4e28ba-2fa1-41d2-883f-0016d3cca427".
[[nodiscard]] std::string new_uuid();

/// 32 hex digits, Keystone's id form.
[[nodiscard]] std::string new_hex_id();

/// Whether `s` is a UUID, with or without dashes (case-insensitive).
[[nodiscard]] bool looks_like_uuid(std::string_view s);

} // namespace strato
