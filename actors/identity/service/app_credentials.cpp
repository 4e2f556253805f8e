// Application credentials and the read side of the service catalog.

#include <openssl/rand.h>

#include "actors/identity/crypto/keystone_time.hpp"
#include "actors/identity/crypto/password_hash.hpp"
#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

namespace {

std::string generate_secret() {
  static constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  unsigned char bytes[64];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return {};
  }
  std::string out;
  for (auto b : bytes) {
    out.push_back(alphabet[b % 64]);
  }
  return out;
}

} // namespace

json render_app_credential(const pb::ApplicationCredential& c,
                           const directory& d, const std::string& v3) {
  json roles = json::array();
  for (const auto& id : c.role_ids()) {
    if (const auto* r = d.role(id)) {
      roles.push_back({{"id", r->id()}, {"name", r->name()}, {"domain_id", nullptr}});
    }
  }
  return {{"id", c.id()},
          {"name", c.name()},
          {"description", c.description().empty() ? json(nullptr)
                                                  : json(c.description())},
          {"user_id", c.user_id()},
          {"project_id", c.project_id()},
          {"expires_at",
           c.expires_us() == 0
             ? json(nullptr)
             : json(format_keystone_time(
                 timestamp{std::chrono::microseconds{c.expires_us()}}))},
          {"unrestricted", c.unrestricted()},
          {"roles", std::move(roles)},
          {"access_rules", json::array()},
          {"links", {{"self", v3 + "/users/" + c.user_id()
                                + "/application_credentials/" + c.id()}}}};
}

void identity_service::impl::install_app_credentials(http::router& routes) const {
  const std::string base = "/identity/v3/users/{user_id}/application_credentials";
  routes.add(http::method::post, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto user_id = std::string{req.path_param("user_id")};
               if (caller.user_id != user_id || caller.project_id.empty()) {
                 forbid(reply, "identity:create_application_credential");
                 return;
               }
               if (caller.token.application_credential_id) {
                 forbid(reply, "identity:create_application_credential");
                 return;
               }
               auto body = validated_member(
                 req, "application_credential",
                 keystone_body::application_credential_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               if (auto rules = body->find("access_rules");
                   rules != body->end() && !rules->empty()) {
                 reply.fail(status{errc::not_implemented,
                                   "Access rules are not implemented."});
                 return;
               }
               pb::ApplicationCredential c;
               c.set_id(new_id());
               c.set_name(body->at("name").get<std::string>());
               c.set_user_id(user_id);
               c.set_project_id(caller.project_id);
               c.set_description(string_field(*body, "description"));
               c.set_unrestricted(body->value("unrestricted", false));
               if (auto e = body->find("expires_at");
                   e != body->end() && e->is_string()) {
                 auto when = parse_keystone_time(e->get<std::string>());
                 if (!when) {
                   reply.fail(400, "Invalid input for field 'expires_at'.");
                   return;
                 }
                 c.set_expires_us(when->time_since_epoch().count());
               }
               auto granted = dir->read([&](const directory& d) -> result<bool> {
                 auto held = d.effective_role_ids(
                   user_id, {pb::TARGET_KIND_PROJECT, caller.project_id});
                 auto roles = body->find("roles");
                 if (roles == body->end()) {
                   for (const auto& id : held) {
                     c.add_role_ids(id);
                   }
                   return true;
                 }
                 // The schema allows exactly one of id or name per role.
                 for (const auto& ref : *roles) {
                   const auto* r = ref.contains("id")
                                     ? d.role(ref.at("id").get<std::string>())
                                     : d.role_by_name(
                                         ref.at("name").get<std::string>());
                   if (r == nullptr || held.count(r->id()) == 0) {
                     return status{errc::forbidden,
                                   "You are not authorized to perform the "
                                   "requested action: the application "
                                   "credential asks for a role you do not "
                                   "hold."};
                   }
                   c.add_role_ids(r->id());
                 }
                 return true;
               });
               if (!granted) {
                 reply.fail(granted.error());
                 return;
               }
               auto secret = body->value("secret", json{}).is_string()
                               ? body->at("secret").get<std::string>()
                               : generate_secret();
               auto request_id = req.request_id;
               hash_then(secret, reply,
                         [this, c, secret, request_id, reply](std::string hash) mutable {
                           c.set_secret_hash(std::move(hash));
                           pb::IdentityCommand cmd;
                           *cmd.add_events()->mutable_app_credential_created() = c;
                           submit(std::move(cmd), request_id,
                                  [this, c, secret, reply](status st) {
                                    if (!st.ok()) {
                                      reply.fail(st);
                                      return;
                                    }
                                    auto body = dir->read([&](const directory& d) {
                                      return render_app_credential(c, d, v3_url());
                                    });
                                    body["secret"] = secret;
                                    reply.send(json_response(
                                      201, json{{"application_credential", body}}));
                                  });
                         });
             }));
  auto visible = [](const auth_context& caller, const std::string& user_id) {
    return caller.user_id == user_id || caller.reader_everywhere();
  };
  routes.add(http::method::get, base,
             authed([this, visible](http::request& req,
                                    const http::responder& reply,
                                    auth_context& caller) {
               auto user_id = std::string{req.path_param("user_id")};
               if (!visible(caller, user_id)) {
                 forbid(reply, "identity:list_application_credentials");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, c] : d.app_credentials()) {
                   if (c.user_id() == user_id
                       && matches_filter(req, "name", c.name())) {
                     list.push_back(render_app_credential(c, d, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"application_credentials", std::move(list)},
                           {"links", collection_links(v3_url() + "/users/"
                                                      + user_id
                                                      + "/application_credentials")}}));
             }));
  routes.add(http::method::get, base + "/{credential_id}",
             authed([this, visible](http::request& req,
                                    const http::responder& reply,
                                    auth_context& caller) {
               auto user_id = std::string{req.path_param("user_id")};
               auto id = std::string{req.path_param("credential_id")};
               if (!visible(caller, user_id)) {
                 forbid(reply, "identity:get_application_credential");
                 return;
               }
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* c = d.app_credential(id);
                 if (c == nullptr || c->user_id() != user_id) {
                   return status{errc::not_found,
                                 "Could not find Application Credential: " + id
                                   + "."};
                 }
                 return json{{"application_credential",
                              render_app_credential(*c, d, v3_url())}};
               });
               if (!found) {
                 reply.fail(found.error());
                 return;
               }
               reply.send(json_response(200, *found));
             }));
  routes.add(http::method::delete_, base + "/{credential_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto user_id = std::string{req.path_param("user_id")};
               if (caller.user_id != user_id && !caller.admin()) {
                 forbid(reply, "identity:delete_application_credential");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_app_credential_deleted()->set_id(
                 std::string{req.path_param("credential_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
}

void identity_service::impl::install_catalog(http::router& routes) const {
  auto list_route = [this](const char* path, const char* key, auto render_all) {
    return authed([this, path, key, render_all](http::request& req,
                                                const http::responder& reply,
                                                auth_context&) {
      auto list = dir->read(
        [&](const directory& d) { return render_all(d, req, v3_url()); });
      reply.send(json_response(
        200, json{{key, std::move(list)},
                  {"links", collection_links(v3_url() + path)}}));
    });
  };
  routes.add(http::method::get, "/identity/v3/services",
             list_route("/services", "services",
                        [](const directory& d, const http::request& req,
                           const std::string& v3) {
                          json out = json::array();
                          for (const auto& [id, s] : d.services()) {
                            if (matches_filter(req, "type", s.type())) {
                              out.push_back(render_service(s, v3));
                            }
                          }
                          return out;
                        }));
  routes.add(http::method::get, "/identity/v3/endpoints",
             list_route("/endpoints", "endpoints",
                        [](const directory& d, const http::request& req,
                           const std::string& v3) {
                          json out = json::array();
                          for (const auto& [id, e] : d.endpoints()) {
                            if (matches_filter(req, "interface", e.interface())
                                && matches_filter(req, "service_id",
                                                  e.service_id())) {
                              out.push_back(render_endpoint(e, v3));
                            }
                          }
                          return out;
                        }));
  routes.add(http::method::get, "/identity/v3/regions",
             list_route("/regions", "regions",
                        [](const directory& d, const http::request&,
                           const std::string& v3) {
                          json out = json::array();
                          for (const auto& [id, r] : d.regions()) {
                            out.push_back(render_region(r, v3));
                          }
                          return out;
                        }));
  auto show = [this](const char* param, const char* key, auto find) {
    return authed([this, param, key, find](http::request& req,
                                           const http::responder& reply,
                                           auth_context&) {
      auto id = std::string{req.path_param(param)};
      auto found = dir->read([&](const directory& d) { return find(d, id, v3_url()); });
      if (found.is_null()) {
        reply.fail(404, "Could not find " + std::string{key} + ": " + id + ".");
        return;
      }
      reply.send(json_response(200, json{{key, std::move(found)}}));
    });
  };
  routes.add(http::method::get, "/identity/v3/services/{service_id}",
             show("service_id", "service",
                  [](const directory& d, const std::string& id,
                     const std::string& v3) {
                    const auto* s = d.service(id);
                    return s != nullptr ? render_service(*s, v3) : json{};
                  }));
  routes.add(http::method::get, "/identity/v3/endpoints/{endpoint_id}",
             show("endpoint_id", "endpoint",
                  [](const directory& d, const std::string& id,
                     const std::string& v3) {
                    const auto* e = d.endpoint(id);
                    return e != nullptr ? render_endpoint(*e, v3) : json{};
                  }));
  routes.add(http::method::get, "/identity/v3/regions/{region_id}",
             show("region_id", "region",
                  [](const directory& d, const std::string& id,
                     const std::string& v3) {
                    auto it = d.regions().find(id);
                    return it != d.regions().end() ? render_region(it->second, v3)
                                                   : json{};
                  }));
}

} // namespace strato::identity
