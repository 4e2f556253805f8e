#include "actors/image/service/image_module.hpp"

#include <caf/all.hpp>

#include "actors/image/service/image_service.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/server/config.hpp"

namespace strato::image {

namespace {

class image_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "image";
  }

  status start(service::service_context& context) override {
    svc_->context = &context;
    auto store = imagestore::open_filesystem_store(context.config.data_dir
                                                   + "/images");
    if (!store) {
      return store.error();
    }
    svc_->store = std::move(*store);
    actor::region_options options;
    options.kind = std::string{image_model::kind};
    options.spawn = image_entity_spawner(
      {&context.store, &context.pool, context.config.snapshot_every, nullptr});
    svc_->region = actor::spawn_region(context.system, std::move(options));
    svc_->front = spawn_image_front(context.system, svc_->region);
    svc_->catalog = std::make_unique<image_catalog>(
      [front = svc_->front](std::function<void()> fn) {
        caf::anon_send(front, continuation{std::move(fn)});
      });
    if (auto ok = svc_->catalog->start(context.store); !ok.ok()) {
      return ok;
    }
    context.actors.put("image", svc_->front);
    fail_interrupted_uploads();
    return {};
  }

  void install(http::router& routes) override {
    install_image_routes(svc_, routes);
    install_upload_route(svc_, routes);
    install_download_route(svc_, routes);
    install_member_routes(svc_, routes);
  }

  void stop() override {
    svc_->catalog.reset();
    caf::anon_send_exit(svc_->front, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc_->region, caf::exit_reason::user_shutdown);
  }

private:
  /// Images left "saving" by a crash lost their staged data (the store
  /// clears staging when it opens): Glance's answer is back to queued.
  void fail_interrupted_uploads() {
    auto saving = svc_->catalog->select([](const v1::ImageSnapshot& image) {
      return image.status() == v1::IMAGE_STATUS_SAVING;
    });
    for (const auto& image : saving) {
      image_command cmd;
      cmd.op = "upload_fail";
      cmd.image_id = image.id();
      cmd.upload_id = image.upload_id();
      cmd.text = "The node restarted during the upload.";
      caf::anon_send(svc_->region, image.id(), caf::make_message(cmd));
    }
  }

  std::shared_ptr<image_service> svc_ = std::make_shared<image_service>();
};

} // namespace

std::unique_ptr<service::service_module> make_image_module() {
  return std::make_unique<image_module>();
}

} // namespace strato::image
