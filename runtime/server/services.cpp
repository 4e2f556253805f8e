#include "runtime/server/services.hpp"

#include <array>

#include <nlohmann/json.hpp>

namespace strato::server {

namespace {

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
                             std::string_view name) {
  auto message = "The " + std::string{name}
                 + " API is not implemented by this Strato node yet.";
  routes.add_fallback(prefix, [message](http::request, http::responder reply) {
    reply.fail(501, message);
  });
}

} // namespace

void install_services(http::router& routes, const service_context& context) {
  install_root(routes, context.public_url);
  for (const auto& mount : mounts) {
    install_not_implemented(routes, mount.prefix, mount.name);
  }
}

} // namespace strato::server
