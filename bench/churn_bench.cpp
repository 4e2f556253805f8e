// strato-bench churn: boot+delete cycles of servers through the instance
// entities (in-process: the actors, the event store and the simulated host
// gateway, no HTTP). A cycle is: create a server, wait until the global log
// shows it ACTIVE, delete it, wait until the log shows it deleted, each
// client keeping one cycle in flight. Cases run beside a resident
// population of 100 / 1,000 / 10,000 ACTIVE servers ("instances"), whose
// resident memory per entity actor is reported as `bytes_per_instance`
// (RSS growth while the population boots, divided by its size). The store
// does not fsync (as with --unsafe-no-fsync): the figures are CPU-bound.
// churn_http_bench.cpp runs the same cycle through the Nova API.

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <unistd.h>

#include "actors/compute/entity/host_gateway.hpp"
#include "actors/compute/entity/instance_entity.hpp"
#include "bench/benches.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/core/ids.hpp"
#include "runtime/store/rocksdb_event_store.hpp"

namespace strato::bench {

namespace {

using namespace strato::compute;
using clock = std::chrono::steady_clock;

size_t resident_bytes() {
  std::ifstream statm{"/proc/self/statm"};
  size_t pages = 0;
  size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

/// Calls back when the log shows a server ACTIVE or deleted.
class log_watch {
public:
  using callback = std::function<void()>;

  void on_active(const std::string& id, callback cb) {
    std::lock_guard lock{mutex_};
    active_[id] = std::move(cb);
  }
  void on_deleted(const std::string& id, callback cb) {
    std::lock_guard lock{mutex_};
    deleted_[id] = std::move(cb);
  }

  void feed(const std::vector<store::recorded_event>& events) {
    pb::InstanceEvent ev;
    for (const auto& rec : events) {
      if (rec.stream.rfind("instance/", 0) != 0
          || !ev.ParseFromString(rec.payload)) {
        continue;
      }
      auto id = rec.stream.substr(9);
      bool active = ev.has_state_changed()
                    && ev.state_changed().vm_state() == "active"
                    && ev.state_changed().task_state().empty();
      if (active) {
        fire(active_, id);
      } else if (ev.has_deleted()) {
        fire(deleted_, id);
      }
    }
  }

private:
  void fire(std::unordered_map<std::string, callback>& waiters,
            const std::string& id) {
    callback cb;
    {
      std::lock_guard lock{mutex_};
      auto it = waiters.find(id);
      if (it == waiters.end()) {
        return;
      }
      cb = std::move(it->second);
      waiters.erase(it);
    }
    cb();
  }

  std::mutex mutex_;
  std::unordered_map<std::string, callback> active_;
  std::unordered_map<std::string, callback> deleted_;
};

struct churn_node {
  std::unique_ptr<store::event_store> store;
  std::unique_ptr<blocking_pool> pool;
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor gateway;
  caf::actor region;
  log_watch watch;
  std::unique_ptr<store::subscription> sub;

  explicit churn_node(const std::string& dir) {
    auto opened = store::open_rocksdb_event_store({.path = dir, .sync = false});
    if (!opened) {
      throw std::runtime_error{opened.error().describe()};
    }
    store = std::move(*opened);
    pool = std::make_unique<blocking_pool>("churn-pool", 2);
    actor::register_error_category(config);
    config.set("scheduler.max-threads", 2);
    config.set("logger.verbosity", caf::atom("quiet"));
    system = std::make_unique<caf::actor_system>(config);
    gateway_options gw;
    gw.simulated_hosts.clear();
    for (int i = 1; i <= 16; ++i) {
      gw.simulated_hosts.push_back(fmt::format("compute-{}", i));
    }
    gateway = spawn_host_gateway(*system, gw);
    auto env = std::make_shared<instance_env>();
    env->host_gateway = gateway;
    actor::region_options opts;
    opts.kind = "instance";
    opts.spawn = actor::make_spawner<instance_aggregate>(
      {store.get(), pool.get(), 0, env}, instance_behavior);
    region = actor::spawn_region(*system, std::move(opts));
    auto s = store->subscribe(store->last_position() + 1,
                              [this](const auto& events) { watch.feed(events); });
    sub = std::move(*s);
  }

  ~churn_node() {
    sub.reset();
    caf::anon_send_exit(region, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
    system.reset();
    pool.reset();
    store.reset();
  }

  void create(const std::string& id) {
    pb::InstanceCreated c;
    c.set_id(id);
    c.set_name("churn");
    c.set_project_id("bench");
    c.set_user_id("bench");
    c.mutable_flavor()->set_id("1");
    c.mutable_flavor()->set_vcpus(1);
    c.mutable_flavor()->set_ram_mb(512);
    caf::anon_send(region, id,
                   caf::make_message(create_atom::value, c.SerializeAsString(),
                                     std::string{"req-bench"}));
  }

  void remove(const std::string& id) {
    action_request req;
    req.kind = action_kind::delete_;
    req.request_id = "req-bench";
    req.admin = true;
    caf::anon_send(region, id, caf::make_message(action_atom::value, req));
  }
};

/// Boots `n` servers and waits until all are ACTIVE.
void populate(churn_node& node, size_t n) {
  std::mutex mutex;
  std::condition_variable cv;
  size_t left = n;
  for (size_t i = 0; i < n; ++i) {
    auto id = new_uuid();
    node.watch.on_active(id, [&] {
      std::lock_guard lock{mutex};
      if (--left == 0) {
        cv.notify_all();
      }
    });
    node.create(id);
  }
  std::unique_lock lock{mutex};
  cv.wait_for(lock, std::chrono::minutes{5}, [&] { return left == 0; });
}

struct churn_client : std::enable_shared_from_this<churn_client> {
  churn_node* node = nullptr;
  clock::time_point deadline;
  latencies lat;
  std::atomic<bool>* done = nullptr;
  std::atomic<size_t>* running = nullptr;

  void cycle() {
    if (clock::now() >= deadline) {
      if (--*running == 0) {
        done->store(true);
        done->notify_all();
      }
      return;
    }
    auto id = new_uuid();
    auto start = clock::now();
    auto self = shared_from_this();
    node->watch.on_active(id, [self, id, start] {
      self->node->watch.on_deleted(id, [self, start] {
        self->lat.add(std::chrono::duration<double, std::micro>(
                        clock::now() - start)
                        .count());
        self->cycle();
      });
      self->node->remove(id);
    });
    node->create(id);
  }
};

measurement run_case(churn_node& node, size_t population, size_t clients,
                     std::chrono::milliseconds duration, double bytes_each) {
  std::atomic<bool> done{false};
  std::atomic<size_t> running{clients};
  std::vector<std::shared_ptr<churn_client>> all;
  auto start = clock::now();
  for (size_t i = 0; i < clients; ++i) {
    auto c = std::make_shared<churn_client>();
    c->node = &node;
    c->deadline = start + duration;
    c->done = &done;
    c->running = &running;
    all.push_back(c);
  }
  for (auto& c : all) {
    c->cycle();
  }
  done.wait(false);
  auto elapsed = std::chrono::duration<double>(clock::now() - start).count();
  latencies lat;
  for (auto& c : all) {
    lat.merge(c->lat);
  }
  auto cycles = static_cast<double>(lat.size());
  measurement m{"churn", "inproc", cycles / elapsed, lat.quantile(0.5),
                lat.quantile(0.99), {}};
  m.params = {{"instances", std::to_string(population)},
              {"clients", std::to_string(clients)},
              {"p95_us", fmt::format("{:.0f}", lat.quantile(0.95))},
              {"bytes_per_instance", fmt::format("{:.0f}", bytes_each)}};
  return m;
}

} // namespace

int run_churn_http(const bench_options& opts, reporter& out);

int run_churn(const bench_options& opts, reporter& out) {
  std::vector<size_t> populations{100, 1000, 10000};
  if (opts.quick) {
    populations = {100, 1000};
  }
  for (auto population : populations) {
    scratch_dir dir{opts.dir};
    churn_node node{dir.path()};
    auto before = resident_bytes();
    populate(node, population);
    auto after = resident_bytes();
    auto bytes_each = static_cast<double>(after - std::min(after, before))
                      / static_cast<double>(population);
    for (size_t clients : {16, 128}) {
      out.add(run_case(node, population, clients, opts.seconds_per_case,
                       bytes_each));
    }
  }
  return run_churn_http(opts, out);
}

} // namespace strato::bench
