#include "actors/scheduler/placement/shard_actor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <map>

#include "runtime/actor/atoms.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/entity_history.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/event_store.hpp"

namespace strato::scheduler {

namespace {

using actor::loaded_atom;
using actor::persist_outcome;
using actor::persisted_atom;

struct shard_actor_state {
  shard_state model;
  shard_env env;
  std::string stream;
  uint64_t version = 0; ///< Events appended (or queued to be) so far.
  uint64_t ticket = 0;
  std::map<uint64_t, std::function<void(const status&)>> waiting;

  static inline const char* name = "strato.placement_shard";
};

using shard_actor = caf::stateful_actor<shard_actor_state>;

status replay(shard_actor* self, actor::entity_history& history) {
  auto& st = self->state;
  if (!history.outcome.ok()) {
    return history.outcome;
  }
  strato::placement::v1::PlacementEvent pb;
  for (const auto& rec : history.events) {
    if (!pb.ParseFromString(rec.payload)) {
      return {errc::corruption, st.stream + " event " + std::to_string(rec.sequence)
                                  + " cannot be decoded"};
    }
    auto ev = decode(pb);
    if (!ev) {
      return ev.error();
    }
    // Only changes that applied were recorded, so each applies again.
    if (auto applied = st.model.replay(*ev); !applied.ok()) {
      return {errc::corruption, st.stream + " event " + std::to_string(rec.sequence)
                                  + " does not apply: " + applied.describe()};
    }
    st.version = rec.sequence;
  }
  return {};
}

void fail_all(shard_actor* self, const status& why) {
  auto waiting = std::move(self->state.waiting);
  for (auto& [ticket, done] : waiting) {
    done(why);
  }
  self->quit(actor::to_caf_error(why));
}

/// Persists what the last command recorded, then calls `done`.
void persist(shard_actor* self, std::function<void(const status&)> done) {
  auto& st = self->state;
  auto events = st.model.take_recorded();
  if (events.empty()) {
    done({});
    return;
  }
  store::append_request req{st.stream, st.version, {}, {}, {}};
  for (const auto& ev : events) {
    req.events.push_back({"strato.placement.v1.PlacementEvent",
                          encode(ev).SerializeAsString()});
  }
  st.version += events.size();
  auto ticket = ++st.ticket;
  st.waiting.emplace(ticket, std::move(done));
  auto hdl = caf::actor_cast<caf::actor>(self);
  st.env.store->append(std::move(req), [hdl, ticket](result<store::append_result> res) {
    caf::anon_send(hdl, persisted_atom::value, persist_outcome{ticket, std::move(res)});
  });
}

void on_persisted(shard_actor* self, persist_outcome& out) {
  auto& waiting = self->state.waiting;
  auto it = waiting.find(out.ticket);
  if (it == waiting.end()) {
    return;
  }
  if (!out.outcome.ok()) {
    spdlog::error("{}: append failed, reloading: {}", self->state.stream,
                  out.outcome.error().describe());
    fail_all(self, out.outcome.error());
    return;
  }
  auto done = std::move(it->second);
  waiting.erase(it);
  done({});
}

/// Replies `value` (or the command's error) once its changes are durable.
template <class T>
caf::response_promise answer(shard_actor* self, result<T> value) {
  auto rp = self->make_response_promise();
  persist(self, [rp, value = std::move(value)](const status& stored) mutable {
    if (!stored.ok()) {
      rp.deliver(actor::to_caf_error(stored));
    } else if (!value.ok()) {
      rp.deliver(actor::to_caf_error(value.error()));
    } else {
      rp.deliver(std::move(value.value()));
    }
  });
  return rp;
}

result<bool> done_or(const status& st) {
  if (!st.ok()) {
    return st;
  }
  return true;
}

caf::behavior ready(shard_actor* self) {
  auto& m = self->state.model;
  return {
    [self, &m](register_host_atom, const compute_host& h) {
      return answer(self, m.register_host(h));
    },
    [self, &m](set_host_up_atom, const std::string& host, bool up) {
      return answer(self, done_or(m.set_host_state(host, &up, nullptr)));
    },
    [self, &m](set_host_enabled_atom, const std::string& host, bool enabled) {
      return answer(self, done_or(m.set_host_state(host, nullptr, &enabled)));
    },
    [&m](list_hosts_atom) { return m.summaries(); },
    [self, &m](select_destinations_atom, const destination_request& req) {
      return answer(self, result<shard_selection>{m.select(req)});
    },
    [&m](get_allocations_atom, const std::string& consumer) {
      return m.allocations_of(consumer);
    },
    [self, &m](free_allocations_atom, const std::string& consumer) {
      return answer(self, result<bool>{m.free(consumer)});
    },
    [self, &m](move_allocations_atom, const std::string& from, const std::string& to) {
      return answer(self, done_or(m.move(from, to)));
    },
    [self, &m](replace_allocations_atom, const consumer_claim& claim) {
      return answer(self, done_or(m.replace(claim)));
    },
    [self, &m](shard_run_atom, shard_command& cmd) {
      return answer(self, cmd.run(m));
    },
    [self](persisted_atom, persist_outcome& out) { on_persisted(self, out); },
  };
}

caf::behavior shard_main(shard_actor* self, uint32_t shard, shard_env env) {
  auto& st = self->state;
  st.stream = shard_stream(shard);
  st.model = shard_state{env.config};
  st.env = env;
  self->set_default_handler(caf::skip);
  env.pool->post([hdl = caf::actor_cast<caf::actor>(self), store = env.store,
                  stream = st.stream] {
    caf::anon_send(hdl, loaded_atom::value, actor::load_history(*store, stream));
  });
  return {
    [self](loaded_atom, actor::entity_history& history) {
      if (auto ok = replay(self, history); !ok.ok()) {
        spdlog::error("cannot load {}: {}", self->state.stream, ok.describe());
        self->quit(actor::to_caf_error(ok));
        return;
      }
      self->set_default_handler(caf::print_and_drop);
      self->become(ready(self));
    },
  };
}

} // namespace

std::string shard_stream(uint32_t shard) {
  return "placement/shard-" + std::to_string(shard);
}

caf::actor spawn_shard(caf::actor_system& sys, uint32_t shard, const shard_env& env) {
  return sys.spawn(shard_main, shard, env);
}

} // namespace strato::scheduler
