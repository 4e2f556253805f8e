// strato-bench volumes: volume create+delete cycles per second.
//
//   driver/<kind>          the driver alone, one cycle at a time: create a
//                          1 GiB volume, remove it ("file": two qemu-img
//                          runs and an unlink; "fake": memory only).
//   entity/<kind>/c<N>     the whole control plane below HTTP: N workers
//                          each send a create to the volume region, wait
//                          until the catalog shows it available, delete it,
//                          wait until it is gone (4 durable events, the
//                          driver on the blocking pool, fsync on).

#include <caf/all.hpp>

#include <condition_variable>
#include <thread>

#include "actors/volume/entity/volume_entity.hpp"
#include "actors/volume/model/catalog.hpp"
#include "bench/benches.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/store/rocksdb_event_store.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double us_since(clock::time_point t) {
  return std::chrono::duration<double, std::micro>(clock::now() - t).count();
}

std::shared_ptr<volume::volume_driver> make_driver(const std::string& kind,
                                                   const std::string& dir) {
  volume::volume_driver_config config;
  config.kind = kind;
  config.volumes_dir = dir + "/volumes";
  config.backups_dir = dir + "/backups";
  auto made = volume::make_volume_driver(config);
  if (!made) {
    std::fprintf(stderr, "%s\n", made.error().describe().c_str());
    std::exit(1);
  }
  return *made;
}

measurement driver_case(const bench_options& opts, const std::string& kind) {
  scratch_dir dir{opts.dir};
  auto driver = make_driver(kind, dir.path());
  latencies lat;
  auto start = clock::now();
  size_t n = 0;
  while (clock::now() - start < opts.seconds_per_case || n < 3) {
    auto t = clock::now();
    auto id = new_uuid();
    if (!driver->create(id, 1) || !driver->remove(id).ok()) {
      std::fprintf(stderr, "driver cycle failed\n");
      std::exit(1);
    }
    lat.add(us_since(t));
    ++n;
  }
  auto secs = std::chrono::duration<double>(clock::now() - start).count();
  return {"volumes", "driver/" + kind, static_cast<double>(n) / secs,
          lat.quantile(0.5), lat.quantile(0.99),
          {{"driver", kind}, {"size_gb", "1"}, {"cycles", std::to_string(n)}}};
}

struct bench_config : caf::actor_system_config {
  bench_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

/// A store, pool, actor system, volume region and a catalog that signals
/// every change.
struct volume_node {
  std::unique_ptr<store::event_store> store;
  std::unique_ptr<blocking_pool> pool;
  std::shared_ptr<volume::volume_catalog> catalog
    = std::make_shared<volume::volume_catalog>();
  std::mutex mutex;
  std::condition_variable changed;
  std::unique_ptr<store::subscription> sub;
  bench_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<volume::volume_services> services
    = std::make_shared<volume::volume_services>();

  volume_node(const std::string& dir, const std::string& kind) {
    auto opened = store::open_rocksdb_event_store({.path = dir + "/events", .sync = true});
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
      std::exit(1);
    }
    store = std::move(*opened);
    pool = std::make_unique<blocking_pool>("bench-pool", 4);
    auto subscribed = store->subscribe(1, [this](const auto& events) {
      catalog->apply(events);
      std::lock_guard lock{mutex};
      changed.notify_all();
    });
    sub = std::move(*subscribed);
    sys = std::make_unique<caf::actor_system>(cfg);
    services->driver = make_driver(kind, dir);
    services->pool = pool.get();
    services->store = store.get();
    actor::entity_env env{store.get(), pool.get(), 0, services};
    actor::region_options options;
    options.kind = "volume";
    options.spawn = volume::make_volume_spawner(env);
    services->volumes = actor::spawn_region(*sys, std::move(options));
  }

  ~volume_node() {
    caf::anon_send_exit(services->volumes, caf::exit_reason::user_shutdown);
    services->volumes = nullptr;
    sys.reset();
    pool.reset();
    sub.reset();
    store.reset();
  }

  /// Blocks until `pred(catalog)` holds.
  template <class Pred>
  void wait_until(Pred pred) {
    std::unique_lock lock{mutex};
    changed.wait(lock, [&] { return catalog->read(pred); });
  }

  void command(caf::scoped_actor& self, const std::string& id, caf::message msg) {
    self->request(services->volumes, 60s, id, std::move(msg))
      .receive([](volume::volume_record&) {},
               [](caf::error& err) {
                 std::fprintf(stderr, "volume command failed: %s\n",
                              caf::to_string(err).c_str());
                 std::exit(1);
               });
  }

  void cycle(caf::scoped_actor& self) {
    volume::create_volume_spec spec;
    spec.id = new_uuid();
    spec.project_id = "bench";
    spec.size_gb = 1;
    spec.source.set_blank(true);
    auto id = spec.id;
    command(self, id, caf::make_message(volume::volume_create_cmd{spec, "req-bench"}));
    wait_until([&](const volume::catalog_contents& c) {
      auto it = c.volumes.find(id);
      return it != c.volumes.end() && it->second.status == volume::pb::VOLUME_STATUS_AVAILABLE;
    });
    command(self, id, caf::make_message(volume::volume_delete_cmd{0, false, "req-bench"}));
    wait_until([&](const volume::catalog_contents& c) { return !c.volumes.contains(id); });
  }
};

measurement entity_case(const bench_options& opts, const std::string& kind, size_t workers) {
  scratch_dir dir{opts.dir};
  volume_node node{dir.path(), kind};
  std::vector<latencies> lats(workers);
  std::vector<size_t> counts(workers, 0);
  auto start = clock::now();
  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      caf::scoped_actor self{*node.sys};
      while (clock::now() - start < opts.seconds_per_case || counts[w] < 2) {
        auto t = clock::now();
        node.cycle(self);
        lats[w].add(us_since(t));
        ++counts[w];
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  auto secs = std::chrono::duration<double>(clock::now() - start).count();
  latencies all;
  size_t total = 0;
  for (size_t w = 0; w < workers; ++w) {
    all.merge(lats[w]);
    total += counts[w];
  }
  return {"volumes", "entity/" + kind + "/c" + std::to_string(workers),
          static_cast<double>(total) / secs, all.quantile(0.5), all.quantile(0.99),
          {{"driver", kind}, {"workers", std::to_string(workers)}, {"fsync", "true"},
           {"cycles", std::to_string(total)}}};
}

} // namespace

int run_volumes(const bench_options& opts, reporter& out) {
  out.add(driver_case(opts, "fake"));
  out.add(driver_case(opts, "file"));
  for (size_t workers : {size_t{1}, size_t{8}}) {
    out.add(entity_case(opts, "fake", workers));
    out.add(entity_case(opts, "file", workers));
  }
  return 0;
}

} // namespace strato::bench
