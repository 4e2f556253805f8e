#include "actors/scheduler/service/placement_module.hpp"

#include <caf/all.hpp>

#include "actors/scheduler/service/placement_api.hpp"
#include "runtime/server/config.hpp"

namespace strato::scheduler {

namespace {

class placement_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "placement";
  }

  status start(service::service_context& context) override {
    scheduler_options options;
    options.shards = context.config.scheduler_shards;
    options.env.store = &context.store;
    options.env.pool = &context.pool;
    scheduler_ = spawn_scheduler(context.system, options);
    context.actors.put("scheduler", scheduler_);
    api_.system = &context.system;
    api_.scheduler = scheduler_;
    api_.shards = options.shards;
    api_.identity = &context.identity;
    api_.public_url = context.public_url;
    return {};
  }

  void install(http::router& routes) override {
    rest::add_provider_routes(routes, api_);
    rest::add_inventory_routes(routes, api_);
    rest::add_trait_routes(routes, api_);
    rest::add_allocation_routes(routes, api_);
    rest::add_candidate_routes(routes, api_);
  }

  void stop() override {
    if (scheduler_) {
      caf::anon_send_exit(scheduler_, caf::exit_reason::user_shutdown);
      scheduler_ = caf::actor{};
    }
  }

private:
  caf::actor scheduler_;
  rest::api_context api_; ///< Routes hold a reference: lives as long as the module.
};

} // namespace

std::unique_ptr<service::service_module> make_placement_module() {
  return std::make_unique<placement_module>();
}

} // namespace strato::scheduler
