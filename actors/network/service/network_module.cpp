#include "actors/network/service/network_module.hpp"

#include <caf/all.hpp>

#include <filesystem>

#include "actors/network/dataplane.hpp"
#include "actors/network/network_actor.hpp"
#include "actors/network/service/service_impl.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/server/config.hpp"

namespace strato::network {

namespace api {

http::handler neutron_api::authed(authed_handler h) const {
  return [this, h = std::move(h)](http::request req, http::responder reply) {
    auto caller = identity.authenticate(req);
    if (!caller) {
      reply.fail(caller.error());
      return;
    }
    h(req, reply, *caller);
  };
}

void neutron_api::change(const http::request& req, const http::responder& reply,
                         std::string project, tenant::quota_amounts reserve,
                         network_client::decide_fn decide, int status_code,
                         std::function<json(const registry&)> render) const {
  client->submit(std::move(project), std::move(reserve), std::move(decide),
                 req.request_id,
                 [client = client, reply, status_code,
                  render = std::move(render)](status st) {
                   if (!st.ok()) {
                     fail(reply, st);
                     return;
                   }
                   auto body = client->view().read(render);
                   reply.send(json_response(status_code, body));
                 });
}

void neutron_api::remove(const http::request& req, const http::responder& reply,
                         std::string project, network_client::decide_fn decide,
                         bool count_ports) const {
  auto decided = std::make_shared<events>();
  auto recording = [decide = std::move(decide),
                    decided](const registry& r) -> result<events> {
    auto evs = decide(r);
    if (evs) {
      *decided = *evs;
    }
    return evs;
  };
  client->submit("", {}, recording, req.request_id,
                 [client = client, reply, decided, project,
                  request_id = req.request_id, count_ports](status st) {
                   if (!st.ok()) {
                     fail(reply, st);
                     return;
                   }
                   client->release(project, released_by(*decided, count_ports),
                                   request_id);
                   reply.send(http::response::empty(204));
                 });
}

} // namespace api

namespace {

class network_module final : public service::service_module {
public:
  [[nodiscard]] std::string_view name() const override {
    return "network";
  }

  status start(service::service_context& context) override {
    system_ = &context.system;
    const auto& cfg = context.config;
    auto ranges = parse_segment_ranges(cfg.tenant_network_type,
                                       cfg.network_vlan_range,
                                       cfg.network_tunnel_range);
    if (!ranges) {
      return {errc::invalid_argument,
              "invalid network segment ranges: --network-vlan-range "
                + cfg.network_vlan_range + " --network-tunnel-range "
                + cfg.network_tunnel_range};
    }
    auto shared = std::make_shared<shared_registry>(*ranges);
    actor::entity_env env;
    env.store = &context.store;
    env.pool = &context.pool;
    env.snapshot_every = context.config.snapshot_every;
    env.extension = shared;
    actor::region_options options;
    options.kind = std::string{registry_aggregate::kind};
    options.spawn = make_registry_spawner(env);
    region_ = actor::spawn_region(context.system, std::move(options));
    // Reads go straight to the shared registry: load it before serving.
    if (auto st = wait_until_loaded(); !st.ok()) {
      return st;
    }
    client_ = std::make_shared<network_client>(context.system, region_,
                                               context.actors.get("tenant"),
                                               shared);
    driver_config driver_settings;
    driver_settings.kind = cfg.network_driver;
    driver_settings.ovsdb = cfg.ovsdb;
    driver_settings.integration_bridge = cfg.integration_bridge;
    driver_settings.state_dir = (std::filesystem::path{cfg.data_dir} / "network").string();
    auto driver = make_network_driver(driver_settings);
    if (!driver) {
      return {driver.error().code(),
              "network driver " + cfg.network_driver + ": "
                + driver.error().message()};
    }
    auto plane = std::make_shared<dataplane>(std::move(*driver), context.pool,
                                             shared);
    plane->converge_all();
    client_->set_dataplane(plane);
    network_ = spawn_network_actor(context.system, client_);
    context.actors.put("network", network_);
    api_ = std::make_unique<api::neutron_api>(
      api::neutron_api{context.identity, client_});
    return {};
  }

  void install(http::router& routes) override {
    api_->install_networks(routes);
    api_->install_subnets(routes);
    api_->install_ports(routes);
    api_->install_routers(routes);
    api_->install_floating_ips(routes);
    api_->install_security_groups(routes);
    api_->install_quotas(routes);
    api_->install_extensions(routes);
    api_->install_tags(routes);
  }

  void stop() override {
    for (auto* hdl : {&network_, &region_}) {
      if (*hdl) {
        caf::anon_send_exit(*hdl, caf::exit_reason::user_shutdown);
        *hdl = caf::actor{};
      }
    }
  }

private:
  status wait_until_loaded() {
    caf::scoped_actor self{*system_};
    status out;
    self
      ->request(region_, std::chrono::seconds{120}, std::string{registry_id},
                caf::make_message(actor::version_atom::value))
      .receive([](uint64_t) {},
               [&](caf::error& err) { out = actor::from_caf_error(err); });
    return out;
  }

  caf::actor_system* system_ = nullptr;
  caf::actor region_;
  caf::actor network_;
  std::shared_ptr<network_client> client_;
  std::unique_ptr<api::neutron_api> api_;
};

} // namespace

std::unique_ptr<service::service_module> make_network_module() {
  return std::make_unique<network_module>();
}

} // namespace strato::network
