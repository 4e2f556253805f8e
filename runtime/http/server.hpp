#pragma once

/// The HTTP/1.1 front every service shares: one listening address, keep-alive
/// connections, size-limited bodies, TLS when a certificate is configured.
/// Each request is parsed into a `request` and handed to the handler on an
/// I/O thread; the handler must not block (it forwards to actors and answers
/// through its `responder` later). Requests on one connection are answered
/// in order, one at a time.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/http/router.hpp"

namespace strato::http {

struct server_config {
  std::string address = "127.0.0.1";
  /// 0 picks a free port; `server::port()` tells which.
  uint16_t port = 0;
  size_t io_threads = 1;
  /// Larger bodies are refused with 413 before they are read.
  size_t body_limit = 1 << 20;
  std::chrono::seconds idle_timeout{120};
  /// Asked once a request's header is read: the body limit when the route
  /// streams its body (`router::streamed_body_limit`), nullopt otherwise.
  /// Unset: no route streams.
  std::function<std::optional<uint64_t>(method, std::string_view target)>
    streamed_body_limit;
  /// PEM files; TLS is on when both are set.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
};

class server {
public:
  /// Binds and starts serving; fails with a message naming the address when
  /// it cannot listen (taken port, bad address, unreadable certificate).
  [[nodiscard]] static result<std::unique_ptr<server>>
  start(const server_config& config, handler on_request);

  virtual ~server() = default;

  [[nodiscard]] virtual uint16_t port() const noexcept = 0;

  /// Stops accepting, closes connections and joins the I/O threads.
  virtual void stop() = 0;

  /// Requests answered so far.
  [[nodiscard]] virtual uint64_t requests_served() const noexcept = 0;
};

/// Parses "host:port" ("127.0.0.1:8080", "[::1]:8080"); port 0 is allowed.
[[nodiscard]] result<std::pair<std::string, uint16_t>>
parse_listen_address(std::string_view text);

} // namespace strato::http
