// strato-bench scheduler: decisions per second and decision latency of the
// placement and scheduling core (actors/scheduler/core) on fake clouds of
// 1,000, 10,000 and 100,000 hosts.
//
// The hosts are split over four shards, each a scheduler_state, as actors
// would own them. A request goes to one shard (round robin) and on to the
// next when a shard has no valid host.
//
// Concurrency N means N requests in flight at once: a round decides N
// requests against the shards' current state, then applies their claims one
// after another, so later claims of a round meet state that earlier ones
// changed and may conflict. A conflicting request decides again on the fresh
// state and claims at once (a retry). That is what requests see when they
// are decided on a read-only view and claimed through the shard's owner. One
// thread runs everything: ops/s is single-core throughput.
//
// Latency is one request's service time: its decisions and claims, retries
// included, but not the time spent behind the other requests of its round.
// ops/s counts requests finished (placed, or failed with "no valid host")
// per second of scheduler work: deciding, claiming and, in churn mode,
// freeing. Generating requests and creating server groups are not counted.
//
// Every cloud starts 40% full (by memory). Modes: "place" only places; after
// each further 20% of the cloud it frees what it placed, untimed, so the fill
// stays between 40% and 60%. "churn" frees a random instance for every one
// placed. Mixes: "plain" boots single instances; "groups" makes 30% of the
// requests multi-create boots of 2-4 instances into a new server group with
// one of the four policies.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "actors/scheduler/core/scheduler.hpp"
#include "bench/benches.hpp"

namespace strato::bench {

namespace {

namespace sch = strato::scheduler;
using clock = std::chrono::steady_clock;

constexpr uint32_t shard_count = 4;
constexpr int max_retries = 3;
constexpr double prefill = 0.4;
constexpr double place_span = 0.2;

struct sched_case {
  uint32_t hosts;
  uint32_t concurrency;
  bool groups;
  bool churn;
};

uint64_t scramble(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string fake_uuid(uint32_t kind, uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012llx", kind,
                static_cast<unsigned long long>(n));
  return buf;
}

const std::array<sch::flavor, 5>& flavors() {
  static const std::array<sch::flavor, 5> all{
    sch::flavor{.name = "m1.small", .vcpus = 1, .memory_mb = 2048, .root_gb = 20},
    sch::flavor{.name = "m1.medium", .vcpus = 2, .memory_mb = 4096, .root_gb = 40},
    sch::flavor{.name = "m1.large", .vcpus = 4, .memory_mb = 8192, .root_gb = 80},
    sch::flavor{.name = "m1.xlarge", .vcpus = 8, .memory_mb = 16384, .root_gb = 160},
    sch::flavor{.name = "c1.avx2",
                .vcpus = 4,
                .memory_mb = 8192,
                .root_gb = 40,
                .extra_specs = {{"trait:HW_CPU_X86_AVX2", "required"}}},
  };
  return all;
}

void must(sch::scheduler_state& s, const sch::change& c) {
  if (auto st = s.apply(c); !st.ok()) {
    std::fprintf(stderr, "setup failed: %s\n", st.describe().c_str());
    std::abort();
  }
}

/// Four shards of hosts with zones, AVX2 on half, a Ceph pool lending disk to
/// every tenth host, a few tenant-isolated, disabled and down hosts; filled to
/// `prefill` by direct claims.
class fake_cloud {
public:
  explicit fake_cloud(uint32_t hosts) : hosts_(hosts) {
    for (uint32_t s = 0; s < shard_count; ++s) {
      auto& st = shards[s];
      // Room for the prefill, the place mode's 20% and the groups' leftovers,
      // as an owner would reserve after replay.
      st.reserve_consumers(instances_for(0.8) / shard_count);
      for (int az = 0; az < 3; ++az) {
        must(st, sch::aggregate_metadata_set{"az-" + std::to_string(az),
                                             {{"availability_zone",
                                               "az-" + std::to_string(az)}}});
      }
      must(st, sch::aggregate_metadata_set{"isolated", {{"filter_tenant_id", "project-0"}}});
      auto pool = fake_uuid(0xceb, s);
      must(st, sch::provider_created{pool, "ceph-" + std::to_string(s), ""});
      must(st, sch::inventory_set{pool, 0, {{"DISK_GB", {.total = int64_t{1} << 40}}}});
      must(st, sch::traits_set{pool, 1, {std::string{sch::shares_via_aggregate_trait}}});
      must(st, sch::aggregates_set{pool, 2, {"ceph-" + std::to_string(s)}});
    }
    for (uint32_t g = 0; g < hosts; ++g) {
      add_host(g);
    }
  }

  uint32_t hosts() const {
    return hosts_;
  }
  /// About how many average instances fill `fraction` of the cloud's memory.
  uint64_t instances_for(double fraction) const {
    return static_cast<uint64_t>(fraction * hosts_ * 258048.0 / 7782.0);
  }

  std::array<sch::scheduler_state, shard_count> shards;
  std::array<std::vector<std::string>, shard_count> live;
  uint64_t next_instance = 0;

private:
  void add_host(uint32_t g) {
    auto& st = shards[g % shard_count];
    auto uuid = fake_uuid(0xc0de, g);
    // Attributes from a hash of the host number, so none lines up with shards.
    auto h = scramble(g);
    auto ceph = h % 10 == 0;
    must(st, sch::provider_created{uuid, "compute-" + std::to_string(g), ""});
    std::vector<sch::inventory_record> inv{
      {"VCPU", {.total = 48, .allocation_ratio = 4.0}},
      {"MEMORY_MB", {.total = 262144, .reserved = 4096}}};
    if (!ceph) {
      inv.push_back({"DISK_GB", {.total = 4000}});
    }
    must(st, sch::inventory_set{uuid, 0, inv});
    std::vector<std::string> traits{"HW_ARCH_X86_64"};
    if ((h >> 8) % 2 == 0) {
      traits.emplace_back("HW_CPU_X86_AVX2");
    }
    must(st, sch::traits_set{uuid, 1, traits});
    std::vector<std::string> aggs{"az-" + std::to_string((h >> 16) % 3)};
    if (ceph) {
      aggs.push_back("ceph-" + std::to_string(g % shard_count));
    }
    if ((h >> 24) % 50 == 0) {
      aggs.emplace_back("isolated");
    }
    must(st, sch::aggregates_set{uuid, 2, aggs});
    auto state = (h >> 32) % 200;
    if (state < 3) {
      must(st, sch::host_state_set{uuid, state != 0, state == 0, {}});
    }
    fill(st, g, uuid, ceph);
  }

  void fill(sch::scheduler_state& st, uint32_t g, const std::string& uuid, bool ceph) {
    auto target = static_cast<int64_t>(prefill * 258048);
    auto pool = fake_uuid(0xceb, g % shard_count);
    for (int64_t ram = 0;;) {
      const auto& f = flavors()[(g + next_instance) % 4];
      if (ram + f.memory_mb > target) {
        return;
      }
      ram += f.memory_mb;
      auto vm = fake_uuid(0xf111, next_instance++);
      sch::consumer_allocation ca{vm, "project-1", "user-1",
                                  {{uuid, {}, {{"VCPU", f.vcpus}, {"MEMORY_MB", f.memory_mb}}}}};
      if (ceph) {
        ca.allocations.push_back({pool, {}, {{"DISK_GB", f.root_gb}}});
      } else {
        ca.allocations[0].resources.push_back({"DISK_GB", f.root_gb});
      }
      must(st, sch::allocations_claimed{{ca}});
      live[g % shard_count].push_back(vm);
    }
  }

  uint32_t hosts_;
};

struct in_flight {
  sch::schedule_request req;
  uint32_t shard = 0;
  sch::schedule_result decided;
  double us = 0;
};

/// Runs one case against a cloud and leaves the cloud as full as it found it
/// (in place mode) or as full give or take churn noise.
class load {
public:
  load(fake_cloud& cloud, const sched_case& c, std::chrono::milliseconds length)
    : cloud_(cloud), case_(c), length_(length), rng_(c.hosts * 31 + c.concurrency) {
  }

  measurement run() {
    auto budget = cloud_.instances_for(place_span);
    while (active_ < length_) {
      round();
      if (!case_.churn && placed_total_ >= budget) {
        free_placed();
      }
    }
    if (!case_.churn) {
      free_placed();
    }
    return result();
  }

private:
  using seconds = std::chrono::duration<double>;

  void round() {
    batch_.resize(case_.concurrency);
    for (auto& f : batch_) {
      f.req = make_request();
      f.shard = next_shard_++ % shard_count;
      f.us = 0;
    }
    auto start = clock::now();
    for (auto& f : batch_) {
      decide(f);
    }
    uint64_t placed = 0;
    for (auto& f : batch_) {
      placed += claim(f);
    }
    if (case_.churn) {
      for (uint64_t i = 0; i < placed; ++i) {
        free_random();
      }
    }
    active_ += clock::now() - start;
  }

  /// Decides on the request's shard, moving on while shards have no host.
  void decide(in_flight& f) {
    for (uint32_t tried = 0; tried < shard_count; ++tried) {
      auto t0 = clock::now();
      f.decided = sch::schedule(cloud_.shards[f.shard], f.req, cfg_);
      f.us += std::chrono::duration<double, std::micro>(clock::now() - t0).count();
      ++decisions_;
      examined_ += f.decided.report.examined;
      if (f.decided.error.code() != errc::not_found) {
        return;
      }
      f.shard = (f.shard + 1) % shard_count;
    }
  }

  uint64_t claim(in_flight& f) {
    for (int attempt = 0; f.decided.ok(); ++attempt) {
      auto t0 = clock::now();
      auto st = cloud_.shards[f.shard].apply(f.decided.claim);
      f.us += std::chrono::duration<double, std::micro>(clock::now() - t0).count();
      if (st.ok()) {
        latencies_.add(f.us);
        for (auto& ca : f.decided.claim.consumers) {
          cloud_.live[f.shard].push_back(ca.consumer);
        }
        placed_now_[f.shard] += f.decided.claim.consumers.size();
        placed_total_ += f.decided.claim.consumers.size();
        return f.decided.claim.consumers.size();
      }
      ++conflicts_;
      if (attempt == max_retries) {
        break;
      }
      ++retries_;
      decide(f);
    }
    latencies_.add(f.us);
    ++failed_;
    return 0;
  }

  void free_random() {
    auto shard = static_cast<uint32_t>(rng_() % shard_count);
    auto& live = cloud_.live[shard];
    if (live.empty()) {
      return;
    }
    std::swap(live[rng_() % live.size()], live.back());
    must(cloud_.shards[shard], sch::allocations_freed{live.back()});
    live.pop_back();
  }

  /// Frees, untimed, what this case placed. Place mode frees nothing else,
  /// so those instances are the newest of each shard's live list.
  void free_placed() {
    for (uint32_t shard = 0; shard < shard_count; ++shard) {
      auto& live = cloud_.live[shard];
      for (; placed_now_[shard] > 0; --placed_now_[shard]) {
        must(cloud_.shards[shard], sch::allocations_freed{live.back()});
        live.pop_back();
      }
    }
    placed_total_ = 0;
  }

  sch::schedule_request make_request() {
    sch::schedule_request req;
    auto flavor_at = rng_() % flavors().size();
    req.flavor = flavors()[flavor_at];
    req.project_id = "project-" + std::to_string(rng_() % 50);
    req.user_id = "user-1";
    req.seed = rng_() | 1;
    if (rng_() % 10 < 4) {
      req.availability_zone = "az-" + std::to_string(rng_() % 3);
    }
    if (rng_() % 10 < 3) {
      req.image_properties = {{"hw_architecture", "x86_64"}};
    }
    auto count = case_.groups && rng_() % 10 < 3 ? 2 + rng_() % 3 : 1;
    for (uint64_t i = 0; i < count; ++i) {
      req.instance_uuids.push_back(fake_uuid(0xf111, cloud_.next_instance++));
    }
    req.min_count = static_cast<uint32_t>(count);
    if (count > 1) {
      req.server_group = fake_uuid(0x9009, cloud_.next_instance);
      auto policy = static_cast<sch::group_policy>(rng_() % 4);
      for (auto& shard : cloud_.shards) {
        must(shard, sch::server_group_set{req.server_group, policy, req.instance_uuids});
      }
    }
    ++requests_;
    return req;
  }

  measurement result() {
    auto secs = seconds(active_).count();
    measurement m;
    m.bench = "scheduler";
    m.name = "h" + std::to_string(case_.hosts) + "/c" + std::to_string(case_.concurrency)
             + (case_.groups ? "/groups" : "/plain") + (case_.churn ? "/churn" : "/place");
    m.ops_per_s = static_cast<double>(requests_) / secs;
    m.p50_us = latencies_.quantile(0.50);
    m.p99_us = latencies_.quantile(0.99);
    m.params = {{"hosts", std::to_string(case_.hosts)},
                {"concurrency", std::to_string(case_.concurrency)},
                {"mix", case_.groups ? "groups" : "plain"},
                {"mode", case_.churn ? "churn" : "place"},
                {"requests", std::to_string(requests_)},
                {"conflicts", std::to_string(conflicts_)},
                {"retries", std::to_string(retries_)},
                {"no_valid_host", std::to_string(failed_)},
                {"examined_per_decision",
                 std::to_string(examined_ / std::max<uint64_t>(decisions_, 1))}};
    return m;
  }

  fake_cloud& cloud_;
  sched_case case_;
  std::chrono::milliseconds length_;
  std::mt19937_64 rng_;
  sch::scheduler_config cfg_;
  clock::duration active_{};
  latencies latencies_;
  std::vector<in_flight> batch_;
  std::array<uint64_t, shard_count> placed_now_{};
  uint64_t placed_total_ = 0;
  uint32_t next_shard_ = 0;
  uint64_t requests_ = 0;
  uint64_t conflicts_ = 0;
  uint64_t retries_ = 0;
  uint64_t failed_ = 0;
  uint64_t decisions_ = 0;
  uint64_t examined_ = 0;
};

} // namespace

int run_scheduler(const bench_options& opts, reporter& out) {
  std::vector<uint32_t> sizes{1000, 10000, 100000};
  std::vector<uint32_t> concurrency{1, 16, 256};
  auto length = opts.seconds_per_case;
  if (opts.quick) {
    sizes = {1000};
    concurrency = {1, 16};
    length = std::min(length, std::chrono::milliseconds{200});
  }
  std::vector<measurement> all;
  for (auto hosts : sizes) {
    fake_cloud cloud{hosts};
    for (auto churn : {false, true}) {
      for (auto groups : {false, true}) {
        for (auto c : concurrency) {
          load l{cloud, {hosts, c, groups, churn}, length};
          all.push_back(l.run());
          out.add(all.back());
        }
      }
    }
  }
  auto actor_opts = opts;
  actor_opts.seconds_per_case = length;
  auto rc = run_scheduler_actors(actor_opts, out);
  if (!opts.plot.empty()) {
    rc |= plot_scheduler(all, opts.plot);
  }
  return rc;
}

} // namespace strato::bench
