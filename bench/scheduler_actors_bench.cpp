// strato-bench scheduler, second part: the claim path through the actors
// (actors/scheduler/placement) in one process: select_destinations sent to
// the "scheduler" actor, decided and claimed by a shard, appended to RocksDB
// (no fsync: the disk is measured by `strato-bench eventstore`), answered;
// then the instance is freed the same way, so the cloud stays as full as it
// started. ops/s counts placements answered per second; latency is one
// select_destinations round trip. And --plot: ops/s and p99 of the core
// cases against host count, through gnuplot.

#include <caf/all.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <map>

#include "actors/scheduler/placement/scheduler_client.hpp"
#include "bench/benches.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/store/rocksdb_event_store.hpp"

namespace strato::bench {

namespace {

namespace sch = strato::scheduler;
using clock = std::chrono::steady_clock;

struct actor_bench_config : caf::actor_system_config {
  actor_bench_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

struct tally {
  latencies lat;
  uint64_t placed = 0;
  uint64_t failed = 0;
  std::promise<void> finished;
};

sch::destination_request boot(uint64_t n) {
  sch::destination_request req;
  req.instance_uuids = {"bench-" + std::to_string(n)};
  req.project_id = "project-1";
  req.user_id = "user-1";
  req.flavor = {"m1.small", 1, 2048, 20, 0, 0, {}};
  req.request_id = "req-" + std::to_string(n);
  return req;
}

/// Keeps `concurrency` requests in flight until `until`.
caf::behavior driver(caf::event_based_actor* self, caf::actor scheduler, uint32_t concurrency,
                     clock::time_point until, std::shared_ptr<tally> out) {
  auto next = std::make_shared<uint64_t>(0);
  auto active = std::make_shared<uint32_t>(concurrency);
  auto issue = std::make_shared<std::function<void()>>();
  *issue = [=] {
    if (clock::now() >= until) {
      if (--*active == 0) {
        out->finished.set_value();
        self->quit();
      }
      return;
    }
    auto n = (*next)++;
    auto t0 = clock::now();
    self->request(scheduler, std::chrono::seconds{60}, sch::select_destinations_atom::value,
                  boot(n))
      .then(
        [=](sch::destinations& d) {
          out->lat.add(std::chrono::duration<double, std::micro>(clock::now() - t0).count());
          ++out->placed;
          for (auto& placed : d.placed) {
            self->request(scheduler, std::chrono::seconds{60}, sch::free_allocations_atom::value,
                          placed.instance_uuid)
              .then([](bool) {}, [](caf::error&) {});
          }
          (*issue)();
        },
        [=](caf::error&) {
          ++out->failed;
          (*issue)();
        });
  };
  for (uint32_t i = 0; i < concurrency; ++i) {
    (*issue)();
  }
  return {[](int) {}};
}

void register_hosts(caf::actor_system& sys, const caf::actor& scheduler, uint32_t hosts) {
  caf::scoped_actor self{sys};
  for (uint32_t h = 0; h < hosts; ++h) {
    sch::compute_host host;
    host.hostname = "compute-" + std::to_string(h);
    host.vcpus = 48;
    host.memory_mb = 262144;
    host.disk_gb = 4000;
    host.availability_zone = "az-" + std::to_string(h % 3);
    self->request(scheduler, std::chrono::seconds{60}, sch::register_host_atom::value, host)
      .receive([](sch::host_registration&) {},
               [](caf::error& e) {
                 std::fprintf(stderr, "register failed: %s\n", caf::to_string(e).c_str());
                 std::exit(1);
               });
  }
}

} // namespace

int run_scheduler_actors(const bench_options& opts, reporter& out) {
  std::vector<uint32_t> sizes{1000, 10000};
  std::vector<uint32_t> concurrency{1, 16, 256};
  if (opts.quick) {
    sizes = {1000};
    concurrency = {1, 16};
  }
  for (auto hosts : sizes) {
    scratch_dir dir{opts.dir};
    auto opened = store::open_rocksdb_event_store({.path = dir.path(), .sync = false});
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
      return 1;
    }
    auto store = std::move(*opened);
    blocking_pool pool{"bench-pool", 2};
    actor_bench_config cfg;
    caf::actor_system sys{cfg};
    sch::scheduler_options options;
    options.env.store = store.get();
    options.env.pool = &pool;
    auto scheduler = sch::spawn_scheduler(sys, options);
    register_hosts(sys, scheduler, hosts);
    for (auto c : concurrency) {
      auto t = std::make_shared<tally>();
      auto done = t->finished.get_future();
      auto start = clock::now();
      sys.spawn(driver, scheduler, c, start + opts.seconds_per_case, t);
      done.wait();
      auto secs = std::chrono::duration<double>(clock::now() - start).count();
      measurement m;
      m.bench = "scheduler";
      m.name = "actors/h" + std::to_string(hosts) + "/c" + std::to_string(c);
      m.ops_per_s = static_cast<double>(t->placed) / secs;
      m.p50_us = t->lat.quantile(0.5);
      m.p99_us = t->lat.quantile(0.99);
      m.params = {{"hosts", std::to_string(hosts)},
                  {"concurrency", std::to_string(c)},
                  {"mix", "plain"},
                  {"mode", "actors"},
                  {"shards", std::to_string(options.shards)},
                  {"placed", std::to_string(t->placed)},
                  {"failed", std::to_string(t->failed)}};
      out.add(m);
    }
    caf::anon_send_exit(scheduler, caf::exit_reason::user_shutdown);
  }
  return 0;
}

int plot_scheduler(const std::vector<measurement>& cases, const std::string& png) {
  // One series per (concurrency, mix) of the place mode.
  std::map<std::string, std::vector<const measurement*>> series;
  for (const auto& m : cases) {
    std::map<std::string, std::string> p(m.params.begin(), m.params.end());
    if (p["mode"] == "place") {
      series["c" + p["concurrency"] + " " + p["mix"]].push_back(&m);
    }
  }
  auto data = png + ".dat";
  std::ofstream dat{data};
  std::string plots_ops;
  std::string plots_p99;
  int index = 0;
  for (const auto& [name, points] : series) {
    dat << "# " << name << "\n";
    for (const auto* m : points) {
      std::map<std::string, std::string> p(m->params.begin(), m->params.end());
      dat << p["hosts"] << " " << m->ops_per_s << " " << m->p99_us << "\n";
    }
    dat << "\n\n";
    auto sep = index == 0 ? "" : ", ";
    plots_ops += sep + ("'" + data + "' index " + std::to_string(index)
                        + " using 1:2 with linespoints title '" + name + "'");
    plots_p99 += sep + ("'" + data + "' index " + std::to_string(index)
                        + " using 1:3 with linespoints title '" + name + "'");
    ++index;
  }
  dat.close();
  auto script = png + ".gp";
  std::ofstream gp{script};
  gp << "set terminal pngcairo size 1200,500\n"
     << "set output '" << png << "'\n"
     << "set multiplot layout 1,2 title 'strato-bench scheduler (place mode)'\n"
     << "set logscale x\nset xlabel 'hosts'\nset key bottom left\nset grid\n"
     << "set ylabel 'decisions/s'\nset title 'throughput'\nplot " << plots_ops << "\n"
     << "set ylabel 'p99 latency (us)'\nset title 'p99 latency'\nplot " << plots_p99 << "\n"
     << "unset multiplot\n";
  gp.close();
  auto cmd = "gnuplot '" + script + "'";
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "gnuplot failed (is gnuplot-nox installed?): %s\n", cmd.c_str());
    return 1;
  }
  std::fprintf(stderr, "plot written to %s\n", png.c_str());
  return 0;
}

} // namespace strato::bench
