#include "actors/compute_agent/host_agent.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <unordered_map>

#include "actors/compute_agent/agent_atoms.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/compute_agent/driver_calls.hpp"
#include "actors/compute_agent/power_sync.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::compute_agent {

namespace {

using namespace internal;
using continuation = std::function<void(caf::message&)>;

struct pending_job {
  uint64_t ticket = 0;
  driver_work work;
};

struct agent_state {
  agent_options options;
  caf::actor listener;
  /// Per instance: the running job first, then those waiting for it.
  std::unordered_map<std::string, std::deque<pending_job>> queues;
  std::unordered_map<uint64_t, continuation> continuations;
  uint64_t next_ticket = 1;
  bool registered = false;
  bool up = true;
  /// Joined a controller and not power-synced since.
  bool rejoined = false;
  static inline const char* name = "compute_agent";
};

using agent_actor = caf::stateful_actor<agent_state>;

void start_job(agent_actor* self, const std::string& key, uint64_t ticket,
               driver_work work) {
  auto driver = self->state.options.driver;
  auto me = caf::actor_cast<caf::actor>(self);
  self->state.options.pool->post(
    [driver, me, key, ticket, work = std::move(work)] {
      auto reply = work(*driver);
      caf::anon_send(me, done_atom::value, ticket, key, std::move(reply));
    });
}

/// Runs `work` on the pool and `then` with its reply. Jobs with the same
/// non-empty `key` (an instance uuid) run one after the other.
void submit(agent_actor* self, const std::string& key, driver_work work,
            continuation then) {
  auto& st = self->state;
  auto ticket = st.next_ticket++;
  st.continuations.emplace(ticket, std::move(then));
  if (key.empty()) {
    start_job(self, key, ticket, std::move(work));
    return;
  }
  auto& queue = st.queues[key];
  queue.push_back({ticket, work});
  if (queue.size() == 1) {
    start_job(self, key, ticket, std::move(work));
  }
}

void on_done(agent_actor* self, uint64_t ticket, const std::string& key,
             caf::message& reply) {
  auto& st = self->state;
  if (!key.empty()) {
    auto queue = st.queues.find(key);
    if (queue != st.queues.end()) {
      queue->second.pop_front();
      if (queue->second.empty()) {
        st.queues.erase(queue);
      } else {
        auto& next = queue->second.front();
        start_job(self, key, next.ticket, next.work);
      }
    }
  }
  auto it = st.continuations.find(ticket);
  if (it == st.continuations.end()) {
    return;
  }
  auto then = std::move(it->second);
  st.continuations.erase(it);
  then(reply);
}

/// Answers the current request with whatever the job replies.
void submit_request(agent_actor* self, const std::string& key,
                    driver_work work) {
  auto promise = self->make_response_promise();
  submit(self, key, std::move(work),
         [promise](caf::message& reply) mutable {
           promise.deliver(std::move(reply));
         });
}

// -- power sync ---------------------------------------------------------------

struct sync_round {
  power_sync_plan plan;
  size_t remaining = 0;
  std::function<void(power_sync_report)> done;
};

void finish_round(agent_actor* self, const std::shared_ptr<sync_round>& round) {
  if (self->state.listener) {
    self->send(self->state.listener, agent_power_sync_atom::value,
               round->plan.report);
  }
  round->done(round->plan.report);
}

void carry_out(agent_actor* self, const std::shared_ptr<sync_round>& round) {
  round->remaining = round->plan.power_off.size();
  if (round->remaining == 0) {
    return finish_round(self, round);
  }
  for (const auto& uuid : round->plan.power_off) {
    submit(self, uuid, forced_power_off_work(uuid),
           [self, round, uuid](caf::message& reply) {
             if (reply.match_elements<caf::error>()) {
               // The guest keeps running; the next round tries again.
               std::erase_if(round->plan.report.corrections,
                             [&](const auto& c) { return c.uuid == uuid; });
             }
             if (--round->remaining == 0) {
               finish_round(self, round);
             }
           });
  }
}

void run_power_sync(agent_actor* self,
                    std::function<void(power_sync_report)> done) {
  auto& st = self->state;
  if (!st.listener) {
    return done(power_sync_report{st.options.hostname, 0, {}, {}});
  }
  auto fail = [self, done](caf::error&) {
    done(power_sync_report{self->state.options.hostname, 0, {}, {}});
  };
  self
    ->request(st.listener, st.options.ask_timeout, agent_expected_atom::value,
              st.options.hostname)
    .then(
      [self, done, fail](expected_instances& expected) {
        submit(self, "", list_work(self->state.options.hostname),
               [self, done, fail, expected](caf::message& reply) mutable {
                 if (!reply.match_elements<host_guests>()) {
                   caf::error err;
                   return fail(err);
                 }
                 std::set<std::string> busy;
                 for (const auto& [uuid, jobs] : self->state.queues) {
                   busy.insert(uuid);
                 }
                 auto round = std::make_shared<sync_round>();
                 round->plan = plan_power_sync(
                   self->state.options.hostname, expected,
                   reply.get_as<host_guests>(0).guests, busy);
                 round->done = done;
                 carry_out(self, round);
               });
      },
      fail);
}

// -- health and registration --------------------------------------------------

scheduler::compute_host to_compute_host(const std::string& hostname,
                                        const hypervisor::host_inventory& inv) {
  scheduler::compute_host host;
  host.hostname = hostname;
  host.vcpus = inv.vcpus;
  host.memory_mb = static_cast<int64_t>(inv.memory_mb);
  host.disk_gb = static_cast<int64_t>(inv.disk_gb);
  return host;
}

void report_health(agent_actor* self, bool up,
                   const hypervisor::host_inventory* inv) {
  auto& st = self->state;
  if (!st.options.scheduler) {
    st.up = up;
    return;
  }
  auto timeout = st.options.ask_timeout;
  if (!st.registered && inv != nullptr) {
    self
      ->request(st.options.scheduler, timeout,
                scheduler::register_host_atom::value,
                to_compute_host(st.options.hostname, *inv))
      .then([self](scheduler::host_registration&) {
              self->state.registered = true;
            },
            [self](caf::error& err) {
              spdlog::warn("compute host {} could not register: {}",
                           self->state.options.hostname, caf::to_string(err));
            });
  } else if (st.registered && up != st.up) {
    self
      ->request(st.options.scheduler, timeout,
                scheduler::set_host_up_atom::value, st.options.hostname, up)
      .then([](bool) {},
            [self, up](caf::error&) { self->state.up = !up; }); // retry
  }
  st.up = up;
}

void check_health(agent_actor* self) {
  submit(self, "", inventory_work(), [self](caf::message& reply) {
    if (reply.match_elements<hypervisor::host_inventory>()) {
      report_health(self, true, &reply.get_as<hypervisor::host_inventory>(0));
    } else {
      report_health(self, false, nullptr);
    }
  });
}

void probe_health(agent_actor* self) {
  check_health(self);
  if (self->state.options.health_interval.count() > 0) {
    self->delayed_send(self, self->state.options.health_interval,
                       health_atom::value);
  }
}

/// Spreads the hosts' first power sync over one period, so that thousands
/// of hosts do not all ask the compute service at once.
std::chrono::milliseconds first_sync_delay(const agent_options& options) {
  auto spread = std::hash<std::string>{}(options.hostname) % 1000;
  return options.power_sync_interval * static_cast<int64_t>(spread) / 1000 +
         std::chrono::milliseconds{1};
}

// -- behavior ----------------------------------------------------------------

void listen_to_driver(agent_actor* self) {
  caf::actor_addr me = self->address();
  self->state.options.driver->on_lifecycle(
    [me](hypervisor::lifecycle_event event) {
      // A weak address: the driver must not keep its agent alive.
      if (auto agent = caf::actor_cast<caf::actor>(me)) {
        caf::anon_send(agent, agent_lifecycle_atom::value, std::move(event));
      }
    });
  self->attach_functor([driver = self->state.options.driver] {
    driver->on_lifecycle(nullptr);
  });
}

void sync_after_rejoin(agent_actor* self) {
  self->state.rejoined = false;
  run_power_sync(self, [](const power_sync_report&) {});
}

caf::behavior host_agent(agent_actor* self, agent_options options) {
  self->state.options = std::move(options);
  listen_to_driver(self);
  self->set_down_handler([self](caf::down_msg& down) {
    if (down.source == self->state.listener.address()) {
      self->state.listener = nullptr;
    }
  });
  self->send(self, health_atom::value);
  if (self->state.options.power_sync_interval.count() > 0) {
    self->delayed_send(self, first_sync_delay(self->state.options),
                       sync_tick_atom::value);
  }
  return {
    [self](agent_run_atom, instance_command& cmd) {
      if (cmd.uuid.empty()) {
        return self->make_response_promise().deliver(actor::to_caf_error(
          errc::invalid_argument, "instance command without a uuid"));
      }
      auto key = cmd.uuid;
      submit_request(self, key, operation_work(std::move(cmd)));
    },
    [self](agent_info_atom, const std::string& uuid) {
      submit_request(self, "", info_work(uuid));
    },
    [self](agent_console_atom, const std::string& uuid, uint64_t max_bytes) {
      submit_request(self, "", console_work(uuid, max_bytes));
    },
    [self](agent_list_atom) {
      submit_request(self, "", list_work(self->state.options.hostname));
    },
    [self](agent_inventory_atom) {
      submit_request(self, "", inventory_work());
    },
    [self](agent_subscribe_atom, caf::actor& listener) {
      self->monitor(listener);
      self->state.listener = std::move(listener);
      if (self->state.rejoined) {
        sync_after_rejoin(self);
      }
      return true;
    },
    [self](agent_scheduler_atom, caf::actor& scheduler) {
      // A scheduler of a controller this node (re)joined: register afresh.
      self->state.options.scheduler = std::move(scheduler);
      self->state.registered = false;
      check_health(self);
      // The controller may have moved this host's servers meanwhile: a
      // power sync now lets it find the ones that must not run here.
      self->state.rejoined = true;
      if (self->state.listener) {
        sync_after_rejoin(self);
      }
      return true;
    },
    [self](agent_power_sync_atom) {
      auto promise = self->make_response_promise();
      run_power_sync(self, [promise](power_sync_report report) mutable {
        promise.deliver(std::move(report));
      });
    },
    [self](agent_lifecycle_atom, hypervisor::lifecycle_event& event) {
      if (!self->state.listener) {
        return;
      }
      // As Nova does, report the state the guest is in now rather than the
      // one the event names, and only after the instance's running
      // operation: a hard reboot's own stop is not the guest stopping.
      auto uuid = event.uuid;
      submit(
        self, uuid,
        [event](hypervisor::hypervisor_driver& driver) mutable {
          if (auto now = driver.info(event.uuid); now.ok()) {
            event.state = now->state;
          }
          return caf::make_message(std::move(event));
        },
        [self](caf::message& reply) {
          if (!self->state.listener
              || !reply.match_elements<hypervisor::lifecycle_event>()) {
            return;
          }
          self->send(self->state.listener, agent_lifecycle_atom::value,
                     self->state.options.hostname,
                     reply.get_as<hypervisor::lifecycle_event>(0));
        });
    },
    [self](done_atom, uint64_t ticket, const std::string& key,
           caf::message& reply) { on_done(self, ticket, key, reply); },
    [self](health_atom) { probe_health(self); },
    [self](sync_tick_atom) {
      run_power_sync(self, [](const power_sync_report&) {});
      self->delayed_send(self, self->state.options.power_sync_interval,
                         sync_tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_host_agent(caf::actor_system& system, agent_options options) {
  return system.spawn(host_agent, std::move(options));
}

} // namespace strato::compute_agent
