#include "actors/tenant/tenant_module.hpp"

#include <caf/all.hpp>

#include "actors/tenant/tenant_entity.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/server/config.hpp"

namespace strato::tenant {

namespace {

class tenant_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "tenant";
  }

  status start(service::service_context& context) override {
    actor::entity_env env;
    env.store = &context.store;
    env.pool = &context.pool;
    env.snapshot_every = context.config.snapshot_every;
    actor::region_options options;
    options.kind = std::string{tenant::kind};
    options.spawn = make_tenant_spawner(env);
    region_ = actor::spawn_region(context.system, std::move(options));
    context.actors.put("tenant", region_);
    return {};
  }

  void install(http::router&) override {
    // Quotas are read and set through each service's own quota API.
  }

  void stop() override {
    if (region_) {
      caf::anon_send_exit(region_, caf::exit_reason::user_shutdown);
      region_ = caf::actor{};
    }
  }

private:
  caf::actor region_;
};

} // namespace

std::unique_ptr<service::service_module> make_tenant_module() {
  return std::make_unique<tenant_module>();
}

} // namespace strato::tenant
