#pragma once

/// Event-sourced entity actors.
///
/// An entity is one actor per (kind, id) whose state is the fold of its event
/// stream "<kind>/<id>". Its life:
///
///   spawn ──> loading ──(history loaded on the blocking pool)──> ready
///                                                                 │  ▲
///                      command: decide → events ─── persist ──────┘  │
///                                                   awaiting ────────┘
///                                              (append durable: apply, reply)
///
/// While loading or awaiting an append, other messages stay in the mailbox
/// (CAF `skip`), so every command is decided against the state that includes
/// all earlier commands. A command that produces no events writes nothing.
///
/// An Aggregate is a plain struct, free of CAF and I/O:
///   using event_type = <protobuf message, usually a oneof>;
///   static constexpr std::string_view kind = "counter";
///   void apply(const event_type&);              // total, no side effects
///   std::string snapshot_state() const;         // serialized state
///   status restore(std::string_view state);     // inverse of snapshot_state
///   bool passivation_allowed() const;           // optional; default true
///   void attach(const entity_env&);             // optional; before loading
/// The actor's command handlers come from a `behavior_factory`.

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/actor/atoms.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/entity_history.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::actor {

/// What every entity of a node shares.
struct entity_env {
  store::event_store* store = nullptr;
  blocking_pool* pool = nullptr;
  /// Take a snapshot every this many events (0: never).
  uint64_t snapshot_every = 0;
  /// Shared by the entities of one kind and their readers, e.g. a read view
  /// an aggregate publishes into; handed to `Aggregate::attach` if it has one.
  std::shared_ptr<void> extension;
};

template <class Aggregate>
struct entity_state {
  Aggregate model;
  std::string stream;
  uint64_t version = 0;
  uint64_t snapshot_version = 0;
  entity_env env;
  uint64_t ticket = 0;
  std::vector<typename Aggregate::event_type> pending_events;
  std::function<void(const status&)> pending_done;

  static inline const char* name = "strato.entity";
};

template <class Aggregate>
using entity_actor = caf::stateful_actor<entity_state<Aggregate>>;

template <class Aggregate>
using behavior_factory = caf::message_handler (*)(entity_actor<Aggregate>*);

/// Replies to messages no handler matched with `sec::unexpected_message`,
/// without CAF's print to stderr.
caf::result<caf::message> reject_unexpected(caf::scheduled_actor* self,
                                            caf::message_view& msg);

/// Turns an exception escaping a handler into a logged crash; the region
/// restarts the entity from its history.
caf::error log_exception(caf::scheduled_actor* self, std::exception_ptr& eptr);

namespace internal {

template <class Aggregate>
void enter_ready(entity_actor<Aggregate>* self) {
  self->set_default_handler(reject_unexpected);
}

template <class Aggregate>
void take_snapshot_if_due(entity_actor<Aggregate>* self) {
  auto& st = self->state;
  if (st.env.snapshot_every == 0
      || st.version - st.snapshot_version < st.env.snapshot_every) {
    return;
  }
  st.snapshot_version = st.version;
  store::snapshot snap{st.version, std::string{Aggregate::kind} + ".state",
                       st.model.snapshot_state()};
  st.env.pool->post([store = st.env.store, stream = st.stream,
                     snap = std::move(snap)] {
    // A lost snapshot costs replay time, not data: log and go on.
    if (auto saved = store->save_snapshot(stream, snap); !saved.ok()) {
      spdlog::warn("snapshot of {} failed: {}", stream, saved.describe());
    }
  });
}

template <class Aggregate>
void finish_persist(entity_actor<Aggregate>* self, persist_outcome& out) {
  auto& st = self->state;
  self->unbecome();
  enter_ready(self);
  auto done = std::move(st.pending_done);
  auto events = std::move(st.pending_events);
  if (!out.outcome.ok()) {
    done(out.outcome.error());
    if (out.outcome.error().code() == errc::conflict) {
      // Someone else wrote our stream: our state is stale. Let the region
      // restart us from the stored history.
      self->quit(to_caf_error(out.outcome.error()));
    }
    return;
  }
  for (auto& ev : events) {
    st.model.apply(ev);
  }
  st.version = out.outcome->last_sequence;
  take_snapshot_if_due(self);
  done(status{});
}

template <class Aggregate>
status restore(entity_actor<Aggregate>* self, entity_history& history) {
  if (!history.outcome.ok()) {
    return history.outcome;
  }
  auto& st = self->state;
  if (history.snapshot) {
    if (auto ok = st.model.restore(history.snapshot->state); !ok.ok()) {
      return ok;
    }
    st.version = st.snapshot_version = history.snapshot->version;
  }
  typename Aggregate::event_type ev;
  for (auto& rec : history.events) {
    if (!ev.ParseFromString(rec.payload)) {
      return {errc::corruption, st.stream + " event "
                                  + std::to_string(rec.sequence)
                                  + " cannot be decoded"};
    }
    st.model.apply(ev);
    st.version = rec.sequence;
  }
  take_snapshot_if_due(self);
  return {};
}

template <class Aggregate>
caf::message_handler framework_handlers(entity_actor<Aggregate>* self) {
  return {
    [self](passivate_atom) {
      bool allowed = true;
      if constexpr (requires { self->state.model.passivation_allowed(); }) {
        allowed = self->state.model.passivation_allowed();
      }
      if (allowed) {
        self->quit();
      }
      return allowed;
    },
    [self](version_atom) { return self->state.version; },
  };
}

} // namespace internal

/// Persists `events` (decided by the caller against the current state), then
/// applies them and answers the current request with `make_reply(model)`.
/// On failure the state is unchanged and the requester gets the error.
template <class Aggregate, class MakeReply>
caf::response_promise
persist(entity_actor<Aggregate>* self,
        std::vector<typename Aggregate::event_type> events,
        std::string correlation_id, MakeReply make_reply) {
  auto& st = self->state;
  auto rp = self->make_response_promise();
  store::append_request req{st.stream, st.version, {},
                            std::move(correlation_id), {}};
  req.events.reserve(events.size());
  for (auto& ev : events) {
    req.events.push_back({ev.GetTypeName(), ev.SerializeAsString()});
  }
  st.pending_events = std::move(events);
  st.pending_done = [self, rp,
                     make_reply = std::move(make_reply)](const status& res) mutable {
    if (res.ok()) {
      rp.deliver(make_reply(self->state.model));
    } else {
      rp.deliver(to_caf_error(res));
    }
  };
  auto ticket = ++st.ticket;
  auto hdl = caf::actor_cast<caf::actor>(self);
  st.env.store->append(std::move(req),
                       [hdl, ticket](result<store::append_result> res) {
                         caf::anon_send(hdl, persisted_atom::value,
                                        persist_outcome{ticket, std::move(res)});
                       });
  self->set_default_handler(caf::skip);
  self->become(caf::keep_behavior, [self](persisted_atom, persist_outcome& out) {
    internal::finish_persist(self, out);
  });
  return rp;
}

/// The actor body of every entity; spawned by its shard region.
template <class Aggregate>
caf::behavior entity_main(entity_actor<Aggregate>* self, std::string id,
                          entity_env env, behavior_factory<Aggregate> make) {
  auto& st = self->state;
  st.stream = std::string{Aggregate::kind} + "/" + id;
  st.env = env;
  if constexpr (requires { st.model.attach(env); }) {
    st.model.attach(env);
  }
  self->set_default_handler(caf::skip);
  self->set_exception_handler(log_exception);
  env.pool->post([hdl = caf::actor_cast<caf::actor>(self), store = env.store,
                  stream = st.stream] {
    caf::anon_send(hdl, loaded_atom::value, load_history(*store, stream));
  });
  return {
    [self, make](loaded_atom, entity_history& history) {
      if (auto restored = internal::restore(self, history); !restored.ok()) {
        spdlog::error("cannot load {}: {}", self->state.stream,
                      restored.describe());
        self->quit(to_caf_error(restored));
        return;
      }
      internal::enter_ready(self);
      self->become(make(self).or_else(internal::framework_handlers(self)));
    },
  };
}

/// Spawns entities of one kind for a shard region.
using entity_spawner
  = std::function<caf::actor(caf::actor_system&, const std::string& id)>;

template <class Aggregate>
entity_spawner make_spawner(entity_env env, behavior_factory<Aggregate> make) {
  return [env, make](caf::actor_system& sys, const std::string& id) {
    return sys.spawn(entity_main<Aggregate>, id, env, make);
  };
}

} // namespace strato::actor
