#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>

namespace strato::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct http_client::impl {
  net::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;

  http_reply read_reply() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 << 20);
    bhttp::read(stream, buffer, parser);
    auto res = parser.release();
    http_reply out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      std::string name{field.name_string()};
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string{field.value()};
    }
    out.body = std::move(res.body());
    out.keep_alive = res.keep_alive();
    return out;
  }
};

http_client::http_client(uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->stream.connect(
    net::ip::tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  impl_->stream.expires_never();
}

http_client::~http_client() = default;

http_reply http_client::request(
  const std::string& method, const std::string& target,
  const std::string& body, const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target,
                                         11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) {
    req.set(name, value);
  }
  if (!body.empty()) {
    if (headers.find("Content-Type") == headers.end()) {
      req.set(bhttp::field::content_type, "application/json");
    }
    req.body() = body;
  }
  req.prepare_payload();
  impl_->stream.expires_after(std::chrono::seconds{30});
  bhttp::write(impl_->stream, req);
  if (method == "HEAD") {
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true);
    bhttp::read(impl_->stream, impl_->buffer, parser);
    http_reply out;
    out.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name{field.name_string()};
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      out.headers[name] = std::string{field.value()};
    }
    return out;
  }
  return impl_->read_reply();
}

http_reply http_client::raw(const std::string& bytes) {
  impl_->stream.expires_after(std::chrono::seconds{30});
  net::write(impl_->stream.socket(), net::buffer(bytes));
  return impl_->read_reply();
}

bool http_client::closed_by_peer() {
  impl_->stream.expires_after(std::chrono::seconds{5});
  char byte = 0;
  beast::error_code ec;
  impl_->stream.socket().read_some(net::buffer(&byte, 1), ec);
  return ec == net::error::eof || ec == net::error::connection_reset;
}

} // namespace strato::testing
