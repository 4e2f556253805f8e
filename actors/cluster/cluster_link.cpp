#include "actors/cluster/cluster_link.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/cluster/cluster_protocol.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::cluster {

namespace {

using connect_atom = caf::atom_constant<caf::atom("clconnect")>;
using connected_atom = caf::atom_constant<caf::atom("clconnd")>;
using beat_atom = caf::atom_constant<caf::atom("clbeatnow")>;

struct link_state {
  link_options options;
  caf::actor controller;
  size_t next_address = 0;
  /// Bumped on every (re)join, so that the beat loop of an older
  /// connection stops.
  uint64_t generation = 0;
  std::chrono::milliseconds heartbeat{1000};
  bool connecting = false;
  static inline const char* name = "cluster_link";
};

using link_actor = caf::stateful_actor<link_state>;

void connect(link_actor* self);

void retry_later(link_actor* self) {
  self->state.connecting = false;
  self->delayed_send(self, self->state.options.retry, connect_atom::value);
}

void join(link_actor* self) {
  auto& st = self->state;
  node_hello hello;
  hello.name = st.options.name;
  hello.incarnation = st.options.incarnation;
  hello.roles = st.options.roles;
  hello.agents = st.options.agents;
  auto generation = ++st.generation;
  self->request(st.controller, std::chrono::seconds{10}, join_atom::value,
                std::move(hello))
      .then(
          [self, generation](join_welcome& welcome) {
            auto& st = self->state;
            if (generation != st.generation) {
              return;
            }
            spdlog::info("cluster: {} joined the controller", st.options.name);
            st.heartbeat = std::chrono::milliseconds{
                std::max<uint32_t>(welcome.heartbeat_ms, 50)};
            for (const auto& [host, agent] : st.options.agents) {
              caf::anon_send(agent, compute_agent::agent_scheduler_atom::value,
                             welcome.scheduler);
            }
            self->delayed_send(self, st.heartbeat, beat_atom::value,
                               generation);
          },
          [self](caf::error& err) {
            spdlog::warn("cluster: join refused or lost: {}",
                         self->system().render(err));
            self->state.controller = nullptr;
            retry_later(self);
          });
}

void connect(link_actor* self) {
  auto& st = self->state;
  if (st.connecting || st.controller || st.options.controllers.empty()) {
    return;
  }
  st.connecting = true;
  auto [host, port] =
      st.options.controllers[st.next_address++ % st.options.controllers.size()];
  auto me = caf::actor_cast<caf::actor>(self);
  auto* system = &self->system();
  // remote_actor blocks on the TCP handshake: never on an actor thread.
  auto tls = st.options.tls;
  st.options.pool->post([me, system, host, port, tls] {
    auto remote = tls ? caf::openssl::remote_actor(*system, host, port)
                      : system->middleman().remote_actor(host, port);
    if (remote) {
      caf::anon_send(me, connected_atom::value, *remote);
    } else {
      spdlog::debug("cluster: cannot reach {}:{}: {}", host, port,
                    system->render(remote.error()));
      caf::anon_send(me, connected_atom::value, caf::actor{});
    }
  });
}

caf::behavior cluster_link(link_actor* self, link_options options) {
  for (const auto& [host, agent] : options.agents) {
    self->link_to(agent);
  }
  self->state.options = std::move(options);
  self->set_down_handler([self](caf::down_msg& down) {
    if (self->state.controller &&
        down.source == self->state.controller.address()) {
      spdlog::warn("cluster: lost the controller: {}",
                   self->system().render(down.reason));
      self->state.controller = nullptr;
      ++self->state.generation;
      retry_later(self);
    }
  });
  self->send(self, connect_atom::value);
  return {
      [self](connect_atom) { connect(self); },
      [self](connected_atom, caf::actor& controller) {
        self->state.connecting = false;
        if (!controller) {
          retry_later(self);
          return;
        }
        self->monitor(controller);
        self->state.controller = std::move(controller);
        join(self);
      },
      [self](beat_atom, uint64_t generation) {
        auto& st = self->state;
        if (generation != st.generation || !st.controller) {
          return;
        }
        self->request(st.controller, st.heartbeat * 4, heartbeat_atom::value,
                      st.options.name, st.options.incarnation)
            .then(
                [self, generation](bool known) {
                  if (!known && generation == self->state.generation) {
                    // Declared down meanwhile (a partition): join afresh.
                    spdlog::warn(
                        "cluster: the controller forgot {}; joining again",
                        self->state.options.name);
                    join(self);
                  }
                },
                [](caf::error&) {
                  // A lost connection arrives as a down message; a slow answer
                  // is followed by the next beat.
                });
        self->delayed_send(self, st.heartbeat, beat_atom::value, generation);
      },
      [self](leave_atom) {
        auto& st = self->state;
        auto promise = self->make_response_promise();
        if (!st.controller) {
          promise.deliver(false);
          return;
        }
        ++st.generation; // Stop beating.
        self->request(st.controller, std::chrono::seconds{5}, leave_atom::value,
                      st.options.name)
            .then([promise](bool left) mutable { promise.deliver(left); },
                  [promise](caf::error&) mutable { promise.deliver(false); });
      },
      [self](members_atom) {
        return static_cast<bool>(self->state.controller) &&
               self->state.heartbeat.count() > 0;
      },
  };
}

} // namespace

caf::actor spawn_cluster_link(caf::actor_system& system, link_options options) {
  return system.spawn(cluster_link, std::move(options));
}

} // namespace strato::cluster
