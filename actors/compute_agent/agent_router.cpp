#include "actors/compute_agent/agent_router.hpp"

#include <caf/all.hpp>

#include "actors/compute_agent/agent_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::compute_agent {

namespace {

struct router_state {
  std::map<std::string, caf::actor> agents;
  static inline const char* name = "compute_agent_router";
};

using router_actor = caf::stateful_actor<router_state>;

caf::behavior agent_router(router_actor* self,
                           std::map<std::string, caf::actor> agents) {
  for (const auto& [hostname, agent] : agents) {
    self->link_to(agent);
  }
  self->state.agents = std::move(agents);
  return {
    [self](const std::string& hostname, caf::message& inner) {
      auto it = self->state.agents.find(hostname);
      if (it == self->state.agents.end()) {
        self->make_response_promise().deliver(actor::to_caf_error(
          errc::not_found, "no compute agent for host '" + hostname + "'"));
        return;
      }
      // The agent answers the original sender directly.
      self->delegate(it->second, std::move(inner));
    },
    [self](agent_hosts_atom) {
      std::vector<std::string> hosts;
      hosts.reserve(self->state.agents.size());
      for (const auto& entry : self->state.agents) {
        hosts.push_back(entry.first);
      }
      return hosts;
    },
    [self](agent_subscribe_atom, const caf::actor& listener) {
      for (const auto& entry : self->state.agents) {
        self->send(entry.second, agent_subscribe_atom::value, listener);
      }
      return true;
    },
  };
}

} // namespace

caf::actor spawn_agent_router(caf::actor_system& system,
                              std::map<std::string, caf::actor> agents) {
  return system.spawn(agent_router, std::move(agents));
}

} // namespace strato::compute_agent
