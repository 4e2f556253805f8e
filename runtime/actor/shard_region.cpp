#include "runtime/actor/shard_region.hpp"

#include <deque>
#include <unordered_map>

namespace strato::actor {

namespace {

using clock = std::chrono::steady_clock;

struct slot {
  enum class phase { active, stopping, failed };
  caf::actor handle;
  phase current = phase::active;
  uint64_t last_tick = 0;
  std::deque<clock::time_point> crashes;
  std::vector<std::pair<caf::response_promise, caf::message>> waiting;
};

struct region_state {
  region_options options;
  std::unordered_map<std::string, slot> slots;
  std::unordered_map<caf::actor_id, std::string> ids;
  uint64_t tick = 0;
  region_stats stats;

  static inline const char* name = "strato.region";
};

using region_actor = caf::stateful_actor<region_state>;

slot& activate(region_actor* self, const std::string& id, slot& s) {
  auto& st = self->state;
  s.handle = st.options.spawn(self->home_system(), id);
  s.current = slot::phase::active;
  s.last_tick = st.tick;
  self->monitor(s.handle);
  st.ids[s.handle.id()] = id;
  ++st.stats.activations;
  for (auto& [rp, msg] : s.waiting) {
    rp.delegate(s.handle, std::move(msg));
  }
  s.waiting.clear();
  return s;
}

caf::error parked_error(const region_state& st, const std::string& id) {
  return to_caf_error(errc::entity_failed,
                      st.options.kind + "/" + id + " crashed more than "
                        + std::to_string(st.options.max_restarts)
                        + " times and is parked");
}

caf::result<caf::message> route(region_actor* self, const std::string& id,
                                caf::message& cmd) {
  auto& st = self->state;
  auto [it, fresh] = st.slots.try_emplace(id);
  auto& s = it->second;
  if (fresh) {
    activate(self, id, s);
  }
  switch (s.current) {
    case slot::phase::active:
      s.last_tick = st.tick;
      return self->delegate(s.handle, std::move(cmd));
    case slot::phase::stopping: {
      auto rp = self->make_response_promise();
      s.waiting.emplace_back(rp, std::move(cmd));
      return rp;
    }
    case slot::phase::failed:
      break;
  }
  return parked_error(st, id);
}

void resume_after_refusal(region_actor* self, const std::string& id) {
  auto& st = self->state;
  auto it = st.slots.find(id);
  if (it == st.slots.end() || it->second.current != slot::phase::stopping) {
    return;
  }
  auto& s = it->second;
  s.current = slot::phase::active;
  s.last_tick = st.tick;
  for (auto& [rp, msg] : s.waiting) {
    rp.delegate(s.handle, std::move(msg));
  }
  s.waiting.clear();
}

void sweep(region_actor* self) {
  auto& st = self->state;
  ++st.tick;
  auto idle_ticks = std::max<uint64_t>(
    1, st.options.idle_timeout / st.options.sweep_interval);
  for (auto& [id, s] : st.slots) {
    if (s.current != slot::phase::active || st.tick - s.last_tick < idle_ticks) {
      continue;
    }
    s.current = slot::phase::stopping;
    self->request(s.handle, caf::infinite, passivate_atom::value)
      .then(
        [self, id = id](bool stopped) {
          if (!stopped) {
            resume_after_refusal(self, id);
          }
          // Otherwise the down message finishes the passivation.
        },
        [](caf::error&) {
          // The entity died first; its down message says how.
        });
  }
}

void on_down(region_actor* self, caf::down_msg& dm) {
  auto& st = self->state;
  auto id_it = st.ids.find(dm.source.id());
  if (id_it == st.ids.end()) {
    return;
  }
  auto id = std::move(id_it->second);
  st.ids.erase(id_it);
  auto& s = st.slots[id];
  s.handle = nullptr;
  if (s.current == slot::phase::stopping && !dm.reason) {
    ++st.stats.passivations;
    if (s.waiting.empty()) {
      st.slots.erase(id);
    } else {
      activate(self, id, s);
    }
    return;
  }
  auto now = clock::now();
  s.crashes.push_back(now);
  while (!s.crashes.empty()
         && now - s.crashes.front() > st.options.restart_window) {
    s.crashes.pop_front();
  }
  if (s.crashes.size() > st.options.max_restarts) {
    s.current = slot::phase::failed;
    ++st.stats.failed;
    spdlog::error("{}/{} crashed {} times within {} ms ({}); parked",
                  st.options.kind, id, s.crashes.size(),
                  st.options.restart_window.count(),
                  self->home_system().render(dm.reason));
    for (auto& [rp, msg] : s.waiting) {
      rp.deliver(parked_error(st, id));
    }
    s.waiting.clear();
    return;
  }
  ++st.stats.restarts;
  spdlog::warn("{}/{} stopped ({}); restarting from its history",
               st.options.kind, id, self->home_system().render(dm.reason));
  activate(self, id, s);
}

std::vector<std::string> parked_ids(const region_state& st) {
  std::vector<std::string> out;
  for (auto& [id, s] : st.slots) {
    if (s.current == slot::phase::failed) {
      out.push_back(id);
    }
  }
  return out;
}

caf::behavior region_main(region_actor* self, region_options options) {
  self->state.options = std::move(options);
  self->set_down_handler([self](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [id, s] : self->state.slots) {
      if (s.handle) {
        self->send_exit(s.handle, em.reason);
      }
    }
    self->quit(em.reason);
  });
  self->delayed_send(self, self->state.options.sweep_interval,
                     sweep_atom::value);
  return {
    [self](const std::string& id, caf::message& cmd) {
      return route(self, id, cmd);
    },
    [self](sweep_atom) {
      sweep(self);
      self->delayed_send(self, self->state.options.sweep_interval,
                         sweep_atom::value);
    },
    [self](stats_atom) {
      auto stats = self->state.stats;
      stats.active = self->state.ids.size();
      return stats;
    },
    [self](failed_atom) { return parked_ids(self->state); },
    [self](unpark_atom, const std::string& id) {
      auto& st = self->state;
      auto it = st.slots.find(id);
      if (it == st.slots.end() || it->second.current != slot::phase::failed) {
        return false;
      }
      st.slots.erase(it);
      --st.stats.failed;
      return true;
    },
  };
}

} // namespace

caf::actor spawn_region(caf::actor_system& sys, region_options options) {
  return sys.spawn(region_main, std::move(options));
}

} // namespace strato::actor
