// strato-bench network: Neutron's hot paths.
//   ipam/<prefix>            addresses handed out per second by one subnet's
//                            IPAM until the /16 is full (next_free + take).
//   registry_ports/<prefix>  port create decisions + apply on the registry
//                            core (MAC, IPAM, events), no store.
//   port_cycle/<fsync>/<c>   a port created and deleted through the "network"
//                            actor (decide, RocksDB append, apply, reply;
//                            no network driver: the noop case) by c
//                            concurrent clients; ops = create+delete pairs.

#include <caf/all.hpp>

#include <future>

#include <random>

#include <fmt/format.h>

#include "actors/network/network_actor.hpp"
#include "actors/network/registry_entity.hpp"
#include "bench/benches.hpp"
#include "runtime/actor/shard_region.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;
using done_atom = caf::atom_constant<caf::atom("done")>;
using namespace std::chrono_literals;
using namespace strato::network;

double us_since(clock::time_point t) {
  return std::chrono::duration<double, std::micro>(clock::now() - t).count();
}

void bench_ipam(reporter& out, const char* cidr_text) {
  auto cidr = parse_prefix(cidr_text)->prefix;
  auto gw = ip_address{cidr.network.version, cidr.network.value + 1};
  subnet_ipam ipam{cidr, default_pools(cidr, gw)};
  latencies lat;
  auto start = clock::now();
  size_t n = 0;
  while (true) {
    auto t = clock::now();
    auto a = ipam.next_free();
    if (!a || !ipam.take(*a)) {
      break;
    }
    lat.add(us_since(t));
    ++n;
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  out.add({"network", std::string{"ipam/"} + cidr_text,
           static_cast<double>(n) / seconds, lat.quantile(0.5),
           lat.quantile(0.99), {{"addresses", std::to_string(n)}}});
}

void bench_registry_ports(reporter& out, const bench_options& opts) {
  registry reg;
  std::mt19937_64 rng{1};
  pb::Network net;
  net.mutable_meta()->set_id("net");
  auto network_events = reg.decide_create_network(net);
  if (!network_events) {
    fmt::print(stderr, "network: {}\n", network_events.error().describe());
    return;
  }
  for (auto& e : *network_events) {
    reg.apply(e);
  }
  pb::Subnet s;
  s.mutable_meta()->set_id("subnet");
  s.set_network_id("net");
  s.set_ip_version(4);
  s.set_cidr("10.0.0.0/16");
  s.set_gateway_ip("10.0.0.1");
  auto subnet_events = reg.decide_create_subnet(s);
  if (!subnet_events) {
    fmt::print(stderr, "subnet: {}\n", subnet_events.error().describe());
    return;
  }
  for (auto& e : *subnet_events) {
    reg.apply(e);
  }
  size_t limit = opts.quick ? 5000 : 65533;
  latencies lat;
  auto start = clock::now();
  size_t n = 0;
  for (; n < limit; ++n) {
    pb::Port p;
    p.mutable_meta()->set_id("port-" + std::to_string(n));
    p.set_network_id("net");
    auto t = clock::now();
    auto evs = reg.decide_create_port(p, {}, false, rng);
    if (!evs) {
      break;
    }
    for (auto& e : *evs) {
      reg.apply(e);
    }
    lat.add(us_since(t));
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  out.add({"network", "registry_ports/10.0.0.0/16",
           static_cast<double>(n) / seconds, lat.quantile(0.5),
           lat.quantile(0.99), {{"ports", std::to_string(n)}}});
}

struct bench_config : caf::actor_system_config {
  bench_config() {
    actor::register_error_category(*this);
    set("scheduler.max-threads", 2);
    set("scheduler.policy", caf::atom("sharing"));
    set("logger.verbosity", caf::atom("quiet"));
  }
};

struct cycle_job {
  caf::actor network;
  size_t index = 0;
  size_t made = 0;
  clock::time_point deadline;
  latencies lat;
};

void cycle_step(caf::event_based_actor* self, std::shared_ptr<cycle_job> job,
                caf::actor sink) {
  if (clock::now() >= job->deadline) {
    self->send(sink, done_atom::value);
    self->quit();
    return;
  }
  port_request req;
  req.project_id = "bench";
  req.network_id = "net";
  req.device_id = "vm-" + std::to_string(job->index) + "-"
                  + std::to_string(job->made++);
  req.request_id = "req-bench";
  auto sent = clock::now();
  self->request(job->network, 60s, port_attach_atom::value, req)
    .then(
      [self, job, sink, sent](port_info& info) {
        self->request(job->network, 60s, port_delete_atom::value, info.id,
                      std::string{"req-bench"})
          .then(
            [self, job, sink, sent](bool) {
              job->lat.add(us_since(sent));
              cycle_step(self, job, sink);
            },
            [](caf::error& err) {
              std::fprintf(stderr, "delete failed: %s\n",
                           caf::to_string(err).c_str());
              std::abort();
            });
      },
      [](caf::error& err) {
        std::fprintf(stderr, "create failed: %s\n", caf::to_string(err).c_str());
        std::abort();
      });
}

void bench_port_cycle(const bench_options& opts, reporter& out, bool fsync,
                      size_t clients) {
  scratch_dir dir{opts.dir};
  auto opened = store::open_rocksdb_event_store({.path = dir.path(), .sync = fsync});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
    std::exit(1);
  }
  auto st = std::move(*opened);
  auto pool = std::make_unique<blocking_pool>("bench-pool", 2);
  bench_config cfg;
  auto sys = std::make_unique<caf::actor_system>(cfg);
  auto shared = std::make_shared<shared_registry>(segment_ranges{});
  actor::region_options ropts;
  ropts.kind = std::string{registry_aggregate::kind};
  ropts.spawn = make_registry_spawner({st.get(), pool.get(), 1000, shared});
  auto region = actor::spawn_region(*sys, std::move(ropts));
  auto client = std::make_shared<network_client>(*sys, region, caf::actor{}, shared);
  auto network = spawn_network_actor(*sys, client);
  {
    std::promise<status> ready;
    client->submit("", {}, [](const registry& r) -> result<events> {
      pb::Network n;
      n.mutable_meta()->set_id("net");
      n.mutable_meta()->set_project_id("bench");
      auto out = r.decide_create_network(n);
      if (!out) {
        return out;
      }
      pb::Subnet s;
      s.mutable_meta()->set_id("subnet");
      s.set_network_id("net");
      s.set_ip_version(4);
      s.set_cidr("10.0.0.0/16");
      s.set_gateway_ip("10.0.0.1");
      registry scratch;
      for (auto& e : *out) {
        scratch.apply(e);
      }
      auto sub = scratch.decide_create_subnet(s);
      out->insert(out->end(), sub->begin(), sub->end());
      return out;
    }, "req-setup", [&](status s) { ready.set_value(s); });
    if (auto s = ready.get_future().get(); !s.ok()) {
      std::fprintf(stderr, "setup failed: %s\n", s.describe().c_str());
      std::exit(1);
    }
  }
  caf::scoped_actor sink{*sys};
  std::vector<std::shared_ptr<cycle_job>> jobs;
  auto start = clock::now();
  for (size_t i = 0; i < clients; ++i) {
    auto job = std::make_shared<cycle_job>();
    job->network = network;
    job->index = i;
    job->deadline = start + opts.seconds_per_case;
    jobs.push_back(job);
    strato::actor::spawn_function(*sys, [job, s = caf::actor{sink}](caf::event_based_actor* self) {
      cycle_step(self, job, s);
    });
  }
  for (size_t i = 0; i < clients; ++i) {
    sink->receive([](done_atom) {});
  }
  auto seconds = std::chrono::duration<double>(clock::now() - start).count();
  latencies all;
  for (auto& j : jobs) {
    all.merge(j->lat);
  }
  auto n = all.size();
  out.add({"network",
           std::string{"port_cycle/"} + (fsync ? "fsync" : "nosync") + "/"
             + std::to_string(clients),
           static_cast<double>(n) / seconds, all.quantile(0.5),
           all.quantile(0.99),
           {{"driver", "noop"}, {"clients", std::to_string(clients)},
            {"fsync", fmt_bool(fsync)}}});
  caf::anon_send_exit(network, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(region, caf::exit_reason::user_shutdown);
  network = region = nullptr;
  client.reset();
  sys.reset();
  pool.reset();
  st.reset();
}

} // namespace

int run_network(const bench_options& opts, reporter& out) {
  bench_ipam(out, "10.0.0.0/16");
  bench_ipam(out, "fd00::/112");
  bench_registry_ports(out, opts);
  for (bool fsync : {false, true}) {
    for (size_t clients : {1, 32}) {
      bench_port_cycle(opts, out, fsync, clients);
    }
  }
  return 0;
}

} // namespace strato::bench
