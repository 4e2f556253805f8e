#include "actors/compute/entity/agent_listener.hpp"

#include <caf/all.hpp>

#include "actors/compute/core/server_index.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::compute {

namespace {

namespace agent = strato::compute_agent;

constexpr auto agent_timeout = std::chrono::seconds{30};

agent::expected_instances expected_on(const server_index& servers,
                                      const std::string& host) {
  agent::expected_instances out;
  servers.read([&](const auto& all) {
    for (const auto& [id, s] : all) {
      if (s.model.host != host) {
        continue;
      }
      out.instances.push_back(
        {id, s.model.vm_state,
         static_cast<hypervisor::power_state>(s.model.power_state),
         !s.model.task_state.empty()});
    }
    return 0;
  });
  return out;
}

void record(caf::event_based_actor* self, const caf::actor& instances,
            const std::string& uuid, int32_t kind, int32_t observed) {
  // Anonymous: the entity's answer (or error) is of no use here, and an
  // error sent back would stop this actor.
  (void)self;
  caf::anon_send(instances, uuid,
                 caf::make_message(power_sync_atom::value, kind, observed));
}

} // namespace

caf::actor spawn_agent_listener(caf::actor_system& sys,
                                caf::actor compute_agent,
                                caf::actor instances,
                                std::shared_ptr<const server_index> servers) {
  if (!compute_agent) {
    return {};
  }
  return actor::spawn_function(sys, [compute_agent, instances,
                    servers](caf::event_based_actor* self) -> caf::behavior {
    self->request(compute_agent, agent_timeout, agent::agent_hosts_atom::value)
      .then(
        [self, compute_agent](std::vector<std::string>& hosts) {
          for (const auto& host : hosts) {
            self->request(compute_agent, agent_timeout, host,
                          caf::make_message(agent::agent_subscribe_atom::value,
                                            caf::actor{self}))
              .then([](bool) {}, [](caf::error&) {});
          }
        },
        [](caf::error&) {});
    return {
      [servers](agent::agent_expected_atom, const std::string& host) {
        return expected_on(*servers, host);
      },
      [self, instances](agent::agent_power_sync_atom,
                        const agent::power_sync_report& report) {
        for (const auto& c : report.corrections) {
          record(self, instances, c.uuid, static_cast<int32_t>(c.action),
                 static_cast<int32_t>(c.observed));
        }
      },
      [self, instances](agent::agent_lifecycle_atom, const std::string&,
                        const hypervisor::lifecycle_event& ev) {
        record(self, instances, ev.uuid, 0, static_cast<int32_t>(ev.state));
      },
    };
  });
}

} // namespace strato::compute
