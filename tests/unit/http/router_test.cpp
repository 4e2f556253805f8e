#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <optional>

#include "runtime/http/router.hpp"

using namespace strato::http;

namespace {

/// Dispatches one request and returns what the router answered.
struct captured {
  std::optional<response> reply;

  responder make(service_flavor flavor = service_flavor::compute) {
    return responder{[this](response r) { reply = std::move(r); }, flavor,
                     "req-test"};
  }
};

request make_request(method m, std::string path) {
  request req;
  req.method = m;
  req.path = std::move(path);
  req.request_id = "req-test";
  return req;
}

handler echo_param(std::string name) {
  return [name](request req, responder reply) {
    reply.send(response::text(200, std::string{req.path_param(name)}));
  };
}

} // namespace

TEST_CASE("a route with captures hands the captured segments to its handler") {
  router routes;
  routes.add(method::get, "/compute/v2.1/servers/{server_id}",
             echo_param("server_id"));
  captured out;
  routes.dispatch(make_request(method::get, "/compute/v2.1/servers/abc-1"),
                  out.make());
  REQUIRE(out.reply);
  CHECK(out.reply->status == 200);
  CHECK(out.reply->body == "abc-1");
}

TEST_CASE("literal segments win over captures at the same depth") {
  router routes;
  routes.add(method::get, "/compute/v2.1/servers/{server_id}",
             echo_param("server_id"));
  routes.add(method::get, "/compute/v2.1/servers/detail",
             [](request, responder reply) {
               reply.send(response::text(200, "detail"));
             });
  captured out;
  routes.dispatch(make_request(method::get, "/compute/v2.1/servers/detail"),
                  out.make());
  CHECK(out.reply->body == "detail");
}

TEST_CASE("trailing and doubled slashes do not change the match") {
  router routes;
  routes.add(method::get, "/identity/v3/", echo_param("none"));
  captured a;
  routes.dispatch(make_request(method::get, "/identity/v3"), a.make());
  CHECK(a.reply->status == 200);
  captured b;
  routes.dispatch(make_request(method::get, "//identity//v3/"), b.make());
  CHECK(b.reply->status == 200);
}

TEST_CASE("an unknown path is a 404 in the service's error format") {
  router routes;
  captured out;
  routes.dispatch(make_request(method::get, "/identity/v3/nothing"),
                  out.make(service_flavor::identity));
  REQUIRE(out.reply);
  CHECK(out.reply->status == 404);
  auto body = nlohmann::json::parse(out.reply->body);
  CHECK(body["error"]["code"] == 404);
}

TEST_CASE("a known path under another method is a 405") {
  router routes;
  routes.add(method::get, "/compute/v2.1/flavors", echo_param("x"));
  captured out;
  routes.dispatch(make_request(method::delete_, "/compute/v2.1/flavors"),
                  out.make());
  CHECK(out.reply->status == 405);
}

TEST_CASE("HEAD is served by the GET handler when there is no HEAD route") {
  router routes;
  routes.add(method::get, "/image/v2/images", echo_param("x"));
  captured out;
  routes.dispatch(make_request(method::head, "/image/v2/images"), out.make());
  CHECK(out.reply->status == 200);
}

TEST_CASE("a fallback answers every unmatched path under its prefix") {
  router routes;
  routes.add(method::get, "/network/v2.0/networks", echo_param("x"));
  routes.add_fallback("/network", [](request, responder reply) {
    reply.fail(501, "not yet");
  });
  captured matched;
  routes.dispatch(make_request(method::get, "/network/v2.0/networks"),
                  matched.make());
  CHECK(matched.reply->status == 200);
  captured deeper;
  routes.dispatch(make_request(method::get, "/network/v2.0/ports/x/y"),
                  deeper.make(service_flavor::network));
  CHECK(deeper.reply->status == 501);
  captured other_method;
  routes.dispatch(make_request(method::post, "/network/v2.0/networks"),
                  other_method.make(service_flavor::network));
  CHECK(other_method.reply->status == 501);
  captured outside;
  routes.dispatch(make_request(method::get, "/networks"), outside.make());
  CHECK(outside.reply->status == 404);
}

TEST_CASE("a responder that is dropped unanswered sends a 500") {
  router routes;
  routes.add(method::get, "/x", [](request, responder) {});
  captured out;
  routes.dispatch(make_request(method::get, "/x"), out.make());
  REQUIRE(out.reply);
  CHECK(out.reply->status == 500);
}

TEST_CASE("only the first answer of a responder is delivered") {
  int delivered = 0;
  responder reply{[&](response) { ++delivered; }, service_flavor::compute,
                  "req-1"};
  reply.send(response::empty(204));
  reply.send(response::empty(200));
  reply.fail(500, "late");
  CHECK(delivered == 1);
}

TEST_CASE("paths map to their service's error flavor") {
  CHECK(flavor_for_path("/identity/v3/auth/tokens")
        == service_flavor::identity);
  CHECK(flavor_for_path("/image/v2/images") == service_flavor::image);
  CHECK(flavor_for_path("/volume/v3/x/volumes") == service_flavor::volume);
  CHECK(flavor_for_path("/network/v2.0/ports") == service_flavor::network);
  CHECK(flavor_for_path("/placement/traits") == service_flavor::placement);
  CHECK(flavor_for_path("/imagex") == service_flavor::compute);
}
