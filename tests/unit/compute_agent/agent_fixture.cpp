#include "tests/unit/compute_agent/agent_fixture.hpp"

#include <thread>

#include "actors/scheduler/scheduler_protocol.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::testing {

using namespace compute_agent;

namespace {

struct test_system_config : caf::actor_system_config {
  test_system_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

} // namespace

agent_fixture::agent_fixture() {
  config_ = std::make_unique<test_system_config>();
  system_ = std::make_unique<caf::actor_system>(*config_);
  pool_ = std::make_shared<blocking_pool>("agent-test", 4);
  scoped_.emplace(*system_);
  hypervisor::fake_options fake;
  fake.hostname = "host-1";
  driver = std::make_shared<hypervisor::fake_hypervisor>(fake);
}

void agent_fixture::start(agent_options tweaks) {
  tweaks.hostname = tweaks.hostname.empty() ? "host-1" : tweaks.hostname;
  tweaks.driver = driver;
  tweaks.pool = pool_;
  agent = spawn_host_agent(*system_, std::move(tweaks));
}

agent_fixture::~agent_fixture() {
  caf::anon_send_exit(agent, caf::exit_reason::user_shutdown);
  for (auto& helper : helpers) {
    caf::anon_send_exit(helper, caf::exit_reason::user_shutdown);
  }
  agent = nullptr;
  helpers.clear();
  pool_.reset(); // the agent holds it until it has stopped
  scoped_.reset();
  system_.reset();
}

result<instance_outcome> agent_fixture::run(instance_operation op,
                                            const std::string& uuid) {
  return ask<instance_outcome>(
    agent, caf::make_message(agent_run_atom::value, command(op, uuid)));
}

caf::actor agent_fixture::spawn_listener(std::shared_ptr<listener_log> log) {
  auto listener = actor::spawn_function(*system_, [log](caf::event_based_actor*) -> caf::behavior {
    return {
      [log](agent_expected_atom, const std::string&) {
        std::lock_guard guard{log->mutex};
        return log->expected;
      },
      [log](agent_lifecycle_atom, const std::string&,
            hypervisor::lifecycle_event& event) {
        std::lock_guard guard{log->mutex};
        log->lifecycle.push_back(std::move(event));
      },
      [log](agent_power_sync_atom, power_sync_report& report) {
        std::lock_guard guard{log->mutex};
        log->reports.push_back(std::move(report));
      },
    };
  });
  helpers.push_back(listener);
  return listener;
}

caf::actor agent_fixture::spawn_scheduler(std::shared_ptr<scheduler_log> log) {
  auto scheduler = actor::spawn_function(*system_, [log](caf::event_based_actor*) -> caf::behavior {
    return {
      [log](scheduler::register_host_atom, const scheduler::compute_host& host) {
        std::lock_guard guard{log->mutex};
        log->registered.push_back(host.hostname + ":" +
                                  std::to_string(host.vcpus));
        return scheduler::host_registration{"rp-" + host.hostname, 1};
      },
      [log](scheduler::set_host_up_atom, const std::string& host, bool up) {
        std::lock_guard guard{log->mutex};
        log->up_changes.emplace_back(host, up);
        return true;
      },
    };
  });
  helpers.push_back(scheduler);
  return scheduler;
}

instance_command command(instance_operation op, const std::string& uuid) {
  instance_command cmd;
  cmd.operation = op;
  cmd.uuid = uuid;
  cmd.request_id = "req-" + uuid;
  cmd.spec.uuid = uuid;
  cmd.spec.name = "vm-" + uuid;
  cmd.timeout_s = 0;
  return cmd;
}

bool eventually(const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return pred();
}

} // namespace strato::testing
