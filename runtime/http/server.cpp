#include "runtime/http/server.hpp"

#include <atomic>
#include <charconv>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include "runtime/http/parse.hpp"
#include "runtime/http/request_id.hpp"

namespace strato::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

/// Settings and counters shared by the listener and its sessions.
struct shared_context {
  handler on_request;
  size_t body_limit = 0;
  std::chrono::seconds idle_timeout{0};
  std::atomic<uint64_t> served{0};
};

template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
public:
  session(Stream stream, std::shared_ptr<shared_context> context)
    : stream_(std::move(stream)), context_(std::move(context)) {
  }

  void start() {
    auto self = this->shared_from_this();
    net::dispatch(stream_.get_executor(), [self] { self->begin(); });
  }

private:
  tcp::socket& socket() {
    return beast::get_lowest_layer(stream_).socket();
  }

  void begin() {
    beast::error_code ec;
    auto peer = socket().remote_endpoint(ec);
    remote_address_ = ec ? std::string{} : peer.address().to_string();
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read_next();
    } else {
      beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
      stream_.async_handshake(
        net::ssl::stream_base::server,
        [self = this->shared_from_this()](beast::error_code error) {
          if (!error) {
            self->read_next();
          }
        });
    }
  }

  void read_next() {
    parser_.emplace();
    parser_->body_limit(context_->body_limit);
    parser_->header_limit(header_limit);
    beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
    bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->on_read(ec);
      });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == net::error::eof
        || ec == beast::error::timeout || ec == net::error::operation_aborted
        || ec == net::error::connection_reset) {
      close();
      return;
    }
    if (ec) {
      keep_alive_ = false;
      head_ = false;
      request_id_ = make_request_id();
      auto status = ec == bhttp::error::body_limit ? 413 : 400;
      auto message = status == 413
                       ? std::string{"Request is too large."}
                       : "Malformed HTTP request: " + ec.message();
      request req;
      req.request_id = request_id_;
      write(make_error(service_flavor::compute, status, std::move(message),
                       req));
      return;
    }
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;
    auto req = to_request(std::move(message), remote_address_);
    request_id_ = req.request_id;
    auto flavor = flavor_for_path(req.path);
    // The responder keeps the session alive while the request is pending:
    // no socket operation does in that time.
    responder reply{[self = this->shared_from_this()](response r) {
                      auto executor = self->stream_.get_executor();
                      net::post(executor, [self, r = std::move(r)]() mutable {
                        self->write(std::move(r));
                      });
                    },
                    flavor, req.request_id};
    if (req.method == method::unknown) {
      reply.fail(405, "The method is not allowed for this resource.");
      return;
    }
    context_->on_request(std::move(req), std::move(reply));
  }

  void write(response r) {
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(version_);
    out->result(static_cast<unsigned>(r.status));
    for (size_t i = 0; i < r.headers.size(); ++i) {
      auto [name, value] = r.headers[i];
      out->insert(beast::string_view{name.data(), name.size()},
                  beast::string_view{value.data(), value.size()});
    }
    if (!r.body.empty() || r.status == 200) {
      out->set(bhttp::field::content_type, r.content_type);
    }
    out->set("x-openstack-request-id", request_id_);
    out->keep_alive(keep_alive_);
    out->content_length(r.body.size());
    if (!head_) {
      out->body() = std::move(r.body);
    }
    context_->served.fetch_add(1, std::memory_order_relaxed);
    bhttp::async_write(
      stream_, *out,
      [self = this->shared_from_this(), out](beast::error_code ec, size_t) {
        if (ec || !self->keep_alive_) {
          self->close();
        } else {
          self->read_next();
        }
      });
  }

  void close() {
    beast::error_code ignored;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds{5});
      stream_.async_shutdown(
        [self = this->shared_from_this()](beast::error_code) {
          beast::error_code ignored_inner;
          self->socket().shutdown(tcp::socket::shutdown_both, ignored_inner);
        });
      return;
    }
    socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Stream stream_;
  std::shared_ptr<shared_context> context_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_address_;
  std::string request_id_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool head_ = false;
};

class beast_server final : public server {
public:
  beast_server(const server_config& config, handler on_request)
    : io_(static_cast<int>(std::max<size_t>(1, config.io_threads))),
      acceptor_(net::make_strand(io_)),
      context_(std::make_shared<shared_context>()),
      threads_(std::max<size_t>(1, config.io_threads)) {
    context_->on_request = std::move(on_request);
    context_->body_limit = config.body_limit;
    context_->idle_timeout = config.idle_timeout;
  }

  ~beast_server() override {
    stop();
  }

  status open(const server_config& config) {
    auto where = config.address + ":" + std::to_string(config.port);
    if (!config.tls_certificate_file.empty()
        || !config.tls_private_key_file.empty()) {
      if (auto st = load_tls(config); !st.ok()) {
        return st;
      }
    }
    beast::error_code ec;
    auto address = net::ip::make_address(config.address, ec);
    if (ec) {
      return {errc::invalid_argument,
              "cannot listen on " + where + ": not an IP address"};
    }
    tcp::endpoint endpoint{address, config.port};
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return {errc::unavailable,
              "cannot listen on " + where + ": " + ec.message()};
    }
    port_ = acceptor_.local_endpoint().port();
    accept_next();
    for (auto& thread : threads_) {
      thread = std::thread{[this] { io_.run(); }};
    }
    return {};
  }

  [[nodiscard]] uint16_t port() const noexcept override {
    return port_;
  }

  void stop() override {
    if (stopped_.exchange(true)) {
      return;
    }
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    io_.stop();
    for (auto& thread : threads_) {
      if (thread.joinable()) {
        thread.join();
      }
    }
  }

  [[nodiscard]] uint64_t requests_served() const noexcept override {
    return context_->served.load(std::memory_order_relaxed);
  }

private:
  status load_tls(const server_config& config) {
    if (config.tls_certificate_file.empty()
        || config.tls_private_key_file.empty()) {
      return {errc::invalid_argument,
              "TLS needs both a certificate and a private key file"};
    }
    tls_.emplace(net::ssl::context::tls_server);
    tls_->set_options(net::ssl::context::default_workarounds
                      | net::ssl::context::no_sslv2
                      | net::ssl::context::no_sslv3
                      | net::ssl::context::no_tlsv1
                      | net::ssl::context::no_tlsv1_1);
    beast::error_code ec;
    tls_->use_certificate_chain_file(config.tls_certificate_file, ec);
    if (ec) {
      return {errc::invalid_argument, "cannot load TLS certificate "
                                        + config.tls_certificate_file + ": "
                                        + ec.message()};
    }
    tls_->use_private_key_file(config.tls_private_key_file,
                               net::ssl::context::pem, ec);
    if (ec) {
      return {errc::invalid_argument, "cannot load TLS private key "
                                        + config.tls_private_key_file + ": "
                                        + ec.message()};
    }
    return {};
  }

  void accept_next() {
    acceptor_.async_accept(net::make_strand(io_),
                           [this](beast::error_code ec, tcp::socket socket) {
                             on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopped_) {
      return;
    }
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      if (tls_) {
        using stream = beast::ssl_stream<beast::tcp_stream>;
        std::make_shared<session<stream>>(
          stream{beast::tcp_stream{std::move(socket)}, *tls_}, context_)
          ->start();
      } else {
        std::make_shared<session<beast::tcp_stream>>(
          beast::tcp_stream{std::move(socket)}, context_)
          ->start();
      }
    } else {
      spdlog::warn("http: accept failed: {}", ec.message());
    }
    accept_next();
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::optional<net::ssl::context> tls_;
  std::shared_ptr<shared_context> context_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  uint16_t port_ = 0;
};

} // namespace

result<std::unique_ptr<server>> server::start(const server_config& config,
                                              handler on_request) {
  auto instance = std::make_unique<beast_server>(config, std::move(on_request));
  if (auto st = instance->open(config); !st.ok()) {
    return st;
  }
  return std::unique_ptr<server>{std::move(instance)};
}

result<std::pair<std::string, uint16_t>>
parse_listen_address(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) {
    return status{errc::invalid_argument,
                  "listen address must be ADDRESS:PORT, got '"
                    + std::string{text} + "'"};
  }
  auto host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] =
    std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size()
      || port > 65535 || host.empty()) {
    return status{errc::invalid_argument,
                  "listen address must be ADDRESS:PORT, got '"
                    + std::string{text} + "'"};
  }
  return std::pair{std::string{host}, static_cast<uint16_t>(port)};
}

} // namespace strato::http
