#include "actors/scheduler/placement/scheduler_client.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <memory>
#include <vector>

#include "runtime/actor/caf_error.hpp"

namespace strato::scheduler {

namespace {

using shard_list = std::vector<caf::actor>;

struct client_state {
  scheduler_options options;
  /// Shared with the exit hook that stops the shards with the client.
  std::shared_ptr<shard_list> shards;
  uint32_t next = 0; ///< Round robin start for requests without a group.
  uint32_t respawns = 0;

  static inline const char* name = "strato.scheduler";
};

using client_actor = caf::stateful_actor<client_state>;

/// Asks every shard; `done` gets one result per shard, in shard order.
template <class T, class... Ts>
void gather(client_actor* self, std::function<void(std::vector<result<T>>&)> done,
            Ts... xs) {
  const auto& shards = *self->state.shards;
  struct pending {
    std::vector<result<T>> out;
    size_t remaining;
  };
  auto p = std::make_shared<pending>(
    pending{std::vector<result<T>>(shards.size(), status{errc::timeout, "no answer"}),
            shards.size()});
  for (size_t i = 0; i < shards.size(); ++i) {
    auto finish = [p, i, done](result<T> r) {
      p->out[i] = std::move(r);
      if (--p->remaining == 0) {
        done(p->out);
      }
    };
    self->request(shards[i], self->state.options.shard_timeout, xs...)
      .then([finish](T& v) { finish(result<T>{std::move(v)}); },
            [finish](caf::error& e) { finish(result<T>{actor::from_caf_error(e)}); });
  }
}

/// The first ok answer; else the first error that is not not_found.
template <class T>
result<T> first_answer(std::vector<result<T>>& all) {
  const status* other = nullptr;
  for (auto& r : all) {
    if (r.ok()) {
      return std::move(r);
    }
    if (r.error().code() != errc::not_found && other == nullptr) {
      other = &r.error();
    }
  }
  if (other != nullptr) {
    return *other;
  }
  return all.empty() ? status{errc::not_found, "no shards"} : all.front().error();
}

template <class T>
void deliver(caf::response_promise& rp, result<T> r) {
  if (r.ok()) {
    rp.deliver(std::move(r.value()));
  } else {
    rp.deliver(actor::to_caf_error(r.error()));
  }
}

void merge(filter_report& into, const filter_report& from) {
  for (size_t i = 0; i < filter_count; ++i) {
    into.removed[i] += from.removed[i];
  }
  into.hosts += from.hosts;
  into.considered += from.considered;
  into.examined += from.examined;
  into.passed += from.passed;
  into.exhaustive = into.exhaustive && from.exhaustive;
  into.placed = std::max(into.placed, from.placed);
  into.min_count = from.min_count;
  into.instance = std::max(into.instance, from.instance);
  if (!into.restricted_to) {
    into.restricted_to = from.restricted_to;
  }
}

struct selection_attempt {
  destination_request req;
  caf::response_promise rp;
  uint32_t first = 0;
  uint32_t tried = 0;
  filter_report report{};
};

void try_next_shard(client_actor* self, std::shared_ptr<selection_attempt> at) {
  const auto& shards = *self->state.shards;
  auto shard = shards[(at->first + at->tried) % shards.size()];
  self->request(shard, self->state.options.shard_timeout,
                select_destinations_atom::value, at->req)
    .then(
      [self, at](shard_selection& sel) {
        if (sel.error.ok()) {
          at->rp.deliver(std::move(sel.placed));
          return;
        }
        if (sel.error.code() != errc::not_found) {
          at->rp.deliver(actor::to_caf_error(sel.error));
          return;
        }
        merge(at->report, sel.report);
        if (++at->tried < self->state.shards->size()) {
          try_next_shard(self, at);
          return;
        }
        auto why = at->report.describe();
        spdlog::info("scheduler: request {} for {} instance(s): {}", at->req.request_id,
                     at->req.instance_uuids.size(), why);
        at->rp.deliver(actor::to_caf_error(errc::not_found, why));
      },
      [at](caf::error& e) { at->rp.deliver(e); });
}

caf::response_promise select(client_actor* self, destination_request& req) {
  auto& st = self->state;
  auto n = static_cast<uint32_t>(st.shards->size());
  auto at = std::make_shared<selection_attempt>();
  at->first = req.server_group.empty() ? st.next++ % n : shard_of(req.server_group, n);
  at->req = std::move(req);
  at->rp = self->make_response_promise();
  try_next_shard(self, at);
  return at->rp;
}

template <class T, class Merge, class... Ts>
caf::response_promise fan_out(client_actor* self, Merge merge_all, Ts... xs) {
  auto rp = self->make_response_promise();
  gather<T>(
    self, [rp, merge_all](std::vector<result<T>>& all) mutable {
      deliver(rp, merge_all(all));
    },
    xs...);
  return rp;
}

result<bool> all_ok(std::vector<result<bool>>& all) {
  for (auto& r : all) {
    if (!r.ok()) {
      return r.error();
    }
  }
  return true;
}

caf::actor shard_for(client_actor* self, std::string_view name) {
  const auto& shards = *self->state.shards;
  return shards[shard_of(name, static_cast<uint32_t>(shards.size()))];
}

void respawn(client_actor* self, const caf::down_msg& down) {
  auto& st = self->state;
  for (uint32_t i = 0; i < st.shards->size(); ++i) {
    if ((*st.shards)[i].address() != down.source) {
      continue;
    }
    if (++st.respawns > 100) {
      spdlog::error("scheduler: shard {} keeps failing; giving up", i);
      self->quit(down.reason);
      return;
    }
    spdlog::warn("scheduler: shard {} stopped ({}); reloading it", i,
                 caf::to_string(down.reason));
    (*st.shards)[i] = spawn_shard(self->system(), i, st.options.env);
    self->monitor((*st.shards)[i]);
  }
}

caf::message_handler allocation_handlers(client_actor* self) {
  return {
    [self](get_allocations_atom, const std::string& consumer) {
      return fan_out<allocation_map>(
        self,
        [](std::vector<result<allocation_map>>& all) -> result<allocation_map> {
          allocation_map out;
          for (auto& r : all) {
            if (!r.ok()) {
              return r.error();
            }
            out.insert(r->begin(), r->end());
          }
          return out;
        },
        get_allocations_atom::value, consumer);
    },
    [self](free_allocations_atom, const std::string& consumer) {
      return fan_out<bool>(self, all_ok, free_allocations_atom::value, consumer);
    },
    [self](move_allocations_atom, const std::string& from, const std::string& to) {
      return fan_out<bool>(
        self, [](std::vector<result<bool>>& all) { return first_answer(all); },
        move_allocations_atom::value, from, to);
    },
    [self](replace_allocations_atom, const consumer_claim& claim) {
      shard_command cmd{[claim](shard_state& s) -> result<caf::message> {
        bool holds = !s.allocations_of(claim.consumer).empty();
        if (claim.allocations.empty() ? !holds : !s.owns_all(claim.allocations)) {
          return status{errc::not_found, "resource provider not found"};
        }
        if (auto st = s.replace(claim); !st.ok()) {
          return st;
        }
        return caf::make_message(true);
      }};
      return fan_out<bool>(
        self,
        [empty = claim.allocations.empty()](std::vector<result<bool>>& all) {
          auto r = first_answer(all);
          // Emptying a consumer that holds nothing anywhere succeeds.
          return !r.ok() && empty && r.error().code() == errc::not_found
                   ? result<bool>{true}
                   : r;
        },
        shard_run_atom::value, cmd);
    },
  };
}

caf::behavior client_main(client_actor* self, scheduler_options options) {
  auto& st = self->state;
  st.options = options;
  st.shards = std::make_shared<shard_list>();
  for (uint32_t i = 0; i < std::max<uint32_t>(options.shards, 1); ++i) {
    st.shards->push_back(spawn_shard(self->system(), i, options.env));
    self->monitor(st.shards->back());
  }
  self->attach_functor([shards = st.shards] {
    for (auto& s : *shards) {
      caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
    }
  });
  self->set_down_handler([self](caf::down_msg& down) { respawn(self, down); });
  caf::message_handler hosts{
    [self](register_host_atom, const compute_host& h) {
      return self->delegate(shard_for(self, h.hostname), register_host_atom::value, h);
    },
    [self](set_host_up_atom a, const std::string& host, bool up) {
      return self->delegate(shard_for(self, host), a, host, up);
    },
    [self](set_host_enabled_atom a, const std::string& host, bool enabled) {
      return self->delegate(shard_for(self, host), a, host, enabled);
    },
    [self](list_hosts_atom) {
      return fan_out<std::vector<host_summary>>(
        self,
        [](std::vector<result<std::vector<host_summary>>>& all)
          -> result<std::vector<host_summary>> {
          std::vector<host_summary> out;
          for (auto& r : all) {
            if (!r.ok()) {
              return r.error();
            }
            out.insert(out.end(), r->begin(), r->end());
          }
          return out;
        },
        list_hosts_atom::value);
    },
    [self](select_destinations_atom, destination_request& req) {
      return select(self, req);
    },
  };
  caf::message_handler rest{
    [self](shard_run_atom, uint32_t target, shard_command& cmd) {
      // One response promise per request: a second make_response_promise()
      // for the same request returns one whose answer is dropped.
      if (target != every_shard) {
        auto rp = self->make_response_promise();
        const auto& shards = *self->state.shards;
        rp.delegate(shards[target % shards.size()], shard_run_atom::value, cmd);
        return rp;
      }
      return fan_out<std::string>(
        self, [](std::vector<result<std::string>>& all) { return first_answer(all); },
        shard_run_atom::value, cmd);
    },
    [self](shard_gather_atom, const shard_command& cmd) {
      return fan_out<std::string>(
        self,
        [](std::vector<result<std::string>>& all) -> result<std::vector<std::string>> {
          std::vector<std::string> out;
          for (auto& r : all) {
            if (!r.ok()) {
              return r.error();
            }
            out.push_back(std::move(r.value()));
          }
          return out;
        },
        shard_run_atom::value, cmd);
    },
    [self](shard_count_atom) {
      return static_cast<uint32_t>(self->state.shards->size());
    },
  };
  return caf::behavior{hosts.or_else(allocation_handlers(self)).or_else(rest)};
}

} // namespace

uint32_t shard_of(std::string_view name, uint32_t shards) noexcept {
  return shards == 0 ? 0 : static_cast<uint32_t>(stable_hash(name) % shards);
}

caf::actor spawn_scheduler(caf::actor_system& sys, const scheduler_options& options) {
  return sys.spawn(client_main, options);
}

} // namespace strato::scheduler
