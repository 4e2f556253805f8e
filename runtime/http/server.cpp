#include "runtime/http/server.hpp"

#include <atomic>
#include <charconv>
#include <limits>
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

/// The most a streamed request body hands over at once.
constexpr size_t stream_piece_bytes = 1 << 20;

/// Settings and counters shared by the listener and its sessions.
struct shared_context {
  handler on_request;
  size_t body_limit = 0;
  std::chrono::seconds idle_timeout{0};
  std::function<std::optional<uint64_t>(method, std::string_view)>
    streamed_body_limit;
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
    parser_.reset();
    stream_parser_.reset();
    header_parser_.emplace();
    // The limit depends on the route, known only once the header is read.
    // (Not boost::none: Beast 1.74 compares a Content-Length against it as
    // an optional, and every length is greater than none.)
    header_parser_->body_limit(std::numeric_limits<uint64_t>::max());
    header_parser_->header_limit(header_limit);
    beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
    bhttp::async_read_header(
      stream_, buffer_, *header_parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->on_header(ec);
      });
  }

  static bool is_disconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == net::error::eof
           || ec == beast::error::timeout || ec == net::error::operation_aborted
           || ec == net::error::connection_reset;
  }

  void on_header(beast::error_code ec) {
    if (is_disconnect(ec)) {
      close();
      return;
    }
    if (ec) {
      fail_unparsed(400, "Malformed HTTP request: " + ec.message());
      return;
    }
    auto& head = header_parser_->get();
    std::optional<uint64_t> stream_limit;
    if (context_->streamed_body_limit) {
      auto verb = head.method_string();
      auto target = head.target();
      stream_limit = context_->streamed_body_limit(
        parse_method({verb.data(), verb.size()}),
        {target.data(), target.size()});
    }
    auto limit = stream_limit.value_or(context_->body_limit);
    if (auto length = header_parser_->content_length();
        length && *length > limit) {
      fail_unparsed(413, "Request is too large.");
      return;
    }
    if (stream_limit) {
      start_stream(*stream_limit);
      return;
    }
    parser_.emplace(std::move(*header_parser_));
    parser_->body_limit(context_->body_limit);
    bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) {
        self->on_read(ec);
      });
  }

  /// Answers a request that could not be parsed, then closes.
  void fail_unparsed(int status, std::string message) {
    keep_alive_ = false;
    head_ = false;
    request_id_ = make_request_id();
    request req;
    req.request_id = request_id_;
    write(make_error(service_flavor::compute, status, std::move(message), req));
  }

  void on_read(beast::error_code ec) {
    if (is_disconnect(ec)) {
      close();
      return;
    }
    if (ec) {
      if (ec == bhttp::error::body_limit) {
        fail_unparsed(413, "Request is too large.");
      } else {
        fail_unparsed(400, "Malformed HTTP request: " + ec.message());
      }
      return;
    }
    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;
    dispatch(to_request(std::move(message), remote_address_));
  }

  void dispatch(request req) {
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

  // -- streamed request bodies ----------------------------------------------

  /// Hands the body to the handler piece by piece, on the session's strand.
  class stream_reader final : public body_reader {
  public:
    stream_reader(std::shared_ptr<session> owner,
                  std::optional<uint64_t> length)
      : owner_(std::move(owner)), length_(length) {
    }
    void read(std::function<void(std::optional<std::string>)> done) override {
      net::post(owner_->stream_.get_executor(),
                [owner = owner_, done = std::move(done)]() mutable {
                  owner->read_piece(std::move(done));
                });
    }
    [[nodiscard]] std::optional<uint64_t> content_length() const override {
      return length_;
    }
    [[nodiscard]] bool exceeded_limit() const override {
      return owner_->stream_too_large_.load();
    }

  private:
    std::shared_ptr<session> owner_;
    std::optional<uint64_t> length_;
  };

  void start_stream(uint64_t limit) {
    auto& head = header_parser_->get();
    keep_alive_ = head.keep_alive();
    version_ = head.version();
    head_ = false;
    auto length = header_parser_->content_length();
    bhttp::request<bhttp::string_body> header_only{head.base()};
    stream_parser_.emplace(std::move(*header_parser_));
    stream_parser_->body_limit(limit);
    stream_failed_ = false;
    stream_too_large_ = false;
    auto req = to_request(std::move(header_only), remote_address_);
    req.body_stream = std::make_shared<stream_reader>(
      this->shared_from_this(),
      length ? std::optional<uint64_t>{*length} : std::nullopt);
    dispatch(std::move(req));
  }

  void read_piece(std::function<void(std::optional<std::string>)> done) {
    if (!stream_parser_ || stream_failed_) {
      done(std::nullopt);
      return;
    }
    if (stream_parser_->is_done()) {
      done(std::string{});
      return;
    }
    auto piece = std::make_shared<std::string>(stream_piece_bytes, '\0');
    auto& body = stream_parser_->get().body();
    body.data = piece->data();
    body.size = piece->size();
    beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
    bhttp::async_read(stream_, buffer_, *stream_parser_,
                      [self = this->shared_from_this(), piece,
                       done = std::move(done)](beast::error_code ec,
                                               size_t) mutable {
                        self->on_piece_read(ec, std::move(piece),
                                            std::move(done));
                      });
  }

  void on_piece_read(beast::error_code ec, std::shared_ptr<std::string> piece,
                     std::function<void(std::optional<std::string>)> done) {
    if (ec == bhttp::error::need_buffer) {
      ec = {};
    }
    if (ec) {
      stream_failed_ = true;
      stream_too_large_ = ec == bhttp::error::body_limit;
      keep_alive_ = false;
      done(std::nullopt);
      return;
    }
    piece->resize(piece->size() - stream_parser_->get().body().size);
    if (piece->empty() && !stream_parser_->is_done()) {
      read_piece(std::move(done));
      return;
    }
    done(std::move(*piece));
  }

  // -- responses --------------------------------------------------------------

  template <class Body>
  void fill_header(bhttp::response<Body>& out, const response& r,
                   uint64_t length) {
    out.version(version_);
    out.result(static_cast<unsigned>(r.status));
    for (size_t i = 0; i < r.headers.size(); ++i) {
      auto [name, value] = r.headers[i];
      out.insert(beast::string_view{name.data(), name.size()},
                 beast::string_view{value.data(), value.size()});
    }
    if (length > 0 || r.status == 200) {
      out.set(bhttp::field::content_type, r.content_type);
    }
    out.set("x-openstack-request-id", request_id_);
    out.keep_alive(keep_alive_);
    out.content_length(length);
  }

  void write(response r) {
    if (stream_parser_ && !stream_parser_->is_done()) {
      // The rest of the body is still on the wire: the connection cannot
      // carry another request.
      keep_alive_ = false;
    }
    context_->served.fetch_add(1, std::memory_order_relaxed);
    if (r.body_stream) {
      write_streamed(std::move(r));
      return;
    }
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    fill_header(*out, r, r.body.size());
    if (!head_) {
      out->body() = std::move(r.body);
    }
    bhttp::async_write(
      stream_, *out,
      [self = this->shared_from_this(), out](beast::error_code ec, size_t) {
        self->after_write(ec);
      });
  }

  void after_write(beast::error_code ec) {
    if (ec || !keep_alive_) {
      close();
    } else {
      read_next();
    }
  }

  /// A response whose body a `body_source` produces while it is written.
  struct streamed_response {
    bhttp::response<bhttp::buffer_body> message;
    bhttp::response_serializer<bhttp::buffer_body> serializer{message};
    std::shared_ptr<body_source> source;
    std::string piece;
  };

  void write_streamed(response r) {
    auto out = std::make_shared<streamed_response>();
    fill_header(out->message, r, r.stream_length);
    out->message.body().data = nullptr;
    out->message.body().more = true;
    out->source = std::move(r.body_stream);
    bhttp::async_write_header(
      stream_, out->serializer,
      [self = this->shared_from_this(), out](beast::error_code ec, size_t) {
        if (ec || self->head_) {
          self->after_write(ec);
        } else {
          self->pump(out);
        }
      });
  }

  void pump(const std::shared_ptr<streamed_response>& out) {
    out->source->read([self = this->shared_from_this(),
                       out](std::optional<std::string> piece) {
      net::post(self->stream_.get_executor(),
                [self, out, piece = std::move(piece)]() mutable {
                  self->write_piece(out, std::move(piece));
                });
    });
  }

  void write_piece(const std::shared_ptr<streamed_response>& out,
                   std::optional<std::string> piece) {
    if (!piece) {
      keep_alive_ = false;
      close();
      return;
    }
    out->piece = std::move(*piece);
    auto& body = out->message.body();
    body.data = out->piece.empty() ? nullptr : out->piece.data();
    body.size = out->piece.size();
    body.more = !out->piece.empty();
    beast::get_lowest_layer(stream_).expires_after(context_->idle_timeout);
    bhttp::async_write(
      stream_, out->serializer,
      [self = this->shared_from_this(), out](beast::error_code ec, size_t) {
        if (ec == bhttp::error::need_buffer) {
          ec = {};
        }
        if (ec || out->serializer.is_done()) {
          self->after_write(ec);
        } else {
          self->pump(out);
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
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::buffer_body>> stream_parser_;
  bool stream_failed_ = false;
  std::atomic<bool> stream_too_large_{false};
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
    context_->streamed_body_limit = config.streamed_body_limit;
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
