#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <thread>

#include "runtime/http/server.hpp"
#include "tests/support/http_client.hpp"

using namespace strato::http;
using strato::testing::http_client;

namespace {

struct server_fixture {
  std::unique_ptr<server> srv;
  router routes;

  explicit server_fixture(size_t body_limit = 1024) {
    routes.add(method::get, "/echo/{word}", [](request req, responder reply) {
      reply.send(response::text(200, std::string{req.path_param("word")}));
    });
    routes.add(method::post, "/body", [](request req, responder reply) {
      reply.send(response::text(200, std::to_string(req.body.size())));
    });
    routes.add(method::get, "/later", [](request, responder reply) {
      // Answers from another thread, as an actor would.
      std::thread{[reply] {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
        reply.send(response::json(202, nlohmann::json{{"done", true}}));
      }}.detach();
    });
    routes.add(method::get, "/query", [](request req, responder reply) {
      reply.send(response::text(200, std::string{req.query("q").value_or("-")}));
    });
    server_config config;
    config.body_limit = body_limit;
    auto started = server::start(config, [this](request req, responder r) {
      routes.dispatch(std::move(req), std::move(r));
    });
    REQUIRE_MESSAGE(started.ok(), started.error().describe());
    srv = std::move(*started);
  }
};

} // namespace

TEST_CASE("requests on one keep-alive connection are answered in order") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  for (auto word : {"one", "two", "three"}) {
    auto reply = client.request("GET", std::string{"/echo/"} + word);
    CHECK(reply.status == 200);
    CHECK(reply.body == word);
    CHECK(reply.keep_alive);
  }
  CHECK(fx.srv->requests_served() == 3);
}

TEST_CASE("every response carries a fresh x-openstack-request-id") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  auto a = client.request("GET", "/echo/a");
  auto b = client.request("GET", "/missing");
  CHECK(a.header("x-openstack-request-id").rfind("req-", 0) == 0);
  CHECK(b.header("x-openstack-request-id").rfind("req-", 0) == 0);
  CHECK(a.header("x-openstack-request-id") != b.header("x-openstack-request-id"));
  CHECK(b.status == 404);
}

TEST_CASE("a handler may answer later from another thread") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  auto reply = client.request("GET", "/later");
  CHECK(reply.status == 202);
  CHECK(nlohmann::json::parse(reply.body)["done"] == true);
  CHECK(client.request("GET", "/echo/next").body == "next");
}

TEST_CASE("a body over the limit is refused with 413 and the connection closed") {
  server_fixture fx{16};
  http_client client{fx.srv->port()};
  auto small = client.request("POST", "/body", "0123456789");
  CHECK(small.body == "10");
  auto big = client.request("POST", "/body", std::string(64, 'x'));
  CHECK(big.status == 413);
  CHECK_FALSE(big.keep_alive);
}

TEST_CASE("malformed HTTP gets a 400, not a dropped connection") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  auto reply = client.raw("GET /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: "
                          "zz\r\n\r\n");
  CHECK(reply.status == 400);
  CHECK(client.closed_by_peer());
}

TEST_CASE("query parameters and percent-encoded paths are decoded") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  CHECK(client.request("GET", "/query?q=a%20b").body == "a b");
  CHECK(client.request("GET", "/echo/a%2Fb").body == "a/b");
}

TEST_CASE("HEAD gets the headers of GET without a body") {
  server_fixture fx;
  http_client client{fx.srv->port()};
  auto reply = client.request("HEAD", "/echo/hello");
  CHECK(reply.status == 200);
  CHECK(reply.header("content-length") == "5");
  CHECK(client.request("GET", "/echo/again").body == "again");
}

TEST_CASE("listening on a taken port fails with a message naming it") {
  server_fixture fx;
  server_config config;
  config.port = fx.srv->port();
  auto second = server::start(config, [](request, responder) {});
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message().find("cannot listen on 127.0.0.1:"
                                      + std::to_string(fx.srv->port()))
        != std::string::npos);
}

TEST_CASE("TLS without a readable certificate fails at start") {
  server_config config;
  config.tls_certificate_file = "/nonexistent/cert.pem";
  config.tls_private_key_file = "/nonexistent/key.pem";
  auto started = server::start(config, [](request, responder) {});
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().message().find("certificate") != std::string::npos);
}
