#include "actors/compute/entity/agent_listener.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

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

void record(const caf::actor& instances, const std::string& host,
            const std::string& uuid, int32_t kind, int32_t observed) {
  // Anonymous: the entity's answer (or error) is of no use here, and an
  // error sent back would stop this actor.
  caf::anon_send(instances, uuid,
                 caf::make_message(power_sync_atom::value, kind, observed,
                                   host));
}

/// Guests on `report.hostname` that are servers recorded on another host:
/// evacuated while this host was down. Guests we know nothing of are left
/// alone (they may not be ours).
std::vector<std::string>
evacuated_from(const server_index& servers,
               const agent::power_sync_report& report) {
  std::vector<std::string> out;
  servers.read([&](const auto& all) {
    for (const auto& uuid : report.unknown_guests) {
      auto it = all.find(uuid);
      if (it != all.end() && !it->second.model.host.empty()
          && it->second.model.host != report.hostname) {
        out.push_back(uuid);
      }
    }
    return 0;
  });
  return out;
}

/// Nova's _destroy_evacuated_instances: the server runs elsewhere now, so
/// the copy its old host still has must not run too.
void destroy_leftover(const caf::actor& compute_agent, const std::string& host,
                      const std::string& uuid) {
  spdlog::warn("compute: destroying {} on {}: it was evacuated from there",
               uuid, host);
  agent::instance_command cmd;
  cmd.operation = agent::instance_operation::destroy;
  cmd.uuid = uuid;
  caf::anon_send(compute_agent, host,
                 caf::make_message(agent::agent_run_atom::value,
                                   std::move(cmd)));
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
    // Through the router, so that hosts attached later (compute nodes
    // joining the cluster) are subscribed too.
    self->request(compute_agent, agent_timeout,
                  agent::agent_subscribe_atom::value, caf::actor{self})
      .then([](bool) {}, [](caf::error&) {});
    return {
      [servers](agent::agent_expected_atom, const std::string& host) {
        return expected_on(*servers, host);
      },
      [instances, compute_agent,
       servers](agent::agent_power_sync_atom,
                const agent::power_sync_report& report) {
        for (const auto& c : report.corrections) {
          record(instances, report.hostname, c.uuid,
                 static_cast<int32_t>(c.action),
                 static_cast<int32_t>(c.observed));
        }
        for (const auto& uuid : evacuated_from(*servers, report)) {
          destroy_leftover(compute_agent, report.hostname, uuid);
        }
      },
      [instances](agent::agent_lifecycle_atom, const std::string& host,
                  const hypervisor::lifecycle_event& ev) {
        record(instances, host, ev.uuid, 0, static_cast<int32_t>(ev.state));
      },
    };
  });
}

} // namespace strato::compute
