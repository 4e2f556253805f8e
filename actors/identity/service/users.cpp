// Users, their passwords, groups and group membership.

#include "actors/identity/crypto/keystone_time.hpp"
#include "actors/identity/crypto/password_hash.hpp"
#include "actors/identity/service/service_impl.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::identity {

namespace {

void apply_user_fields(pb::User& u, const json& body) {
  if (body.contains("name")) {
    u.set_name(body.at("name").get<std::string>());
  }
  if (body.contains("email")) {
    u.set_email(string_field(body, "email"));
  }
  if (body.contains("description")) {
    u.set_description(string_field(body, "description"));
  }
  if (body.contains("default_project_id")) {
    u.set_default_project_id(string_field(body, "default_project_id"));
  }
  if (body.contains("enabled")) {
    u.set_enabled(body.at("enabled").get<bool>());
  }
}

status not_found_user(const std::string& id) {
  return {errc::not_found, "Could not find user: " + id + "."};
}

} // namespace

void identity_service::impl::hash_then(
  std::string password, const http::responder& reply,
  std::function<void(std::string hash)> next) const {
  if (password.empty()) {
    next({});
    return;
  }
  // The hash runs on the blocking pool; the continuation runs in an actor
  // that the pool messages, so that spawning and asking stay on CAF's
  // threads (spawning from pool threads kept CAF from shutting down).
  actor::spawn_function(sys, [this, reply, password = std::move(password),
             next = std::move(next)](caf::event_based_actor* self) mutable
            -> caf::behavior {
    pool.post([hdl = caf::actor_cast<caf::actor>(self),
               password = std::move(password),
               iterations = config.password_iterations] {
      auto hash = hash_password(password, iterations);
      caf::anon_send(hdl, hash.ok(),
                     hash.ok() ? std::move(*hash) : hash.error().message());
    });
    return {
      [self, reply, next = std::move(next)](bool ok, std::string& value) {
        if (ok) {
          next(std::move(value));
        } else {
          reply.fail(status{errc::unavailable, value});
        }
        self->quit();
      },
    };
  });
}

void identity_service::impl::install_users(http::router& routes) const {
  const std::string base = "/identity/v3/users";
  routes.add(http::method::get, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.reader_everywhere()) {
                 forbid(reply, "identity:list_users");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, u] : d.users()) {
                   if (matches_filter(req, "name", u.name())
                       && matches_filter(req, "domain_id", u.domain_id())
                       && matches_bool_filter(req, "enabled", u.enabled())) {
                     list.push_back(render_user(u, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"users", std::move(list)},
                           {"links", collection_links(v3_url() + "/users")}}));
             }));
  routes.add(http::method::get, base + "/{user_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto id = std::string{req.path_param("user_id")};
               if (!caller.reader_everywhere() && caller.user_id != id) {
                 forbid(reply, "identity:get_user");
                 return;
               }
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* u = d.user(id);
                 if (u == nullptr) {
                   return not_found_user(id);
                 }
                 return json{{"user", render_user(*u, v3_url())}};
               });
               if (!found) {
                 reply.fail(found.error());
                 return;
               }
               reply.send(json_response(200, *found));
             }));
  routes.add(http::method::post, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:create_user");
                 return;
               }
               auto body = validated_member(req, "user",
                                            keystone_body::user_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               pb::User u;
               u.set_id(new_id());
               u.set_domain_id(body->value(
                 "domain_id", caller.project_domain_id.empty()
                                ? std::string{"default"}
                                : caller.project_domain_id));
               u.set_enabled(true);
               apply_user_fields(u, *body);
               auto now_us = now_utc().time_since_epoch().count();
               u.set_created_us(now_us);
               u.set_password_changed_us(now_us);
               auto password = body->value("password", json{}).is_string()
                                 ? body->at("password").get<std::string>()
                                 : std::string{};
               auto request_id = req.request_id;
               hash_then(std::move(password), reply,
                         [this, u, request_id, reply](std::string hash) mutable {
                           u.set_password_hash(std::move(hash));
                           pb::IdentityCommand cmd;
                           *cmd.add_events()->mutable_user_created() = u;
                           submit(std::move(cmd), request_id,
                                  [this, reply, u](status st) {
                                    if (!st.ok()) {
                                      reply.fail(st);
                                      return;
                                    }
                                    reply.send(json_response(
                                      201, json{{"user", render_user(u, v3_url())}}));
                                  });
                         });
             }));
  routes.add(http::method::patch, base + "/{user_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:update_user");
                 return;
               }
               auto body = validated_member(req, "user",
                                            keystone_body::user_update);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               auto id = std::string{req.path_param("user_id")};
               auto current = dir->read([&](const directory& d) {
                 const auto* u = d.user(id);
                 return u != nullptr ? std::optional<pb::User>{*u}
                                     : std::nullopt;
               });
               if (!current) {
                 reply.fail(not_found_user(id));
                 return;
               }
               if (body->contains("domain_id")
                   && body->at("domain_id") != current->domain_id()) {
                 reply.fail(400, "Update of `domain_id` is not allowed.");
                 return;
               }
               auto u = *current;
               apply_user_fields(u, *body);
               auto password = body->value("password", json{}).is_string()
                                 ? body->at("password").get<std::string>()
                                 : std::string{};
               bool new_password = !password.empty();
               auto request_id = req.request_id;
               hash_then(std::move(password), reply,
                         [this, u, request_id, reply,
                          new_password](std::string hash) mutable {
                           if (new_password) {
                             u.set_password_hash(std::move(hash));
                             u.set_password_changed_us(
                               now_utc().time_since_epoch().count());
                           }
                           pb::IdentityCommand cmd;
                           *cmd.add_events()->mutable_user_updated() = u;
                           submit(std::move(cmd), request_id,
                                  [this, reply, u](status st) {
                                    if (!st.ok()) {
                                      reply.fail(st);
                                      return;
                                    }
                                    reply.send(json_response(
                                      200, json{{"user", render_user(u, v3_url())}}));
                                  });
                         });
             }));
  routes.add(http::method::delete_, base + "/{user_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:delete_user");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_user_deleted()->set_id(
                 std::string{req.path_param("user_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
  routes.add(http::method::get, base + "/{user_id}/projects",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto id = std::string{req.path_param("user_id")};
               if (!caller.reader_everywhere() && caller.user_id != id) {
                 forbid(reply, "identity:list_user_projects");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [pid, p] : d.projects()) {
                   if (!d.effective_role_ids(id, {pb::TARGET_KIND_PROJECT, pid})
                          .empty()) {
                     list.push_back(render_project(p, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"projects", std::move(list)},
                           {"links", collection_links(v3_url() + "/users/" + id
                                                      + "/projects")}}));
             }));
  routes.add(http::method::get, base + "/{user_id}/groups",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto id = std::string{req.path_param("user_id")};
               if (!caller.reader_everywhere() && caller.user_id != id) {
                 forbid(reply, "identity:list_groups_for_user");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& gid : d.groups_of(id)) {
                   list.push_back(render_group(*d.group(gid), v3_url()));
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"groups", std::move(list)},
                           {"links", collection_links(v3_url() + "/users/" + id
                                                      + "/groups")}}));
             }));
}

void identity_service::impl::install_groups(http::router& routes) const {
  const std::string base = "/identity/v3/groups";
  routes.add(http::method::get, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.reader_everywhere()) {
                 forbid(reply, "identity:list_groups");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, g] : d.groups()) {
                   if (matches_filter(req, "name", g.name())
                       && matches_filter(req, "domain_id", g.domain_id())) {
                     list.push_back(render_group(g, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"groups", std::move(list)},
                           {"links", collection_links(v3_url() + "/groups")}}));
             }));
  routes.add(http::method::get, base + "/{group_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.reader_everywhere()) {
                 forbid(reply, "identity:get_group");
                 return;
               }
               auto id = std::string{req.path_param("group_id")};
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* g = d.group(id);
                 if (g == nullptr) {
                   return status{errc::not_found,
                                 "Could not find group: " + id + "."};
                 }
                 return json{{"group", render_group(*g, v3_url())}};
               });
               if (!found) {
                 reply.fail(found.error());
                 return;
               }
               reply.send(json_response(200, *found));
             }));
  routes.add(http::method::post, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:create_group");
                 return;
               }
               auto body = validated_member(req, "group",
                                            keystone_body::group_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               pb::Group g;
               g.set_id(new_id());
               g.set_name(body->at("name").get<std::string>());
               g.set_domain_id(body->value("domain_id", std::string{"default"}));
               g.set_description(string_field(*body, "description"));
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_group_created() = g;
               submit_and_reply(std::move(cmd), req, reply, [this, g] {
                 return json_response(
                   201, json{{"group", render_group(g, v3_url())}});
               });
             }));
  routes.add(http::method::delete_, base + "/{group_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:delete_group");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_group_deleted()->set_id(
                 std::string{req.path_param("group_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
  routes.add(http::method::get, base + "/{group_id}/users",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.reader_everywhere()) {
                 forbid(reply, "identity:list_users_in_group");
                 return;
               }
               auto id = std::string{req.path_param("group_id")};
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* g = d.group(id);
                 if (g == nullptr) {
                   return status{errc::not_found,
                                 "Could not find group: " + id + "."};
                 }
                 json list = json::array();
                 for (const auto& uid : g->member_ids()) {
                   if (const auto* u = d.user(uid)) {
                     list.push_back(render_user(*u, v3_url()));
                   }
                 }
                 return list;
               });
               if (!found) {
                 reply.fail(found.error());
                 return;
               }
               reply.send(json_response(
                 200, json{{"users", std::move(*found)},
                           {"links", collection_links(v3_url() + "/groups/" + id
                                                      + "/users")}}));
             }));
  auto membership = [this](bool add) {
    return authed([this, add](http::request& req, const http::responder& reply,
                              auth_context& caller) {
      if (!caller.admin()) {
        forbid(reply, add ? "identity:add_user_to_group"
                          : "identity:remove_user_from_group");
        return;
      }
      pb::IdentityCommand cmd;
      auto* m = add ? cmd.add_events()->mutable_member_added()
                    : cmd.add_events()->mutable_member_removed();
      m->set_group_id(std::string{req.path_param("group_id")});
      m->set_user_id(std::string{req.path_param("user_id")});
      submit_and_reply(std::move(cmd), req, reply, no_content);
    });
  };
  routes.add(http::method::put, base + "/{group_id}/users/{user_id}",
             membership(true));
  routes.add(http::method::delete_, base + "/{group_id}/users/{user_id}",
             membership(false));
  routes.add(http::method::head, base + "/{group_id}/users/{user_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto gid = std::string{req.path_param("group_id")};
               auto uid = std::string{req.path_param("user_id")};
               if (!caller.reader_everywhere() && caller.user_id != uid) {
                 forbid(reply, "identity:check_user_in_group");
                 return;
               }
               bool member = dir->read([&](const directory& d) {
                 auto groups = d.groups_of(uid);
                 return std::find(groups.begin(), groups.end(), gid)
                        != groups.end();
               });
               if (member) {
                 reply.send(no_content());
               } else {
                 reply.fail(404, "User " + uid + " is not a member of group "
                                   + gid + ".");
               }
             }));
}

} // namespace strato::identity
