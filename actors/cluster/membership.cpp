#include "actors/cluster/membership.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_protocol.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/scheduler/scheduler_protocol.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/service/host_board.hpp"
#include "runtime/store/event_store.hpp"
#include "strato/cluster/v1/membership.pb.h"

namespace strato::cluster {

namespace {

using clock = std::chrono::steady_clock;
using check_atom = caf::atom_constant<caf::atom("clcheck")>;
using recorded_atom = caf::atom_constant<caf::atom("clrecorded")>;
using left_recorded_atom = caf::atom_constant<caf::atom("clleft")>;

struct member {
  node_hello hello;
  caf::actor link; ///< The node's cluster link (a proxy), monitored.
  clock::time_point last_seen;
  bool up = false;
  bool left = false;
};

/// A join waiting for its Joined event to be durable.
struct pending_join {
  node_hello hello;
  caf::actor link;
  caf::response_promise promise;
};

struct membership_state {
  membership_options options;
  std::map<std::string, member> members;
  std::map<uint64_t, pending_join> pending;
  std::map<uint64_t, caf::response_promise> pending_leaves;
  uint64_t next_ticket = 1;
  static inline const char* name = "cluster_membership";
};

using membership_actor = caf::stateful_actor<membership_state>;

std::vector<std::string> host_names(const node_hello& hello) {
  std::vector<std::string> out;
  for (const auto& entry : hello.agents) {
    out.push_back(entry.first);
  }
  return out;
}

/// Appends one event to "node/<name>" and calls `done` on the store's
/// thread with whether it is durable.
void record(membership_actor* self, const std::string& name,
            const v1::NodeEvent& event, std::function<void(status)> done) {
  store::append_request request;
  request.stream = "node/" + name;
  // One membership actor per controller writes these streams: there is no
  // competing writer to detect.
  request.expected_version = store::any_version;
  request.events.push_back({event.GetTypeName(), event.SerializeAsString()});
  self->state.options.store->append(
      std::move(request),
      [done = std::move(done)](result<store::append_result> r) {
        done(r ? status{} : r.error());
      });
}

void set_hosts(membership_actor* self, const std::vector<std::string>& hosts,
               bool up) {
  auto& options = self->state.options;
  for (const auto& host : hosts) {
    if (options.hosts != nullptr) {
      options.hosts->set(host, up ? service::host_reachability::up
                                  : service::host_reachability::down);
    }
    if (options.scheduler) {
      // A host that never registered (its agent has not reported yet) is
      // not_found: it registers up by itself, nothing to undo.
      self->request(options.scheduler, std::chrono::seconds{10},
                    scheduler::set_host_up_atom::value, host, up)
          .then([](bool) {}, [](caf::error&) {});
    }
    if (!up && options.agent_router) {
      caf::anon_send(options.agent_router,
                     compute_agent::agent_detach_atom::value, host);
    }
  }
}

/// `recorded` runs on the store's thread once the event is durable (or
/// could not be written); by default a failure is logged.
void declare_down(membership_actor* self, member& m, const std::string& why,
                  bool left, std::function<void(status)> recorded = {}) {
  if (!m.up) {
    if (recorded) {
      recorded({});
    }
    return;
  }
  m.up = false;
  m.left = left;
  auto name = m.hello.name;
  spdlog::warn("cluster: node {} is {}: {}", name, left ? "leaving" : "down",
               why);
  v1::NodeEvent event;
  if (left) {
    event.mutable_left();
  } else {
    event.mutable_down()->set_reason(why);
  }
  if (!recorded) {
    recorded = [name](status st) {
      if (!st.ok()) {
        spdlog::error("cluster: could not record node {} down: {}", name,
                      st.message());
      }
    };
  }
  record(self, name, event, std::move(recorded));
  set_hosts(self, host_names(m.hello), false);
}

void admit(membership_actor* self, pending_join join) {
  auto& st = self->state;
  auto name = join.hello.name;
  auto& m = st.members[name];
  // Hosts the node no longer brings are down, not silently kept.
  std::vector<std::string> dropped;
  for (const auto& [host, agent] : m.hello.agents) {
    if (!join.hello.agents.contains(host)) {
      dropped.push_back(host);
    }
  }
  set_hosts(self, dropped, false);
  if (m.link && m.link != join.link) {
    self->demonitor(m.link);
  }
  if (!join.link) {
    join.promise.deliver(actor::to_caf_error(
        errc::invalid_argument, "a join must come from the node's link actor"));
    return;
  }
  m.hello = std::move(join.hello);
  m.link = join.link;
  m.last_seen = clock::now();
  m.up = true;
  m.left = false;
  self->monitor(m.link);
  for (const auto& [host, agent] : m.hello.agents) {
    caf::anon_send(st.options.agent_router,
                   compute_agent::agent_attach_atom::value, host, agent);
  }
  set_hosts(self, host_names(m.hello), true);
  spdlog::info("cluster: node {} joined with {} compute host(s)", name,
               m.hello.agents.size());
  join_welcome welcome;
  welcome.scheduler = st.options.scheduler;
  welcome.heartbeat_ms = static_cast<uint32_t>(st.options.heartbeat.count());
  join.promise.deliver(std::move(welcome));
}

void check_silence(membership_actor* self) {
  auto now = clock::now();
  for (auto& [name, m] : self->state.members) {
    auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(
        now - m.last_seen);
    if (m.up && silent > self->state.options.suspect_after) {
      declare_down(self, m,
                   "no heartbeat for " + std::to_string(silent.count()) + " ms",
                   false);
    }
  }
}

caf::behavior membership(membership_actor* self, membership_options options) {
  self->state.options = std::move(options);
  self->set_down_handler([self](caf::down_msg& down) {
    for (auto& [name, m] : self->state.members) {
      if (m.link && m.link.address() == down.source) {
        declare_down(self, m,
                     "connection lost (" + caf::to_string(down.reason) + ")",
                     false);
      }
    }
  });
  auto check_every = self->state.options.heartbeat;
  self->delayed_send(self, check_every, check_atom::value);
  return {
      [self](join_atom, node_hello& hello) {
        // Before the promise: making it takes the sender out of the message.
        auto link = caf::actor_cast<caf::actor>(self->current_sender());
        auto promise = self->make_response_promise();
        if (hello.name.empty() || hello.incarnation.empty()) {
          promise.deliver(
              actor::to_caf_error(errc::invalid_argument,
                                  "a node joins with a name and incarnation"));
          return;
        }
        v1::NodeEvent event;
        auto* joined = event.mutable_joined();
        for (const auto& role : hello.roles) {
          joined->add_roles(role);
        }
        for (const auto& [host, agent] : hello.agents) {
          joined->add_compute_hosts(host);
        }
        joined->set_incarnation(hello.incarnation);
        auto ticket = self->state.next_ticket++;
        auto name = hello.name;
        self->state.pending.emplace(ticket, pending_join{std::move(hello),
                                                         std::move(link),
                                                         std::move(promise)});
        // Acknowledged only once the join is on disk.
        auto me = caf::actor_cast<caf::actor>(self);
        record(self, name, event, [me, ticket](status st) {
          caf::anon_send(me, recorded_atom::value, ticket, st.ok(),
                         st.message());
        });
      },
      [self](recorded_atom, uint64_t ticket, bool ok,
             const std::string& message) {
        auto it = self->state.pending.find(ticket);
        if (it == self->state.pending.end()) {
          return;
        }
        auto join = std::move(it->second);
        self->state.pending.erase(it);
        if (!ok) {
          join.promise.deliver(actor::to_caf_error(
              errc::unavailable, "could not record the join: " + message));
          return;
        }
        admit(self, std::move(join));
      },
      [self](heartbeat_atom, const std::string& name,
             const std::string& incarnation) {
        auto it = self->state.members.find(name);
        if (it == self->state.members.end() || !it->second.up ||
            it->second.hello.incarnation != incarnation) {
          return false;
        }
        it->second.last_seen = clock::now();
        return true;
      },
      [self](leave_atom, const std::string& name) {
        auto promise = self->make_response_promise();
        auto it = self->state.members.find(name);
        if (it == self->state.members.end()) {
          promise.deliver(false);
          return;
        }
        // Acknowledged once Left is durable.
        auto ticket = self->state.next_ticket++;
        self->state.pending_leaves.emplace(ticket, std::move(promise));
        auto me = caf::actor_cast<caf::actor>(self);
        declare_down(self, it->second, "left the cluster", true,
                     [me, ticket](status st) {
                       caf::anon_send(me, left_recorded_atom::value, ticket,
                                      st.ok(), st.message());
                     });
      },
      [self](left_recorded_atom, uint64_t ticket, bool ok,
             const std::string& message) {
        auto it = self->state.pending_leaves.find(ticket);
        if (it == self->state.pending_leaves.end()) {
          return;
        }
        auto promise = std::move(it->second);
        self->state.pending_leaves.erase(it);
        if (ok) {
          promise.deliver(true);
        } else {
          promise.deliver(actor::to_caf_error(
              errc::unavailable, "could not record the leave: " + message));
        }
      },
      [self](members_atom) {
        std::vector<member_status> out;
        auto now = clock::now();
        for (const auto& [name, m] : self->state.members) {
          member_status status;
          status.name = name;
          status.incarnation = m.hello.incarnation;
          status.roles = m.hello.roles;
          status.compute_hosts = host_names(m.hello);
          status.up = m.up;
          status.left = m.left;
          status.silent_ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(now -
                                                                    m.last_seen)
                  .count();
          out.push_back(std::move(status));
        }
        return out;
      },
      [self, check_every](check_atom) {
        check_silence(self);
        self->delayed_send(self, check_every, check_atom::value);
      },
  };
}

} // namespace

caf::actor spawn_membership(caf::actor_system& system,
                            membership_options options) {
  return system.spawn(membership, std::move(options));
}

} // namespace strato::cluster
