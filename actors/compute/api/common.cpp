#include <chrono>
#include <ctime>
#include <random>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/catalog_entity.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/api/links.hpp"

namespace strato::compute {

const api::microversion_policy& nova_versions() {
  static const api::microversion_policy policy{
    "compute", {2, 1}, {2, 93}, {2, 1}, {"X-OpenStack-Nova-API-Version"}};
  return policy;
}

void call::send(int status, const json& body) const {
  auto r = body.is_null() ? http::response::empty(status)
                          : http::response::json(status, body);
  api::add_version_headers(r.headers, nova_versions(), version);
  reply.send(std::move(r));
}

void call::fail(const status& st) const {
  reply.fail(st);
}

void call::fail(int status, std::string message) const {
  reply.fail(status, std::move(message));
}

http::handler compute_api::wrap(call_handler h) const {
  return [this, h = std::move(h)](http::request req, http::responder reply) {
    auto caller = identity->authenticate(req);
    if (!caller) {
      reply.fail(caller.error());
      return;
    }
    auto version = api::negotiate_version(req.headers, nova_versions());
    if (!version) {
      reply.send(api::error_response(version.error(), reply.flavor(), req));
      return;
    }
    call c{std::move(req), std::move(reply), std::move(*caller),
           version.version(), hosts};
    h(c);
  };
}

void compute_api::write_catalog(const pb::CatalogCommand& cmd, const call& c,
                                std::function<void()> on_success) const {
  actor::ask<uint64_t>(
    *sys, catalog_region, catalog_command(cmd, c.req.request_id),
    std::chrono::seconds{30},
    [reply = c.reply, on_success = std::move(on_success)](result<uint64_t> r) {
      if (r) {
        on_success();
      } else {
        reply.fail(r.error());
      }
    });
}

std::optional<server_record>
compute_api::visible_server(const call& c, const std::string& id) const {
  auto found = servers->find(id);
  if (!found || (!c.admin()
                 && found->model.created.project_id() != c.caller.project_id)) {
    c.fail({errc::not_found, "Instance " + id + " could not be found."});
    return std::nullopt;
  }
  return found;
}

std::optional<json> body_of(const call& c) {
  auto body = api::parse_json_body(c.req.body);
  if (!body) {
    c.fail(body.error());
    return std::nullopt;
  }
  if (!body->is_object()) {
    c.fail({errc::invalid_argument, "The request body is not an object."});
    return std::nullopt;
  }
  return std::move(*body);
}

bool valid(const call& c, const api::schema& s, const json& body) {
  if (auto st = s.validate(body); !st.ok()) {
    c.fail(st);
    return false;
  }
  return true;
}

api::schema compile_schema(const json& definition) {
  auto compiled = api::schema::compile(definition);
  if (!compiled) {
    throw std::logic_error{"bad compute schema: "
                           + compiled.error().message()};
  }
  return std::move(*compiled);
}

namespace {

std::tm utc(int64_t us) {
  auto secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

} // namespace

std::string iso_time(int64_t us) {
  auto tm = utc(us);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string iso_time_micro(int64_t us) {
  auto tm = utc(us);
  char buf[48];
  auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld",
                static_cast<long long>(((us % 1000000) + 1000000) % 1000000));
  return buf;
}

std::string random_password() {
  static const char chars[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 12; ++i) {
    out += chars[rd() % (sizeof chars - 1)];
  }
  return out;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

json resource_links(const http::request& req, std::string_view collection,
                    const std::string& id) {
  auto base = api::request_base_url(req) + "/compute";
  auto tail = "/" + std::string{collection} + "/" + id;
  return json::array({{{"rel", "self"}, {"href", base + "/v2.1" + tail}},
                      {{"rel", "bookmark"}, {"href", base + tail}}});
}

} // namespace strato::compute
