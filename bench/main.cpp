// strato-bench: Strato's benchmarks. Every subcommand prints a table, or with
// --json one JSON object per measured case.

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "bench/benches.hpp"

namespace strato::bench {

scratch_dir::scratch_dir(const std::string& parent) {
  std::filesystem::create_directories(parent);
  auto pattern = parent + "/strato-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(1);
  }
  path_ = pattern;
}

scratch_dir::~scratch_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

} // namespace strato::bench

int main(int argc, char** argv) {
  using namespace strato::bench;
  CLI::App app{"strato-bench: measure Strato's components"};
  bench_options opts;
  opts.dir = (std::filesystem::current_path() / "bench-data").string();
  bool json = false;
  int64_t ms = 2000;
  app.add_flag("--json", json, "one JSON object per measured case");
  app.add_option("--dir", opts.dir, "scratch directory on the disk under test");
  app.add_option("--ms", ms, "duration of each timed case in milliseconds");
  app.add_flag("--quick", opts.quick, "smaller sizes, for smoke runs");
  app.require_subcommand(1);
  auto* eventstore = app.add_subcommand("eventstore", "event store appends");
  auto* entities = app.add_subcommand(
    "entities", "entity activation, replay and command round trips");
  auto* tokens = app.add_subcommand(
    "tokens", "identity token issue and validation, password hashing");
  auto* http = app.add_subcommand(
    "http", "authenticated API requests/s through the HTTP front");
  auto* scheduler = app.add_subcommand(
    "scheduler", "placement decisions/s on fake clouds of 1k-100k hosts");
  auto* all = app.add_subcommand("all", "every benchmark");
  CLI11_PARSE(app, argc, argv);
  opts.seconds_per_case = std::chrono::milliseconds{ms};
  reporter out{json};
  int rc = 0;
  if (*eventstore || *all) {
    rc |= run_eventstore(opts, out);
  }
  if (*entities || *all) {
    rc |= run_entities(opts, out);
  }
  if (*tokens || *all) {
    rc |= run_tokens(opts, out);
  }
  if (*http || *all) {
    rc |= run_http(opts, out);
  }
  if (*scheduler || *all) {
    rc |= run_scheduler(opts, out);
  }
  return rc;
}
