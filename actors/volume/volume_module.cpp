#include "actors/volume/volume_module.hpp"

#include <caf/all.hpp>

#include "actors/volume/api/volume_api.hpp"
#include "actors/volume/entity/copy_entity.hpp"
#include "actors/volume/entity/volume_entity.hpp"
#include "actors/volume/volume_gateway.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/server/config.hpp"

namespace strato::volume {

namespace {

bool is_transitional(const volume_record& v) {
  return v.status == pb::VOLUME_STATUS_CREATING || v.status == pb::VOLUME_STATUS_EXTENDING
         || v.status == pb::VOLUME_STATUS_DELETING
         || v.status == pb::VOLUME_STATUS_RESTORING_BACKUP;
}

bool is_transitional(const copy_record& c) {
  return c.status == pb::COPY_STATUS_CREATING || c.status == pb::COPY_STATUS_DELETING;
}

class volume_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "volume";
  }

  status start(service::service_context& context) override {
    volume_driver_config driver_config;
    driver_config.kind = context.config.volume_driver;
    driver_config.volumes_dir = context.config.data_dir + "/volumes";
    driver_config.backups_dir = context.config.data_dir + "/volume-backups";
    auto driver = make_volume_driver(driver_config);
    if (!driver) {
      return driver.error();
    }
    services_ = std::make_shared<volume_services>();
    services_->driver = std::move(*driver);
    services_->pool = &context.pool;
    services_->store = &context.store;
    services_->tenant = context.actors.get("tenant");
    services_->image = context.actors.get("image");
    catalog_ = std::make_shared<volume_catalog>();
    auto sub = context.store.subscribe(
      1, [catalog = catalog_](const std::vector<store::recorded_event>& events) {
        catalog->apply(events);
      });
    if (!sub) {
      return sub.error();
    }
    subscription_ = std::move(*sub);
    spawn_regions(context);
    gateway_ = spawn_volume_gateway(context.system, services_, catalog_);
    context.actors.put("volume", gateway_);
    resume_interrupted();
    api_ = std::make_unique<volume_api>(context.system, catalog_, services_, context.identity);
    return {};
  }

  void install(http::router& routes) override {
    api_->install(routes);
  }

  void stop() override {
    subscription_.reset();
    if (!services_) {
      return; // start failed before anything was spawned
    }
    for (auto* hdl : {&gateway_, &services_->volumes, &services_->snapshots,
                      &services_->backups}) {
      if (*hdl) {
        caf::anon_send_exit(*hdl, caf::exit_reason::user_shutdown);
        *hdl = caf::actor{};
      }
    }
  }

private:
  void spawn_regions(service::service_context& context) {
    actor::entity_env env;
    env.store = &context.store;
    env.pool = &context.pool;
    env.snapshot_every = 0; // short streams, replayed whole
    env.extension = services_;
    auto region = [&](std::string_view kind, actor::entity_spawner spawner) {
      actor::region_options options;
      options.kind = std::string{kind};
      options.spawn = std::move(spawner);
      return actor::spawn_region(context.system, std::move(options));
    };
    services_->volumes = region(volume_kind, make_volume_spawner(env));
    services_->snapshots = region(snapshot_kind, make_snapshot_spawner(env));
    services_->backups = region(backup_kind, make_backup_spawner(env));
  }

  /// Wakes every entity a crash left mid-operation; loading makes it re-run
  /// its (idempotent) driver step and record the outcome.
  void resume_interrupted() {
    catalog_->read([this](const catalog_contents& cat) {
      for (const auto& [id, v] : cat.volumes) {
        if (is_transitional(v)) {
          caf::anon_send(services_->volumes, id, caf::make_message(resume_atom::value));
        }
      }
      for (const auto& [id, s] : cat.snapshots) {
        if (is_transitional(s)) {
          caf::anon_send(services_->snapshots, id, caf::make_message(resume_atom::value));
        }
      }
      for (const auto& [id, b] : cat.backups) {
        if (is_transitional(b)) {
          caf::anon_send(services_->backups, id, caf::make_message(resume_atom::value));
        }
      }
      return 0;
    });
  }

  std::shared_ptr<volume_services> services_;
  std::shared_ptr<volume_catalog> catalog_;
  std::unique_ptr<store::subscription> subscription_;
  std::unique_ptr<volume_api> api_;
  caf::actor gateway_;
};

} // namespace

std::unique_ptr<service::service_module> make_volume_module() {
  return std::make_unique<volume_module>();
}

} // namespace strato::volume
