#pragma once

/// The `format` checks OpenStack schemas rely on, usable on their own (e.g.
/// for ids in URL paths). Each follows the checker Nova registers with
/// jsonschema, which is what decides the API's behaviour:
///
/// - uuid: oslo's `is_uuid_like`: 32 hex digits once hyphens, braces and
///   "urn:"/"uuid:" prefixes are removed, any case.
/// - date-time: what oslo's `parse_isotime` (iso8601) accepts: "YYYY",
///   "YYYY-MM", "YYYY-MM-DD", optionally "T"/" " + hh[:mm[:ss[.frac]]] and
///   "Z" or ±hh[:mm], with calendar ranges checked.
/// - email: contains "@" (jsonschema's own check).
/// - ipv4: dotted quad, no leading zeros (Python's ipaddress).
/// - ipv6: RFC 4291 text, optionally with a "%scope" suffix.
/// - cidr: an ipv4/ipv6 address, "/", and a prefix length (or an IPv4
///   netmask), with no whitespace (netaddr plus Nova's extra checks).
/// - uri: "scheme://host..." without whitespace or characters a URI may not
///   hold (a loose form of Nova's rfc3986 check, which needs scheme and host).

#include <string_view>

namespace strato::api {

[[nodiscard]] bool is_uuid_like(std::string_view text) noexcept;
[[nodiscard]] bool is_date_time(std::string_view text) noexcept;
[[nodiscard]] bool is_email(std::string_view text) noexcept;
[[nodiscard]] bool is_ipv4(std::string_view text) noexcept;
[[nodiscard]] bool is_ipv6(std::string_view text) noexcept;
[[nodiscard]] bool is_cidr(std::string_view text) noexcept;
[[nodiscard]] bool is_uri(std::string_view text) noexcept;

} // namespace strato::api
