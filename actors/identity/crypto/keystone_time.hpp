#pragma once

/// Keystone's wire format for instants: ISO 8601 in UTC with exactly six
/// fractional digits ("2026-11-25T10:11:12.123456Z"), as in a token's
/// `expires_at` and `issued_at`. Stateless and thread-safe.

#include <chrono>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace strato::identity {

/// Microseconds since the Unix epoch, the precision Keystone keeps.
using timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// The current time, truncated to microseconds.
[[nodiscard]] timestamp now_utc();

/// "YYYY-MM-DDTHH:MM:SS.ffffffZ". Only years 0000..9999 fit the format, which
/// every token and credential lifetime keeps to.
[[nodiscard]] std::string format_keystone_time(timestamp t);

/// Parses what `format_keystone_time` prints and what clients send: the
/// fraction may be absent or have 1 to 9 digits (truncated to microseconds);
/// the zone may be `Z`, an offset `+HH:MM`/`-HH:MM`, or absent (UTC, as
/// Keystone treats naive times). `errc::invalid_argument` otherwise.
[[nodiscard]] result<timestamp> parse_keystone_time(std::string_view text);

} // namespace strato::identity
