#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "runtime/http/errors.hpp"

using namespace strato::http;
using nlohmann::json;

namespace {

json error_body(service_flavor flavor, int status) {
  request req;
  req.request_id = "req-42";
  auto r = make_error(flavor, status, "went wrong", req);
  CHECK(r.status == status);
  CHECK(r.content_type == "application/json");
  return json::parse(r.body);
}

} // namespace

TEST_CASE("compute and volume errors are wsgi faults named by status") {
  auto body = error_body(service_flavor::compute, 409);
  CHECK(body["conflictingRequest"]["code"] == 409);
  CHECK(body["conflictingRequest"]["message"] == "went wrong");
  CHECK(error_body(service_flavor::volume, 404).contains("itemNotFound"));
  CHECK(error_body(service_flavor::compute, 500).contains("computeFault"));
}

TEST_CASE("identity errors carry code, title and message") {
  auto body = error_body(service_flavor::identity, 403);
  CHECK(body["error"]["code"] == 403);
  CHECK(body["error"]["title"] == "Forbidden");
  CHECK(body["error"]["message"] == "went wrong");
}

TEST_CASE("a 401 is in keystonemiddleware's format for every service") {
  auto body = error_body(service_flavor::network, 401);
  CHECK(body["error"]["code"] == 401);
}

TEST_CASE("network errors are NeutronError objects") {
  auto body = error_body(service_flavor::network, 404);
  CHECK(body["NeutronError"]["type"] == "NotFound");
  CHECK(body["NeutronError"]["message"] == "went wrong");
  CHECK(body["NeutronError"]["detail"] == "");
}

TEST_CASE("image errors are webob pages rendered as JSON") {
  auto body = error_body(service_flavor::image, 404);
  CHECK(body["code"] == "404 Not Found");
  CHECK(body["title"] == "Not Found");
  CHECK(body["message"].get<std::string>().find("went wrong") == 0);
}

TEST_CASE("placement errors list errors with the request id") {
  auto body = error_body(service_flavor::placement, 409);
  REQUIRE(body["errors"].is_array());
  CHECK(body["errors"][0]["status"] == 409);
  CHECK(body["errors"][0]["request_id"] == "req-42");
  CHECK(body["errors"][0]["detail"].get<std::string>().find("went wrong")
        != std::string::npos);
}

TEST_CASE("error codes map to the statuses OpenStack uses") {
  using strato::errc;
  CHECK(http_status(errc::invalid_argument) == 400);
  CHECK(http_status(errc::unauthorized) == 401);
  CHECK(http_status(errc::forbidden) == 403);
  CHECK(http_status(errc::not_found) == 404);
  CHECK(http_status(errc::conflict) == 409);
  CHECK(http_status(errc::invalid_transition) == 409);
  CHECK(http_status(errc::not_implemented) == 501);
  CHECK(http_status(errc::unavailable) == 503);
}
