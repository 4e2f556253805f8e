#pragma once

/// What a token says, and its compact binary form (the plaintext that
/// token_codec encrypts). Ids that are UUIDs, as 32 lowercase hex digits or in
/// the dashed 36-character form, are packed as 16 bytes; any other id is kept
/// as a string. Times are microseconds, as Keystone keeps them.
///
/// Binary layout (varint = unsigned LEB128):
///
///     methods u8 | scope_kind (bits 0-1) + has_app_cred (2) + has_trust (3)
///     user_id | [scope_id] | issued_at varint | lifetime varint
///     audit count varint, 16 bytes each | [app_cred_id] | [trust_id]
///
/// with ids packed as payload_io.hpp describes. Unknown bits are rejected: a
/// new field means a new token version. Stateless and thread-safe.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/identity/crypto/keystone_time.hpp"
#include "runtime/core/error.hpp"

namespace strato::identity {

/// Keystone's authentication methods, as bits of a token's method set.
enum class auth_method : uint8_t {
  password = 1u << 0,
  token = 1u << 1,
  application_credential = 1u << 2,
};

/// The methods a token was obtained with. Keystone lists them by name; the
/// order of the request is not kept.
class auth_methods {
public:
  constexpr auth_methods() = default;
  constexpr auth_methods(std::initializer_list<auth_method> methods) {
    for (auto m : methods) {
      add(m);
    }
  }

  constexpr void add(auth_method m) {
    bits_ |= static_cast<uint8_t>(m);
  }
  [[nodiscard]] constexpr bool has(auth_method m) const {
    return (bits_ & static_cast<uint8_t>(m)) != 0;
  }
  [[nodiscard]] constexpr uint8_t bits() const {
    return bits_;
  }
  /// Keystone's names ("password", "token", "application_credential").
  [[nodiscard]] std::vector<std::string_view> names() const;

  /// The set with these bits; nullopt when a bit names no method.
  [[nodiscard]] static std::optional<auth_methods> from_bits(uint8_t bits);

  friend bool operator==(auth_methods, auth_methods) = default;

private:
  uint8_t bits_ = 0;
};

/// The method Keystone calls `name`, if it is one tokens can carry.
[[nodiscard]] std::optional<auth_method>
parse_auth_method(std::string_view name);

enum class scope_kind : uint8_t {
  unscoped = 0,
  project = 1,
  domain = 2,
  system = 3,
};

/// One token's audit id: 16 random bytes, shown as 22 url-safe base64
/// characters like Keystone's `audit_ids` entries.
using audit_id = std::array<unsigned char, 16>;

[[nodiscard]] result<audit_id> random_audit_id();
[[nodiscard]] std::string format_audit_id(const audit_id& id);
/// `errc::invalid_argument` unless `text` is 22 url-safe base64 characters.
[[nodiscard]] result<audit_id> parse_audit_id(std::string_view text);

struct token_payload {
  std::string user_id;
  auth_methods methods;
  scope_kind scope = scope_kind::unscoped;
  /// The project or domain id, "all" for system scope, empty when unscoped.
  std::string scope_id;
  timestamp issued_at;
  timestamp expires_at;
  /// This token's own id first; a token issued from another token adds the
  /// first id of that token's chain, as Keystone does.
  std::vector<audit_id> audit_ids;
  std::optional<std::string> application_credential_id;
  std::optional<std::string> trust_id;

  friend bool operator==(const token_payload&, const token_payload&) = default;
};

/// `errc::invalid_argument` for a payload that cannot be a token: empty user,
/// a scope id that does not fit the scope kind, an id over 255 bytes, more
/// than 8 audit ids, times before the epoch or expiry before issue.
[[nodiscard]] result<std::string> pack_payload(const token_payload& payload);

/// `errc::corruption` for bytes that `pack_payload` did not write.
[[nodiscard]] result<token_payload> unpack_payload(std::string_view bytes);

} // namespace strato::identity
