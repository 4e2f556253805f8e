// strato-bench eventstore: append throughput and latency of the RocksDB event
// store, with N logical writers each keeping one append in flight (as entity
// actors do), explicit multi-event batches, fsync on and off.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include <fmt/format.h>

#include "bench/benches.hpp"
#include "runtime/store/rocksdb_event_store.hpp"

namespace strato::bench {

namespace {

using clock = std::chrono::steady_clock;

struct store_case {
  int writers;
  int batch;
  bool fsync;
};

/// Each writer appends again from the completion of its previous append.
class load {
public:
  load(store::event_store& st, const store_case& c, clock::duration length)
    : store_(st), case_(c), deadline_(clock::now() + length),
      per_writer_(static_cast<size_t>(c.writers)) {
  }

  void run() {
    start_ = clock::now();
    for (int w = 0; w < case_.writers; ++w) {
      issue(w);
    }
    std::unique_lock lock{mutex_};
    cv_.wait(lock, [this] { return finished_ == case_.writers; });
    end_ = clock::now();
  }

  measurement result() {
    latencies all;
    for (auto& l : per_writer_) {
      all.merge(l);
    }
    auto seconds = std::chrono::duration<double>(end_ - start_).count();
    auto events = static_cast<double>(all.size()) * case_.batch;
    measurement m;
    m.bench = "eventstore";
    m.name = fmt::format("w{}/b{}/{}", case_.writers, case_.batch,
                         case_.fsync ? "fsync" : "nosync");
    m.ops_per_s = events / seconds;
    m.p50_us = all.quantile(0.50);
    m.p99_us = all.quantile(0.99);
    m.params = {{"writers", std::to_string(case_.writers)},
                {"batch", std::to_string(case_.batch)},
                {"fsync", fmt_bool(case_.fsync)},
                {"appends_per_s",
                 std::to_string(static_cast<uint64_t>(all.size() / seconds))},
                {"commit_batches", std::to_string(store_.stats().commit_batches)}};
    return m;
  }

private:
  void issue(int w) {
    store::append_request req{"bench/w" + std::to_string(w), store::any_version,
                              {}, "bench", ""};
    for (int i = 0; i < case_.batch; ++i) {
      req.events.push_back({"bench.Event", std::string(200, 'x')});
    }
    auto sent = clock::now();
    store_.append(std::move(req), [this, w, sent](auto res) {
      if (!res.ok()) {
        std::fprintf(stderr, "append failed: %s\n",
                     res.error().describe().c_str());
        std::abort();
      }
      auto now = clock::now();
      per_writer_[static_cast<size_t>(w)].add(
        std::chrono::duration<double, std::micro>(now - sent).count());
      if (now < deadline_) {
        issue(w);
      } else {
        std::lock_guard guard{mutex_};
        ++finished_;
        cv_.notify_one();
      }
    });
  }

  store::event_store& store_;
  store_case case_;
  clock::time_point deadline_;
  clock::time_point start_;
  clock::time_point end_;
  std::vector<latencies> per_writer_;
  std::mutex mutex_;
  std::condition_variable cv_;
  int finished_ = 0;
};

} // namespace

int run_eventstore(const bench_options& opts, reporter& out) {
  std::vector<store_case> cases;
  for (bool fsync : {true, false}) {
    for (int writers : {1, 64, 1024}) {
      cases.push_back({writers, 1, fsync});
    }
    for (int batch : {16, 256}) {
      cases.push_back({1, batch, fsync});
      cases.push_back({64, batch, fsync});
    }
  }
  for (auto& c : cases) {
    scratch_dir dir{opts.dir};
    auto opened = store::open_rocksdb_event_store(
      {.path = dir.path(), .sync = c.fsync});
    if (!opened) {
      std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
      return 1;
    }
    load l{**opened, c, opts.seconds_per_case};
    l.run();
    out.add(l.result());
  }
  return 0;
}

} // namespace strato::bench
