#include "actors/compute/api/compute_module.hpp"

#include <spdlog/spdlog.h>

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/entity/agent_listener.hpp"
#include "actors/compute/entity/catalog_entity.hpp"
#include "actors/compute/entity/host_gateway.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/server/config.hpp"

namespace strato::compute {

namespace {

constexpr auto start_timeout = std::chrono::seconds{60};

class compute_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "compute";
  }

  status start(service::service_context& ctx) override {
    sys_ = &ctx.system;
    api_.sys = &ctx.system;
    api_.identity = &ctx.identity;
    api_.hosts = ctx.hosts;
    api_.catalog = std::make_shared<shared_catalog>();
    api_.servers = std::make_shared<server_index>();
    auto snapshot_every = ctx.config.snapshot_every;
    actor::region_options catalog_opts;
    catalog_opts.kind = std::string{catalog_aggregate::kind};
    catalog_opts.spawn = actor::make_spawner<catalog_aggregate>(
      {&ctx.store, &ctx.pool, snapshot_every, api_.catalog}, catalog_behavior);
    api_.catalog_region = actor::spawn_region(ctx.system, std::move(catalog_opts));
    if (auto st = seed_flavors(); !st.ok()) {
      return st;
    }
    if (auto st = api_.servers->follow(ctx.store); !st.ok()) {
      return st;
    }
    gateway_options gw;
    gw.scheduler = ctx.actors.get("scheduler");
    api_.scheduler = gw.scheduler;
    api_.hypervisor_type =
      ctx.config.hypervisor == "libvirt" ? "QEMU" : "fake";
    gw.compute_agent = ctx.actors.get("compute-agent");
    gw.image = ctx.actors.get("image");
    gw.network = ctx.actors.get("network");
    gw.volume = ctx.actors.get("volume");
    gateway_ = spawn_host_gateway(ctx.system, gw);
    auto env = std::make_shared<instance_env>();
    env->host_gateway = gateway_;
    env->tenant = ctx.actors.get("tenant");
    env->catalog = api_.catalog_region;
    env->volume = ctx.actors.get("volume");
    actor::region_options instance_opts;
    instance_opts.kind = std::string{instance_aggregate::kind};
    instance_opts.spawn = actor::make_spawner<instance_aggregate>(
      {&ctx.store, &ctx.pool, snapshot_every, env}, instance_behavior);
    api_.instance_region = actor::spawn_region(ctx.system,
                                               std::move(instance_opts));
    api_.tenant = env->tenant;
    api_.image = gw.image;
    api_.network = gw.network;
    api_.has_network = static_cast<bool>(gw.network);
    api_.volume = env->volume;
    api_.has_volume = static_cast<bool>(api_.volume);
    ctx.actors.put("instance", api_.instance_region);
    listener_ = spawn_agent_listener(ctx.system, gw.compute_agent,
                                     api_.instance_region, api_.servers);
    resume_in_flight();
    spdlog::info("compute: {} servers, scheduler {}, compute agents {}, "
                 "quota {}",
                 api_.servers->size(), gw.scheduler ? "yes" : "simulated",
                 gw.compute_agent ? "yes" : "simulated",
                 env->tenant ? "enforced" : "not enforced");
    return {};
  }

  void install(http::router& routes) override {
    api_.install_flavors(routes);
    api_.install_keypairs(routes);
    api_.install_create(routes);
    api_.install_servers(routes);
    api_.install_actions(routes);
    api_.install_server_extras(routes);
    api_.install_misc(routes);
    api_.install_volume_attachments(routes);
    api_.install_interfaces(routes);
    api_.install_hosts(routes);
  }

  void stop() override {
    for (const auto& a : {listener_, api_.instance_region, api_.catalog_region,
                          gateway_}) {
      if (a) {
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      }
    }
  }

private:
  /// Creates Nova's default flavors the first time the catalog is empty.
  status seed_flavors() {
    caf::scoped_actor waiter{*sys_};
    status outcome;
    waiter
      ->request(api_.catalog_region, start_timeout, std::string{catalog_id},
                caf::make_message(actor::version_atom::value))
      .receive([](uint64_t) {},
               [&](caf::error& err) { outcome = actor::from_caf_error(err); });
    if (!outcome.ok()) {
      return outcome;
    }
    auto version = api_.catalog->read([](const catalog& c) {
      return c.flavors.size();
    });
    if (version != 0) {
      return {};
    }
    pb::CatalogCommand cmd;
    for (auto& ev : default_flavor_events(now_us())) {
      *cmd.add_events() = std::move(ev);
    }
    waiter->request(api_.catalog_region, start_timeout,
                    catalog_command(cmd, "bootstrap"))
      .receive([](uint64_t) {},
               [&](caf::error& err) { outcome = actor::from_caf_error(err); });
    return outcome;
  }

  /// Servers left in a task by the last run: activate them to resume.
  void resume_in_flight() {
    for (const auto& id : api_.servers->in_flight()) {
      caf::anon_send(api_.instance_region, id,
                     caf::make_message(resume_atom::value));
    }
  }

  caf::actor_system* sys_ = nullptr;
  compute_api api_;
  caf::actor gateway_;
  caf::actor listener_;
};

} // namespace

std::unique_ptr<service::service_module> make_compute_module() {
  return std::make_unique<compute_module>();
}

} // namespace strato::compute
