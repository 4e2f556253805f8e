#include "actors/compute_agent/compute_agent_module.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/compute_agent/agent_router.hpp"
#include "actors/compute_agent/host_agent.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/server/config.hpp"

namespace strato::compute_agent {

namespace {

std::vector<std::string> host_names(const server::node_config& config) {
  auto base = config.compute_host.empty() ? machine_hostname()
                                          : config.compute_host;
  auto count = config.hypervisor == "fake" ? config.fake_compute_hosts : 1;
  if (count <= 1) {
    return {base};
  }
  std::vector<std::string> names;
  names.reserve(count);
  for (size_t i = 1; i <= count; ++i) {
    names.push_back(base + "-" + std::to_string(i));
  }
  return names;
}

hypervisor::driver_config
driver_config_for(const server::node_config& config,
                  const std::string& hostname,
                  const std::shared_ptr<hypervisor::fake_host_registry>& peers) {
  hypervisor::driver_config out;
  out.kind = config.hypervisor;
  out.libvirt_uri = config.libvirt_uri;
  out.libvirt_virt_type = config.libvirt_virt_type;
  out.instances_dir = config.data_dir + "/instances";
  out.fake.hostname = hostname;
  out.fake.peers = peers; // Live migration between this node's fake hosts.
  return out;
}

} // namespace

std::string machine_hostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "localhost";
  }
  return name;
}

result<std::map<std::string, caf::actor>>
spawn_local_host_agents(caf::actor_system& system,
                        const server::node_config& config,
                        const std::shared_ptr<blocking_pool>& pool,
                        const caf::actor& scheduler) {
  std::map<std::string, caf::actor> agents;
  // Live migration works between the fake hosts of one node.
  auto peers = hypervisor::make_fake_host_registry();
  for (const auto& hostname : host_names(config)) {
    auto driver = hypervisor::make_hypervisor_driver(
      driver_config_for(config, hostname, peers));
    if (!driver.ok()) {
      for (auto& [name, agent] : agents) {
        caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
      }
      return status{driver.error().code(),
                    "hypervisor for " + hostname + ": "
                      + driver.error().message()};
    }
    agent_options options;
    options.hostname = hostname;
    options.driver = std::move(driver).value();
    options.pool = pool;
    options.scheduler = scheduler;
    agents.emplace(hostname, spawn_host_agent(system, std::move(options)));
  }
  return agents;
}

namespace {

class compute_agent_module final : public service::service_module {
public:
  std::string_view name() const override {
    return "compute_agent";
  }

  status start(service::service_context& context) override {
    pool_ = std::make_shared<blocking_pool>("hypervisor", hypervisor_threads);
    auto scheduler = context.actors.get("scheduler");
    std::map<std::string, caf::actor> agents;
    // A controller without the compute role runs no hypervisor itself: its
    // router starts empty and compute nodes attach their agents.
    if (server::has_role(context.config, "compute")) {
      auto spawned = spawn_local_host_agents(context.system, context.config,
                                             pool_, scheduler);
      if (!spawned) {
        return spawned.error();
      }
      agents = std::move(*spawned);
      spdlog::info("compute agent: {} host(s) on the {} hypervisor{}",
                   agents.size(), context.config.hypervisor,
                   scheduler ? "" : " (no scheduler to register with)");
    }
    // With a cluster, hosts of compute nodes come back a moment after a
    // controller restarts; operations resumed meanwhile wait for them.
    std::chrono::milliseconds grace{};
    if (!context.config.cluster_listen.empty()) {
      grace = std::max(std::chrono::milliseconds{5000},
                       2 * std::chrono::milliseconds{
                             context.config.suspect_after_ms});
    }
    router_ = spawn_agent_router(context.system, std::move(agents), grace);
    context.actors.put("compute-agent", router_);
    return {};
  }

  void install(http::router& /*routes*/) override {
    // The agent has no API of its own: the compute service speaks for it.
  }

  void stop() override {
    if (router_) {
      caf::anon_send_exit(router_, caf::exit_reason::user_shutdown);
      router_ = nullptr;
    }
    // The agents hold the pool too: its threads are joined when the last
    // agent has stopped, still inside the actor system, so no call is
    // posted to a pool that is gone.
    pool_.reset();
  }

private:
  std::shared_ptr<blocking_pool> pool_;
  caf::actor router_;
};

} // namespace

std::unique_ptr<service::service_module> make_compute_agent_module() {
  return std::make_unique<compute_agent_module>();
}

} // namespace strato::compute_agent
