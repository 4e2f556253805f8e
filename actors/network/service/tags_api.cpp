// Neutron's tag extension (standard-attr-tag): /<collection>/<id>/tags and
// /<collection>/<id>/tags/<tag> for every resource that has tags.

#include <algorithm>

#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/api/json_body.hpp"

namespace strato::network::api {

namespace {

/// What a tag route needs to know about its resource kind.
template <class T>
struct tag_target {
  std::string_view collection;
  std::string_view not_found_type;
  std::string_view what;
  const registry::table<T>& (registry::*table)() const;
};

enum class tag_op : uint8_t { replace, clear, add, remove };

template <class T>
network_client::decide_fn tag_change(tag_target<T> target, std::string id,
                                     auth_context caller, tag_op op,
                                     std::vector<std::string> tags) {
  return [=](const registry& r) -> result<events> {
    const auto& table = (r.*target.table)();
    auto it = table.find(id);
    if (it == table.end() || !visible(caller, it->second.meta().project_id())) {
      return fault(errc::not_found, target.not_found_type,
                   std::string{target.what} + " " + id
                     + " could not be found.");
    }
    auto next = it->second;
    auto* meta = next.mutable_meta();
    std::vector<std::string> current(meta->tags().begin(), meta->tags().end());
    switch (op) {
      case tag_op::replace:
        current = tags;
        break;
      case tag_op::clear:
        current.clear();
        break;
      case tag_op::add:
        if (std::find(current.begin(), current.end(), tags[0]) == current.end()) {
          current.push_back(tags[0]);
        }
        break;
      case tag_op::remove: {
        auto pos = std::find(current.begin(), current.end(), tags[0]);
        if (pos == current.end()) {
          return fault(errc::not_found, "TagNotFound",
                       "Tag " + tags[0] + " could not be found for "
                         + std::string{target.what} + " " + id + ".");
        }
        current.erase(pos);
        break;
      }
    }
    std::sort(current.begin(), current.end());
    current.erase(std::unique(current.begin(), current.end()), current.end());
    meta->clear_tags();
    for (const auto& t : current) {
      meta->add_tags(t);
    }
    meta->set_revision_number(meta->revision_number() + 1);
    meta->set_updated_at(neutron_now());
    return events{put_event(next)};
  };
}

template <class T>
json tags_of(const registry& r, const tag_target<T>& target,
             const std::string& id) {
  const auto& table = (r.*target.table)();
  auto it = table.find(id);
  if (it == table.end()) {
    return json::array();
  }
  return json(std::vector<std::string>(it->second.meta().tags().begin(),
                                       it->second.meta().tags().end()));
}

template <class T>
void install_tags_for(const neutron_api& api, http::router& routes,
                      tag_target<T> target) {
  auto base = std::string{prefix} + "/" + std::string{target.collection}
              + "/{id}/tags";
  routes.add(http::method::get, base,
             api.authed([&api, target](http::request& req,
                                       const http::responder& reply,
                                       auth_context& caller) {
               std::string id{req.path_param("id")};
               auto found = api.client->view().read([&](const registry& r) {
                 const auto& table = (r.*target.table)();
                 auto it = table.find(id);
                 return it != table.end()
                            && visible(caller, it->second.meta().project_id())
                          ? tags_of(r, target, id)
                          : json{};
               });
               if (found.is_null()) {
                 not_found(reply, target.not_found_type, target.what, id);
                 return;
               }
               reply.send(json_response(200, json{{"tags", found}}));
             }));
  routes.add(http::method::put, base,
             api.authed([&api, target](http::request& req,
                                       const http::responder& reply,
                                       auth_context& caller) {
               std::string id{req.path_param("id")};
               auto body = strato::api::parse_json_body(req.body);
               if (!body.ok() || !body->is_object() || !body->contains("tags")
                   || !(*body)["tags"].is_array()) {
                 fail(reply, 400, "HTTPBadRequest",
                      "Invalid input for tags. Reason: a list of tags is "
                      "required.");
                 return;
               }
               auto tags = string_list((*body)["tags"]);
               api.change(req, reply, "", {},
                          tag_change(target, id, caller, tag_op::replace, tags),
                          200, [target, id](const registry& r) {
                            return json{{"tags", tags_of(r, target, id)}};
                          });
             }));
  routes.add(http::method::delete_, base,
             api.authed([&api, target](http::request& req,
                                       const http::responder& reply,
                                       auth_context& caller) {
               std::string id{req.path_param("id")};
               api.remove(req, reply, "",
                          tag_change(target, id, caller, tag_op::clear, {}),
                          false);
             }));
  for (auto op : {tag_op::add, tag_op::remove}) {
    routes.add(op == tag_op::add ? http::method::put : http::method::delete_,
               base + "/{tag}",
               api.authed([&api, target, op](http::request& req,
                                             const http::responder& reply,
                                             auth_context& caller) {
                 std::string id{req.path_param("id")};
                 std::string tag{req.path_param("tag")};
                 auto decide = tag_change(target, id, caller, op, {tag});
                 if (op == tag_op::remove) {
                   api.remove(req, reply, "", decide, false);
                   return;
                 }
                 api.change(req, reply, "", {}, decide, 201,
                            [](const registry&) { return json{}; });
               }));
  }
  routes.add(http::method::get, base + "/{tag}",
             api.authed([&api, target](http::request& req,
                                       const http::responder& reply,
                                       auth_context& caller) {
               std::string id{req.path_param("id")};
               std::string tag{req.path_param("tag")};
               auto tags = api.client->view().read([&](const registry& r) {
                 const auto& table = (r.*target.table)();
                 auto it = table.find(id);
                 return it != table.end()
                            && visible(caller, it->second.meta().project_id())
                          ? tags_of(r, target, id)
                          : json{};
               });
               if (tags.is_null()) {
                 not_found(reply, target.not_found_type, target.what, id);
                 return;
               }
               if (std::find(tags.begin(), tags.end(), tag) == tags.end()) {
                 fail(reply, 404, "TagNotFound",
                      "Tag " + tag + " could not be found for "
                        + std::string{target.what} + " " + id + ".");
                 return;
               }
               reply.send(http::response::empty(204));
             }));
}

} // namespace

void neutron_api::install_tags(http::router& routes) const {
  install_tags_for<pb::Network>(
    *this, routes, {"networks", "NetworkNotFound", "Network", &registry::networks});
  install_tags_for<pb::Subnet>(
    *this, routes, {"subnets", "SubnetNotFound", "Subnet", &registry::subnets});
  install_tags_for<pb::Port>(
    *this, routes, {"ports", "PortNotFound", "Port", &registry::ports});
  install_tags_for<pb::Router>(
    *this, routes, {"routers", "RouterNotFound", "Router", &registry::routers});
  install_tags_for<pb::FloatingIp>(
    *this, routes,
    {"floatingips", "FloatingIPNotFound", "Floating IP", &registry::floating_ips});
  install_tags_for<pb::SecurityGroup>(
    *this, routes,
    {"security-groups", "SecurityGroupNotFound", "Security group",
     &registry::security_groups});
}

} // namespace strato::network::api
