#include "actors/identity/service/identity_service.hpp"

#include <spdlog/spdlog.h>

#include "actors/identity/crypto/key_repository.hpp"
#include "actors/identity/crypto/token_codec.hpp"
#include "actors/identity/directory/directory_entity.hpp"
#include "actors/identity/service/service_impl.hpp"
#include "runtime/actor/ask.hpp"
#include "runtime/actor/shard_region.hpp"

namespace strato::identity {

namespace {

constexpr auto write_timeout = std::chrono::seconds{30};

caf::message directory_command(const pb::IdentityCommand& cmd,
                               const std::string& request_id) {
  return caf::make_message(std::string{directory_id},
                           caf::make_message(identity_atom::value,
                                             cmd.SerializeAsString(),
                                             request_id));
}

} // namespace

identity_service::identity_service(caf::actor_system& sys,
                                   store::event_store& store,
                                   blocking_pool& pool, identity_config config)
  : impl_(std::make_unique<impl>(sys, store, pool, std::move(config))) {
}

identity_service::~identity_service() {
  if (impl_->region) {
    caf::anon_send_exit(impl_->region, caf::exit_reason::user_shutdown);
  }
}

status identity_service::start() {
  auto& self = *impl_;
  auto key_dir = std::filesystem::path{self.config.data_dir} / "fernet-keys";
  if (auto st = key_repository::setup(key_dir); !st.ok()) {
    return st;
  }
  auto loaded = key_repository::load(key_dir);
  if (!loaded) {
    return loaded.error();
  }
  self.keys = std::make_shared<const key_set>(std::move(*loaded));
  actor::region_options options;
  options.kind = std::string{directory_aggregate::kind};
  options.spawn = actor::make_spawner<directory_aggregate>(
    {&self.store, &self.pool, self.config.snapshot_every, self.dir},
    directory_behavior);
  self.region = actor::spawn_region(self.sys, std::move(options));
  return self.bootstrap();
}

void identity_service::install(http::router& routes) {
  impl_->install_discovery(routes);
  impl_->install_tokens(routes);
  impl_->install_projects(routes);
  impl_->install_domains(routes);
  impl_->install_users(routes);
  impl_->install_groups(routes);
  impl_->install_roles(routes);
  impl_->install_assignments(routes);
  impl_->install_app_credentials(routes);
  impl_->install_catalog(routes);
}

result<auth_context>
identity_service::authenticate(const http::request& req) const {
  return impl_->authenticate(req);
}

const std::string& identity_service::bootstrap_password() const {
  return impl_->bootstrap_password;
}

// -- writes -------------------------------------------------------------------

void identity_service::impl::submit(pb::IdentityCommand cmd,
                                    const std::string& request_id,
                                    std::function<void(status)> done) const {
  actor::ask<uint64_t>(sys, region, directory_command(cmd, request_id),
                       write_timeout,
                       [done = std::move(done)](result<uint64_t> outcome) {
                         done(outcome ? status{} : outcome.error());
                       });
}

void identity_service::impl::submit_and_reply(
  pb::IdentityCommand cmd, const http::request& req,
  const http::responder& reply,
  std::function<http::response()> on_success) const {
  submit(std::move(cmd), req.request_id,
         [reply, on_success = std::move(on_success)](status st) {
           if (st.ok()) {
             reply.send(on_success());
           } else {
             reply.fail(st);
           }
         });
}

status identity_service::impl::submit_and_wait(pb::IdentityCommand cmd) const {
  caf::scoped_actor waiter{sys};
  status outcome;
  waiter->request(region, write_timeout, directory_command(cmd, "bootstrap"))
    .receive([](uint64_t) {},
             [&](caf::error& err) { outcome = actor::from_caf_error(err); });
  return outcome;
}

status identity_service::impl::wait_until_loaded() const {
  caf::scoped_actor waiter{sys};
  status outcome;
  // An entity answers only once its history is loaded.
  waiter
    ->request(region, write_timeout, std::string{directory_id},
              caf::make_message(actor::version_atom::value))
    .receive([](uint64_t) {},
             [&](caf::error& err) { outcome = actor::from_caf_error(err); });
  return outcome;
}

// -- authentication -----------------------------------------------------------

result<auth_context>
identity_service::impl::authenticate(const http::request& req) const {
  auto header = req.header("X-Auth-Token");
  if (!header || header->empty()) {
    return status{errc::unauthorized, std::string{unauthenticated_message}};
  }
  auto token = decode_token(*header, *keys, now_utc());
  if (!token) {
    return status{errc::unauthorized, std::string{unauthenticated_message}};
  }
  return dir->read([&](const directory& d) {
    return context_for(d, std::move(*token));
  });
}

result<auth_context>
identity_service::impl::context_for(const directory& d,
                                    token_payload token) const {
  auto invalid = [] {
    return status{errc::unauthorized, std::string{unauthenticated_message}};
  };
  const auto* user = d.user(token.user_id);
  if (user == nullptr || !user->enabled()) {
    return invalid();
  }
  const auto* user_domain = d.domain(user->domain_id());
  if (user_domain == nullptr || !user_domain->enabled()) {
    return invalid();
  }
  auto issued_us = token.issued_at.time_since_epoch().count();
  if (user->password_changed_us() > issued_us) {
    return invalid();
  }
  std::vector<std::string> audits;
  for (const auto& a : token.audit_ids) {
    audits.push_back(format_audit_id(a));
  }
  auto project_scope = token.scope == scope_kind::project ? token.scope_id
                                                          : std::string{};
  if (d.is_revoked(token.user_id, project_scope, audits, issued_us)) {
    return invalid();
  }
  auth_context ctx;
  ctx.user_id = user->id();
  ctx.user_domain_id = user->domain_id();
  target on;
  switch (token.scope) {
    case scope_kind::unscoped:
      break;
    case scope_kind::project: {
      const auto* p = d.project(token.scope_id);
      if (p == nullptr || !p->enabled()) {
        return invalid();
      }
      const auto* pd = d.domain(p->domain_id());
      if (pd == nullptr || !pd->enabled()) {
        return invalid();
      }
      ctx.project_id = p->id();
      ctx.project_domain_id = p->domain_id();
      on = {pb::TARGET_KIND_PROJECT, p->id()};
      break;
    }
    case scope_kind::domain: {
      const auto* dom = d.domain(token.scope_id);
      if (dom == nullptr || !dom->enabled()) {
        return invalid();
      }
      ctx.domain_id = dom->id();
      on = {pb::TARGET_KIND_DOMAIN, dom->id()};
      break;
    }
    case scope_kind::system:
      ctx.system = true;
      on = {pb::TARGET_KIND_SYSTEM, "all"};
      break;
  }
  if (token.scope != scope_kind::unscoped) {
    auto role_ids = d.effective_role_ids(user->id(), on);
    if (token.application_credential_id) {
      const auto* cred = d.app_credential(*token.application_credential_id);
      if (cred == nullptr) {
        return invalid();
      }
      // An application credential carries at most the roles it was made
      // with, and only while the user still holds them.
      auto granted = d.with_implied({cred->role_ids().begin(),
                                     cred->role_ids().end()});
      std::erase_if(role_ids,
                    [&](const std::string& id) { return !granted.count(id); });
    }
    if (role_ids.empty()) {
      return invalid();
    }
    for (const auto& id : role_ids) {
      if (const auto* r = d.role(id)) {
        ctx.role_names.insert(r->name());
      }
    }
  }
  ctx.token = std::move(token);
  return ctx;
}

http::handler identity_service::impl::authed(authed_handler h) const {
  return [this, h = std::move(h)](http::request req, http::responder reply) {
    auto ctx = authenticate(req);
    if (!ctx) {
      reply.fail(ctx.error());
      return;
    }
    h(req, reply, *ctx);
  };
}

} // namespace strato::identity
