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
  /// What runs, on this actor, once an event it appended is durable.
  std::map<uint64_t, std::function<void(const status&)>> after_record;
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

/// Appends one event to "node/<name>"; `then` runs on this actor once the
/// event is durable, or could not be written.
void record(membership_actor* self, const std::string& name,
            const v1::NodeEvent& event,
            std::function<void(const status&)> then) {
  store::append_request request;
  request.stream = "node/" + name;
  // One membership actor per controller writes these streams: there is no
  // competing writer to detect.
  request.expected_version = store::any_version;
  request.events.push_back({event.GetTypeName(), event.SerializeAsString()});
  auto ticket = self->state.next_ticket++;
  self->state.after_record.emplace(ticket, std::move(then));
  auto me = caf::actor_cast<caf::actor>(self);
  self->state.options.store->append(
      std::move(request), [me, ticket](result<store::append_result> r) {
        caf::anon_send(me, recorded_atom::value, ticket, r.ok(),
                       r ? std::string{} : r.error().message());
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

/// `recorded` runs once the event is durable (or could not be written); by
/// default a failure is logged.
void declare_down(membership_actor* self, member& m, const std::string& why,
                  bool left, std::function<void(const status&)> recorded = {}) {
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
    recorded = [name](const status& st) {
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
        auto name = hello.name;
        // Acknowledged only once the join is on disk.
        record(self, name, event,
               [self, join = pending_join{std::move(hello), std::move(link),
                                          std::move(promise)}](
                   const status& st) mutable {
                 if (!st.ok()) {
                   join.promise.deliver(actor::to_caf_error(
                       errc::unavailable,
                       "could not record the join: " + st.message()));
                   return;
                 }
                 admit(self, std::move(join));
               });
      },
      [self](recorded_atom, uint64_t ticket, bool ok,
             const std::string& message) {
        auto it = self->state.after_record.find(ticket);
        if (it == self->state.after_record.end()) {
          return;
        }
        auto then = std::move(it->second);
        self->state.after_record.erase(it);
        then(ok ? status{} : status{errc::unavailable, message});
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
        declare_down(self, it->second, "left the cluster", true,
                     [promise](const status& st) mutable {
                       if (st.ok()) {
                         promise.deliver(true);
                       } else {
                         promise.deliver(actor::to_caf_error(
                             errc::unavailable,
                             "could not record the leave: " + st.message()));
                       }
                     });
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
