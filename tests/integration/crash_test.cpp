#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "runtime/store/rocksdb_event_store.hpp"
#include "tests/support/temp_dir.hpp"

using namespace strato;

namespace {

unsigned test_seed() {
  if (auto* env = std::getenv("STRATO_SEED")) {
    return static_cast<unsigned>(std::stoul(env));
  }
  return std::random_device{}();
}

/// A running crash writer with its stdout pipe.
struct writer_process {
  pid_t pid = -1;
  int out = -1;
  std::string buffered;

  /// Reads whatever is available (blocking for at least one byte unless EOF).
  bool read_some() {
    char buf[65536];
    auto n = ::read(out, buf, sizeof buf);
    if (n <= 0) {
      return false;
    }
    buffered.append(buf, static_cast<size_t>(n));
    return true;
  }
};

writer_process start_writer(const std::string& dir, int writers, unsigned seed) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  writer_process proc;
  proc.pid = ::fork();
  REQUIRE(proc.pid >= 0);
  if (proc.pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    auto w = std::to_string(writers);
    auto s = std::to_string(seed);
    ::execl(STRATO_CRASH_WRITER, STRATO_CRASH_WRITER, dir.c_str(), w.c_str(),
            s.c_str(), nullptr);
    std::_Exit(127);
  }
  ::close(fds[1]);
  proc.out = fds[0];
  return proc;
}

/// stream -> highest acknowledged version, from the writer's output lines.
void collect_acks(const std::string& text,
                  std::map<std::string, uint64_t>& acked, size_t& lines) {
  std::istringstream in{text};
  std::string stream;
  std::string version;
  while (in >> stream) {
    if (stream == "ready") {
      continue;
    }
    in >> version;
    auto v = std::stoull(version);
    auto& slot = acked[stream];
    REQUIRE(v > slot); // Acks of one stream come in order.
    slot = v;
    ++lines;
  }
}

void verify_store(const std::string& dir,
                  const std::map<std::string, uint64_t>& acked) {
  auto opened = store::open_rocksdb_event_store({.path = dir, .sync = true});
  REQUIRE_MESSAGE(opened.ok(), opened.error().describe());
  auto& st = **opened;
  // Global log: dense positions 1..last, each matching its stream entry.
  auto log = st.read_log(1, UINT64_MAX);
  REQUIRE(log.ok());
  REQUIRE(log->size() == st.last_position());
  std::map<std::string, uint64_t> next_seq;
  for (uint64_t i = 0; i < log->size(); ++i) {
    auto& ev = (*log)[i];
    REQUIRE(ev.position == i + 1);
    REQUIRE(ev.sequence == ++next_seq[ev.stream]);
  }
  for (auto& [stream, version] : next_seq) {
    auto events = st.read_stream(stream, 1);
    REQUIRE(events.ok());
    REQUIRE(events->size() == version);
    REQUIRE(*st.stream_version(stream) == version);
    // Batches are whole: "<batch>:<i>/<n>" runs i = 1..n without a cut.
    int expect_index = 1;
    int expect_count = 0;
    for (auto& ev : *events) {
      auto colon = ev.payload.find(':');
      auto slash = ev.payload.find('/');
      auto index = std::stoi(ev.payload.substr(colon + 1, slash - colon - 1));
      auto count = std::stoi(ev.payload.substr(slash + 1));
      if (expect_index == 1) {
        expect_count = count;
      }
      REQUIRE(index == expect_index);
      REQUIRE(count == expect_count);
      expect_index = index == count ? 1 : index + 1;
    }
    REQUIRE_MESSAGE(expect_index == 1, "partial batch visible in " << stream);
  }
  for (auto& [stream, version] : acked) {
    REQUIRE_MESSAGE(next_seq[stream] >= version,
                    stream << " acknowledged " << version << " but holds "
                           << next_seq[stream]);
  }
}

} // namespace

TEST_SUITE("integration/crash") {

TEST_CASE("every acknowledged append survives SIGKILL at random moments") {
  auto seed = test_seed();
  INFO("STRATO_SEED=" << seed);
  MESSAGE("crash test seed " << seed);
  std::mt19937 rng{seed};
  std::uniform_int_distribution<int> acks_before_kill{1, 3000};
  std::uniform_int_distribution<int> extra_delay_us{0, 20000};
  testing::temp_dir dir;
  std::map<std::string, uint64_t> acked;
  size_t total_acks = 0;
  constexpr int rounds = 20;
  for (int round = 0; round < rounds; ++round) {
    auto proc = start_writer(dir.str(), 32, seed + round);
    size_t round_acks = 0;
    auto target = static_cast<size_t>(acks_before_kill(rng));
    // Read acks until the random target, then kill mid-stream.
    while (round_acks < target && proc.read_some()) {
      auto last_newline = proc.buffered.rfind('\n');
      if (last_newline == std::string::npos) {
        continue;
      }
      collect_acks(proc.buffered.substr(0, last_newline + 1), acked,
                   round_acks);
      proc.buffered.erase(0, last_newline + 1);
    }
    std::this_thread::sleep_for(std::chrono::microseconds{extra_delay_us(rng)});
    ::kill(proc.pid, SIGKILL);
    int wstatus = 0;
    ::waitpid(proc.pid, &wstatus, 0);
    REQUIRE_MESSAGE(WIFSIGNALED(wstatus),
                    "writer exited by itself with status " << wstatus);
    // Acks already in the pipe were given before death: they count too.
    while (proc.read_some()) {
    }
    ::close(proc.out);
    collect_acks(proc.buffered, acked, round_acks);
    total_acks += round_acks;
    verify_store(dir.str(), acked);
  }
  MESSAGE(rounds << " kills, " << total_acks << " acknowledged appends verified");
  CHECK(total_acks > 0);
}

} // TEST_SUITE
