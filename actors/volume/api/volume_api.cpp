#include "actors/volume/api/volume_api.hpp"

#include "runtime/api/json_body.hpp"
#include "runtime/api/json_schema.hpp"
#include "runtime/api/links.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

const api::microversion_policy& volume_versions() {
  static const api::microversion_policy policy{"volume", {3, 0}, {3, 70},
                                               {3, 0}, {}};
  return policy;
}

volume_api::volume_api(caf::actor_system& sys,
                       std::shared_ptr<volume_catalog> catalog,
                       std::shared_ptr<volume_services> services,
                       const identity::identity_service& identity)
  : sys_(sys),
    catalog_(std::move(catalog)),
    services_(std::move(services)),
    identity_(identity) {
}

void volume_api::install(http::router& routes) {
  install_volumes(routes);
  install_volume_actions(routes);
  install_snapshots(routes);
  install_backups(routes);
  install_types(routes);
  install_attachments(routes);
  install_quotas(routes);
  install_misc(routes);
}

void volume_api::add(http::router& routes, http::method m,
                     std::string_view suffix, route_handler h) const {
  auto wrapped = [this, h](http::request req, http::responder reply) {
    auto caller = identity_.authenticate(req);
    if (!caller) {
      reply.fail(caller.error());
      return;
    }
    auto version = api::negotiate_version(req.headers, volume_versions());
    if (!version) {
      reply.send(api::error_response(version.error(), reply.flavor(), req));
      return;
    }
    call c{std::move(req), std::move(reply), std::move(*caller),
           version.version()};
    h(c);
  };
  routes.add(m, "/volume/v3" + std::string{suffix}, wrapped);
  routes.add(m, "/volume/v3/{project_id}" + std::string{suffix}, wrapped);
}

void volume_api::send(const call& c, int status, const json& body) const {
  auto r = http::response::json(status, body);
  api::add_version_headers(r.headers, volume_versions(), c.version);
  c.reply.send(std::move(r));
}

void volume_api::send_empty(const call& c, int status) const {
  auto r = http::response::empty(status);
  api::add_version_headers(r.headers, volume_versions(), c.version);
  c.reply.send(std::move(r));
}

void volume_api::fail(const call& c, const status& error) const {
  if (error.code() == errc::quota_exceeded) {
    // Cinder's VolumeLimitExceeded and friends are 413 "overLimit".
    c.reply.fail(413, error.message());
    return;
  }
  c.reply.fail(error);
}

std::optional<json> volume_api::body(const call& c,
                                     const api::schema& schema) const {
  auto parsed = api::parse_json_body(c.req.body);
  if (!parsed) {
    fail(c, parsed.error());
    return std::nullopt;
  }
  if (auto st = schema.validate(*parsed); !st.ok()) {
    fail(c, st);
    return std::nullopt;
  }
  return std::move(*parsed);
}

void volume_api::reserve(const std::string& project_id,
                         tenant::quota_amounts amounts,
                         const std::string& request_id,
                         std::function<void(result<std::string>)> done) const {
  if (!services_->tenant) {
    done(std::string{});
    return;
  }
  constexpr int64_t ttl_ms = 600'000;
  ask<std::string>(services_->tenant, project_id,
                   caf::make_message(tenant::quota_reserve_atom::value,
                                     std::move(amounts), request_id, ttl_ms),
                   std::move(done));
}

void volume_api::commit(const std::string& project_id,
                        const std::string& reservation,
                        const std::string& request_id) const {
  if (services_->tenant && !reservation.empty()) {
    caf::anon_send(services_->tenant, project_id,
                   caf::make_message(tenant::quota_commit_atom::value,
                                     reservation, request_id));
  }
}

void volume_api::rollback(const std::string& project_id,
                          const std::string& reservation,
                          const std::string& request_id) const {
  if (services_->tenant && !reservation.empty()) {
    caf::anon_send(services_->tenant, project_id,
                   caf::make_message(tenant::quota_rollback_atom::value,
                                     reservation, request_id));
  }
}

std::string volume_api::project_url(const call& c,
                                    const std::string& project_id) const {
  return api::request_base_url(c.req) + "/volume/v3/" + project_id;
}

std::string volume_api::bookmark_url(const call& c,
                                     const std::string& project_id) const {
  return api::request_base_url(c.req) + "/volume/" + project_id;
}

bool visible(const call& c, const std::string& project_id) {
  return service::may_read(c.caller, project_id);
}

bool all_projects(const call& c) {
  if (!service::is_admin(c.caller)) {
    return false;
  }
  auto flag = c.req.query("all_tenants");
  if (!flag) {
    flag = c.req.query("all_projects");
  }
  return flag && *flag != "0" && *flag != "false" && *flag != "False";
}

} // namespace strato::volume
