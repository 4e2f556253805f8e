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
  scheduler->add_option("--plot", opts.plot,
                        "write a PNG of decisions/s and p99 against host count");
  auto* network = app.add_subcommand(
    "network", "port create+delete/s and IP allocations/s on a /16");
  auto* images = app.add_subcommand(
    "images", "image upload/download MB/s through the API against cp");
  auto* volumes = app.add_subcommand(
    "volumes", "volume create+delete/s with the file and fake drivers");
  auto* churn = app.add_subcommand(
    "churn", "server boot+delete cycles/s through the instance entities");
  auto* ovs = app.add_subcommand(
    "ovs", "network driver port plug+unplug/s: noop and a private ovsdb-server");
  auto* hypervisor = app.add_subcommand(
    "hypervisor", "spawn+destroy/s: fake and libvirt test drivers, via the agent");
  auto* cluster = app.add_subcommand(
    "cluster", "boot+delete/s through a controller with remote compute hosts");
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
  if (*network || *all) {
    rc |= run_network(opts, out);
  }
  if (*images || *all) {
    rc |= run_images(opts, out);
  }
  if (*volumes || *all) {
    rc |= run_volumes(opts, out);
  }
  if (*churn || *all) {
    rc |= run_churn(opts, out);
  }
  if (*ovs || *all) {
    rc |= run_ovs(opts, out);
  }
  if (*hypervisor || *all) {
    rc |= run_hypervisor(opts, out);
  }
  if (*cluster || *all) {
    rc |= run_cluster(opts, out);
  }
  return rc;
}
