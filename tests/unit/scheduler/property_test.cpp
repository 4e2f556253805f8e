// Seeded random claims, replacements, frees and interleaved decisions; after
// every step each provider's usage must equal the sum of the allocations
// against it and stay within capacity.

#include <doctest/doctest.h>

#include <map>
#include <random>

#include "tests/unit/scheduler/cloud_fixture.hpp"

using namespace strato;
using namespace strato::scheduler;
using namespace strato::scheduler::testing;

namespace {

const std::vector<std::string> classes{"VCPU", "MEMORY_MB", "DISK_GB"};

class workload {
public:
  explicit workload(uint64_t seed) : rng_(seed) {
    for (int i = 0; i < 12; ++i) {
      c_.add_host("h" + std::to_string(i),
                  {.vcpus = 4 + static_cast<int64_t>(rng_() % 8),
                   .ram_mb = 4096 * (1 + static_cast<int64_t>(rng_() % 4)),
                   .disk_gb = i % 3 == 0 ? 0 : 100,
                   .aggregates = {"rack"}});
      providers_.push_back("h" + std::to_string(i));
    }
    c_.add_pool("pool", 300, "rack");
    providers_.push_back("pool");
  }

  void step() {
    switch (rng_() % 10) {
      case 0:
      case 1:
      case 2:
        claim(1 + rng_() % 3);
        break;
      case 3:
      case 4:
        replace();
        break;
      case 5:
      case 6:
        free();
        break;
      default:
        decide_concurrently(1 + rng_() % 6);
    }
  }

  void check_invariants() const {
    std::map<std::pair<std::string, std::string>, int64_t> sums;
    const auto& ps = c_.state.placement();
    for (auto& uuid : live_) {
      const auto* con = ps.find_consumer(uuid);
      REQUIRE(con != nullptr);
      for (auto& l : con->lines) {
        sums[{ps.get(l.provider).uuid, ps.resource_classes().name(l.rc)}] += l.amount;
      }
    }
    CHECK(ps.consumer_count() == live_.size());
    for (auto& p : providers_) {
      for (const auto& inv : ps.inventories(*ps.find_provider(p))) {
        auto rc = ps.resource_classes().name(inv.rc);
        auto expected = sums[{p, rc}];
        REQUIRE_MESSAGE(inv.used == expected, p << " " << rc);
        REQUIRE_MESSAGE(inv.used <= inv.capacity, p << " " << rc);
      }
    }
  }

  [[nodiscard]] size_t live() const {
    return live_.size();
  }
  [[nodiscard]] uint64_t conflicts() const {
    return conflicts_;
  }

private:
  consumer_allocation random_allocation(const std::string& uuid) {
    consumer_allocation ca{uuid, "p" + std::to_string(rng_() % 3), "u", {}};
    auto host = providers_[rng_() % (providers_.size() - 1)];
    provider_allocation pa{host, {}, {}};
    for (auto& rc : classes) {
      if (rng_() % 2 == 0) {
        pa.resources.push_back({rc, 1 + static_cast<int64_t>(rng_() % (rc == "VCPU" ? 4 : 2048))});
      }
    }
    if (pa.resources.empty()) {
      pa.resources.push_back({"VCPU", 1});
    }
    ca.allocations.push_back(pa);
    if (rng_() % 4 == 0) {
      ca.allocations.push_back({"pool", {}, {{"DISK_GB", 1 + static_cast<int64_t>(rng_() % 50)}}});
    }
    return ca;
  }

  void record(const status& st, const std::vector<std::string>& added) {
    if (st.ok()) {
      live_.insert(live_.end(), added.begin(), added.end());
    } else {
      REQUIRE_MESSAGE((st.code() == errc::conflict || st.code() == errc::invalid_argument),
                      st.describe());
      ++conflicts_;
    }
  }

  void claim(size_t consumers) {
    allocations_claimed change;
    std::vector<std::string> added;
    for (size_t i = 0; i < consumers; ++i) {
      added.push_back("vm-" + std::to_string(next_++));
      change.consumers.push_back(random_allocation(added.back()));
    }
    record(c_.state.apply(change), added);
  }

  void replace() {
    if (live_.empty()) {
      return;
    }
    auto uuid = live_[rng_() % live_.size()];
    auto generation = c_.state.placement().find_consumer(uuid)->generation;
    if (rng_() % 5 == 0) {
      --generation;
    }
    auto st = c_.state.apply(allocations_replaced{random_allocation(uuid), generation});
    record(st, {});
  }

  void free() {
    if (live_.empty() || rng_() % 8 == 0) {
      c_.must(allocations_freed{"unknown-" + std::to_string(rng_())});
      return;
    }
    auto i = rng_() % live_.size();
    c_.must(allocations_freed{live_[i]});
    live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(i));
  }

  // Several decisions on the same state, applied one after the other: later
  // ones may conflict, and must then change nothing.
  void decide_concurrently(size_t n) {
    std::vector<schedule_result> decided;
    scheduler_config cfg;
    cfg.claim_check = rng_() % 2 == 0 ? generation_check::exact
                                      : generation_check::configuration;
    cfg.host_subset_size = 3;
    for (size_t i = 0; i < n; ++i) {
      auto req = boot("vm-" + std::to_string(next_++),
                      {.vcpus = 1 + static_cast<int64_t>(rng_() % 3),
                       .memory_mb = 512 * (1 + static_cast<int64_t>(rng_() % 4)),
                       .root_gb = static_cast<int64_t>(rng_() % 40)});
      req.seed = rng_();
      decided.push_back(schedule(c_.state, req, cfg));
    }
    for (auto& d : decided) {
      if (d.ok()) {
        record(c_.state.apply(d.claim), {d.claim.consumers[0].consumer});
      }
    }
  }

  cloud c_;
  std::mt19937_64 rng_;
  std::vector<std::string> providers_;
  std::vector<std::string> live_;
  uint64_t next_ = 0;
  uint64_t conflicts_ = 0;
};

} // namespace

TEST_SUITE("actors/scheduler/property") {

TEST_CASE("usage always equals the sum of allocations and never exceeds capacity") {
  for (uint64_t seed : {1, 2, 3, 42}) {
    CAPTURE(seed);
    workload w{seed};
    for (int i = 0; i < 1500; ++i) {
      w.step();
      w.check_invariants();
    }
    CHECK(w.live() > 0);
    CHECK(w.conflicts() > 0);
  }
}

} // TEST_SUITE
