// Version discovery, token issue/validation/revocation and the catalog.

#include <spdlog/spdlog.h>

#include "actors/identity/crypto/password_hash.hpp"
#include "actors/identity/crypto/token_codec.hpp"
#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

namespace {

using namespace std::chrono;

json version_document(const std::string& v3) {
  return {{"id", "v3.14"},
          {"status", "stable"},
          {"updated", "2020-04-07T00:00:00Z"},
          {"links", json::array({{{"rel", "self"}, {"href", v3 + "/"}}})},
          {"media-types",
           json::array({{{"base", "application/json"},
                         {"type", "application/vnd.openstack.identity-v3+json"}}})}};
}

status unauthorized() {
  return {errc::unauthorized, std::string{unauthenticated_message}};
}

json catalog_json(const directory& d) {
  json out = json::array();
  for (const auto& [id, s] : d.services()) {
    if (!s.enabled()) {
      continue;
    }
    json endpoints = json::array();
    for (const auto& [eid, e] : d.endpoints()) {
      if (e.service_id() == id && e.enabled()) {
        endpoints.push_back({{"id", e.id()},
                             {"interface", e.interface()},
                             {"region_id", e.region_id()},
                             {"url", e.url()},
                             {"region", e.region_id()}});
      }
    }
    out.push_back({{"endpoints", std::move(endpoints)},
                   {"id", s.id()},
                   {"type", s.type()},
                   {"name", s.name()}});
  }
  return out;
}

json domain_ref(const directory& d, const std::string& id) {
  const auto* dom = d.domain(id);
  return {{"id", id}, {"name", dom != nullptr ? dom->name() : id}};
}

/// The token body Keystone returns on issue and on validation.
json token_json(const directory& d, const auth_context& ctx,
                bool with_catalog) {
  const auto& t = ctx.token;
  const auto* user = d.user(ctx.user_id);
  json methods = json::array();
  for (auto name : t.methods.names()) {
    methods.push_back(name);
  }
  json audits = json::array();
  for (const auto& a : t.audit_ids) {
    audits.push_back(format_audit_id(a));
  }
  json body{{"methods", std::move(methods)},
            {"user",
             {{"domain", domain_ref(d, ctx.user_domain_id)},
              {"id", ctx.user_id},
              {"name", user != nullptr ? user->name() : ctx.user_id},
              {"password_expires_at", nullptr}}},
            {"audit_ids", std::move(audits)},
            {"expires_at", format_keystone_time(t.expires_at)},
            {"issued_at", format_keystone_time(t.issued_at)}};
  if (!ctx.project_id.empty()) {
    const auto* p = d.project(ctx.project_id);
    body["project"] = {{"domain", domain_ref(d, ctx.project_domain_id)},
                       {"id", ctx.project_id},
                       {"name", p != nullptr ? p->name() : ctx.project_id}};
    body["is_domain"] = false;
  } else if (!ctx.domain_id.empty()) {
    body["domain"] = domain_ref(d, ctx.domain_id);
  } else if (ctx.system) {
    body["system"] = {{"all", true}};
  }
  if (t.scope != scope_kind::unscoped) {
    json roles = json::array();
    for (const auto& name : ctx.role_names) {
      const auto* r = d.role_by_name(name);
      roles.push_back({{"id", r != nullptr ? r->id() : name}, {"name", name}});
    }
    body["roles"] = std::move(roles);
    if (with_catalog) {
      body["catalog"] = catalog_json(d);
    }
  }
  if (t.application_credential_id) {
    if (const auto* c = d.app_credential(*t.application_credential_id)) {
      body["application_credential"] = {{"id", c->id()},
                                        {"name", c->name()},
                                        {"restricted", !c->unrestricted()}};
    }
  }
  return json{{"token", std::move(body)}};
}

/// Finds the domain named by `{"id": ...}` or `{"name": ...}`.
const pb::Domain* find_domain(const directory& d, const json& ref) {
  if (!ref.is_object()) {
    return nullptr;
  }
  if (auto id = ref.find("id"); id != ref.end() && id->is_string()) {
    return d.domain(id->get<std::string>());
  }
  if (auto name = ref.find("name"); name != ref.end() && name->is_string()) {
    return d.domain_by_name(name->get<std::string>());
  }
  return nullptr;
}

/// The user named in a password or application credential `user` object.
const pb::User* find_user(const directory& d, const json& ref) {
  if (!ref.is_object()) {
    return nullptr;
  }
  if (auto id = ref.find("id"); id != ref.end() && id->is_string()) {
    return d.user(id->get<std::string>());
  }
  auto name = ref.find("name");
  auto domain = ref.find("domain");
  if (name == ref.end() || !name->is_string() || domain == ref.end()) {
    return nullptr;
  }
  const auto* dom = find_domain(d, *domain);
  return dom != nullptr ? d.user_by_name(dom->id(), name->get<std::string>())
                        : nullptr;
}

/// The `user` of a password or application credential method, as
/// Keystone's plugins check it before looking anything up: present, with an
/// id or a name, and a name with its domain.
status check_user_ref(const json& details, std::string_view method) {
  auto user = details.find("user");
  if (user == details.end() || !user->is_object()) {
    return {errc::invalid_argument, expecting_to_find("user", method)};
  }
  auto id = string_field(*user, "id");
  if (id.empty() && string_field(*user, "name").empty()) {
    return {errc::invalid_argument, expecting_to_find("id or name", "user")};
  }
  if (id.empty() && !user->contains("domain")) {
    return {errc::invalid_argument, expecting_to_find("domain", "user")};
  }
  return {};
}

struct scope_choice {
  scope_kind kind = scope_kind::unscoped;
  std::string id;
};

/// The scope a request asks for; a user with a default project and no
/// explicit scope gets that project, as Keystone does.
result<scope_choice> resolve_scope(const directory& d, const json& auth,
                                   const pb::User& user) {
  auto scope = auth.find("scope");
  if (scope == auth.end()) {
    if (!user.default_project_id().empty()
        && !d.effective_role_ids(user.id(), {pb::TARGET_KIND_PROJECT,
                                             user.default_project_id()})
              .empty()) {
      return scope_choice{scope_kind::project, user.default_project_id()};
    }
    return scope_choice{};
  }
  // validated_auth has checked that exactly one kind is named; a string
  // names it as Python's `in` finds it, by substring.
  if (scope->is_string()) {
    const auto& text = scope->get_ref<const std::string&>();
    if (text.find("unscoped") != std::string::npos) {
      return scope_choice{};
    }
    if (text.find("system") != std::string::npos) {
      return scope_choice{scope_kind::system, "all"};
    }
    return status{errc::invalid_argument,
                  expecting_to_find("project or domain details", "scope")};
  }
  if (scope->contains("unscoped")) {
    return scope_choice{};
  }
  if (auto p = scope->find("project"); p != scope->end()) {
    const pb::Project* project = nullptr;
    if (auto id = p->find("id"); id != p->end() && id->is_string()) {
      project = d.project(id->get<std::string>());
    } else if (auto name = p->find("name");
               name != p->end() && name->is_string()) {
      auto dom = p->find("domain");
      if (dom == p->end()) {
        return status{errc::invalid_argument,
                      expecting_to_find("domain", "project")};
      }
      const auto* domain = find_domain(d, *dom);
      if (domain != nullptr) {
        project = d.project_by_name(domain->id(), name->get<std::string>());
      }
    }
    if (project == nullptr) {
      return unauthorized();
    }
    return scope_choice{scope_kind::project, project->id()};
  }
  if (auto dom = scope->find("domain"); dom != scope->end()) {
    const auto* domain = find_domain(d, *dom);
    if (domain == nullptr) {
      return unauthorized();
    }
    return scope_choice{scope_kind::domain, domain->id()};
  }
  return scope_choice{scope_kind::system, "all"};
}

} // namespace

void identity_service::impl::install_discovery(http::router& routes) const {
  routes.add(http::method::get, "/identity",
             [this](http::request, http::responder reply) {
               json body{{"versions",
                          {{"values", json::array({version_document(v3_url())})}}}};
               reply.send(json_response(300, body));
             });
  routes.add(http::method::get, "/identity/v3",
             [this](http::request, http::responder reply) {
               reply.send(json_response(
                 200, json{{"version", version_document(v3_url())}}));
             });
}

void identity_service::impl::install_tokens(http::router& routes) const {
  routes.add(http::method::post, "/identity/v3/auth/tokens",
             [this](http::request req, http::responder reply) {
               issue(std::move(req), std::move(reply));
             });
  auto subject = [this](const http::request& req, const auth_context& caller)
    -> result<auth_context> {
    auto header = req.header("X-Subject-Token");
    auto not_found = status{errc::not_found,
                            "Could not find token: "
                              + std::string{header.value_or("")}};
    if (!header) {
      return not_found;
    }
    auto token = decode_token(*header, *keys, now_utc());
    if (!token) {
      return not_found;
    }
    if (!caller.admin() && token->user_id != caller.user_id) {
      return status{errc::forbidden,
                    "You are not authorized to perform the requested action: "
                    "identity:validate_token."};
    }
    auto ctx = dir->read(
      [&](const directory& d) { return context_for(d, std::move(*token)); });
    return ctx ? ctx : result<auth_context>{not_found};
  };
  routes.add(http::method::get, "/identity/v3/auth/tokens",
             authed([this, subject](http::request& req,
                                    const http::responder& reply,
                                    auth_context& caller) {
               auto ctx = subject(req, caller);
               if (!ctx) {
                 reply.fail(ctx.error());
                 return;
               }
               bool catalog = !req.query("nocatalog");
               auto body = dir->read([&](const directory& d) {
                 return token_json(d, *ctx, catalog);
               });
               auto r = json_response(200, body);
               r.headers.add("X-Subject-Token",
                             *req.header("X-Subject-Token"));
               reply.send(std::move(r));
             }));
  routes.add(http::method::head, "/identity/v3/auth/tokens",
             authed([subject](http::request& req, const http::responder& reply,
                              auth_context& caller) {
               auto ctx = subject(req, caller);
               if (!ctx) {
                 reply.fail(ctx.error());
                 return;
               }
               reply.send(http::response::empty(200));
             }));
  routes.add(http::method::delete_, "/identity/v3/auth/tokens",
             authed([this, subject](http::request& req,
                                    const http::responder& reply,
                                    auth_context& caller) {
               auto ctx = subject(req, caller);
               if (!ctx) {
                 reply.fail(ctx.error());
                 return;
               }
               pb::IdentityCommand cmd;
               auto* r = cmd.add_events()->mutable_token_revoked();
               r->set_audit_id(format_audit_id(ctx->token.audit_ids.front()));
               r->set_issued_before_us(
                 ctx->token.issued_at.time_since_epoch().count());
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
  routes.add(http::method::get, "/identity/v3/auth/catalog",
             authed([this](http::request&, const http::responder& reply,
                           auth_context& caller) {
               if (caller.token.scope == scope_kind::unscoped) {
                 reply.fail(403, "The service catalog needs a scoped token.");
                 return;
               }
               auto catalog = dir->read(
                 [](const directory& d) { return catalog_json(d); });
               reply.send(json_response(
                 200, json{{"catalog", std::move(catalog)},
                           {"links", {{"self", v3_url() + "/auth/catalog"}}}}));
             }));
  routes.add(http::method::get, "/identity/v3/auth/projects",
             authed([this](http::request&, const http::responder& reply,
                           auth_context& caller) {
               json projects = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, p] : d.projects()) {
                   if (p.enabled()
                       && !d.effective_role_ids(caller.user_id,
                                                {pb::TARGET_KIND_PROJECT, id})
                             .empty()) {
                     projects.push_back(render_project(p, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"projects", std::move(projects)},
                           {"links", collection_links(v3_url()
                                                      + "/auth/projects")}}));
             }));
}

void identity_service::impl::issue(http::request req,
                                   http::responder reply) const {
  auto checked = validated_auth(req);
  if (!checked) {
    reply.fail(checked.error());
    return;
  }
  const auto& auth = *checked;
  const auto& identity = auth.at("identity");
  // validated_auth leaves one distinct, implemented method with its object.
  const auto& method = identity.at("methods").at(0);
  auto name = method.get<std::string>();
  const auto& details = identity.at(name);
  if (name == "password") {
    issue_for_password(std::move(req), std::move(reply), auth, details);
  } else if (name == "token") {
    issue_for_token(std::move(req), std::move(reply), auth, details);
  } else {
    issue_for_app_credential(std::move(req), std::move(reply), details);
  }
}

void identity_service::impl::finish_issue(const http::responder& reply,
                                          token_payload payload,
                                          bool with_catalog) const {
  auto issued = dir->read([&](const directory& d) -> result<json> {
    auto ctx = context_for(d, payload);
    if (!ctx) {
      return ctx.error();
    }
    return token_json(d, *ctx, with_catalog);
  });
  if (!issued) {
    reply.fail(issued.error());
    return;
  }
  auto token = encode_token(payload, *keys);
  if (!token) {
    reply.fail(token.error());
    return;
  }
  auto r = json_response(201, *issued);
  r.headers.add("X-Subject-Token", *token);
  reply.send(std::move(r));
}

void identity_service::impl::issue_for_password(http::request req,
                                                http::responder reply,
                                                const json& auth,
                                                const json& details) const {
  auto user_ref = details.find("user");
  if (auto st = check_user_ref(details, "password"); !st.ok()) {
    reply.fail(st);
    return;
  }
  auto password = string_field(*user_ref, "password");
  struct found {
    std::string user_id;
    std::string hash;
    scope_choice scope;
  };
  auto lookup = dir->read([&](const directory& d) -> result<found> {
    const auto* user = find_user(d, *user_ref);
    if (user == nullptr || !user->enabled() || user->password_hash().empty()
        || !user_ref->contains("password")) {
      return unauthorized();
    }
    auto scope = resolve_scope(d, auth, *user);
    if (!scope) {
      return scope.error();
    }
    return found{user->id(), user->password_hash(), *scope};
  });
  if (!lookup) {
    reply.fail(lookup.error());
    return;
  }
  bool with_catalog = !req.query("nocatalog");
  // The hash is deliberately slow: it must not hold an I/O thread.
  pool.post([this, reply, password = std::move(password),
             user = std::move(*lookup), with_catalog] {
    auto verified = verify_password(password, user.hash);
    if (!verified || !*verified) {
      spdlog::info("identity: failed password authentication for user {}",
                   user.user_id);
      reply.fail(unauthorized());
      return;
    }
    auto payload = new_payload(user.user_id, {auth_method::password},
                               user.scope.kind, user.scope.id);
    if (!payload) {
      reply.fail(payload.error());
      return;
    }
    finish_issue(reply, std::move(*payload), with_catalog);
  });
}

void identity_service::impl::issue_for_token(http::request req,
                                             http::responder reply,
                                             const json& auth,
                                             const json& details) const {
  // The schema requires the id as a string.
  auto original = decode_token(details.at("id").get<std::string>(), *keys,
                               now_utc());
  if (!original) {
    reply.fail(unauthorized());
    return;
  }
  auto scope = dir->read([&](const directory& d) -> result<scope_choice> {
    if (!context_for(d, *original)) {
      return unauthorized();
    }
    const auto* user = d.user(original->user_id);
    return resolve_scope(d, auth, *user);
  });
  if (!scope) {
    reply.fail(scope.error());
    return;
  }
  // A rescoped token keeps the original's expiry and joins its audit chain.
  auto payload = new_payload(original->user_id, {auth_method::token},
                             scope->kind, scope->id);
  if (!payload) {
    reply.fail(payload.error());
    return;
  }
  auto methods = original->methods;
  methods.add(auth_method::token);
  payload->methods = methods;
  payload->expires_at = original->expires_at;
  payload->audit_ids.push_back(original->audit_ids.back());
  finish_issue(reply, std::move(*payload), !req.query("nocatalog"));
}

void identity_service::impl::issue_for_app_credential(
  http::request req, http::responder reply, const json& details) const {
  if (string_field(details, "id").empty()) {
    if (string_field(details, "name").empty()) {
      reply.fail(400, expecting_to_find("name or ID",
                                        "application credential"));
      return;
    }
    if (auto st = check_user_ref(details, "application credential");
        !st.ok()) {
      reply.fail(st);
      return;
    }
  }
  auto secret = details.find("secret");
  auto lookup = dir->read(
    [&](const directory& d) -> result<pb::ApplicationCredential> {
      const pb::ApplicationCredential* cred = nullptr;
      if (auto id = details.find("id"); id != details.end() && id->is_string()) {
        cred = d.app_credential(id->get<std::string>());
      } else if (auto name = details.find("name");
                 name != details.end() && name->is_string()) {
        auto user_ref = details.find("user");
        const auto* user =
          user_ref != details.end() ? find_user(d, *user_ref) : nullptr;
        for (const auto& [cid, c] : d.app_credentials()) {
          if (user != nullptr && c.user_id() == user->id()
              && c.name() == name->get<std::string>()) {
            cred = &c;
          }
        }
      }
      if (cred == nullptr || secret == details.end()) {
        return unauthorized();
      }
      return *cred;
    });
  if (!lookup) {
    reply.fail(lookup.error());
    return;
  }
  bool with_catalog = !req.query("nocatalog");
  pool.post([this, reply, secret = secret->get<std::string>(),
             cred = std::move(*lookup), with_catalog] {
    auto verified = verify_password(secret, cred.secret_hash());
    auto now_us = now_utc().time_since_epoch().count();
    if (!verified || !*verified
        || (cred.expires_us() != 0 && cred.expires_us() <= now_us)) {
      reply.fail(unauthorized());
      return;
    }
    auto payload = new_payload(cred.user_id(),
                               {auth_method::application_credential},
                               scope_kind::project, cred.project_id());
    if (!payload) {
      reply.fail(payload.error());
      return;
    }
    payload->application_credential_id = cred.id();
    if (cred.expires_us() != 0) {
      payload->expires_at = std::min(
        payload->expires_at, timestamp{microseconds{cred.expires_us()}});
    }
    finish_issue(reply, std::move(*payload), with_catalog);
  });
}

result<token_payload>
identity_service::impl::new_payload(const std::string& user_id,
                                    auth_methods methods, scope_kind scope,
                                    const std::string& scope_id) const {
  auto audit = random_audit_id();
  if (!audit) {
    return audit.error();
  }
  token_payload p;
  p.user_id = user_id;
  p.methods = methods;
  p.scope = scope;
  p.scope_id = scope_id;
  p.issued_at = now_utc();
  p.expires_at = p.issued_at + duration_cast<microseconds>(config.token_ttl);
  p.audit_ids.push_back(*audit);
  return p;
}

} // namespace strato::identity
