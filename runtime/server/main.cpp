// strato: the command-line entry point. `strato serve` runs an all-in-one
// node until SIGINT or SIGTERM.

#include <csignal>
#include <cstdio>

#include <pthread.h>

#include <spdlog/spdlog.h>

#include "runtime/core/logging.hpp"
#include "runtime/server/config.hpp"
#include "runtime/server/node.hpp"

namespace {

/// Blocks the stop signals in this thread and every thread it starts later,
/// so that only `sigwait` in main sees them.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

} // namespace

int main(int argc, char** argv) {
  auto command = strato::server::parse_command_line(argc, argv);
  if (!command.run) {
    return command.exit_code;
  }
  const auto& config = command.config;
  auto format = config.log_format == "json" ? strato::logging::format::json
                                            : strato::logging::format::text;
  if (auto st = strato::logging::init(config.log_level, format); !st.ok()) {
    std::fprintf(stderr, "strato: %s\n", st.message().c_str());
    return 2;
  }
  auto signals = block_stop_signals();
  auto started = strato::server::node::start(config);
  if (!started) {
    std::fprintf(stderr, "strato: %s\n", started.error().message().c_str());
    return 1;
  }
  auto& node = *started;
  if (node->public_url().empty()) {
    std::printf("strato: compute node joining %s\n", config.join.c_str());
    std::fflush(stdout);
  } else {
    spdlog::info("strato serving on {} (data in {})", node->public_url(),
                 config.data_dir);
  }
  if (auto clouds = node->clouds_yaml(); !clouds.empty()) {
    std::printf("strato: admin credentials are in %s; try\n"
                "  OS_CLIENT_CONFIG_FILE=%s openstack --os-cloud strato "
                "token issue\n",
                clouds.c_str(), clouds.c_str());
  }
  if (!node->public_url().empty()) {
    std::printf("strato: listening on %s\n", node->public_url().c_str());
    std::fflush(stdout);
  }
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {} received, stopping", received);
  node->stop();
  return 0;
}
