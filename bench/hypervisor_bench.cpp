// strato-bench hypervisor: spawn+destroy cycles/s of the hypervisor drivers,
// called directly and through the compute host agent (actors/compute_agent).
//
// Cases:
//  - "driver": one thread calls spawn then destroy on the driver itself; the
//    cost of the driver alone.
//  - "agent": N cycles in flight through the agents (each cycle: a spawn
//    request, then a destroy request for the same instance), over H hosts
//    behind the "compute-agent" router, driver calls on a 4-thread blocking
//    pool. Latency is one whole cycle (two round trips).
// Drivers: the fake (in memory) and libvirt's test driver (test:///default,
// real libvirt calls in-process).

#include <caf/all.hpp>

#include <future>

#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/compute_agent/agent_router.hpp"
#include "actors/compute_agent/host_agent.hpp"
#include "bench/benches.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"

namespace strato::bench {

namespace {

namespace ca = strato::compute_agent;
namespace hv = strato::hypervisor;
using clock = std::chrono::steady_clock;

struct run_result {
  uint64_t cycles = 0;
  uint64_t errors = 0;
  double seconds = 0;
  latencies lat;
};

hv::driver_config driver_config_for(const std::string& kind,
                                    const std::string& hostname,
                                    const std::string& dir) {
  hv::driver_config config;
  config.kind = kind;
  config.libvirt_uri = "test:///default";
  config.instances_dir = dir;
  config.fake.hostname = hostname;
  return config;
}

hv::instance_spec spec_for(uint64_t n) {
  hv::instance_spec spec;
  char uuid[40];
  std::snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012llx",
                static_cast<unsigned long long>(n)); // NOLINT
  spec.uuid = uuid;
  spec.name = "bench";
  spec.memory_mb = 64;
  return spec;
}

run_result run_driver(const std::string& kind, const bench_options& opts) {
  scratch_dir dir{opts.dir};
  run_result out;
  auto driver = hv::make_hypervisor_driver(driver_config_for(kind, "h", dir.path()));
  if (!driver.ok()) {
    std::fprintf(stderr, "hypervisor bench: %s\n",
                 driver.error().describe().c_str());
    return out;
  }
  auto start = clock::now();
  auto deadline = start + opts.seconds_per_case;
  for (uint64_t n = 0; clock::now() < deadline; ++n) {
    auto spec = spec_for(n);
    auto t0 = clock::now();
    if (!(*driver)->spawn(spec).ok() || !(*driver)->destroy(spec.uuid).ok()) {
      ++out.errors;
    }
    out.lat.add(std::chrono::duration<double, std::micro>(clock::now() - t0)
                  .count());
    ++out.cycles;
  }
  out.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return out;
}

/// Keeps `in_flight` spawn+destroy cycles going through the router until the
/// deadline, then fulfils `done`.
struct load_state {
  caf::actor router;
  std::vector<std::string> hosts;
  clock::time_point deadline;
  uint64_t next = 0;
  size_t running = 0;
  run_result result;
  std::promise<run_result>* done = nullptr;
};

ca::instance_command make_command(ca::instance_operation op,
                                  const hv::instance_spec& spec) {
  ca::instance_command cmd;
  cmd.operation = op;
  cmd.uuid = spec.uuid;
  cmd.spec = spec;
  return cmd;
}

void start_cycle(caf::stateful_actor<load_state>* self);

void end_cycle(caf::stateful_actor<load_state>* self, clock::time_point t0,
               bool ok) {
  auto& st = self->state;
  st.result.lat.add(
    std::chrono::duration<double, std::micro>(clock::now() - t0).count());
  ++st.result.cycles;
  st.result.errors += ok ? 0 : 1;
  --st.running;
  if (clock::now() < st.deadline) {
    start_cycle(self);
  } else if (st.running == 0) {
    st.done->set_value(std::move(st.result));
    self->quit();
  }
}

void start_cycle(caf::stateful_actor<load_state>* self) {
  auto& st = self->state;
  auto n = st.next++;
  auto spec = spec_for(n);
  const auto& host = st.hosts[n % st.hosts.size()];
  auto t0 = clock::now();
  ++st.running;
  constexpr auto timeout = std::chrono::seconds{30};
  self
    ->request(st.router, timeout, host,
              caf::make_message(ca::agent_run_atom::value,
                                make_command(ca::instance_operation::spawn, spec)))
    .then(
      [self, host, spec, t0](ca::instance_outcome&) {
        self
          ->request(self->state.router, timeout, host,
                    caf::make_message(
                      ca::agent_run_atom::value,
                      make_command(ca::instance_operation::destroy, spec)))
          .then([self, t0](ca::instance_outcome&) { end_cycle(self, t0, true); },
                [self, t0](caf::error&) { end_cycle(self, t0, false); });
      },
      [self, t0](caf::error&) { end_cycle(self, t0, false); });
}

struct bench_system_config : caf::actor_system_config {
  bench_system_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("logger.verbosity", caf::atom("quiet"));
  }
};

run_result run_agents(const std::string& kind, size_t host_count,
                      size_t in_flight, const bench_options& opts) {
  scratch_dir dir{opts.dir};
  bench_system_config config;
  run_result out;
  {
    caf::actor_system system{config};
    auto pool = std::make_shared<blocking_pool>("hypervisor", 4);
    std::map<std::string, caf::actor> agents;
    std::vector<std::string> hosts;
    for (size_t i = 0; i < host_count; ++i) {
      auto hostname = "bench-" + std::to_string(i + 1);
      auto driver =
        hv::make_hypervisor_driver(driver_config_for(kind, hostname, dir.path()));
      if (!driver.ok()) {
        std::fprintf(stderr, "hypervisor bench: %s\n",
                     driver.error().describe().c_str());
        return out;
      }
      ca::agent_options options;
      options.hostname = hostname;
      options.driver = std::move(driver).value();
      options.pool = pool;
      options.health_interval = std::chrono::milliseconds{0};
      options.power_sync_interval = std::chrono::milliseconds{0};
      agents.emplace(hostname, ca::spawn_host_agent(system, std::move(options)));
      hosts.push_back(hostname);
    }
    auto router = ca::spawn_agent_router(system, std::move(agents));
    std::promise<run_result> done;
    auto future = done.get_future();
    auto start = clock::now();
    system.spawn([&, start](caf::stateful_actor<load_state>* self) {
      self->state.router = router;
      self->state.hosts = hosts;
      self->state.deadline = start + opts.seconds_per_case;
      self->state.done = &done;
      for (size_t i = 0; i < in_flight; ++i) {
        start_cycle(self);
      }
    });
    out = future.get();
    out.seconds = std::chrono::duration<double>(clock::now() - start).count();
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
  }
  return out;
}

void report(reporter& out, const std::string& name, const std::string& kind,
            size_t hosts, size_t in_flight, run_result& r) {
  measurement m;
  m.bench = "hypervisor";
  m.name = name + "/" + kind;
  m.ops_per_s = r.seconds > 0 ? static_cast<double>(r.cycles) / r.seconds : 0;
  m.p50_us = r.lat.quantile(0.5);
  m.p99_us = r.lat.quantile(0.99);
  m.params = {{"driver", kind},
              {"hosts", std::to_string(hosts)},
              {"in_flight", std::to_string(in_flight)},
              {"cycles", std::to_string(r.cycles)},
              {"errors", std::to_string(r.errors)}};
  out.add(m);
}

} // namespace

int run_hypervisor(const bench_options& opts, reporter& out) {
  int rc = 0;
  for (const std::string kind : {"fake", "libvirt"}) {
    auto direct = run_driver(kind, opts);
    report(out, "driver", kind, 1, 1, direct);
    rc |= direct.errors > 0 ? 1 : 0;
    std::vector<std::pair<size_t, size_t>> shapes{{1, 1}, {1, 64}};
    if (kind == "fake") {
      shapes.emplace_back(opts.quick ? 100 : 1000, 256);
    }
    for (auto [hosts, in_flight] : shapes) {
      auto r = run_agents(kind, hosts, in_flight, opts);
      report(out, "agent", kind, hosts, in_flight, r);
      rc |= r.errors > 0 ? 1 : 0;
    }
  }
  return rc;
}

} // namespace strato::bench
