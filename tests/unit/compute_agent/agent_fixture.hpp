#pragma once

// An actor system, a blocking pool and one host agent over a fake driver.

#include <caf/all.hpp>

#include <mutex>
#include <optional>

#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/compute_agent/host_agent.hpp"
#include "drivers/hypervisor/fake_hypervisor.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::testing {

/// What the test listener (the compute service's stand-in) saw.
struct listener_log {
  std::mutex mutex;
  compute_agent::expected_instances expected; ///< What it answers.
  std::vector<hypervisor::lifecycle_event> lifecycle;
  std::vector<compute_agent::power_sync_report> reports;
};

/// What the test scheduler saw.
struct scheduler_log {
  std::mutex mutex;
  std::vector<std::string> registered;
  std::vector<std::pair<std::string, bool>> up_changes;
};

class agent_fixture {
public:
  agent_fixture();
  ~agent_fixture();
  agent_fixture(const agent_fixture&) = delete;
  agent_fixture& operator=(const agent_fixture&) = delete;

  template <class T>
  result<T> ask(const caf::actor& dest, caf::message msg) {
    std::optional<result<T>> out;
    (*scoped_)->request(dest, std::chrono::seconds{10}, std::move(msg))
      .receive([&](T& value) { out.emplace(std::move(value)); },
               [&](caf::error& err) { out.emplace(actor::from_caf_error(err)); });
    return std::move(*out);
  }

  /// Spawns the agent (after any scheduler or listener it should know).
  void start(compute_agent::agent_options tweaks = {});

  result<compute_agent::instance_outcome>
  run(compute_agent::instance_operation op, const std::string& uuid);

  /// Spawns a listener that answers with `listener_log::expected`.
  caf::actor spawn_listener(std::shared_ptr<listener_log> log);
  caf::actor spawn_scheduler(std::shared_ptr<scheduler_log> log);

  caf::actor_system& system() {
    return *system_;
  }

  std::unique_ptr<caf::actor_system_config> config_;
  std::unique_ptr<caf::actor_system> system_;
  std::shared_ptr<blocking_pool> pool_;
  std::optional<caf::scoped_actor> scoped_;
  std::shared_ptr<hypervisor::fake_hypervisor> driver;
  caf::actor agent;
  std::vector<caf::actor> helpers;
};

compute_agent::instance_command command(compute_agent::instance_operation op,
                                        const std::string& uuid);

bool eventually(const std::function<bool()>& pred);

} // namespace strato::testing
