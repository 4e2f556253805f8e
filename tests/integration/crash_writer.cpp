// Appends to the event store as fast as it can from many threads and prints
// one line per acknowledged append: "<stream> <last_sequence>". The crash test
// kills it with SIGKILL at random moments and checks that every printed
// append survived. Each append carries 1-5 events "<batch>:<index>/<count>"
// so a partially visible batch can be detected.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "runtime/store/rocksdb_event_store.hpp"

using namespace strato;

namespace {

void write_line(const std::string& line) {
  // One write(2) per line: a line is either wholly in the pipe or not at all.
  auto n = ::write(STDOUT_FILENO, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) {
    std::_Exit(3);
  }
}

void run_writer(store::event_store& store, int index, unsigned seed) {
  std::mt19937 rng{seed + static_cast<unsigned>(index)};
  std::uniform_int_distribution<int> batch_size{1, 5};
  auto stream = "crash/w" + std::to_string(index);
  auto version = store.stream_version(stream);
  if (!version) {
    std::fprintf(stderr, "%s\n", version.error().describe().c_str());
    std::_Exit(2);
  }
  uint64_t expected = *version;
  for (uint64_t batch = expected + 1;; ++batch) {
    auto count = batch_size(rng);
    store::append_request req{stream, expected, {}, "crash-test", ""};
    for (int i = 1; i <= count; ++i) {
      req.events.push_back({"crash.Event", std::to_string(batch) + ":"
                                             + std::to_string(i) + "/"
                                             + std::to_string(count)});
    }
    auto res = store.append_and_wait(std::move(req));
    if (!res) {
      std::fprintf(stderr, "append failed: %s\n",
                   res.error().describe().c_str());
      std::_Exit(2);
    }
    expected = res->last_sequence;
    write_line(stream + " " + std::to_string(expected) + "\n");
  }
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR WRITERS SEED\n", argv[0]);
    return 2;
  }
  auto opened = store::open_rocksdb_event_store({.path = argv[1], .sync = true});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().describe().c_str());
    return 2;
  }
  auto writers = std::stoi(argv[2]);
  auto seed = static_cast<unsigned>(std::stoul(argv[3]));
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back(run_writer, std::ref(**opened), i, seed);
  }
  write_line("ready\n");
  for (auto& t : threads) {
    t.join(); // Never returns: the test kills us.
  }
}
