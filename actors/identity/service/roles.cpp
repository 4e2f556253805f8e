// Roles, implied roles and role assignments.

#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

namespace {

json assignment_json(const pb::Assignment& a, const std::string& v3) {
  json out;
  bool user = a.actor_kind() == pb::ACTOR_KIND_USER;
  out[user ? "user" : "group"] = {{"id", a.actor_id()}};
  out["role"] = {{"id", a.role_id()}};
  std::string path;
  switch (a.target_kind()) {
    case pb::TARGET_KIND_PROJECT:
      out["scope"] = {{"project", {{"id", a.target_id()}}}};
      path = "/projects/" + a.target_id();
      break;
    case pb::TARGET_KIND_DOMAIN:
      out["scope"] = {{"domain", {{"id", a.target_id()}}}};
      path = "/domains/" + a.target_id();
      break;
    default:
      out["scope"] = {{"system", {{"all", true}}}};
      path = "/system";
      break;
  }
  out["links"] = {{"assignment", v3 + path + (user ? "/users/" : "/groups/")
                                   + a.actor_id() + "/roles/" + a.role_id()}};
  return out;
}

void add_names(json& entry, const directory& d, const pb::Assignment& a) {
  auto name_of_domain = [&](const std::string& id) {
    const auto* dom = d.domain(id);
    return json{{"id", id}, {"name", dom != nullptr ? dom->name() : id}};
  };
  if (const auto* r = d.role(a.role_id())) {
    entry["role"]["name"] = r->name();
  }
  if (a.actor_kind() == pb::ACTOR_KIND_USER) {
    if (const auto* u = d.user(a.actor_id())) {
      entry["user"]["name"] = u->name();
      entry["user"]["domain"] = name_of_domain(u->domain_id());
    }
  } else if (const auto* g = d.group(a.actor_id())) {
    entry["group"]["name"] = g->name();
    entry["group"]["domain"] = name_of_domain(g->domain_id());
  }
  if (a.target_kind() == pb::TARGET_KIND_PROJECT) {
    if (const auto* p = d.project(a.target_id())) {
      entry["scope"]["project"]["name"] = p->name();
      entry["scope"]["project"]["domain"] = name_of_domain(p->domain_id());
    }
  } else if (a.target_kind() == pb::TARGET_KIND_DOMAIN) {
    if (const auto* dom = d.domain(a.target_id())) {
      entry["scope"]["domain"]["name"] = dom->name();
    }
  }
}

bool keep_assignment(const http::request& req, const pb::Assignment& a) {
  auto want = [&](std::string_view param, const std::string& value) {
    auto v = req.query(param);
    return !v || *v == value;
  };
  bool user = a.actor_kind() == pb::ACTOR_KIND_USER;
  if (req.query("user.id") && (!user || !want("user.id", a.actor_id()))) {
    return false;
  }
  if (req.query("group.id") && (user || !want("group.id", a.actor_id()))) {
    return false;
  }
  if (!want("role.id", a.role_id())) {
    return false;
  }
  if (req.query("scope.project.id")
      && (a.target_kind() != pb::TARGET_KIND_PROJECT
          || !want("scope.project.id", a.target_id()))) {
    return false;
  }
  if (req.query("scope.domain.id")
      && (a.target_kind() != pb::TARGET_KIND_DOMAIN
          || !want("scope.domain.id", a.target_id()))) {
    return false;
  }
  if (req.query("scope.system") && a.target_kind() != pb::TARGET_KIND_SYSTEM) {
    return false;
  }
  return true;
}

/// With `effective`, group assignments become one per member and implied
/// roles are added, as Keystone expands them.
std::vector<pb::Assignment> expand(const directory& d,
                                   std::vector<pb::Assignment> in) {
  std::vector<pb::Assignment> out;
  auto add_with_implied = [&](pb::Assignment a) {
    for (const auto& role : d.with_implied({a.role_id()})) {
      a.set_role_id(role);
      out.push_back(a);
    }
  };
  for (auto& a : in) {
    if (a.actor_kind() == pb::ACTOR_KIND_GROUP) {
      if (const auto* g = d.group(a.actor_id())) {
        for (const auto& uid : g->member_ids()) {
          auto per_user = a;
          per_user.set_actor_kind(pb::ACTOR_KIND_USER);
          per_user.set_actor_id(uid);
          add_with_implied(per_user);
        }
      }
    } else {
      add_with_implied(a);
    }
  }
  return out;
}

} // namespace

void identity_service::impl::install_roles(http::router& routes) const {
  const std::string base = "/identity/v3/roles";
  routes.add(http::method::get, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context&) {
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, r] : d.roles()) {
                   if (matches_filter(req, "name", r.name())
                       && matches_filter(req, "domain_id", r.domain_id())) {
                     list.push_back(render_role(r, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"roles", std::move(list)},
                           {"links", collection_links(v3_url() + "/roles")}}));
             }));
  routes.add(http::method::get, base + "/{role_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context&) {
               auto id = std::string{req.path_param("role_id")};
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* r = d.role(id);
                 if (r == nullptr) {
                   return status{errc::not_found,
                                 "Could not find role: " + id + "."};
                 }
                 return json{{"role", render_role(*r, v3_url())}};
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
                 forbid(reply, "identity:create_role");
                 return;
               }
               auto body = validated_member(req, "role",
                                            keystone_body::role_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               pb::Role r;
               r.set_id(new_id());
               r.set_name(body->at("name").get<std::string>());
               r.set_domain_id(string_field(*body, "domain_id"));
               r.set_description(string_field(*body, "description"));
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_role_created() = r;
               submit_and_reply(std::move(cmd), req, reply, [this, r] {
                 return json_response(201,
                                      json{{"role", render_role(r, v3_url())}});
               });
             }));
  routes.add(http::method::delete_, base + "/{role_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:delete_role");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_role_deleted()->set_id(
                 std::string{req.path_param("role_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
  routes.add(http::method::put, base + "/{prior_role_id}/implies/{implied_role_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:create_implied_role");
                 return;
               }
               auto prior = std::string{req.path_param("prior_role_id")};
               auto implied = std::string{req.path_param("implied_role_id")};
               auto current = dir->read([&](const directory& d) {
                 const auto* r = d.role(prior);
                 return r != nullptr ? std::optional<pb::Role>{*r}
                                     : std::nullopt;
               });
               if (!current) {
                 reply.fail(404, "Could not find role: " + prior + ".");
                 return;
               }
               auto r = *current;
               if (std::find(r.implies().begin(), r.implies().end(), implied)
                   == r.implies().end()) {
                 r.add_implies(implied);
               }
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_role_updated() = r;
               submit_and_reply(std::move(cmd), req, reply, [this, prior, implied] {
                 json body{{"role_inference",
                            {{"prior_role", {{"id", prior}}},
                             {"implies", {{"id", implied}}}}},
                           {"links",
                            {{"self", v3_url() + "/roles/" + prior + "/implies/"
                                        + implied}}}};
                 return json_response(201, body);
               });
             }));
  routes.add(http::method::get, "/identity/v3/role_inferences",
             authed([this](http::request&, const http::responder& reply,
                           auth_context&) {
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, r] : d.roles()) {
                   if (r.implies().empty()) {
                     continue;
                   }
                   json implies = json::array();
                   for (const auto& i : r.implies()) {
                     if (const auto* ir = d.role(i)) {
                       implies.push_back(render_role(*ir, v3_url()));
                     }
                   }
                   list.push_back({{"prior_role", render_role(r, v3_url())},
                                   {"implies", std::move(implies)}});
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"role_inferences", std::move(list)},
                           {"links", collection_links(v3_url()
                                                      + "/role_inferences")}}));
             }));
}

void identity_service::impl::install_assignments(http::router& routes) const {
  struct target_route {
    const char* prefix;
    const char* param;
    pb::TargetKind kind;
  };
  static constexpr target_route targets[] = {
    {"/identity/v3/projects/{target_id}", "target_id", pb::TARGET_KIND_PROJECT},
    {"/identity/v3/domains/{target_id}", "target_id", pb::TARGET_KIND_DOMAIN},
    {"/identity/v3/system", nullptr, pb::TARGET_KIND_SYSTEM},
  };
  for (const auto& t : targets) {
    for (bool user : {true, false}) {
      std::string actor_path =
        std::string{t.prefix} + (user ? "/users/{actor_id}" : "/groups/{actor_id}")
        + "/roles";
      auto make = [t, user](const http::request& req) {
        pb::Assignment a;
        a.set_actor_kind(user ? pb::ACTOR_KIND_USER : pb::ACTOR_KIND_GROUP);
        a.set_actor_id(std::string{req.path_param("actor_id")});
        a.set_target_kind(t.kind);
        a.set_target_id(t.param != nullptr ? std::string{req.path_param(t.param)}
                                           : std::string{"all"});
        a.set_role_id(std::string{req.path_param("role_id")});
        return a;
      };
      auto write = [this, make](bool grant) {
        return authed([this, make, grant](http::request& req,
                                          const http::responder& reply,
                                          auth_context& caller) {
          if (!caller.admin()) {
            forbid(reply, grant ? "identity:create_grant" : "identity:revoke_grant");
            return;
          }
          pb::IdentityCommand cmd;
          *(grant ? cmd.add_events()->mutable_role_granted()
                  : cmd.add_events()->mutable_role_revoked()) = make(req);
          submit_and_reply(std::move(cmd), req, reply, no_content);
        });
      };
      routes.add(http::method::put, actor_path + "/{role_id}", write(true));
      routes.add(http::method::delete_, actor_path + "/{role_id}", write(false));
      routes.add(http::method::head, actor_path + "/{role_id}",
                 authed([this, make](http::request& req,
                                     const http::responder& reply,
                                     auth_context& caller) {
                   if (!caller.reader_everywhere()) {
                     forbid(reply, "identity:check_grant");
                     return;
                   }
                   auto a = make(req);
                   bool present = dir->read([&](const directory& d) {
                     for (const auto& x : d.assignments()) {
                       if (x.actor_id() == a.actor_id()
                           && x.target_kind() == a.target_kind()
                           && x.target_id() == a.target_id()
                           && x.role_id() == a.role_id()) {
                         return true;
                       }
                     }
                     return false;
                   });
                   if (present) {
                     reply.send(no_content());
                   } else {
                     reply.fail(404, "Could not find role assignment.");
                   }
                 }));
      routes.add(http::method::get, actor_path,
                 authed([this, t](http::request& req,
                                  const http::responder& reply,
                                  auth_context& caller) {
                   if (!caller.reader_everywhere()) {
                     forbid(reply, "identity:list_grants");
                     return;
                   }
                   auto actor_id = std::string{req.path_param("actor_id")};
                   auto target_id = t.param != nullptr
                                      ? std::string{req.path_param(t.param)}
                                      : std::string{"all"};
                   json list = json::array();
                   dir->read([&](const directory& d) {
                     for (const auto& x : d.assignments()) {
                       if (x.actor_id() == actor_id && x.target_kind() == t.kind
                           && x.target_id() == target_id) {
                         if (const auto* r = d.role(x.role_id())) {
                           list.push_back(render_role(*r, v3_url()));
                         }
                       }
                     }
                     return 0;
                   });
                   reply.send(json_response(
                     200, json{{"roles", std::move(list)},
                               {"links", collection_links(v3_url())}}));
                 }));
    }
  }
  routes.add(http::method::get, "/identity/v3/role_assignments",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto user_filter = req.query("user.id");
               bool self_only = user_filter && *user_filter == caller.user_id;
               if (!caller.reader_everywhere() && !self_only) {
                 forbid(reply, "identity:list_role_assignments");
                 return;
               }
               bool names = req.query("include_names").has_value();
               bool effective = req.query("effective").has_value();
               json list = json::array();
               dir->read([&](const directory& d) {
                 auto all = d.assignments();
                 if (effective) {
                   all = expand(d, std::move(all));
                 }
                 for (const auto& a : all) {
                   if (!keep_assignment(req, a)) {
                     continue;
                   }
                   auto entry = assignment_json(a, v3_url());
                   if (names) {
                     add_names(entry, d, a);
                   }
                   list.push_back(std::move(entry));
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"role_assignments", std::move(list)},
                           {"links", collection_links(v3_url()
                                                      + "/role_assignments")}}));
             }));
}

} // namespace strato::identity
