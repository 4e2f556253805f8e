#include "actors/compute_agent/agent_router.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/compute_agent/agent_protocol.hpp"
#include "runtime/actor/caf_error.hpp"

namespace strato::compute_agent {

namespace {

using grace_over_atom = caf::atom_constant<caf::atom("aggrace")>;

/// A request for a host no agent serves yet, held while agents may still
/// join (a controller that just restarted).
struct held_request {
  caf::response_promise promise;
  caf::message inner;
};

struct router_state {
  std::map<std::string, caf::actor> agents;
  /// Hosts whose agent lives on another node.
  std::set<std::string> remote;
  /// Remote hosts whose agent is gone (its node unreachable or down).
  std::set<std::string> away;
  caf::actor listener;
  /// Until the grace period is over, requests for unknown hosts wait.
  bool in_grace = false;
  std::map<std::string, std::vector<held_request>> held;
  static inline const char* name = "compute_agent_router";
};

using router_actor = caf::stateful_actor<router_state>;

void forget_agent(router_actor* self, const caf::actor_addr& agent) {
  auto& agents = self->state.agents;
  for (auto it = agents.begin(); it != agents.end();) {
    if (it->second.address() == agent) {
      spdlog::debug("compute agent of host {} is gone", it->first);
      self->state.away.insert(it->first);
      it = agents.erase(it);
    } else {
      ++it;
    }
  }
}

caf::error no_agent(router_actor* self, const std::string& hostname) {
  auto away = self->state.away.contains(hostname);
  return actor::to_caf_error(
      away ? errc::unavailable : errc::not_found,
      away ? "compute host '" + hostname + "' is unreachable"
           : "no compute agent for host '" + hostname + "'");
}

caf::behavior agent_router(router_actor* self,
                           std::map<std::string, caf::actor> agents,
                           std::chrono::milliseconds attach_grace) {
  if (attach_grace.count() > 0) {
    self->state.in_grace = true;
    self->delayed_send(self, attach_grace, grace_over_atom::value);
  }
  for (const auto& [hostname, agent] : agents) {
    self->link_to(agent);
  }
  self->state.agents = std::move(agents);
  self->set_down_handler(
      [self](caf::down_msg& down) { forget_agent(self, down.source); });
  return {
      [self](const std::string& hostname, caf::message& inner) {
        auto it = self->state.agents.find(hostname);
        if (it == self->state.agents.end()) {
          if (self->state.in_grace && !self->state.away.contains(hostname)) {
            self->state.held[hostname].push_back(
                {self->make_response_promise(), std::move(inner)});
            return;
          }
          self->make_response_promise().deliver(no_agent(self, hostname));
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
        self->state.listener = listener;
        for (const auto& entry : self->state.agents) {
          caf::anon_send(entry.second, agent_subscribe_atom::value, listener);
        }
        return true;
      },
      [self](agent_attach_atom, const std::string& hostname,
             const caf::actor& agent) {
        auto& st = self->state;
        auto it = st.agents.find(hostname);
        if (it != st.agents.end() && !st.remote.contains(hostname)) {
          // A local host keeps its own agent: two nodes claiming one host name
          // is an operator error, not a takeover.
          return false;
        }
        if (it != st.agents.end()) {
          self->demonitor(it->second);
        }
        self->monitor(agent);
        st.agents[hostname] = agent;
        st.remote.insert(hostname);
        st.away.erase(hostname);
        if (st.listener) {
          caf::anon_send(agent, agent_subscribe_atom::value, st.listener);
        }
        if (auto held = st.held.find(hostname); held != st.held.end()) {
          for (auto& request : held->second) {
            request.promise.delegate(agent, std::move(request.inner));
          }
          st.held.erase(held);
        }
        return true;
      },
      [self](grace_over_atom) {
        auto& st = self->state;
        st.in_grace = false;
        for (auto& [hostname, requests] : st.held) {
          for (auto& request : requests) {
            request.promise.deliver(no_agent(self, hostname));
          }
        }
        st.held.clear();
      },
      [self](agent_detach_atom, const std::string& hostname) {
        auto& st = self->state;
        if (!st.remote.contains(hostname)) {
          return false;
        }
        if (auto it = st.agents.find(hostname); it != st.agents.end()) {
          self->demonitor(it->second);
          st.agents.erase(it);
        }
        st.away.insert(hostname);
        return true;
      },
  };
}

} // namespace

caf::actor spawn_agent_router(caf::actor_system& system,
                              std::map<std::string, caf::actor> agents,
                              std::chrono::milliseconds attach_grace) {
  return system.spawn(agent_router, std::move(agents), attach_grace);
}

} // namespace strato::compute_agent
