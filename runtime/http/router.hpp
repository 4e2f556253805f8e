#pragma once

/// Maps (method, path) to the handler of one API operation. Patterns are
/// literal segments and `{name}` captures ("/compute/v2.1/servers/{id}"),
/// matched segment by segment in a trie, so lookup cost grows with the path's
/// depth and not with the number of routes. A path that matches a pattern
/// under another method is a 405, not a 404, as the OpenStack services answer.
///
/// Handlers receive the request by value and a `responder`; they may answer
/// at once or later from any thread (typically when an actor replies).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/http/errors.hpp"
#include "runtime/http/message.hpp"

namespace strato::http {

namespace detail {
struct reply_state;
} // namespace detail

/// Sends the one response to a request. Copyable; the first `send` wins and
/// later ones are ignored. If every copy is dropped without a send, the
/// client gets a 500, so that a handler bug never leaves a connection hanging.
class responder {
public:
  using sink = std::function<void(response)>;

  responder() = default;
  responder(sink deliver, service_flavor flavor, std::string request_id);

  void send(response r) const;

  /// An error in the flavor's format.
  void fail(int status, std::string message) const;
  void fail(const status& error) const;

  [[nodiscard]] service_flavor flavor() const noexcept;

private:
  std::shared_ptr<detail::reply_state> state_;
};

using handler = std::function<void(request, responder)>;

/// The service a path belongs to, by its first segment ("/network/..."), for
/// error bodies in the right format; compute when unknown.
[[nodiscard]] service_flavor flavor_for_path(std::string_view path) noexcept;

class router {
public:
  router();
  ~router();
  router(router&&) noexcept;
  router& operator=(router&&) noexcept;

  /// Registers `pattern` for `m`; a trailing slash in patterns is ignored.
  void add(method m, std::string_view pattern, handler h);

  /// Registers a route that receives its body as `request::body_stream`
  /// (pulled piece by piece, never held whole) instead of `request::body`,
  /// limited to `body_limit` bytes instead of the server's limit.
  void add_streaming(method m, std::string_view pattern, uint64_t body_limit,
                     handler h);

  /// The body limit of the streaming route `target` (raw request-target)
  /// matches under `m`; nullopt for ordinary routes and unknown paths. The
  /// server asks this once the header is read.
  [[nodiscard]] std::optional<uint64_t>
  streamed_body_limit(method m, std::string_view target) const;

  /// Answers every path under `prefix` that no route matches (instead of
  /// 404/405), e.g. a 501 for a service whose API is not built yet.
  void add_fallback(std::string_view prefix, handler h);

  /// Finds the route for `req`, fills `req.path_params` and runs its handler;
  /// answers 404/405 itself when nothing matches.
  void dispatch(request req, responder reply) const;

  /// Number of registered (method, pattern) pairs.
  [[nodiscard]] size_t size() const noexcept {
    return routes_;
  }

private:
  struct node;
  struct route;
  node* insert(std::string_view pattern);
  static std::vector<std::string> capture_names(std::string_view pattern);
  std::unique_ptr<node> root_;
  size_t routes_ = 0;
};

} // namespace strato::http
