#include "runtime/server/services.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace strato::server {

namespace {

using json = nlohmann::json;

void serve_json(http::router& routes, const std::string& path, int status,
                json body) {
  routes.add(http::method::get, path,
             [status, body = std::move(body)](http::request, http::responder reply) {
               reply.send(http::response::json(status, body));
             });
}

struct service_mount {
  std::string_view prefix;
  std::string_view type;
  std::string_view name;
};

/// The devstack layout: every service under a path prefix of one address.
constexpr std::array<service_mount, 6> mounts{{
  {"/identity", "identity", "keystone"},
  {"/compute", "compute", "nova"},
  {"/image", "image", "glance"},
  {"/volume", "block-storage", "cinder"},
  {"/network", "network", "neutron"},
  {"/placement", "placement", "placement"},
}};

void install_root(http::router& routes, const std::string& public_url) {
  routes.add(http::method::get, "/healthcheck",
             [](http::request, http::responder reply) {
               reply.send(http::response::text(200, "OK"));
             });
  nlohmann::json services = nlohmann::json::array();
  for (const auto& mount : mounts) {
    services.push_back({{"type", mount.type},
                        {"name", mount.name},
                        {"url", public_url + std::string{mount.prefix}}});
  }
  auto body = nlohmann::json{{"services", services}};
  routes.add(http::method::get, "/",
             [body](http::request, http::responder reply) {
               reply.send(http::response::json(200, body));
             });
}

void install_not_implemented(http::router& routes, std::string_view prefix,
                             std::string_view name, authenticator authenticate) {
  auto message = "The " + std::string{name}
                 + " API is not implemented by this Strato node yet.";
  routes.add_fallback(prefix, [message, authenticate](http::request req,
                                                      http::responder reply) {
    if (auto st = authenticate(req); !st.ok()) {
      reply.fail(st);
      return;
    }
    reply.fail(501, message);
  });
}

/// The version documents the clients read before anything else; their
/// shapes are the services' own.
void install_discovery(http::router& routes, const std::string& base) {
  auto link = [&](const std::string& path) {
    return json::array({{{"rel", "self"}, {"href", base + path}}});
  };
  auto compute_v21 = json{{"id", "v2.1"},
                          {"status", "CURRENT"},
                          {"version", "2.93"},
                          {"min_version", "2.1"},
                          {"updated", "2013-07-23T11:33:21Z"},
                          {"links", link("/compute/v2.1/")}};
  auto compute_v20 = json{{"id", "v2.0"},
                          {"status", "SUPPORTED"},
                          {"version", ""},
                          {"min_version", ""},
                          {"updated", "2011-01-21T11:33:21Z"},
                          {"links", link("/compute/v2/")}};
  serve_json(routes, "/compute", 200,
             {{"versions", json::array({compute_v20, compute_v21})}});
  auto compute_v21_full = compute_v21;
  compute_v21_full["media-types"] = json::array(
    {{{"base", "application/json"},
      {"type", "application/vnd.openstack.compute+json;version=2.1"}}});
  serve_json(routes, "/compute/v2.1", 200, {{"version", compute_v21_full}});
  json images = json::array();
  for (auto id : {"v2.16", "v2.15", "v2.9", "v2.7", "v2.6", "v2.5", "v2.4",
                  "v2.3", "v2.2", "v2.1", "v2.0"}) {
    images.push_back({{"id", id},
                      {"status", std::string_view{id} == "v2.16" ? "CURRENT"
                                                                 : "SUPPORTED"},
                      {"links", link("/image/v2/")}});
  }
  serve_json(routes, "/image", 300, {{"versions", images}});
  serve_json(routes, "/image/versions", 200, {{"versions", images}});
  auto volume_v3 = json{{"id", "v3.0"},
                        {"status", "CURRENT"},
                        {"version", "3.70"},
                        {"min_version", "3.0"},
                        {"updated", "2023-08-31T00:00:00Z"},
                        {"links", link("/volume/v3/")},
                        {"media-types",
                         json::array({{{"base", "application/json"},
                                       {"type", "application/"
                                                "vnd.openstack.volume+json;version=3"}}})}};
  serve_json(routes, "/volume", 300, {{"versions", json::array({volume_v3})}});
  serve_json(routes, "/volume/v3", 200,
             {{"versions", json::array({volume_v3})}});
  serve_json(routes, "/network", 200,
             {{"versions", json::array({{{"id", "v2.0"},
                                         {"status", "CURRENT"},
                                         {"links", link("/network/v2.0/")}}})}});
  serve_json(routes, "/placement", 200,
             {{"versions", json::array({{{"id", "v1.0"},
                                         {"max_version", "1.39"},
                                         {"min_version", "1.0"},
                                         {"status", "CURRENT"},
                                         {"links", link("/placement/")}}})}});
}

} // namespace

void install_services(http::router& routes, const service_context& context) {
  install_root(routes, context.public_url);
  install_discovery(routes, context.public_url);
  for (const auto& mount : mounts) {
    install_not_implemented(routes, mount.prefix, mount.name,
                            context.authenticate);
  }
}

} // namespace strato::server
