#pragma once

/// Keystone v3 on Strato: the directory entity (the one writer), the token
/// keys, bootstrap, and the HTTP routes under /identity. Reads (token
/// validation, lists, shows) go straight to the shared directory under a
/// read lock; writes become `IdentityCommand`s for the directory entity and
/// are answered once durable. Password hashing runs on the blocking pool.
///
/// Other services call `authenticate` to turn a request's X-Auth-Token into
/// an `auth_context` (who, on which scope, with which roles).

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "actors/identity/crypto/key_set.hpp"
#include "actors/identity/crypto/token_payload.hpp"
#include "actors/identity/directory/directory.hpp"
#include "runtime/http/router.hpp"

namespace strato {
class blocking_pool;
namespace store {
class event_store;
} // namespace store
} // namespace strato

namespace strato::identity {

struct identity_config {
  std::string data_dir;
  /// Base URL of the node ("http://127.0.0.1:8080"); the catalog's
  /// endpoints are below it.
  std::string public_url;
  /// Bootstrap admin password; generated on first start when empty.
  std::string admin_password;
  std::chrono::seconds token_ttl{std::chrono::hours{1}};
  uint32_t password_iterations = 100000;
  std::string region = "RegionOne";
  uint64_t snapshot_every = 100;
};

/// The authenticated caller of a request.
struct auth_context {
  token_payload token;
  std::string user_id;
  std::string user_domain_id;
  std::string project_id; ///< Set for project-scoped tokens.
  std::string project_domain_id;
  std::string domain_id; ///< Set for domain-scoped tokens.
  bool system = false;
  std::set<std::string> role_names;

  [[nodiscard]] bool has_role(const std::string& name) const {
    return role_names.count(name) != 0;
  }
  /// Keystone's default `admin_required`: the admin role on any scope.
  [[nodiscard]] bool admin() const {
    return has_role("admin");
  }
  /// May read every identity record (system reader, or admin).
  [[nodiscard]] bool reader_everywhere() const {
    return admin() || (system && has_role("reader"));
  }
};

class identity_service {
public:
  identity_service(caf::actor_system& sys, store::event_store& store,
                   blocking_pool& pool, identity_config config);
  ~identity_service();
  identity_service(const identity_service&) = delete;
  identity_service& operator=(const identity_service&) = delete;

  /// Loads or creates the token keys, starts the directory entity and runs
  /// the bootstrap (idempotent). Blocks; call before serving.
  [[nodiscard]] status start();

  void install(http::router& routes);

  /// The caller behind the request's X-Auth-Token.
  [[nodiscard]] result<auth_context> authenticate(const http::request& req) const;

  /// The password the bootstrap set this run; empty when it kept the
  /// existing one.
  [[nodiscard]] const std::string& bootstrap_password() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace strato::identity
