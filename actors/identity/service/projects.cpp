// Projects and domains.

#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

namespace {

/// What Keystone's schema allows but we do not implement.
status check_project_support(const json& p) {
  if (p.value("is_domain", false)) {
    return {errc::not_implemented, "Projects acting as domains are not "
                                   "supported; create a domain instead."};
  }
  return {};
}

/// Projects and domains both carry tags.
template <class Record>
void set_tags(Record& p, const json& body) {
  if (auto tags = body.find("tags"); tags != body.end()) {
    p.clear_tags();
    for (const auto& tag : *tags) {
      p.add_tags(tag.get<std::string>());
    }
  }
}

} // namespace

void identity_service::impl::install_projects(http::router& routes) const {
  const std::string base = "/identity/v3/projects";
  routes.add(http::method::get, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.reader_everywhere()) {
                 forbid(reply, "identity:list_projects");
                 return;
               }
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, p] : d.projects()) {
                   if (matches_filter(req, "name", p.name())
                       && matches_filter(req, "domain_id", p.domain_id())
                       && matches_filter(req, "parent_id", p.parent_id())
                       && matches_bool_filter(req, "enabled", p.enabled())) {
                     list.push_back(render_project(p, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"projects", std::move(list)},
                           {"links", collection_links(v3_url() + "/projects")}}));
             }));
  routes.add(http::method::get, base + "/{project_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto id = std::string{req.path_param("project_id")};
               if (!caller.reader_everywhere() && caller.project_id != id) {
                 forbid(reply, "identity:get_project");
                 return;
               }
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* p = d.project(id);
                 if (p == nullptr) {
                   return status{errc::not_found,
                                 "Could not find project: " + id + "."};
                 }
                 return json{{"project", render_project(*p, v3_url())}};
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
                 forbid(reply, "identity:create_project");
                 return;
               }
               auto body = validated_member(req, "project",
                                            keystone_body::project_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               if (auto st = check_project_support(*body); !st.ok()) {
                 reply.fail(st);
                 return;
               }
               pb::Project p;
               p.set_id(new_id());
               p.set_name(body->at("name").get<std::string>());
               auto default_domain = !caller.project_domain_id.empty()
                                       ? caller.project_domain_id
                                       : std::string{"default"};
               p.set_domain_id(string_field(*body, "domain_id", default_domain));
               auto parent = string_field(*body, "parent_id");
               if (!parent.empty()) {
                 // A child lives in its parent's domain.
                 dir->read([&](const directory& d) {
                   if (const auto* pp = d.project(parent);
                       pp != nullptr && string_field(*body, "domain_id").empty()) {
                     p.set_domain_id(pp->domain_id());
                   }
                   return 0;
                 });
               }
               p.set_parent_id(parent.empty() ? p.domain_id() : parent);
               p.set_description(string_field(*body, "description"));
               p.set_enabled(body->value("enabled", true));
               set_tags(p, *body);
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_project_created() = p;
               submit_and_reply(std::move(cmd), req, reply, [this, p] {
                 return json_response(
                   201, json{{"project", render_project(p, v3_url())}});
               });
             }));
  routes.add(http::method::patch, base + "/{project_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:update_project");
                 return;
               }
               auto body = validated_member(req, "project",
                                            keystone_body::project_update);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               if (auto st = check_project_support(*body); !st.ok()) {
                 reply.fail(st);
                 return;
               }
               auto id = std::string{req.path_param("project_id")};
               auto current = dir->read([&](const directory& d) {
                 const auto* p = d.project(id);
                 return p != nullptr ? std::optional<pb::Project>{*p}
                                     : std::nullopt;
               });
               if (!current) {
                 reply.fail(404, "Could not find project: " + id + ".");
                 return;
               }
               auto p = *current;
               if (body->contains("domain_id")
                   && body->at("domain_id") != p.domain_id()) {
                 reply.fail(400, "Update of `domain_id` is not allowed.");
                 return;
               }
               if (body->contains("name")) {
                 p.set_name(body->at("name").get<std::string>());
               }
               if (body->contains("description")) {
                 p.set_description(string_field(*body, "description"));
               }
               if (body->contains("enabled")) {
                 p.set_enabled(body->at("enabled").get<bool>());
               }
               set_tags(p, *body);
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_project_updated() = p;
               submit_and_reply(std::move(cmd), req, reply, [this, p] {
                 return json_response(
                   200, json{{"project", render_project(p, v3_url())}});
               });
             }));
  routes.add(http::method::delete_, base + "/{project_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:delete_project");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_project_deleted()->set_id(
                 std::string{req.path_param("project_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
}

void identity_service::impl::install_domains(http::router& routes) const {
  const std::string base = "/identity/v3/domains";
  routes.add(http::method::get, base,
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               json list = json::array();
               dir->read([&](const directory& d) {
                 for (const auto& [id, dom] : d.domains()) {
                   bool visible = caller.reader_everywhere()
                                  || id == caller.user_domain_id
                                  || id == caller.project_domain_id;
                   if (visible && matches_filter(req, "name", dom.name())
                       && matches_bool_filter(req, "enabled", dom.enabled())) {
                     list.push_back(render_domain(dom, v3_url()));
                   }
                 }
                 return 0;
               });
               reply.send(json_response(
                 200, json{{"domains", std::move(list)},
                           {"links", collection_links(v3_url() + "/domains")}}));
             }));
  routes.add(http::method::get, base + "/{domain_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               auto id = std::string{req.path_param("domain_id")};
               auto found = dir->read([&](const directory& d) -> result<json> {
                 const auto* dom = d.domain(id);
                 if (dom == nullptr) {
                   return status{errc::not_found,
                                 "Could not find domain: " + id + "."};
                 }
                 bool visible = caller.reader_everywhere()
                                || id == caller.user_domain_id
                                || id == caller.project_domain_id;
                 if (!visible) {
                   return status{errc::forbidden,
                                 "You are not authorized to perform the "
                                 "requested action: identity:get_domain."};
                 }
                 return json{{"domain", render_domain(*dom, v3_url())}};
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
                 forbid(reply, "identity:create_domain");
                 return;
               }
               auto body = validated_member(req, "domain",
                                            keystone_body::domain_create);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               pb::Domain dom;
               dom.set_id(new_id());
               dom.set_name(body->at("name").get<std::string>());
               dom.set_description(string_field(*body, "description"));
               dom.set_enabled(body->value("enabled", true));
               set_tags(dom, *body);
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_domain_created() = dom;
               submit_and_reply(std::move(cmd), req, reply, [this, dom] {
                 return json_response(
                   201, json{{"domain", render_domain(dom, v3_url())}});
               });
             }));
  routes.add(http::method::patch, base + "/{domain_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:update_domain");
                 return;
               }
               auto body = validated_member(req, "domain",
                                            keystone_body::domain_update);
               if (!body) {
                 reply.fail(body.error());
                 return;
               }
               auto id = std::string{req.path_param("domain_id")};
               auto current = dir->read([&](const directory& d) {
                 const auto* dom = d.domain(id);
                 return dom != nullptr ? std::optional<pb::Domain>{*dom}
                                       : std::nullopt;
               });
               if (!current) {
                 reply.fail(404, "Could not find domain: " + id + ".");
                 return;
               }
               auto dom = *current;
               if (body->contains("name")) {
                 dom.set_name(body->at("name").get<std::string>());
               }
               if (body->contains("description")) {
                 dom.set_description(string_field(*body, "description"));
               }
               if (body->contains("enabled")) {
                 dom.set_enabled(body->at("enabled").get<bool>());
               }
               set_tags(dom, *body);
               pb::IdentityCommand cmd;
               *cmd.add_events()->mutable_domain_updated() = dom;
               submit_and_reply(std::move(cmd), req, reply, [this, dom] {
                 return json_response(
                   200, json{{"domain", render_domain(dom, v3_url())}});
               });
             }));
  routes.add(http::method::delete_, base + "/{domain_id}",
             authed([this](http::request& req, const http::responder& reply,
                           auth_context& caller) {
               if (!caller.admin()) {
                 forbid(reply, "identity:delete_domain");
                 return;
               }
               pb::IdentityCommand cmd;
               cmd.add_events()->mutable_domain_deleted()->set_id(
                 std::string{req.path_param("domain_id")});
               submit_and_reply(std::move(cmd), req, reply, no_content);
             }));
}

} // namespace strato::identity
