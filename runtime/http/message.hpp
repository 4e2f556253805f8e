#pragma once

/// The HTTP request and response values that handlers see. They are plain
/// values with no Beast or CAF dependency: a handler may move a request into
/// another thread and build the response there. Lookups are linear scans over
/// small flat vectors because a request carries a handful of headers and
/// parameters, where a tree or hash table costs more than it saves.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace strato::http {

/// The request methods OpenStack APIs use; anything else is `unknown`.
enum class method : uint8_t {
  unknown = 0,
  get,
  head,
  post,
  put,
  patch,
  delete_,
  options,
};

[[nodiscard]] std::string_view to_string(method m) noexcept;

/// Parses an exact, case-sensitive method token ("GET").
[[nodiscard]] method parse_method(std::string_view token) noexcept;

/// Header fields in arrival order. Names compare case-insensitively; all
/// bytes live in one buffer so that a request costs two allocations for its
/// headers instead of two per field.
class header_list {
public:
  /// Appends a field; repeated names are kept, in order.
  void add(std::string_view name, std::string_view value);

  /// Replaces every field called `name` with one field.
  void set(std::string_view name, std::string_view value);

  /// The first value of `name`, if any.
  [[nodiscard]] std::optional<std::string_view>
  get(std::string_view name) const noexcept;

  [[nodiscard]] bool contains(std::string_view name) const noexcept {
    return get(name).has_value();
  }

  [[nodiscard]] size_t size() const noexcept {
    return entries_.size();
  }
  [[nodiscard]] bool empty() const noexcept {
    return entries_.empty();
  }

  /// The i-th field as (name, value); valid until the list is modified.
  [[nodiscard]] std::pair<std::string_view, std::string_view>
  operator[](size_t i) const noexcept;

  void reserve(size_t fields, size_t bytes);
  void clear() noexcept;

private:
  struct entry {
    uint32_t name_offset;
    uint32_t name_size;
    uint32_t value_offset;
    uint32_t value_size;
  };

  [[nodiscard]] std::string_view view(uint32_t offset,
                                      uint32_t size) const noexcept {
    return {data_.data() + offset, size};
  }

  std::string data_;
  std::vector<entry> entries_;
};

/// Name/value pairs in arrival order (query strings, path captures).
class param_list {
public:
  using value_type = std::pair<std::string, std::string>;
  using const_iterator = std::vector<value_type>::const_iterator;

  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }

  /// The first value of `name`, if any.
  [[nodiscard]] std::optional<std::string_view>
  get(std::string_view name) const noexcept;

  /// Every value of `name`, in order ("?status=A&status=B").
  [[nodiscard]] std::vector<std::string_view>
  get_all(std::string_view name) const;

  [[nodiscard]] bool contains(std::string_view name) const noexcept {
    return get(name).has_value();
  }

  [[nodiscard]] size_t size() const noexcept {
    return items_.size();
  }
  [[nodiscard]] bool empty() const noexcept {
    return items_.empty();
  }
  [[nodiscard]] const_iterator begin() const noexcept {
    return items_.begin();
  }
  [[nodiscard]] const_iterator end() const noexcept {
    return items_.end();
  }
  void clear() noexcept {
    items_.clear();
  }

private:
  std::vector<value_type> items_;
};

/// A request body that arrives piece by piece, for routes registered with
/// `router::add_streaming` (image uploads): the handler pulls the pieces, so
/// a body is never held whole in memory and the socket is read only as fast
/// as the handler consumes. `read` may be called from any thread, one read at
/// a time; `done` runs on an I/O thread with the next piece (at most about a
/// MiB), an empty string once the body is complete, or an error. A handler
/// that answers before the body is complete makes the server close the
/// connection after the response.
class body_reader {
public:
  virtual ~body_reader() = default;
  virtual void read(std::function<void(std::optional<std::string> piece)> done)
    = 0;
  /// The declared Content-Length, if the client sent one (not chunked).
  [[nodiscard]] virtual std::optional<uint64_t> content_length() const = 0;
  /// After a failed read (`nullopt` piece): true when the body exceeded the
  /// route's limit (answer 413), false when the client went away or sent a
  /// malformed body.
  [[nodiscard]] virtual bool exceeded_limit() const = 0;
};

/// A response body produced piece by piece (image downloads). The server
/// calls `read` again only after it wrote the previous piece; `done` may run
/// on any thread with the next piece, an empty string at the end, or
/// `nullopt` on a failure (the server then drops the connection, the only
/// way left to tell the client once the headers are out).
class body_source {
public:
  virtual ~body_source() = default;
  virtual void read(std::function<void(std::optional<std::string> piece)> done)
    = 0;
};

/// One parsed HTTP request.
struct request {
  http::method method = method::unknown;
  /// The request-target exactly as received ("/compute/v2.1/servers?x=%20").
  std::string target;
  /// The percent-decoded path, without the query string.
  std::string path;
  /// Percent-decoded query parameters ('+' decodes to a space).
  param_list query_params;
  /// Captures of the matched route pattern ("{server_id}" -> value).
  param_list path_params;
  header_list headers;
  std::string body;
  /// Set instead of `body` for routes that stream their request body.
  std::shared_ptr<body_reader> body_stream;
  /// "req-<uuid4>", generated for every request and echoed back in the
  /// `x-openstack-request-id` response header.
  std::string request_id;
  /// The peer's IP address as text.
  std::string remote_address;

  [[nodiscard]] std::optional<std::string_view>
  query(std::string_view name) const noexcept {
    return query_params.get(name);
  }
  [[nodiscard]] std::vector<std::string_view>
  query_all(std::string_view name) const {
    return query_params.get_all(name);
  }
  [[nodiscard]] std::optional<std::string_view>
  header(std::string_view name) const noexcept {
    return headers.get(name);
  }
  /// A route capture; empty when the pattern had no such capture.
  [[nodiscard]] std::string_view
  path_param(std::string_view name) const noexcept {
    return path_params.get(name).value_or(std::string_view{});
  }
};

/// One HTTP response. The server adds `Content-Length`, `Content-Type` (when
/// the body is not empty) and `x-openstack-request-id` itself.
struct response {
  int status = 200;
  std::string content_type = "application/json";
  header_list headers;
  std::string body;
  /// When set, the body comes from this source instead of `body`, and
  /// `stream_length` is its Content-Length.
  std::shared_ptr<body_source> body_stream;
  uint64_t stream_length = 0;

  /// A response whose body is `body` serialized as JSON.
  [[nodiscard]] static response json(int status, const nlohmann::json& body);

  /// A plain-text response.
  [[nodiscard]] static response text(int status, std::string body);

  /// A response without a body (204, 202, ...).
  [[nodiscard]] static response empty(int status);
};

/// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (query
/// strings). Invalid escapes are kept literally, as Python's unquote does.
[[nodiscard]] std::string percent_decode(std::string_view in,
                                         bool plus_is_space);

/// Splits a query string ("a=1&b=&c") into decoded pairs appended to `out`.
void parse_query(std::string_view query, param_list& out);

/// ASCII case-insensitive equality, for header names and tokens.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

} // namespace strato::http
