// strato-bench http: authenticated API requests per second through the whole
// front (HTTP parse, token validation, policy, directory read, JSON) on an
// in-process all-in-one node, with keep-alive clients each keeping one
// request in flight. Client and server share the machine's cores, so the
// figures are a lower bound for a remote client.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "bench/benches.hpp"
#include "runtime/server/node.hpp"

namespace strato::bench {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using clock = std::chrono::steady_clock;

/// One keep-alive connection sending `target` again and again.
class client_loop : public std::enable_shared_from_this<client_loop> {
public:
  client_loop(net::io_context& io, tcp::endpoint server, std::string target,
              std::string token, clock::time_point deadline)
    : stream_(io), server_(server), deadline_(deadline) {
    request_ = {bhttp::verb::get, target, 11};
    request_.set(bhttp::field::host, "127.0.0.1");
    request_.set("X-Auth-Token", token);
    request_.keep_alive(true);
  }

  void start() {
    stream_.async_connect(server_, [self = shared_from_this()](
                                     beast::error_code ec) {
      if (!ec) {
        self->send();
      }
    });
  }

  latencies lat;
  uint64_t failures = 0;

private:
  void send() {
    if (clock::now() >= deadline_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    sent_ = clock::now();
    bhttp::async_write(stream_, request_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         if (!ec) {
                           self->receive();
                         }
                       });
  }

  void receive() {
    response_ = {};
    bhttp::async_read(stream_, buffer_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) {
                          return;
                        }
                        self->lat.add(std::chrono::duration<double, std::micro>(
                                        clock::now() - self->sent_)
                                        .count());
                        if (self->response_.result_int() != 200) {
                          ++self->failures;
                        }
                        self->send();
                      });
  }

  beast::tcp_stream stream_;
  tcp::endpoint server_;
  clock::time_point deadline_;
  clock::time_point sent_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::empty_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

/// A blocking request for the setup steps.
bhttp::response<bhttp::string_body>
call(uint16_t port, bhttp::verb verb, const std::string& target,
     const std::string& body, const std::string& token = {}) {
  net::io_context io;
  beast::tcp_stream stream{io};
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  if (!token.empty()) {
    req.set("X-Auth-Token", token);
  }
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  return res;
}

struct bench_case {
  std::string name;
  std::string target;
};

} // namespace

int run_http(const bench_options& opts, reporter& out) {
  scratch_dir dir{opts.dir};
  server::node_config config;
  config.data_dir = dir.path() + "/data";
  config.listen = "127.0.0.1:0";
  config.admin_password = "bench-password";
  config.log_level = "warn";
  config.io_threads = 1;
  auto started = server::node::start(config);
  if (!started) {
    std::fprintf(stderr, "http bench: %s\n",
                 started.error().describe().c_str());
    return 1;
  }
  auto& node = *started;
  auto port = node->port();
  auto auth = call(port, bhttp::verb::post, "/identity/v3/auth/tokens",
                   R"({"auth":{"identity":{"methods":["password"],"password":
                   {"user":{"name":"admin","domain":{"id":"default"},
                   "password":"bench-password"}}},"scope":{"project":
                   {"name":"admin","domain":{"id":"default"}}}}})");
  std::string token{auth["X-Subject-Token"]};
  auto body = nlohmann::json::parse(auth.body());
  auto project_id = body["token"]["project"]["id"].get<std::string>();
  std::vector<bench_case> cases{
    {"get_project", "/identity/v3/projects/" + project_id},
    {"list_roles", "/identity/v3/roles"},
    {"list_flavors", "/compute/v2.1/flavors"},
  };
  std::vector<size_t> client_counts = opts.quick ? std::vector<size_t>{8}
                                                 : std::vector<size_t>{1, 16, 64};
  for (const auto& c : cases) {
    for (auto clients : client_counts) {
      net::io_context io;
      auto start = clock::now();
      auto deadline = start + opts.seconds_per_case;
      std::vector<std::shared_ptr<client_loop>> loops;
      for (size_t i = 0; i < clients; ++i) {
        loops.push_back(std::make_shared<client_loop>(
          io, tcp::endpoint{net::ip::make_address("127.0.0.1"), port},
          c.target, token, deadline));
        loops.back()->start();
      }
      io.run();
      auto seconds = std::chrono::duration<double>(clock::now() - start).count();
      latencies all;
      uint64_t failures = 0;
      for (auto& loop : loops) {
        all.merge(loop->lat);
        failures += loop->failures;
      }
      measurement m;
      m.bench = "http";
      m.name = fmt::format("{}/c{}", c.name, clients);
      m.ops_per_s = static_cast<double>(all.size()) / seconds;
      m.p50_us = all.quantile(0.5);
      m.p99_us = all.quantile(0.99);
      m.params = {{"request", "GET " + c.name},
                  {"clients", std::to_string(clients)},
                  {"io_threads", std::to_string(config.io_threads)},
                  {"authenticated", "true"},
                  {"non_200", std::to_string(failures)}};
      out.add(m);
    }
  }
  node->stop();
  return 0;
}

} // namespace strato::bench
