#pragma once

// The inside of identity_service, shared by its route files.

#include <caf/all.hpp>

#include <functional>

#include <nlohmann/json.hpp>

#include "actors/identity/service/identity_service.hpp"
#include "actors/identity/service/schemas.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::identity {

using json = nlohmann::json;

/// A route handler that runs after authentication.
using authed_handler
  = std::function<void(http::request&, const http::responder&, auth_context&)>;

struct identity_service::impl {
  caf::actor_system& sys;
  store::event_store& store;
  blocking_pool& pool;
  identity_config config;
  std::shared_ptr<shared_directory> dir = std::make_shared<shared_directory>();
  std::shared_ptr<const key_set> keys;
  caf::actor region;
  std::string bootstrap_password;

  impl(caf::actor_system& s, store::event_store& st, blocking_pool& p,
       identity_config c)
    : sys(s), store(st), pool(p), config(std::move(c)) {
  }

  [[nodiscard]] std::string v3_url() const {
    return config.public_url + "/identity/v3";
  }

  /// Persists `cmd` through the directory entity; `done` runs on an actor
  /// thread once it is durable (and visible to readers) or refused.
  void submit(pb::IdentityCommand cmd, const std::string& request_id,
              std::function<void(status)> done) const;

  /// As `submit`, answering `reply` with `on_success()` or the error.
  void submit_and_reply(pb::IdentityCommand cmd, const http::request& req,
                        const http::responder& reply,
                        std::function<http::response()> on_success) const;

  /// Blocks until the directory entity has loaded its history.
  [[nodiscard]] status wait_until_loaded() const;

  /// Blocks until `cmd` is durable; for startup only.
  [[nodiscard]] status submit_and_wait(pb::IdentityCommand cmd) const;

  [[nodiscard]] result<auth_context> authenticate(const http::request& req) const;
  /// Checks a decoded token against the directory (user, project, roles,
  /// revocations) and describes its holder.
  [[nodiscard]] result<auth_context> context_for(const directory& d,
                                                 token_payload token) const;

  /// Wraps `h` so that it runs only for requests with a valid token.
  [[nodiscard]] http::handler authed(authed_handler h) const;

  void install_discovery(http::router& routes) const;
  void install_tokens(http::router& routes) const;
  void install_projects(http::router& routes) const;
  void install_domains(http::router& routes) const;
  void install_users(http::router& routes) const;
  void install_groups(http::router& routes) const;
  void install_roles(http::router& routes) const;
  void install_assignments(http::router& routes) const;
  void install_app_credentials(http::router& routes) const;
  void install_catalog(http::router& routes) const;

  [[nodiscard]] status bootstrap();

  /// Hashes `password` on the blocking pool (or skips an empty one) and
  /// continues with the hash there; failures answer `reply`.
  void hash_then(std::string password, const http::responder& reply,
                 std::function<void(std::string hash)> next) const;

  // Token issue, one function per authentication method.
  void issue(http::request req, http::responder reply) const;
  void issue_for_password(http::request req, http::responder reply,
                          const json& auth, const json& details) const;
  void issue_for_token(http::request req, http::responder reply,
                       const json& auth, const json& details) const;
  void issue_for_app_credential(http::request req, http::responder reply,
                                const json& details) const;
  void finish_issue(const http::responder& reply, token_payload payload,
                    bool with_catalog) const;
  [[nodiscard]] result<token_payload>
  new_payload(const std::string& user_id, auth_methods methods,
              scope_kind scope, const std::string& scope_id) const;
};

// -- helpers shared by the route files ---------------------------------------

/// A fresh id in Keystone's form: 32 lowercase hex digits.
[[nodiscard]] std::string new_id();

/// `obj[field]` as a string, or `fallback` when absent or null. For bodies
/// that passed their schema (schemas.hpp), which has checked the type.
[[nodiscard]] std::string string_field(const json& obj, std::string_view field,
                                       std::string fallback = {});

[[nodiscard]] http::response json_response(int status, const json& body);
[[nodiscard]] http::response no_content();

/// Keystone's 403 for a policy refusal.
void forbid(const http::responder& reply, std::string_view action);

/// `{"self": url, "previous": null, "next": null}` for a collection.
[[nodiscard]] json collection_links(const std::string& self_url);

/// Renderers: the record in Keystone's response shape.
[[nodiscard]] json render_domain(const pb::Domain& d, const std::string& v3);
[[nodiscard]] json render_project(const pb::Project& p, const std::string& v3);
[[nodiscard]] json render_user(const pb::User& u, const std::string& v3);
[[nodiscard]] json render_group(const pb::Group& g, const std::string& v3);
[[nodiscard]] json render_role(const pb::Role& r, const std::string& v3);
[[nodiscard]] json render_service(const pb::Service& s, const std::string& v3);
[[nodiscard]] json render_endpoint(const pb::Endpoint& e, const std::string& v3);
[[nodiscard]] json render_region(const pb::Region& r, const std::string& v3);
[[nodiscard]] json render_app_credential(const pb::ApplicationCredential& c,
                                         const directory& d,
                                         const std::string& v3);

/// Whether a list query's `name`/`enabled`/`domain_id` filters keep `value`.
[[nodiscard]] bool matches_filter(const http::request& req,
                                  std::string_view param,
                                  std::string_view value);
[[nodiscard]] bool matches_bool_filter(const http::request& req,
                                       std::string_view param, bool value);

} // namespace strato::identity
