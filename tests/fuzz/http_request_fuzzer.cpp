/// Fuzzes the HTTP front: raw bytes through the server's parser and request
/// conversion, then dispatch on a router shaped like the services' (literal
/// and captured segments, several methods, a fallback prefix). Every parsed
/// request must be answered exactly once, synchronously here, with a valid
/// status and (for JSON responses) a body that parses back.

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "runtime/api/json_body.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/utf8.hpp"
#include "runtime/http/parse.hpp"
#include "runtime/http/router.hpp"

namespace {

using namespace strato::http;

constexpr size_t body_limit = 64 * 1024;

/// Echoes a path capture, as handlers do in "Instance <id> could not be
/// found". Captures are percent-decoded client bytes: response::json throws
/// on invalid UTF-8 (nlohmann's strict dump), so they must pass through
/// valid_utf8 until response::json itself replaces invalid bytes.
handler echo(std::string_view capture) {
  return [name = std::string{capture}](request req, responder reply) {
    auto id = strato::api::valid_utf8(req.path_param(name));
    reply.send(response::json(200, {{"id", id}}));
  };
}

router make_router() {
  router routes;
  routes.add(method::get, "/compute/v2.1/servers",
             [](request req, responder reply) {
               auto limit = strato::api::parse_limit(req.query_params, 1000);
               if (!limit.ok()) {
                 reply.fail(limit.error());
                 return;
               }
               reply.send(response::json(200, {{"servers", nlohmann::json::array()}}));
             });
  routes.add(method::get, "/compute/v2.1/servers/detail", echo("none"));
  routes.add(method::get, "/compute/v2.1/servers/{server_id}",
             echo("server_id"));
  routes.add(method::delete_, "/compute/v2.1/servers/{server_id}",
             [](request, responder reply) { reply.send(response::empty(204)); });
  routes.add(method::post, "/compute/v2.1/servers",
             [](request req, responder reply) {
               auto body = strato::api::parse_json_body(req.body);
               if (!body.ok()) {
                 reply.fail(body.error());
                 return;
               }
               reply.send(response::json(202, {{"server", {{"id", "x"}}}}));
             });
  routes.add(method::get, "/identity/v3/users/{user_id}/groups",
             echo("user_id"));
  routes.add(method::put, "/image/v2/images/{image_id}/file",
             [](request req, responder reply) {
               reply.send(response::text(204, std::to_string(req.body.size())));
             });
  routes.add_fallback("/volume", [](request, responder reply) {
    reply.fail(501, "Not implemented.");
  });
  return routes;
}

void check(const response& r) {
  if (r.status < 100 || r.status > 599) {
    std::abort();
  }
  if (r.content_type == "application/json" && !r.body.empty()
      && nlohmann::json::parse(r.body, nullptr, false).is_discarded()) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const router routes = make_router();
  auto parsed = parse_request(
    {reinterpret_cast<const char*>(data), size}, body_limit);
  if (!parsed.ok()) {
    return 0;
  }
  std::optional<response> reply;
  int answers = 0;
  {
    responder sink{[&](response r) {
                     ++answers;
                     reply = std::move(r);
                   },
                   flavor_for_path(parsed->path), parsed->request_id};
    if (parsed->method == method::unknown) {
      // What the server does before dispatching.
      sink.fail(405, "The method is not allowed for this resource.");
    } else {
      routes.dispatch(std::move(*parsed), sink);
    }
  }
  if (answers != 1 || !reply) {
    std::abort();
  }
  check(*reply);
  return 0;
}
