// A node that only runs compute host agents (`strato node --role compute
// --join ...`): no API, no event store. Its agents' state is the
// hypervisor's; the instances' history lives on the controllers.

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_link.hpp"
#include "actors/cluster/cluster_protocol.hpp"
#include "actors/compute_agent/compute_agent_module.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/http/server.hpp"
#include "runtime/server/node.hpp"
#include "runtime/server/system_config.hpp"

namespace strato::server {

namespace {

std::string default_node_name(const node_config& config) {
  if (!config.node_name.empty()) {
    return config.node_name;
  }
  return config.compute_host.empty() ? compute_agent::machine_hostname()
                                     : config.compute_host;
}

class compute_node final : public node {
public:
  explicit compute_node(node_config config) : config_(std::move(config)) {}

  ~compute_node() override { stop(); }

  status open() {
    auto lock = claim_data_dir(config_.data_dir);
    if (!lock) {
      return lock.error();
    }
    data_dir_lock_ = data_dir_lock{*lock};
    std::vector<std::pair<std::string, uint16_t>> controllers;
    for (const auto& address : split_list(config_.join)) {
      auto endpoint = http::parse_listen_address(address);
      if (!endpoint) {
        return {errc::invalid_argument,
                "--join: '" + address + "' is not HOST:PORT"};
      }
      controllers.push_back(std::move(*endpoint));
    }
    if (controllers.empty()) {
      return {errc::invalid_argument, "--join names no controller"};
    }
    connect_pool_ = std::make_unique<blocking_pool>("cluster", 1);
    hypervisor_pool_ = std::make_shared<blocking_pool>(
        "hypervisor", compute_agent::hypervisor_threads);
    system_config_ = std::make_unique<node_system_config>(config_, true);
    system_ = std::make_unique<caf::actor_system>(*system_config_);
    // The agents learn the scheduler when the link has joined.
    auto agents = compute_agent::spawn_local_host_agents(
        *system_, config_, hypervisor_pool_, caf::actor{});
    if (!agents) {
      return agents.error();
    }
    cluster::link_options options;
    options.name = default_node_name(config_);
    options.incarnation = new_uuid();
    options.roles = {"compute"};
    options.agents = std::move(*agents);
    options.controllers = std::move(controllers);
    options.pool = connect_pool_.get();
    options.tls = cluster_tls(config_);
    spdlog::info("compute node {}: {} host(s) on the {} hypervisor, joining {}",
                 options.name, options.agents.size(), config_.hypervisor,
                 config_.join);
    link_ = cluster::spawn_cluster_link(*system_, std::move(options));
    return {};
  }

  [[nodiscard]] uint16_t port() const noexcept override { return 0; }

  [[nodiscard]] std::string public_url() const override { return {}; }

  [[nodiscard]] std::string clouds_yaml() const override { return {}; }

  void stop() override {
    if (link_) {
      // A goodbye lets the controller mark the hosts down at once instead
      // of after the suspicion timeout.
      caf::scoped_actor self{*system_};
      self->request(link_, std::chrono::seconds{5}, cluster::leave_atom::value)
          .receive([](bool) {}, [](caf::error&) {});
      caf::anon_send_exit(link_, caf::exit_reason::user_shutdown);
      link_ = nullptr;
    }
    // The connect thread uses the middleman: join it while the system lives.
    connect_pool_.reset();
    hypervisor_pool_.reset(); // The agents hold it until they stop.
    system_.reset();          // Waits for the agents to finish.
    system_config_.reset();
    data_dir_lock_.release();
  }

private:
  node_config config_;
  data_dir_lock data_dir_lock_;
  std::unique_ptr<blocking_pool> connect_pool_;
  std::shared_ptr<blocking_pool> hypervisor_pool_;
  std::unique_ptr<caf::actor_system_config> system_config_;
  std::unique_ptr<caf::actor_system> system_;
  caf::actor link_;
};

} // namespace

result<std::unique_ptr<node>> start_compute_node(const node_config& config) {
  auto instance = std::make_unique<compute_node>(config);
  if (auto st = instance->open(); !st.ok()) {
    return st;
  }
  return std::unique_ptr<node>{std::move(instance)};
}

} // namespace strato::server
