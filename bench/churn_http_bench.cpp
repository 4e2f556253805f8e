// strato-bench churn, HTTP cases: the same boot+delete cycle through the
// Nova API of an in-process all-in-one node (no fsync, simulated compute
// hosts), with N keep-alive clients each keeping one cycle in flight. A
// cycle is POST /servers (202), GET /servers/{id} until ACTIVE, and DELETE
// /servers/{id} (204); `polls_per_cycle` counts the GETs.

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

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

const std::string servers_path = "/compute/v2.1/servers";

class cycle_client : public std::enable_shared_from_this<cycle_client> {
public:
  cycle_client(net::io_context& io, tcp::endpoint server, std::string token,
               clock::time_point deadline)
    : stream_(io), server_(server), token_(std::move(token)),
      deadline_(deadline) {
  }

  void start() {
    stream_.async_connect(server_, [self = shared_from_this()](
                                     beast::error_code ec) {
      if (!ec) {
        self->create();
      }
    });
  }

  latencies lat;
  uint64_t failures = 0;
  uint64_t polls = 0;

private:
  void send(bhttp::verb verb, const std::string& target, std::string body,
            void (cycle_client::*next)()) {
    request_ = {verb, target, 11};
    request_.set(bhttp::field::host, "127.0.0.1");
    request_.set("X-Auth-Token", token_);
    request_.set("OpenStack-API-Version", "compute 2.37");
    request_.set(bhttp::field::content_type, "application/json");
    request_.keep_alive(true);
    request_.body() = std::move(body);
    request_.prepare_payload();
    bhttp::async_write(
      stream_, request_,
      [self = shared_from_this(), next](beast::error_code ec, size_t) {
        if (ec) {
          return;
        }
        self->response_ = {};
        bhttp::async_read(self->stream_, self->buffer_, self->response_,
                          [self, next](beast::error_code ec2, size_t) {
                            if (!ec2) {
                              ((*self).*next)();
                            }
                          });
      });
  }

  void create() {
    if (clock::now() >= deadline_) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    started_ = clock::now();
    send(bhttp::verb::post, servers_path,
         R"({"server":{"name":"churn","flavorRef":"1","networks":"none"}})",
         &cycle_client::created);
  }

  void created() {
    if (response_.result_int() != 202) {
      ++failures;
      create();
      return;
    }
    id_ = nlohmann::json::parse(response_.body())["server"]["id"];
    poll();
  }

  void poll() {
    ++polls;
    send(bhttp::verb::get, servers_path + "/" + id_, {}, &cycle_client::polled);
  }

  void polled() {
    auto body = nlohmann::json::parse(response_.body(), nullptr, false);
    if (response_.result_int() == 200 && body["server"]["status"] == "BUILD") {
      poll();
      return;
    }
    send(bhttp::verb::delete_, servers_path + "/" + id_, {},
         &cycle_client::deleted);
  }

  void deleted() {
    if (response_.result_int() != 204) {
      ++failures;
    } else {
      lat.add(std::chrono::duration<double, std::micro>(clock::now()
                                                        - started_)
                .count());
    }
    create();
  }

  beast::tcp_stream stream_;
  tcp::endpoint server_;
  std::string token_;
  clock::time_point deadline_;
  clock::time_point started_;
  std::string id_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  bhttp::response<bhttp::string_body> response_;
};

bhttp::response<bhttp::string_body>
call(uint16_t port, bhttp::verb verb, const std::string& target,
     const std::string& body, const std::string& token = {}) {
  net::io_context io;
  beast::tcp_stream stream{io};
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{verb, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::content_type, "application/json");
  req.set("OpenStack-API-Version", "compute 2.37");
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

/// Boots `n` servers (max_count batches) and waits until none builds.
void populate(uint16_t port, const std::string& token, size_t n) {
  for (size_t done = 0; done < n; done += 100) {
    auto batch = std::min<size_t>(100, n - done);
    call(port, bhttp::verb::post, servers_path,
         fmt::format(R"({{"server":{{"name":"idle","flavorRef":"1",)"
                     R"("networks":"none","min_count":{0},"max_count":{0}}}}})",
                     batch),
         token);
  }
  for (int i = 0; i < 600; ++i) {
    auto res = call(port, bhttp::verb::get,
                    servers_path + "?status=BUILD&limit=1", {}, token);
    if (nlohmann::json::parse(res.body())["servers"].empty()) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

} // namespace

http_churn_result churn_over_http(uint16_t port, const std::string& token,
                                  size_t clients,
                                  std::chrono::milliseconds duration) {
  net::io_context io;
  auto start = clock::now();
  std::vector<std::shared_ptr<cycle_client>> loops;
  for (size_t i = 0; i < clients; ++i) {
    loops.push_back(std::make_shared<cycle_client>(
      io, tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, token,
      start + duration));
    loops.back()->start();
  }
  io.run();
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  http_churn_result out;
  uint64_t polls = 0;
  for (auto& loop : loops) {
    out.latency.merge(loop->lat);
    out.failures += loop->failures;
    polls += loop->polls;
  }
  auto cycles = static_cast<double>(out.latency.size());
  out.cycles_per_s = cycles / seconds;
  out.polls_per_cycle = cycles > 0 ? static_cast<double>(polls) / cycles : 0;
  return out;
}

std::string bench_admin_token(uint16_t port, const std::string& password) {
  auto auth = call(port, bhttp::verb::post, "/identity/v3/auth/tokens",
                   R"({"auth":{"identity":{"methods":["password"],"password":
                   {"user":{"name":"admin","domain":{"id":"default"},
                   "password":")" + password + R"("}}},"scope":{"project":
                   {"name":"admin","domain":{"id":"default"}}}}})");
  std::string token{auth["X-Subject-Token"]};
  auto project = nlohmann::json::parse(auth.body())["token"]["project"]["id"]
                   .get<std::string>();
  call(port, bhttp::verb::put, "/compute/v2.1/os-quota-sets/" + project,
       R"({"quota_set":{"instances":-1,"cores":-1,"ram":-1}})", token);
  return token;
}

nlohmann::json bench_request(uint16_t port, const std::string& method,
                             const std::string& target,
                             const std::string& body, const std::string& token,
                             int* status) {
  auto res = call(port, bhttp::string_to_verb(method), target, body, token);
  if (status != nullptr) {
    *status = res.result_int();
  }
  return nlohmann::json::parse(res.body(), nullptr, false);
}

int run_churn_http(const bench_options& opts, reporter& out) {
  std::vector<size_t> populations{100, 1000, 10000};
  if (opts.quick) {
    populations = {100};
  }
  for (auto population : populations) {
    scratch_dir dir{opts.dir};
    server::node_config config;
    config.data_dir = dir.path() + "/data";
    config.listen = "127.0.0.1:0";
    config.admin_password = "bench-password";
    config.log_level = "warn";
    config.unsafe_no_fsync = true;
    auto started = server::node::start(config);
    if (!started) {
      std::fprintf(stderr, "churn bench: %s\n",
                   started.error().describe().c_str());
      return 1;
    }
    auto& node = *started;
    auto port = node->port();
    auto token = bench_admin_token(port, config.admin_password);
    populate(port, token, population);
    for (size_t clients : {16, 64}) {
      auto r = churn_over_http(port, token, clients, opts.seconds_per_case);
      measurement m{"churn", "http", r.cycles_per_s, r.latency.quantile(0.5),
                    r.latency.quantile(0.99), {}};
      m.params = {{"instances", std::to_string(population)},
                  {"clients", std::to_string(clients)},
                  {"p95_us", fmt::format("{:.0f}", r.latency.quantile(0.95))},
                  {"polls_per_cycle", fmt::format("{:.2f}", r.polls_per_cycle)},
                  {"failures", std::to_string(r.failures)}};
      out.add(m);
    }
    node->stop();
  }
  return 0;
}

} // namespace strato::bench
