// strato-bench entities: activation + replay cost of event-sourced entities
// and command round trips through a shard region.

#include <caf/all.hpp>

#include <fstream>
#include <unistd.h>

#include "bench/benches.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/counter_entity.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;
using done_atom = caf::atom_constant<caf::atom("done")>;
using namespace std::chrono_literals;

struct bench_config : caf::actor_system_config {
  bench_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    // Work sharing beats stealing on two cores (see the node's config).
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

double resident_mib() {
  std::ifstream statm{"/proc/self/statm"};
  uint64_t size = 0;
  uint64_t resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident * ::sysconf(_SC_PAGESIZE)) / (1 << 20);
}

/// A store, a pool, an actor system and a counter region.
struct node {
  std::unique_ptr<store::event_store> store;
  std::unique_ptr<blocking_pool> pool;
  bench_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor region;

  node(const std::string& dir, bool fsync, uint64_t snapshot_every) {
    auto opened = store::open_rocksdb_event_store({.path = dir, .sync = fsync});
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
      std::exit(1);
    }
    store = std::move(*opened);
    pool = std::make_unique<blocking_pool>("bench-pool", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    actor::region_options opts;
    opts.kind = "counter";
    opts.spawn = actor::make_spawner<testing::counter>(
      {store.get(), pool.get(), snapshot_every, nullptr}, testing::counter_behavior);
    region = actor::spawn_region(*sys, std::move(opts));
  }

  ~node() {
    caf::anon_send_exit(region, caf::exit_reason::user_shutdown);
    region = nullptr;
    sys.reset();
    pool.reset();
    store.reset();
  }
};

struct client_job {
  caf::actor region;
  const std::vector<std::string>* ids = nullptr;
  size_t next = 0;
  size_t limit = 0; ///< Stop after this many ids (0: run until deadline).
  caf::message msg;
  clock::time_point deadline;
  latencies lat;
};

void client_step(caf::event_based_actor* self, std::shared_ptr<client_job> job,
                 caf::actor sink) {
  bool out_of_ids = job->limit != 0 && job->next >= job->limit;
  if (out_of_ids || (job->limit == 0 && clock::now() >= job->deadline)) {
    self->send(sink, done_atom::value);
    self->quit();
    return;
  }
  auto& id = (*job->ids)[job->next++ % job->ids->size()];
  auto sent = clock::now();
  self->request(job->region, 60s, id, job->msg)
    .then(
      [self, job, sink, sent](int64_t) {
        job->lat.add(
          std::chrono::duration<double, std::micro>(clock::now() - sent)
            .count());
        client_step(self, job, sink);
      },
      [](caf::error& err) {
        std::fprintf(stderr, "request failed: %s\n",
                     caf::to_string(err).c_str());
        std::abort();
      });
}

/// Runs `clients` concurrent request loops; returns merged latencies and the
/// elapsed seconds.
std::pair<latencies, double>
drive(node& n, const std::vector<std::vector<std::string>>& id_slices,
      caf::message msg, clock::duration length, bool one_pass) {
  caf::scoped_actor sink{*n.sys};
  std::vector<std::shared_ptr<client_job>> jobs;
  auto start = clock::now();
  for (auto& slice : id_slices) {
    auto job = std::make_shared<client_job>();
    job->region = n.region;
    job->ids = &slice;
    job->limit = one_pass ? slice.size() : 0;
    job->msg = msg;
    job->deadline = start + length;
    jobs.push_back(job);
    strato::actor::spawn_function(*n.sys, [job, s = caf::actor{sink}](caf::event_based_actor* self) {
      client_step(self, job, s);
    });
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    sink->receive([](done_atom) {});
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  latencies all;
  for (auto& job : jobs) {
    all.merge(job->lat);
  }
  return {std::move(all), seconds};
}

std::vector<std::vector<std::string>> slices(size_t entities, size_t clients) {
  std::vector<std::vector<std::string>> out(clients);
  for (size_t i = 0; i < entities; ++i) {
    out[i % clients].push_back("e" + std::to_string(i));
  }
  return out;
}

void populate(store::event_store& st, size_t entities, size_t events_each) {
  testing::counter::event_type ev;
  ev.mutable_added()->set_amount(1);
  auto payload = ev.SerializeAsString();
  std::atomic<size_t> pending{entities};
  for (size_t i = 0; i < entities; ++i) {
    store::append_request req{"counter/e" + std::to_string(i), 0, {}, "", ""};
    req.events.assign(events_each, {ev.GetTypeName(), payload});
    st.append(std::move(req), [&pending](auto res) {
      if (!res.ok()) {
        std::abort();
      }
      --pending;
    });
  }
  while (pending.load() > 0) {
    std::this_thread::sleep_for(1ms);
  }
}

void bench_replay(const bench_options& opts, reporter& out, size_t entities,
                  size_t events_each) {
  scratch_dir dir{opts.dir};
  {
    node setup{dir.path(), false, 0};
    populate(*setup.store, entities, events_each);
  }
  node n{dir.path(), false, 0};
  auto rss_before = resident_mib();
  auto [lat, seconds] = drive(n, slices(entities, 256),
                              caf::make_message(testing::get_atom::value), {},
                              true);
  auto rss_after = resident_mib();
  measurement m;
  m.bench = "entities";
  m.name = "replay/" + std::to_string(entities) + "x"
           + std::to_string(events_each);
  m.ops_per_s = static_cast<double>(entities * events_each) / seconds;
  m.p50_us = lat.quantile(0.5);
  m.p99_us = lat.quantile(0.99);
  m.params = {{"entities", std::to_string(entities)},
              {"events_each", std::to_string(events_each)},
              {"seconds", fmt::format("{:.3f}", seconds)},
              {"activations_per_s",
               fmt::format("{:.0f}", static_cast<double>(entities) / seconds)},
              {"rss_kib_per_entity",
               fmt::format("{:.2f}", (rss_after - rss_before) * 1024
                                       / static_cast<double>(entities))}};
  out.add(m);
}

void bench_round_trips(const bench_options& opts, reporter& out,
                       const std::string& kind, bool fsync, size_t clients) {
  scratch_dir dir{opts.dir};
  node n{dir.path(), fsync, 0};
  constexpr size_t entities = 10'000;
  auto ids = slices(entities, clients);
  auto msg = kind == "get"
               ? caf::make_message(testing::get_atom::value)
               : caf::make_message(testing::add_atom::value, int64_t{1},
                                   std::string{"req-bench"});
  // Warm up: activate every entity once so the timed part is steady state.
  drive(n, ids, caf::make_message(testing::get_atom::value), {}, true);
  auto [lat, seconds] = drive(n, ids, msg, opts.seconds_per_case, false);
  measurement m;
  m.bench = "entities";
  m.name = "commands/" + kind + "/c" + std::to_string(clients)
           + (kind == "get" ? "" : (fsync ? "/fsync" : "/nosync"));
  m.ops_per_s = static_cast<double>(lat.size()) / seconds;
  m.p50_us = lat.quantile(0.5);
  m.p99_us = lat.quantile(0.99);
  m.params = {{"command", kind},
              {"clients", std::to_string(clients)},
              {"entities", std::to_string(entities)},
              {"persists", fmt_bool(kind != "get")},
              {"fsync", fmt_bool(fsync)}};
  out.add(m);
}

} // namespace

int run_entities(const bench_options& opts, reporter& out) {
  if (opts.quick) {
    bench_replay(opts, out, 1'000, 10);
  } else {
    bench_replay(opts, out, 10'000, 100);
    bench_replay(opts, out, 100'000, 10);
  }
  for (size_t clients : {1, 64, 1024}) {
    bench_round_trips(opts, out, "get", false, clients);
  }
  for (bool fsync : {false, true}) {
    for (size_t clients : {64, 1024}) {
      bench_round_trips(opts, out, "add", fsync, clients);
    }
  }
  return 0;
}

} // namespace strato::bench
