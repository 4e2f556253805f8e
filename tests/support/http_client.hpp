#pragma once

// A small blocking HTTP/1.1 client for tests: one keep-alive connection to
// 127.0.0.1, plus raw writes for malformed-input cases.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace strato::testing {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers; ///< Lower-case names.
  std::string body;
  bool keep_alive = true;

  [[nodiscard]] std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class http_client {
public:
  explicit http_client(uint16_t port);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  /// Sends one request on the connection and reads the answer.
  http_reply request(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});

  /// Writes `bytes` as they are and reads one response.
  http_reply raw(const std::string& bytes);

  /// True when the server has closed the connection.
  bool closed_by_peer();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace strato::testing
