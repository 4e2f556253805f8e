#pragma once

/// What the image API's handlers share (internal to actors/image/service):
/// the node's context, the catalog they read, the store holding the data,
/// the entity region they write through, and small helpers every handler
/// uses. Handlers run on HTTP I/O threads or, after waiting for the
/// catalog, on the front actor's thread; blocking work goes to the pool.

#include <caf/actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/image/model/image_catalog.hpp"
#include "actors/image/service/image_entity.hpp"
#include "drivers/imagestore/image_store.hpp"
#include "runtime/http/router.hpp"
#include "runtime/service/service_module.hpp"

namespace strato::image {

struct image_service {
  service::service_context* context = nullptr;
  std::unique_ptr<imagestore::image_store> store;
  std::unique_ptr<image_catalog> catalog;
  caf::actor region;
  caf::actor front;
  /// Upload size limit (Glance's image_size_cap, 1 TiB by default).
  uint64_t image_size_cap = uint64_t{1} << 40;
  std::chrono::milliseconds timeout{std::chrono::seconds{30}};

  /// Runs `fn` on the front actor's thread.
  void on_actor(std::function<void()> fn) const;

  /// Authenticates `req` and, once the catalog has every event committed so
  /// far, runs `fn(caller)`; answers 401 itself.
  void with_caller(const http::request& req, const http::responder& reply,
                   std::function<void(const identity::auth_context&)> fn) const;

  /// The image `id` as `caller` may see it; 404 otherwise.
  [[nodiscard]] result<v1::ImageSnapshot>
  visible_image(const std::string& id,
                const identity::auth_context& caller) const;

  /// As `visible_image`, and the caller may change it (owner or admin):
  /// 403 when it can only see it.
  [[nodiscard]] result<v1::ImageSnapshot>
  owned_image(const std::string& id,
              const identity::auth_context& caller) const;

  /// Sends `cmd` to the image's entity; `done` gets the record after it.
  /// Call from I/O or actor threads only.
  void command(image_command cmd,
               std::function<void(result<v1::ImageSnapshot>)> done) const;
};

[[nodiscard]] viewer viewer_of(const identity::auth_context& caller);

/// The routes, by area (image_routes_*.cpp).
void install_image_routes(const std::shared_ptr<image_service>& svc,
                          http::router& routes);
void install_upload_route(const std::shared_ptr<image_service>& svc,
                          http::router& routes);
void install_download_route(const std::shared_ptr<image_service>& svc,
                            http::router& routes);
void install_member_routes(const std::shared_ptr<image_service>& svc,
                           http::router& routes);

} // namespace strato::image
