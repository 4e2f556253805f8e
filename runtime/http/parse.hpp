#pragma once

/// Turning bytes on the wire into a `request`. The server reads with Beast's
/// incremental parser and converts each message with `to_request`;
/// `parse_request` does both for one buffer, for fuzzing and tests, so both
/// run exactly the code path the server runs. This is the one http header
/// that exposes Beast types; include it only where Beast is already in use.

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "runtime/core/error.hpp"
#include "runtime/http/message.hpp"

namespace strato::http {

/// The header size the server accepts before answering 400.
inline constexpr size_t header_limit = 64 * 1024;

/// Converts a parsed Beast message: decodes the path and query, copies the
/// headers, moves the body, and assigns a fresh request id.
[[nodiscard]] request
to_request(boost::beast::http::request<boost::beast::http::string_body>&& in,
           std::string remote_address);

/// Parses one complete HTTP/1.1 request from `raw` with the server's limits.
/// Fails with `errc::invalid_argument`: "Request is too large." past
/// `body_limit` (the server answers 413), "Malformed HTTP request: ..."
/// otherwise (400), including for incomplete input. Bytes after the first
/// request (pipelining) are ignored.
[[nodiscard]] result<request> parse_request(std::string_view raw,
                                            size_t body_limit);

} // namespace strato::http
