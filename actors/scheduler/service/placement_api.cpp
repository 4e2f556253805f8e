#include "actors/scheduler/service/placement_api.hpp"

#include <caf/all.hpp>

#include "actors/identity/service/identity_service.hpp"
#include "runtime/actor/ask.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/api/json_schema.hpp"
#include "runtime/http/errors.hpp"

namespace strato::scheduler::rest {

namespace {

const api::microversion_policy placement_versions{
  "placement", {1, 0}, {1, 39}, {1, 0}, {}};

http::response placement_error(int status, const std::string& detail,
                               const std::string& code, const http::request& req) {
  auto r = http::make_error(http::service_flavor::placement, status, detail, req);
  // The shared formatter predates placement 1.23's error codes.
  auto body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("errors")) {
    for (auto& e : body["errors"]) {
      e["code"] = code;
    }
    r.body = body.dump();
  }
  return r;
}

} // namespace

void call::send(int status, const json& body, const std::string& location) const {
  auto r = http::response::json(status, body);
  if (!location.empty()) {
    r.headers.set("Location", location);
  }
  api::add_version_headers(r.headers, placement_versions, version);
  reply.send(std::move(r));
}

void call::send_empty(int status, const std::string& location) const {
  auto r = http::response::empty(status);
  if (!location.empty()) {
    r.headers.set("Location", location);
  }
  api::add_version_headers(r.headers, placement_versions, version);
  reply.send(std::move(r));
}

void call::fail(int status, const std::string& detail, const std::string& code) const {
  auto r = placement_error(status, detail, code, req);
  api::add_version_headers(r.headers, placement_versions, version);
  reply.send(std::move(r));
}

void call::fail(const status& error) const {
  // Placement 1.23 names generation conflicts so clients can retry them.
  auto code = error.code() == errc::conflict
                  && error.message().find("generation") != std::string::npos
                ? "placement.concurrent_update"
                : "placement.undefined_code";
  fail(http::http_status(error.code()), error.message(), code);
}

std::optional<json> call::body(const json& schema) const {
  auto parsed = api::parse_json_body(req.body);
  if (!parsed) {
    fail(400, "Malformed JSON: " + parsed.error().message());
    return std::nullopt;
  }
  static thread_local std::map<std::string, api::schema> compiled;
  auto key = schema.dump();
  auto it = compiled.find(key);
  if (it == compiled.end()) {
    auto made = api::schema::compile(schema);
    if (!made) {
      fail(500, "schema: " + made.error().message());
      return std::nullopt;
    }
    it = compiled.emplace(key, std::move(*made)).first;
  }
  if (auto bad = it->second.check(*parsed)) {
    fail(400, "JSON does not validate: " + bad->reason);
    return std::nullopt;
  }
  return std::move(*parsed);
}

void add_route(http::router& routes, const api_context& ctx, http::method m,
               const std::string& pattern, uint32_t min_minor, call_handler h) {
  routes.add(m, "/placement" + pattern,
             [&ctx, min_minor, h = std::move(h)](http::request req, http::responder reply) {
               auto caller = ctx.identity->authenticate(req);
               if (!caller) {
                 reply.fail(caller.error());
                 return;
               }
               auto version = api::negotiate_version(req.headers, placement_versions);
               if (!version) {
                 reply.send(api::error_response(version.error(),
                                                http::service_flavor::placement, req));
                 return;
               }
               call c{std::move(req), std::move(reply), version.version(), &ctx};
               if (version.version() < api::api_version{1, min_minor}) {
                 // Placement answers a route newer than the request as unknown.
                 c.fail(404, "The resource could not be found.");
                 return;
               }
               if (!caller->admin()) {
                 c.fail(403, "Policy does not allow this operation to be performed.",
                        "placement.undefined_code");
                 return;
               }
               h(std::move(c));
             });
}

void run_on(const call& c, uint32_t target, shard_fn fn,
            std::function<void(const call&, json&)> ok) {
  shard_command cmd{[fn = std::move(fn)](shard_state& s) -> result<caf::message> {
    auto r = fn(s);
    if (!r) {
      return r.error();
    }
    return caf::make_message(r->dump());
  }};
  actor::ask<std::string>(*c.ctx->system, c.ctx->scheduler,
                          caf::make_message(shard_run_atom::value, target, std::move(cmd)),
                          c.ctx->timeout, [c, ok = std::move(ok)](result<std::string> r) {
                            if (!r) {
                              c.fail(r.error());
                              return;
                            }
                            auto doc = json::parse(*r);
                            ok(c, doc);
                          });
}

void gather(const call& c, std::function<json(shard_state&)> fn,
            std::function<void(const call&, std::vector<json>&)> ok) {
  shard_command cmd{[fn = std::move(fn)](shard_state& s) -> result<caf::message> {
    return caf::make_message(fn(s).dump());
  }};
  actor::ask<std::vector<std::string>>(
    *c.ctx->system, c.ctx->scheduler,
    caf::make_message(shard_gather_atom::value, std::move(cmd)), c.ctx->timeout,
    [c, ok = std::move(ok)](result<std::vector<std::string>> r) {
      if (!r) {
        c.fail(r.error());
        return;
      }
      std::vector<json> docs;
      for (const auto& s : *r) {
        docs.push_back(json::parse(s));
      }
      ok(c, docs);
    });
}

void on_provider(const call& c, std::function<result<json>(shard_state&, provider_id)> fn,
                 std::function<void(const call&, json&)> ok) {
  std::string uuid{c.req.path_param("uuid")};
  run_on(
    c, every_shard,
    [uuid, fn = std::move(fn)](shard_state& s) -> result<json> {
      auto id = s.hosts().placement().find_provider(uuid);
      if (!id) {
        return no_provider(uuid);
      }
      return fn(s, *id);
    },
    std::move(ok));
}

void send_ok(const call& c, json& doc) {
  c.send(200, doc);
}

status no_provider(std::string_view uuid) {
  return {errc::not_found,
          "No resource provider with uuid " + std::string{uuid} + " found"};
}

json provider_json(const call& c, const placement_state& ps, provider_id id) {
  const auto& p = ps.get(id);
  auto self = "/placement/resource_providers/" + p.uuid;
  json links = json::array({{{"rel", "self"}, {"href", self}},
                            {{"rel", "inventories"}, {"href", self + "/inventories"}},
                            {{"rel", "usages"}, {"href", self + "/usages"}}});
  if (c.at_least(1)) {
    links.push_back({{"rel", "aggregates"}, {"href", self + "/aggregates"}});
  }
  if (c.at_least(6)) {
    links.push_back({{"rel", "traits"}, {"href", self + "/traits"}});
  }
  if (c.at_least(11)) {
    links.push_back({{"rel", "allocations"}, {"href", self + "/allocations"}});
  }
  json out{{"uuid", p.uuid}, {"name", p.name}, {"generation", p.generation},
           {"links", links}};
  if (c.at_least(14)) {
    out["parent_provider_uuid"] =
      p.parent == no_id ? json(nullptr) : json(ps.get(p.parent).uuid);
    out["root_provider_uuid"] = ps.get(p.root).uuid;
  }
  return out;
}

} // namespace strato::scheduler::rest
